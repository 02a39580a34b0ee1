// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <optional>
#include <string>

class QTcpSocket;

namespace switchyard::cli {

// A small blocking HTTP/1.1 client for the core's local API: by default one
// request per connection ("Connection: close"); with setKeepAlive() one
// connection is reused (and redialled once when the server dropped it).
// Every step is bounded by the timeout. Used by `switchyard api` and the
// agent session; needs no event loop.
class ApiClient
{
public:
    struct Reply
    {
        int status = 0;
        std::string body;
    };

    // `address` is HOST:PORT ([v6]:PORT allowed); `apiKey` empty sends no
    // Authorization header.
    ApiClient(std::string address, std::string apiKey, int timeoutMs = 10000);
    ~ApiClient();

    void setKeepAlive(bool keepAlive) { m_keepAlive = keepAlive; }
    // A header sent with every request, e.g. {"Switchyard-Session", id}.
    void addHeader(const std::string &name, const std::string &value);

    // Sends the request; nullopt when no server answered in time (the
    // reason is in error()). A JSON body is sent with its Content-Type.
    std::optional<Reply> send(const std::string &method, const std::string &target, const std::string &jsonBody = {});
    const std::string &error() const { return m_error; }

    // An API error reply as text: its msg and [error_code], then one
    // "SOURCE:LINE:COLUMN: SEVERITY: MESSAGE" line per policy diagnostic.
    static std::string errorText(const Reply &reply, const std::string &policySource);

private:
    std::optional<Reply> exchange(const std::string &method, const std::string &target, const std::string &jsonBody,
                                  bool &answered);

    std::string m_address;
    std::string m_apiKey;
    int m_timeoutMs;
    std::string m_error;
    std::string m_extraHeaders;
    bool m_keepAlive = false;
    std::unique_ptr<QTcpSocket> m_socket;
};

} // namespace switchyard::cli
