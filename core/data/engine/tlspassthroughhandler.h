// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/routingsnapshot.h"

#include <asio/ip/tcp.hpp>

#include <memory>
#include <string>

namespace switchyard {

// THE SEAM for tls:// endpoints (core/data/l4 implements it): the edge-https
// listener peeked the ClientHello, found a public tls:// pool for its SNI and
// hands the connection over without terminating TLS. `consumed` holds the
// bytes already read from the socket (the whole ClientHello so far); send
// them to the chosen upstream before splicing the rest. Called on the worker
// thread that owns the socket's io_context; must not block. The snapshot is
// the one the route was chosen from (pick the member from it).
class TlsPassthroughHandler
{
public:
    virtual ~TlsPassthroughHandler() = default;
    virtual void passthrough(asio::ip::tcp::socket socket, std::string consumed,
                             std::shared_ptr<const EndpointPool> pool,
                             std::shared_ptr<const RoutingSnapshot> snapshot) = 0;
};

} // namespace switchyard
