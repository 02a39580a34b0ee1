// SPDX-License-Identifier: Apache-2.0
#include "control/api/agentapi.h"

#include "control/api/apiendpointfields.h"
#include "control/api/apipolicycheck.h"
#include "control/api/endpointjson.h"
#include "control/api/jsonbody.h"
#include "control/endpointregistry.h"
#include "model/idgenerator.h"

#include <QJsonArray>
#include <QString>

#include <array>

namespace switchyard {

namespace {

constexpr std::array<std::string_view, 8> EndpointFields{
    "name", "url", "upstream", "traffic_policy", "pooling_enabled", "bindings", "description", "metadata"};
constexpr std::array<std::string_view, 2> UpstreamFields{"url", "protocol"};

QJsonObject zeroCounters(bool withGauge)
{
    QJsonObject counters{{"count", 0}, {"rate1", 0}, {"rate5", 0}, {"rate15", 0},
                         {"p50", 0},   {"p90", 0},   {"p95", 0},   {"p99", 0}};
    if (withGauge)
        counters.insert("gauge", 0);
    return counters;
}

} // namespace

AgentApi::AgentApi(EndpointRegistry &registry, Options options)
    : m_registry(registry), m_options(std::move(options)), m_guard(m_options.allowHosts)
{
}

QJsonObject AgentApi::zeroMetrics()
{
    return QJsonObject{{"conns", zeroCounters(true)}, {"http", zeroCounters(false)}};
}

void AgentApi::addRoutes(ApiRouter &router)
{
    router.add("GET", "/api/endpoints", [this](const ApiRequest &r, const RouteParams &) { return list(r); });
    router.add("POST", "/api/endpoints", [this](const ApiRequest &r, const RouteParams &) { return create(r); });
    router.add("GET", "/api/endpoints/{name}",
               [this](const ApiRequest &r, const RouteParams &p) { return get(r, p["name"]); });
    router.add("PUT", "/api/endpoints/{name}",
               [this](const ApiRequest &r, const RouteParams &p) { return upsert(r, p["name"]); });
    router.add("DELETE", "/api/endpoints/{name}",
               [this](const ApiRequest &r, const RouteParams &p) { return remove(r, p["name"]); });
    router.add("GET", "/api/status", [this](const ApiRequest &r, const RouteParams &) { return status(r); });
    if (m_options.sessions)
        addSessionRoutes(router);
}

std::optional<ApiError> AgentApi::guard(const ApiRequest &request, bool expectsBody) const
{
    if (!m_guard.allows(request.host))
        return ApiError{403, ApiErrorCode::HostNotAllowed,
                        "The Host '" + request.host + "' is not allowed: the agent API answers only loopback names "
                            "and addresses, and the hosts listed in agent.api_allow_hosts."};
    if (!expectsBody && !request.body.empty())
        return ApiError{400, ApiErrorCode::UnexpectedBody,
                        "The " + request.method + " request does not expect a body, but one was sent."};
    if (!request.query().empty())
        return ApiError{400, ApiErrorCode::UnknownParameter,
                        "The query '" + std::string(request.query()) + "' has parameters this route does not take."};
    return std::nullopt;
}

EndpointPtr AgentApi::findByName(const RoutingSnapshot &snapshot, const std::string &name) const
{
    for (const EndpointPtr &endpoint : snapshot.endpoints())
        if (endpoint->type == EndpointType::Agent && endpoint->accountId == Account::DefaultId
            && EndpointJson::agentName(*endpoint) == name)
            return endpoint;
    return nullptr;
}

ApiResponse AgentApi::list(const ApiRequest &request)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    QJsonArray endpoints;
    // The snapshot must outlive the loop: a temporary in the range would
    // die before the body runs.
    const auto snapshot = m_registry.snapshot();
    for (const EndpointPtr &endpoint : snapshot->endpoints())
        if (endpoint->type == EndpointType::Agent && endpoint->accountId == Account::DefaultId)
            endpoints.append(endpointJson(*endpoint));
    return ApiResponse::json(200, QJsonObject{{"endpoints", endpoints}, {"uri", "/api/endpoints"}});
}

ApiResponse AgentApi::get(const ApiRequest &request, const std::string &name)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    const EndpointPtr endpoint = findByName(*m_registry.snapshot(), name);
    if (!endpoint)
        return ApiError{404, ApiErrorCode::NotFound, "No agent endpoint named '" + name + "'."}.toResponse();
    QJsonObject object = endpointJson(*endpoint);
    object.insert("metrics", m_options.metrics ? m_options.metrics(*endpoint) : zeroMetrics());
    return ApiResponse::json(200, object);
}

std::variant<Endpoint, ApiError> AgentApi::readEndpoint(const ApiRequest &request, const std::string &name) const
{
    auto parsed = JsonBody::parse(request.body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return std::move(*error);
    JsonBody &body = std::get<JsonBody>(parsed);
    const EndpointFieldValues f = ApiEndpointFields::read(body, EndpointFields, true);
    if (const auto &error = body.firstError())
        return *error;

    std::string endpointName = name;
    if (name.empty()) {
        if (!f.name || f.name->empty())
            body.fail("name", "an agent endpoint needs a name", ApiErrorCode::MissingField);
        else
            endpointName = *f.name;
    } else if (f.name && *f.name != name) {
        body.fail("name", "\"" + *f.name + "\" does not match the name in the path, '" + name + "'");
    }
    if (!f.url && !body.firstError())
        body.fail("url", "give the endpoint's URL, e.g. \"https://app.localhost\" or \"https://example.internal\"",
                  ApiErrorCode::MissingField);
    std::string upstreamUrl;
    if (!f.upstream && !body.firstError())
        body.fail("upstream", "give the upstream, e.g. {\"url\": \"8080\"}", ApiErrorCode::MissingField);
    if (f.upstream && !body.firstError()) {
        for (auto it = f.upstream->begin(); it != f.upstream->end(); ++it)
            if (std::find(UpstreamFields.begin(), UpstreamFields.end(), it.key().toStdString()) == UpstreamFields.end())
                body.fail("upstream." + it.key().toStdString(), "unknown field; known fields: url, protocol");
        const QJsonValue url = f.upstream->value("url");
        const QJsonValue protocol = f.upstream->value("protocol");
        if (url.isString())
            upstreamUrl = url.toString().toStdString();
        else if (url.isDouble() && url.toDouble() == static_cast<double>(url.toInt()))
            upstreamUrl = std::to_string(url.toInt()); // {"url": 8080}, as a config file may write it
        else
            body.fail("upstream.url", url.isUndefined() ? "missing; e.g. \"8080\" or \"http://localhost:8080\""
                                                        : "expected a string such as \"8080\"",
                      url.isUndefined() ? ApiErrorCode::MissingField : ApiErrorCode::InvalidField);
        if (!protocol.isUndefined() && !protocol.isNull() && protocol != QJsonValue("http1"))
            body.fail("upstream.protocol", "only \"http1\" is supported");
    }
    ApiEndpointFields::checkLengths(body, f.description, f.metadata);
    std::optional<EndpointUrl> url;
    if (f.url && !body.firstError())
        url = ApiEndpointFields::url(body, "url", *f.url, false, ApiErrorCode::InvalidField);
    std::optional<Binding> binding;
    if (url)
        binding = ApiEndpointFields::binding(body, *url, f.bindings);
    std::optional<Upstream> parsedUpstream;
    if (url && !body.firstError()) {
        auto up = Upstream::parse(upstreamUrl, url->scheme());
        if (!up)
            body.fail("upstream.url", "\"" + upstreamUrl + "\": " + up.message());
        else
            parsedUpstream = *up;
    }
    if (const auto &error = body.firstError())
        return *error;

    Endpoint endpoint;
    endpoint.name = endpointName;
    endpoint.accountId = Account::DefaultId;
    endpoint.type = EndpointType::Agent;
    endpoint.url = *url;
    endpoint.binding = *binding;
    endpoint.upstream = parsedUpstream;
    endpoint.poolingEnabled = f.poolingEnabled.value_or(false);
    endpoint.trafficPolicy = f.trafficPolicy.value_or("");
    endpoint.description = f.description.value_or("");
    endpoint.metadata = f.metadata.value_or("");
    return endpoint;
}

std::variant<EndpointPtr, ApiError> AgentApi::commit(Endpoint candidate, EndpointPtr previous)
{
    const auto snapshot = m_registry.snapshot();
    if (previous) {
        candidate.id = previous->id;
        candidate.createdAt = previous->createdAt;
        candidate.updatedAt = std::chrono::system_clock::now();
    } else {
        candidate.id = IdGenerator::endpointId();
    }
    if (auto invalid = ApiPolicyCheck::check(candidate, *snapshot, m_options.compiler))
        return std::move(*invalid);
    RegistryChange change;
    if (previous)
        change.removeIds.push_back(previous->id);
    change.add.push_back(std::move(candidate));
    auto applied = m_registry.apply(std::move(change));
    if (!applied) {
        const bool conflict = applied.error().code == EndpointRegistry::ConflictCode
                              || applied.message().find("already exists") != std::string::npos;
        return ApiError{conflict ? 409 : 400, conflict ? ApiErrorCode::EndpointConflict : ApiErrorCode::InvalidField,
                        applied.message()};
    }
    return applied->front();
}

ApiResponse AgentApi::create(const ApiRequest &request)
{
    if (auto error = guard(request, true))
        return error->toResponse();
    auto read = readEndpoint(request, {});
    if (auto *error = std::get_if<ApiError>(&read))
        return error->toResponse();
    Endpoint &endpoint = std::get<Endpoint>(read);
    auto session = requestSession(request);
    if (auto *error = std::get_if<ApiError>(&session))
        return error->toResponse();
    if (findByName(*m_registry.snapshot(), endpoint.name))
        return ApiError{409, ApiErrorCode::EndpointConflict,
                        "An agent endpoint named '" + endpoint.name + "' already exists; PUT /api/endpoints/"
                            + endpoint.name + " replaces it."}
            .toResponse();
    auto committed = commit(std::move(endpoint), nullptr);
    if (auto *error = std::get_if<ApiError>(&committed))
        return error->toResponse();
    if (auto error = bindToSession(std::get<std::string>(session), std::get<EndpointPtr>(committed)))
        return error->toResponse();
    return ApiResponse::json(201, endpointJson(*std::get<EndpointPtr>(committed)));
}

ApiResponse AgentApi::upsert(const ApiRequest &request, const std::string &name)
{
    if (auto error = guard(request, true))
        return error->toResponse();
    auto read = readEndpoint(request, name);
    if (auto *error = std::get_if<ApiError>(&read))
        return error->toResponse();
    auto session = requestSession(request);
    if (auto *error = std::get_if<ApiError>(&session))
        return error->toResponse();
    const EndpointPtr previous = findByName(*m_registry.snapshot(), name);
    auto committed = commit(std::move(std::get<Endpoint>(read)), previous);
    if (auto *error = std::get_if<ApiError>(&committed))
        return error->toResponse();
    if (auto error = bindToSession(std::get<std::string>(session), std::get<EndpointPtr>(committed)))
        return error->toResponse();
    return ApiResponse::json(previous ? 200 : 201, endpointJson(*std::get<EndpointPtr>(committed)));
}

ApiResponse AgentApi::remove(const ApiRequest &request, const std::string &name)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    const EndpointPtr endpoint = findByName(*m_registry.snapshot(), name);
    if (!endpoint)
        return ApiError{404, ApiErrorCode::NotFound, "No agent endpoint named '" + name + "'."}.toResponse();
    if (auto removed = m_registry.remove(endpoint->id); !removed)
        return ApiError{404, ApiErrorCode::NotFound, "No agent endpoint named '" + name + "'."}.toResponse();
    if (m_options.sessions)
        m_options.sessions->detach(endpoint->id);
    return ApiResponse::noContent();
}

ApiResponse AgentApi::status(const ApiRequest &request)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    QJsonObject object{{"status", "online"},
                       {"agent_version", SWITCHYARD_VERSION},
                       {"session", QJsonObject{{"legs", QJsonArray{}}}},
                       {"uri", "/api/status"}};
    // How an attaching `switchyard http` tells this core from another agent.
    if (m_options.sessions)
        object.insert("sessions_uri", "/api/sessions");
    return ApiResponse::json(200, object);
}

} // namespace switchyard
