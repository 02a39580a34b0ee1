// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/tlsfacts.h"

#include <memory>
#include <string>

struct ssl_st;

namespace switchyard {

// Reads a finished handshake into TlsFacts (conn.tls.*). Cheap: the
// version, suite, ALPN and resumption are copied, the certificates are only
// referenced and described when a policy reads them.
class TlsFactsReader
{
public:
    // `ssl`: a server-side connection whose handshake completed; `sni`: the
    // name the connection was routed by (the ClientHello's, normalized);
    // `byAction`: terminate-tls's settings made the handshake.
    static std::shared_ptr<const TlsFacts> read(ssl_st *ssl, std::string sni, bool byAction);
};

} // namespace switchyard
