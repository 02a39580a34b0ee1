// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/enginelimits.h"

#include <string>

namespace switchyard {

// How an Engine starts (CONTRACT.md global flags). Addresses are
// "host:port"; port 0 picks a free port (tests); an empty address turns that
// listener off.
struct EngineOptions
{
    std::string edgeHttp = "127.0.0.1:7080";
    std::string edgeHttps = "127.0.0.1:7443";
    std::string apiAddr = "127.0.0.1:4040";
    // Data-plane I/O threads; 0 = one per CPU core.
    int workers = 0;
    // Holds the local CA (DATA_DIR/ca). Empty: no TLS termination (the
    // edge-https listener still routes tls:// passthrough).
    std::string dataDir;
    // Host for the dedicated listener of a public URL with an explicit port
    // whose host is a name (an IP-literal host is bound as given).
    std::string dedicatedBindHost = "127.0.0.1";
    EngineLimits limits;
    // Verify https:// upstream certificates (off by default, like ngrok).
    bool upstreamTlsVerify = false;
    // PEM file of the CAs trusted when verifying; the system store when
    // empty (--upstream-tls-verify-cas).
    std::string upstreamTlsVerifyCas;
};

} // namespace switchyard
