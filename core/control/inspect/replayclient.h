// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <chrono>
#include <functional>
#include <string>

namespace switchyard {

// Sends one request to one of our own listeners on 127.0.0.1 over a real
// socket (TLS with SNI when `tls`, the certificate checked against
// `caFile` for `serverName` when one is given), so a replay takes the same
// path as any client request, policy included. Blocking, bounded by `timeout`; reads until the server
// closes (the request should say Connection: close).
class ReplayClient
{
public:
    struct Target
    {
        int port = 0;
        bool tls = false;
        std::string serverName; // SNI
        // PEM file of the CA our listeners' certificates chain to (the
        // local CA); empty: the certificate is not checked.
        std::string caFile;
    };

    // connected(localAddress) runs after connect and before the first
    // byte is sent, e.g. to announce the replay to the CaptureWriter.
    // Returns the raw response bytes.
    static Result<std::string> send(const Target &target, const std::string &request,
                                    const std::function<void(const std::string &localAddress)> &connected,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(30));
};

} // namespace switchyard
