// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/localservice.h"
#include "data/http/httprequestparser.h"

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <memory>
#include <string>

namespace switchyard {

// One connection to the local service on --api-addr: a thin HTTP/1.1
// adapter that reads whole requests (bodies up to MaxBodySize), answers
// GET /healthz itself and asks the route table for everything else. Runs
// on the engine's API thread, one request at a time, keep-alive.
class LocalServiceSession final : public std::enable_shared_from_this<LocalServiceSession>,
                                  private HttpRequestHandler
{
public:
    static constexpr std::size_t MaxBodySize = 1024 * 1024;

    LocalServiceSession(asio::ip::tcp::socket socket, std::shared_ptr<const LocalServiceHandler> handler);
    LocalServiceSession(const LocalServiceSession &) = delete;
    LocalServiceSession &operator=(const LocalServiceSession &) = delete;

    void start();

    // The answer for one request (healthz, the route table, or 404).
    static LocalServiceResponse answer(const LocalServiceRequest &request, const LocalServiceHandler *handler);

private:
    void read();
    void feed(std::size_t offset, std::size_t size);
    void respond();
    void write(bool closeAfter);
    void armTimer();

    void onRequestHead(HttpRequestHead head) override;
    void onBody(std::string_view data) override;
    void onTrailers(HttpHeaders) override {}
    void onMessageComplete() override { m_complete = true; }

    asio::ip::tcp::socket m_socket;
    asio::steady_timer m_timer;
    std::shared_ptr<const LocalServiceHandler> m_handler;
    HttpRequestParser m_parser;
    std::array<char, 8192> m_in{};
    std::size_t m_pendingOffset = 0;
    std::size_t m_pendingSize = 0;
    LocalServiceRequest m_request;
    bool m_keepAlive = true;
    bool m_complete = false;
    bool m_tooLarge = false;
    std::string m_out;
};

} // namespace switchyard
