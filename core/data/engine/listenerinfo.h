// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "model/endpointtypes.h"

#include <string>

namespace switchyard {

// What a listening socket serves; shared (immutable) by its connections.
struct ListenerInfo
{
    enum class Kind {
        EdgeHttp,       // public http:// endpoints, by Host
        EdgeHttps,      // public https:// (terminated) and tls:// (passthrough), by SNI
        DedicatedHttp,  // one public http:// URL with an explicit port
        DedicatedHttps, // public https:// (and tls://) URLs with this explicit port, by SNI
        DedicatedTls,   // public tls:// URLs with this explicit port and no https:// one, by SNI
        Api,            // the local service (--api-addr)
    };

    Kind kind = Kind::EdgeHttp;
    std::string address; // bound "host:port" (the real port when 0 was asked)
    int port = 0;
    // The URL port endpoints on this listener have: 80/443 on the edge
    // listeners (a URL without a port), the listener's own port otherwise.
    int routePort = 0;

    bool tls() const { return kind == Kind::EdgeHttps || kind == Kind::DedicatedHttps || kind == Kind::DedicatedTls; }
    bool edge() const { return kind == Kind::EdgeHttp || kind == Kind::EdgeHttps; }
    Scheme httpScheme() const { return tls() ? Scheme::Https : Scheme::Http; }
    static const char *kindName(Kind kind);
};

} // namespace switchyard
