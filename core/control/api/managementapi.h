// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/apierror.h"
#include "control/api/apirouter.h"
#include "control/routingsnapshot.h"

#include <QJsonObject>

#include <chrono>
#include <functional>
#include <string>
#include <variant>

namespace switchyard {

class AgentSessions;
class EndpointRegistry;
class ExpressionCompiler;
class JsonBody;
class Store;

// The reference-shaped management API (ngrok-semantics.md §4):
//   POST /endpoints, GET /endpoints, GET|PATCH|DELETE /endpoints/{id}.
// Every request needs "Authorization: Bearer <api key>"; a key sees and
// manages only its account's endpoints. Cloud endpoints are created and
// changed here (persisted in the Store, applied to the EndpointRegistry
// all-or-nothing); agent endpoints are listed read-only.
//
// Thread affinity: the core thread (it uses the Store).
class ManagementApi
{
public:
    using Clock = std::chrono::system_clock;

    struct Options
    {
        // Checks CEL expressions in policies; nullptr checks only their shape.
        const ExpressionCompiler *compiler = nullptr;
        // For created_at/updated_at; tests pass a fake.
        std::function<Clock::time_point()> clock;
        // For `uri` fields when a request has no Host header.
        std::string fallbackBaseUrl = "http://127.0.0.1:4040";
        // For agent endpoints' tunnel_session; nullptr: always null.
        // ApiService fills it from the agent API's.
        const AgentSessions *sessions = nullptr;
    };

    ManagementApi(Store &store, EndpointRegistry &registry, Options options);

    void addRoutes(ApiRouter &router);

    ApiResponse list(const ApiRequest &request);
    ApiResponse create(const ApiRequest &request);
    ApiResponse get(const ApiRequest &request, const std::string &id);
    ApiResponse update(const ApiRequest &request, const std::string &id);
    ApiResponse remove(const ApiRequest &request, const std::string &id);

private:
    struct Caller
    {
        std::string accountId;
        std::string baseUrl;
    };

    struct Target
    {
        Caller caller;
        EndpointPtr endpoint;
    };

    // Version, content type, body presence, query, then the key.
    std::variant<Caller, ApiError> admit(const ApiRequest &request, bool expectsBody, bool allowsQuery);
    std::variant<std::string, ApiError> authenticate(const ApiRequest &request);
    std::variant<EndpointPtr, ApiError> find(const RoutingSnapshot &snapshot, const Caller &caller,
                                             const std::string &id, bool forChange) const;
    // admit(), then the endpoint `id` as find() gives it.
    std::variant<Target, ApiError> admitTarget(const ApiRequest &request, const std::string &id, bool expectsBody,
                                               bool forChange);
    // commit(), answered with the endpoint object and `status`.
    ApiResponse commitAndRespond(const Endpoint &candidate, EndpointPtr previous, const Caller &caller, int status);
    // Validates the policy, checks conflicts, then applies to the registry and
    // the store; on any failure both are left as they were.
    std::variant<EndpointPtr, ApiError> commit(const Endpoint &candidate, EndpointPtr previous);
    Clock::time_point now() const;
    QJsonObject endpointJson(const Endpoint &endpoint, const Caller &caller) const;

    Store &m_store;
    EndpointRegistry &m_registry;
    Options m_options;
};

} // namespace switchyard
