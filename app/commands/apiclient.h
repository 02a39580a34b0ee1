// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

namespace switchyard::cli {

// A small blocking HTTP/1.1 client for the core's local API: one request per
// connection ("Connection: close"), every step bounded by the timeout. Used
// by `switchyard api`; needs no event loop.
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

    // Sends the request; nullopt when no server answered in time (the
    // reason is in error()). A JSON body is sent with its Content-Type.
    std::optional<Reply> send(const std::string &method, const std::string &target, const std::string &jsonBody = {});
    const std::string &error() const { return m_error; }

private:
    std::string m_address;
    std::string m_apiKey;
    int m_timeoutMs;
    std::string m_error;
};

} // namespace switchyard::cli
