// SPDX-License-Identifier: Apache-2.0
#pragma once

// The exchange model the PolicyExecutor works on: what is known about one
// connection, its request and (in on_http_response) its response. Actions
// edit it in place (headers, URL, vars); the engine maps it to and from
// the wire, the simulator builds it from a description.

#include "data/http/httpheaders.h"
#include "policy/cel/value.h"
#include "policy/exec/policyfiredrule.h"
#include "policy/exec/tlsfacts.h"
#include "policy/exec/tlsterminationsettings.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace switchyard {

struct PolicyHttpCall;

struct PolicyRequest
{
    std::string method = "GET";
    std::string url; // absolute: scheme://host[:port]/path[?query]
    std::string version = "HTTP/1.1";
    HttpHeaders headers; // ordered, multi-valued
    std::string body;
};

struct PolicyResponse
{
    int statusCode = 200;
    HttpHeaders headers;
    std::string body;
};

struct PolicyConnection
{
    std::string clientIp = "127.0.0.1";
    int clientPort = 0;
    std::string serverIp = "127.0.0.1";
    int serverPort = 0;
    // TLS: empty when the connection is not TLS. `tls` (set once the
    // handshake is done) wins over the loose fields, which describe a
    // connection before its handshake (the ClientHello's SNI) or a simulated
    // one. Without either, conn.tls is absent.
    std::shared_ptr<const TlsFacts> tls;
    std::string tlsVersion;
    std::string tlsCipherSuite;
    std::string sni;
    std::string alpn;
    std::chrono::system_clock::time_point start{};
};

struct PolicyExchange
{
    PolicyConnection connection;
    PolicyRequest request;
    std::optional<PolicyResponse> response; // on_http_response only

    // The endpoint whose policy runs (endpoint.* variables).
    std::string endpointId;
    std::string endpointUrl; // "https://app.example.com"

    std::chrono::system_clock::time_point now{}; // time.now; epoch = "use the clock"

    // vars.*: set by set-vars; the executor starts each phase run empty
    // (reference §6.3: vars are scoped to the policy and the phase) and
    // leaves what the phase set here.
    std::vector<std::pair<std::string, cel::Value>> vars;
    // What `log` actions recorded, in order.
    std::vector<PolicyLogEntry> logs;
    // The rules that fired, in order, over every phase run on this exchange.
    std::vector<PolicyFiredRule> fired;

    // Body actions. The engine streams response bodies unless a policy
    // needs them whole: false means response->body is empty because the
    // body streams (response-body-find-replace then does nothing). The
    // simulator's bodies are always whole.
    bool responseBodyWhole = true;
    // compress-response: the coding the body gets on its way out ("gzip",
    // "deflate", "br"); the action already set the headers. Empty: none.
    std::string responseCoding;
    // terminate-tls (on_tcp_connect): how the engine terminates this
    // connection's TLS; unset means as before (tls:// passes through).
    std::optional<TlsTerminationSettings> tlsTermination;

    // http-request (policyhttpcall.h): the call a suspended phase waits for,
    // and the actions.ngrok.* results kept over the suspension.
    std::shared_ptr<PolicyHttpCall> httpCall;
    std::vector<std::pair<std::string, cel::Value>> actionResults;
};

} // namespace switchyard
