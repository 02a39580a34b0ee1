// SPDX-License-Identifier: Apache-2.0
#include "commands/headlessapi.h"

#include "control/api/agentsessions.h"
#include "control/api/apikeyfile.h"
#include "control/api/apiservice.h"
#include "control/api/inspectorapi.h"
#include "control/api/storeloader.h"
#include "control/inspect/capturequeue.h"
#include "control/inspect/capturestore.h"
#include "control/inspect/capturewriter.h"
#include "control/inspect/trafficmetrics.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "data/engine/engine.h"

#include <atomic>
#include <filesystem>
#include "policy/celexpressioncompiler.h"

namespace switchyard::cli {

struct HeadlessApi::State
{
    std::unique_ptr<Store> store;
    CelExpressionCompiler compiler;
    std::unique_ptr<AgentSessions> sessions;
    std::unique_ptr<ApiService> service;
    // Inspector; the writer is declared after what it uses so it stops first.
    TrafficMetrics metrics;
    std::shared_ptr<CaptureQueue> queue;
    std::unique_ptr<CaptureStore> captures;
    std::unique_ptr<CaptureWriter> writer;
    std::unique_ptr<InspectorApi> inspector;
    std::atomic<const Engine *> engine{nullptr};
};

namespace {

// The listener serving `endpointUrl`: its dedicated one, else the edge
// listener of its scheme.
std::optional<ReplayClient::Target> replayTarget(const Engine *engine, const std::string &endpointUrl)
{
    auto url = EndpointUrl::parse(endpointUrl);
    if (!engine || !url)
        return std::nullopt;
    ReplayClient::Target target;
    target.tls = url->scheme() == Scheme::Https;
    target.serverName = url->host();
    if (target.tls)
        target.caFile = engine->caCertificatePath();
    target.port = engine->dedicatedPort(*url);
    if (target.port == 0) {
        if (url->scheme() == Scheme::Http)
            target.port = engine->edgeHttpPort();
        else if (url->scheme() == Scheme::Https)
            target.port = engine->edgeHttpsPort();
    }
    if (target.port <= 0)
        return std::nullopt;
    return target;
}

} // namespace

HeadlessApi::HeadlessApi(std::unique_ptr<State> state, int loaded)
    : m_state(std::move(state))
    , m_loaded(loaded)
{
}

HeadlessApi::~HeadlessApi() = default;

Result<std::unique_ptr<HeadlessApi>> HeadlessApi::open(const std::string &dataDir, const std::string &apiAddr,
                                                       EndpointRegistry &registry, const EngineLimits &limits,
                                                       const std::vector<std::string> &allowHosts)
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
    options.agent.allowHosts = allowHosts;
    state->sessions = std::make_unique<AgentSessions>(registry);
    state->sessions->startReaper();
    options.agent.sessions = state->sessions.get();
    TrafficMetrics *metrics = &state->metrics;
    options.agent.metrics = [metrics](const Endpoint &endpoint) { return metrics->json(endpoint.url.toString()); };
    state->service = std::make_unique<ApiService>(*state->store, registry, std::move(options));

    CaptureStore::Options retention;
    retention.maxRecords = limits.inspectMaxRequests;
    retention.maxBytes = limits.inspectDbSize;
    auto captures = CaptureStore::open((std::filesystem::path(dataDir) / "inspect.db").string(), retention);
    if (!captures)
        return makeError("cannot open the capture store in " + dataDir + ": " + captures.message());
    state->captures = std::move(*captures);
    state->queue = std::make_shared<CaptureQueue>(CaptureQueue::DefaultCapacity, &state->metrics);
    state->queue->setEnabled(limits.inspectDbSize > 0);
    state->writer = std::make_unique<CaptureWriter>(*state->queue, *state->captures);
    InspectorApi::Options inspectorOptions;
    inspectorOptions.allowHosts = allowHosts;
    State *raw = state.get();
    inspectorOptions.replayTarget = [raw](const std::string &url) { return replayTarget(raw->engine.load(), url); };
    inspectorOptions.droppedCaptures = [raw] { return raw->queue->dropped(); };
    state->inspector = std::make_unique<InspectorApi>(*state->captures, *state->writer, state->metrics,
                                                      std::move(inspectorOptions));
    state->inspector->addRoutes(state->service->router());
    return std::unique_ptr<HeadlessApi>(new HeadlessApi(std::move(state), *loaded));
}

std::shared_ptr<CaptureSink> HeadlessApi::captureSink() const
{
    return m_state->queue;
}

void HeadlessApi::setAllowHosts(const std::vector<std::string> &allowHosts)
{
    m_state->service->setAllowHosts(allowHosts);
    m_state->inspector->setAllowHosts(allowHosts);
}

void HeadlessApi::attachEngine(const Engine *engine)
{
    m_state->engine.store(engine);
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
