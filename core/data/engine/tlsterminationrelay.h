// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/prefixedsocket.h"
#include "data/l4/upstreamdialer.h"
#include "data/l4/upstreamtarget.h"

#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

struct ssl_ctx_st;

namespace switchyard {

// One tls:// connection whose on_tcp_connect ran terminate-tls: completes
// the TLS handshake with the client (the ClientHello the listener consumed
// is fed back first), then dials the upstream and relays the decrypted
// bytes both ways. A failed handshake (versions, a client certificate the
// strategy refuses) ends with OpenSSL's alert and never reaches the
// upstream. A FIN from one side is passed on as a TCP half-close to the
// other (the client gets no close_notify); when both have ended, or after
// idleTimeout without traffic, both are closed. Runs on the client
// socket's executor (one thread per io_context, as the engine's workers).
class TlsTerminationRelay : public std::enable_shared_from_this<TlsTerminationRelay>
{
public:
    struct Options
    {
        UpstreamTarget target;
        std::string endpointUrl; // for the stderr line when the dial fails
        DialOptions dial;
        std::chrono::milliseconds handshakeTimeout = std::chrono::seconds(10);
        std::chrono::milliseconds idleTimeout = std::chrono::minutes(5);
    };
    using Completion = std::function<void()>;

    // `done` runs once on the executor when both sockets are closed.
    static void start(asio::ip::tcp::socket client, std::string consumed, std::shared_ptr<ssl_ctx_st> context,
                      Options options, Completion done);

    ~TlsTerminationRelay();
    TlsTerminationRelay(const TlsTerminationRelay &) = delete;
    TlsTerminationRelay &operator=(const TlsTerminationRelay &) = delete;

private:
    using Buffer = std::array<char, 16 * 1024>;

    TlsTerminationRelay(asio::ip::tcp::socket client, std::string consumed, std::shared_ptr<ssl_ctx_st> context,
                        Options options, Completion done);
    void handshake();
    void dial();
    void clientToUpstream();
    void upstreamToClient();
    // One direction ended: half-close `toSocket`; both ended: finish.
    void endedTowards(asio::ip::tcp::socket &toSocket);
    // One direction: read `from`, write all of it to `to`, then `again`.
    template<typename From, typename To>
    void pump(From &from, To &to, Buffer &buffer, bool &ended, asio::ip::tcp::socket &toSocket,
              void (TlsTerminationRelay::*again)());
    void armTimer(std::chrono::steady_clock::duration after);
    void finish();

    std::shared_ptr<ssl_ctx_st> m_context;
    asio::ssl::stream<PrefixedSocket> m_tls;
    asio::ip::tcp::socket m_upstream;
    asio::steady_timer m_timer;
    Options m_options;
    Completion m_done;
    std::chrono::steady_clock::time_point m_lastActivity;
    Buffer m_up{};
    Buffer m_down{};
    bool m_relaying = false;
    bool m_upEnded = false;
    bool m_downEnded = false;
    bool m_finished = false;
};

} // namespace switchyard
