// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpheaders.h"

#include <functional>
#include <optional>
#include <string>

namespace switchyard {

// One request to the local service on --api-addr, fully read (bodies are
// bounded by LocalServiceServer::MaxBodySize).
struct LocalServiceRequest
{
    std::string method;
    std::string path;  // without the query
    std::string query; // without '?'
    HttpHeaders headers;
    std::string body;
    std::string clientIp;
};

struct LocalServiceResponse
{
    int status = 200;
    HttpHeaders headers; // content-length and connection are set by the server
    std::string body;
};

// THE SEAM for the management/agent/inspector APIs: a route table. Runs on
// the engine's API thread (never a data-plane worker), so it may take locks
// and touch the store. Return nullopt for "no such route": the server then
// answers 404. GET /healthz is answered before the handler is asked.
using LocalServiceHandler = std::function<std::optional<LocalServiceResponse>(const LocalServiceRequest &)>;

} // namespace switchyard
