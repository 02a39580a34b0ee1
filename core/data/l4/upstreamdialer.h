// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

// A standard header before asio's (see data/l4/splice.h).
#include <cstddef>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace switchyard {

struct DialOptions
{
    // The whole dial, resolution included (Envoy's default; nginx waits 60 s).
    std::chrono::milliseconds connectTimeout = std::chrono::seconds(5);
    // When an address has not answered after this long, the next one is
    // tried in parallel (RFC 8305 "connection attempt delay").
    std::chrono::milliseconds attemptDelay = std::chrono::milliseconds(250);
};

// Why a dial failed; the Error's message says it in words and names the
// address, its code is always UpstreamDialer::UnreachableCode.
enum class DialFailure { Resolve, Refused, Timeout, Unreachable, Cancelled, Other };

const char *toString(DialFailure failure);

// Resolves and connects to one upstream host:port on a given executor.
//
// "localhost" and IP literals are not resolved: localhost means 127.0.0.1
// then ::1, because local development servers bind one or the other and a
// refused loopback connect costs microseconds. Other names go through the
// system resolver. Addresses are tried in order; each later address starts
// when the previous one failed or after attemptDelay (happy eyeballs, lite),
// and the first connection wins. Failures map to ngrok's ERR_NGROK_8012
// ("could not connect to the upstream ADDR"), here ERR_SWITCHYARD_8012.
//
// The callback runs exactly once on the executor. The dialer keeps itself
// alive until then; the pointer from dial() is only needed for cancel().
class UpstreamDialer : public std::enable_shared_from_this<UpstreamDialer>
{
public:
    static constexpr const char *UnreachableCode = "ERR_SWITCHYARD_8012";

    struct Outcome
    {
        Result<asio::ip::tcp::socket> socket;
        DialFailure failure = DialFailure::Other; // meaningful only on error
    };
    using Handler = std::function<void(Outcome outcome)>;

    static std::shared_ptr<UpstreamDialer> dial(asio::any_io_executor executor, std::string host, int port,
                                                DialOptions options, Handler handler);

    // Ends the dial with DialFailure::Cancelled unless it already finished.
    // Safe from any thread.
    void cancel();

    // "host:port", or "[v6]:port" for an IPv6 literal; used in messages.
    static std::string displayAddress(const std::string &host, int port);

    UpstreamDialer(const UpstreamDialer &) = delete;
    UpstreamDialer &operator=(const UpstreamDialer &) = delete;

private:
    struct Attempt;

    UpstreamDialer(asio::any_io_executor executor, std::string host, int port, DialOptions options,
                   Handler handler);

    void begin();
    void connectAll(std::vector<asio::ip::tcp::endpoint> endpoints);
    void startNextAttempt();
    void attemptDone(const std::shared_ptr<Attempt> &attempt, std::error_code ec);
    void armAttemptTimer();
    void succeed(asio::ip::tcp::socket socket);
    void failWith(DialFailure failure, std::string why);

    asio::any_io_executor m_executor;
    std::string m_host;
    int m_port;
    DialOptions m_options;
    Handler m_handler;
    asio::ip::tcp::resolver m_resolver;
    asio::steady_timer m_deadline;
    asio::steady_timer m_attemptTimer;
    std::vector<asio::ip::tcp::endpoint> m_endpoints;
    std::size_t m_next = 0;
    std::vector<std::shared_ptr<Attempt>> m_running;
    std::error_code m_lastError;
    bool m_finished = false;
};

} // namespace switchyard
