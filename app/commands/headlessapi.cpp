// SPDX-License-Identifier: Apache-2.0
#include "commands/headlessapi.h"

#include "control/api/agentsessions.h"
#include "control/api/apikeyfile.h"
#include "control/api/apiservice.h"
#include "control/api/storeloader.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "policy/celexpressioncompiler.h"

namespace switchyard::cli {

struct HeadlessApi::State
{
    std::unique_ptr<Store> store;
    CelExpressionCompiler compiler;
    std::unique_ptr<AgentSessions> sessions;
    std::unique_ptr<ApiService> service;
};

HeadlessApi::HeadlessApi(std::unique_ptr<State> state, int loaded)
    : m_state(std::move(state))
    , m_loaded(loaded)
{
}

HeadlessApi::~HeadlessApi() = default;

Result<std::unique_ptr<HeadlessApi>> HeadlessApi::open(const std::string &dataDir, const std::string &apiAddr,
                                                       EndpointRegistry &registry)
{
    auto store = Store::open(dataDir);
    if (!store)
        return makeError("cannot open the store in " + dataDir + ": " + store.message());
    auto state = std::make_unique<State>();
    state->store = std::move(*store);
    auto loaded = StoreLoader::load(*state->store, registry);
    if (!loaded)
        return makeError("cannot load the stored endpoints: " + loaded.message());
    if (auto key = ApiKeyFile::ensureDefault(*state->store, dataDir); !key)
        return makeError(key.message());

    ApiService::Options options;
    options.management.compiler = &state->compiler;
    options.management.fallbackBaseUrl = "http://" + apiAddr;
    options.agent.compiler = &state->compiler;
    state->sessions = std::make_unique<AgentSessions>(registry);
    state->sessions->startReaper();
    options.agent.sessions = state->sessions.get();
    state->service = std::make_unique<ApiService>(*state->store, registry, std::move(options));
    return std::unique_ptr<HeadlessApi>(new HeadlessApi(std::move(state), *loaded));
}

LocalServiceHandler HeadlessApi::handler()
{
    ApiService *service = m_state->service.get();
    return [service](const LocalServiceRequest &request) -> std::optional<LocalServiceResponse> {
        ApiRequest api;
        api.method = request.method;
        api.target = request.query.empty() ? request.path : request.path + "?" + request.query;
        for (const HttpHeaderField &field : request.headers.fields())
            api.headers.emplace_back(field.name, field.value);
        api.body = request.body;
        api.peerAddress = request.clientIp;
        api.host = std::string(request.headers.value("host").value_or(""));

        ApiResponse answer = service->handle(api);
        LocalServiceResponse response;
        response.status = answer.status;
        for (const auto &[name, value] : answer.headers)
            response.headers.append(name, value);
        response.body = std::move(answer.body);
        return response;
    };
}

} // namespace switchyard::cli
