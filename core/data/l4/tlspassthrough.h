// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/l4/splice.h"
#include "data/l4/upstreamdialer.h"
#include "data/l4/upstreamtarget.h"
#include "data/tls/clienthellopeek.h"

// A standard header before asio's (see data/l4/splice.h).
#include <cstddef>

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace switchyard {

// What the router learns from the peeked ClientHello.
struct TlsClientHello
{
    std::string serverName; // lower-cased SNI; empty when the client sent none
    std::vector<std::string> alpn;
    asio::ip::tcp::endpoint remote;
};

// The router's answer for one connection.
struct TlsRoute
{
    enum class Action {
        Passthrough, // dial target, replay the ClientHello, splice
        Reject,      // TLS alert, then close
        HandOff,     // give the socket and the peeked bytes back (e.g. to terminate TLS)
    };
    Action action = Action::Reject;
    UpstreamTarget target; // Passthrough only

    static TlsRoute passthrough(UpstreamTarget target) { return {Action::Passthrough, std::move(target)}; }
    static TlsRoute reject() { return {}; }
    static TlsRoute handOff() { return {Action::HandOff, {}}; }
};

struct TlsPassthroughOptions
{
    // The whole ClientHello must arrive within this (ngrok: 3 s).
    std::chrono::milliseconds clientHelloTimeout = std::chrono::seconds(3);
    // Raw bytes buffered while peeking, record headers included. The peek
    // itself caps the handshake message at 16 KiB; this also bounds a
    // ClientHello cut into many tiny records.
    std::size_t maxClientHelloBytes = 64 * 1024;
    DialOptions dial;
    SpliceOptions splice;
};

// How a passthrough connection ended.
enum class TlsPassthroughEnd {
    Spliced,      // relayed; see splice
    Rejected,     // the router refused the SNI; an alert was sent
    HandedOff,    // the HandOff callback owns the socket now
    NotTls,       // the first bytes were not a TLS handshake; closed
    Malformed,    // broken or oversized ClientHello; decode_error alert
    Timeout,      // no complete ClientHello in time; closed
    ClientClosed, // the client went away before the ClientHello was complete
    DialFailed,   // the upstream could not be reached; closed (see error)
    Stopped,      // stop() was called
};

const char *toString(TlsPassthroughEnd end);

struct TlsPassthroughReport
{
    TlsPassthroughEnd end = TlsPassthroughEnd::Stopped;
    std::string serverName;
    UpstreamTarget target;
    std::string error; // NotTls/Malformed/DialFailed: why, in words
    SpliceStats splice;
};

// Routes one accepted TLS connection by SNI without terminating it: reads
// the ClientHello with ClientHelloPeek (bounded in time and size), asks the
// router, dials the chosen upstream, writes the peeked bytes to it first and
// then splices, so the client completes its handshake with the upstream and
// sees the upstream's own certificate.
//
// A refused SNI gets a fatal `unrecognized_name` alert (`handshake_failure`
// without SNI), written as a plaintext TLS record before any ServerHello,
// the way a terminating server would refuse it, and then the connection is
// closed. An HTTP error page is impossible here: the client speaks TLS to
// someone else's server and could not read it. Dial failures only close the
// connection (ngrok: "an error simply closes the connection").
//
// Runs on the client socket's executor (one thread at a time, as for
// Splice). `done` runs exactly once, on that executor. The object keeps
// itself alive until then.
class TlsPassthrough : public std::enable_shared_from_this<TlsPassthrough>
{
public:
    // Called on the executor once the ClientHello is complete.
    using Router = std::function<TlsRoute(const TlsClientHello &hello)>;
    // Takes over the socket for TlsRoute::HandOff; `peeked` holds every
    // byte read so far, to be fed to the TLS engine before the socket.
    using HandOff = std::function<void(asio::ip::tcp::socket socket, std::string peeked, TlsClientHello hello)>;
    using Completion = std::function<void(const TlsPassthroughReport &report)>;

    static std::shared_ptr<TlsPassthrough> start(asio::ip::tcp::socket client, TlsPassthroughOptions options,
                                                 Router router, Completion done, HandOff handOff = {});

    // Ends the connection with TlsPassthroughEnd::Stopped (or ends its
    // splice with SpliceEnd::Stopped). Safe from any thread.
    void stop();

    TlsPassthrough(const TlsPassthrough &) = delete;
    TlsPassthrough &operator=(const TlsPassthrough &) = delete;

    // Alert descriptions (RFC 8446 §6).
    static constexpr unsigned char AlertHandshakeFailure = 40;
    static constexpr unsigned char AlertDecodeError = 50;
    static constexpr unsigned char AlertUnrecognizedName = 112;

private:
    TlsPassthrough(asio::ip::tcp::socket client, TlsPassthroughOptions options, Router router, Completion done,
                   HandOff handOff);

    void begin();
    void readMore();
    void routeHello();
    void dialUpstream();
    void refuse(TlsPassthroughEnd end, unsigned char alert, std::string why);
    void lingerClose();
    void discardUntilClosed();
    void finish(TlsPassthroughEnd end, std::string error = {});

    asio::ip::tcp::socket m_client;
    asio::any_io_executor m_executor;
    TlsPassthroughOptions m_options;
    Router m_router;
    Completion m_done;
    HandOff m_handOff;
    asio::steady_timer m_timer;
    ClientHelloPeek m_peek;
    std::string m_peeked;
    std::unique_ptr<char[]> m_chunk;
    TlsPassthroughReport m_report;
    std::shared_ptr<UpstreamDialer> m_dialer;
    std::shared_ptr<Splice> m_splice;
    bool m_helloDone = false;
    bool m_finished = false;
};

} // namespace switchyard
