// SPDX-License-Identifier: Apache-2.0
#include "control/api/managementapi.h"

#include "control/api/agentsessions.h"
#include "control/api/apiendpointfields.h"
#include "control/api/apipolicycheck.h"
#include "control/api/apiquery.h"
#include "control/api/asciicase.h"
#include "control/api/endpointjson.h"
#include "control/api/jsonbody.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "model/idgenerator.h"

#include <QJsonArray>
#include <QString>

#include <algorithm>
#include <array>

namespace switchyard {

namespace {

constexpr std::string_view SupportedVersion = "2";
constexpr int MaxLimit = 100;

constexpr std::array<std::string_view, 7> CreateFields{"url",         "type",     "bindings",       "traffic_policy",
                                                       "description", "metadata", "pooling_enabled"};
constexpr std::array<std::string_view, 7> UpdateFields{"id",          "url",      "bindings",       "traffic_policy",
                                                       "description", "metadata", "pooling_enabled"};

std::string_view trim(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

ApiError internalError(const std::string &what, const Error &error)
{
    return ApiError{500, ApiErrorCode::Internal, "Could not " + what + ": " + error.message};
}

ApiResponse respond(const ApiError &error)
{
    ApiResponse response = error.toResponse();
    if (error.status == 401)
        response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
}

bool newerFirst(const EndpointPtr &a, const EndpointPtr &b)
{
    if (a->createdAt != b->createdAt)
        return a->createdAt > b->createdAt;
    return a->id > b->id;
}

std::optional<int> parseLimit(const std::string &text)
{
    if (text.empty() || text.size() > 3 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const int value = std::stoi(text);
    if (value < 1 || value > MaxLimit)
        return std::nullopt;
    return value;
}

} // namespace

ManagementApi::ManagementApi(Store &store, EndpointRegistry &registry, Options options)
    : m_store(store), m_registry(registry), m_options(std::move(options))
{
}

void ManagementApi::addRoutes(ApiRouter &router)
{
    router.add("GET", "/endpoints", [this](const ApiRequest &r, const RouteParams &) { return list(r); });
    router.add("POST", "/endpoints", [this](const ApiRequest &r, const RouteParams &) { return create(r); });
    router.add("GET", "/endpoints/{id}", [this](const ApiRequest &r, const RouteParams &p) { return get(r, p["id"]); });
    router.add("PATCH", "/endpoints/{id}",
               [this](const ApiRequest &r, const RouteParams &p) { return update(r, p["id"]); });
    router.add("DELETE", "/endpoints/{id}",
               [this](const ApiRequest &r, const RouteParams &p) { return remove(r, p["id"]); });
}

QJsonObject ManagementApi::endpointJson(const Endpoint &endpoint, const Caller &caller) const
{
    std::string session;
    if (m_options.sessions)
        session = m_options.sessions->sessionOf(endpoint.id).value_or(std::string());
    return EndpointJson::management(endpoint, caller.baseUrl, session);
}

ManagementApi::Clock::time_point ManagementApi::now() const
{
    const Clock::time_point t = m_options.clock ? m_options.clock() : Clock::now();
    // The store keeps milliseconds: what is returned must be what is reloaded.
    return std::chrono::floor<std::chrono::milliseconds>(t);
}

std::variant<std::string, ApiError> ManagementApi::authenticate(const ApiRequest &request)
{
    const auto header = request.header("Authorization");
    if (!header)
        return ApiError{401, ApiErrorCode::MissingAuthorization,
                        "The API requires an Authorization header: 'Authorization: Bearer <api key>'. The default "
                        "account's key is in DATA_DIR/api_key; `switchyard accounts keys create` makes more."};
    const std::string_view value = trim(*header);
    const auto space = value.find(' ');
    if (space == std::string_view::npos || !equalsIgnoringCase(value.substr(0, space), "Bearer"))
        return ApiError{401, ApiErrorCode::UnparsableAuthorization,
                        "The Authorization header could not be parsed; send 'Authorization: Bearer <api key>'."};
    const std::string_view key = trim(value.substr(space + 1));
    if (key.size() != Store::ApiKeyLength || !key.starts_with(Store::ApiKeyPrefix))
        return ApiError{401, ApiErrorCode::MalformedApiKey,
                        "The credential does not look like a Switchyard API key ('" + std::string(Store::ApiKeyPrefix)
                            + "' followed by 40 characters)."};
    auto account = m_store.accountForApiKey(key);
    if (!account)
        return internalError("check the API key", account.error());
    if (!*account)
        return ApiError{401, ApiErrorCode::InvalidApiKey,
                        "The API key is well-formed but unknown to this data directory (it may belong to another "
                        "data dir, or the store was reset)."};
    // An account created with `switchyard accounts create` while the core
    // runs is not in the registry yet.
    if (!m_registry.snapshot()->account(**account)) {
        auto accounts = m_store.accounts();
        if (!accounts)
            return internalError("read accounts", accounts.error());
        for (const Account &a : *accounts)
            if (a.id == **account)
                if (auto added = m_registry.ensureAccount(a); !added)
                    return internalError("register account '" + a.name + "'", added.error());
    }
    return std::move(**account);
}

std::variant<ManagementApi::Caller, ApiError> ManagementApi::admit(const ApiRequest &request, bool expectsBody,
                                                                   bool allowsQuery)
{
    if (const auto version = request.header("Ngrok-Version"); version && trim(*version) != SupportedVersion)
        return ApiError{400, ApiErrorCode::UnsupportedVersion,
                        "The API version '" + std::string(*version) + "' in the Ngrok-Version header is invalid or "
                            "unsupported. Supported versions: " + std::string(SupportedVersion) + "."};
    if (!expectsBody && !request.body.empty())
        return ApiError{400, ApiErrorCode::UnexpectedBody,
                        "The " + request.method + " request does not expect a body, but one was sent."};
    if (expectsBody) {
        if (const auto type = request.header("Content-Type")) {
            const std::string media = toLowerAscii(trim(type->substr(0, type->find(';'))));
            if (media != "application/json")
                return ApiError{415, ApiErrorCode::UnsupportedContentType,
                                "The content type '" + std::string(*type)
                                    + "' is not supported; send 'Content-Type: application/json'."};
        }
    }
    if (!allowsQuery && !request.query().empty())
        return ApiError{400, ApiErrorCode::UnknownParameter,
                        "The query '" + std::string(request.query()) + "' has parameters this route does not take."};
    auto account = authenticate(request);
    if (auto *error = std::get_if<ApiError>(&account))
        return std::move(*error);
    Caller caller;
    caller.accountId = std::get<std::string>(std::move(account));
    caller.baseUrl = request.host.empty() ? m_options.fallbackBaseUrl : "http://" + request.host;
    return caller;
}

std::variant<EndpointPtr, ApiError> ManagementApi::find(const RoutingSnapshot &snapshot, const Caller &caller,
                                                        const std::string &id, bool forChange) const
{
    EndpointPtr endpoint = snapshot.endpoint(id);
    if (!endpoint)
        return ApiError{404, ApiErrorCode::NotFound, "No endpoint with id '" + id + "'."};
    if (endpoint->accountId != caller.accountId)
        return ApiError{403, ApiErrorCode::NoAccess,
                        "The endpoint '" + id + "' belongs to another account; this API key cannot access it."};
    if (forChange && endpoint->type != EndpointType::Cloud)
        return ApiError{400, ApiErrorCode::TypeMustBeCloud,
                        "The endpoint '" + id + "' is an agent endpoint: the API shows agent endpoints read-only. "
                            "Change or stop it through its agent."};
    return endpoint;
}

ApiResponse ManagementApi::list(const ApiRequest &request)
{
    auto admitted = admit(request, false, true);
    if (auto *error = std::get_if<ApiError>(&admitted))
        return respond(*error);
    const Caller &caller = std::get<Caller>(admitted);

    auto query = ApiQuery::parse(request.query());
    if (!query)
        return respond(ApiError{400, ApiErrorCode::InvalidParameter, "The query is invalid: " + query.message()});
    for (const auto &[name, value] : query->items())
        if (name != "limit" && name != "before_id")
            return respond(ApiError{400, ApiErrorCode::UnknownParameter,
                                    "Unknown query parameter '" + name + "'. Supported: limit, before_id."});
    int limit = MaxLimit;
    if (auto text = query->value("limit")) {
        auto parsed = parseLimit(*text);
        if (!parsed)
            return respond(ApiError{400, ApiErrorCode::InvalidParameter,
                                    "limit must be a whole number from 1 to " + std::to_string(MaxLimit) + ", not '"
                                        + *text + "'."});
        limit = *parsed;
    }

    const auto snapshot = m_registry.snapshot();
    std::vector<EndpointPtr> mine;
    for (const EndpointPtr &endpoint : snapshot->endpoints())
        if (endpoint->accountId == caller.accountId)
            mine.push_back(endpoint);
    std::sort(mine.begin(), mine.end(), newerFirst);

    std::size_t start = 0;
    if (auto before = query->value("before_id")) {
        const auto it = std::find_if(mine.begin(), mine.end(), [&](const EndpointPtr &e) { return e->id == *before; });
        if (it == mine.end())
            return respond(ApiError{400, ApiErrorCode::InvalidParameter,
                                    "before_id '" + *before + "' is not an endpoint of this account (it may have "
                                        "been deleted); list again without before_id."});
        start = static_cast<std::size_t>(it - mine.begin()) + 1;
    }
    const std::size_t end = std::min(mine.size(), start + static_cast<std::size_t>(limit));
    QJsonArray endpoints;
    for (std::size_t i = start; i < end; ++i)
        endpoints.append(endpointJson(*mine[i], caller));
    QJsonValue next = QJsonValue::Null;
    if (end < mine.size())
        next = QString::fromStdString(caller.baseUrl + "/endpoints?limit=" + std::to_string(limit)
                                      + "&before_id=" + ApiQuery::encode(mine[end - 1]->id));
    return ApiResponse::json(200, QJsonObject{{"endpoints", endpoints},
                                              {"uri", QString::fromStdString(caller.baseUrl + "/endpoints")},
                                              {"next_page_uri", next}});
}

ApiResponse ManagementApi::create(const ApiRequest &request)
{
    auto admitted = admit(request, true, false);
    if (auto *error = std::get_if<ApiError>(&admitted))
        return respond(*error);
    const Caller &caller = std::get<Caller>(admitted);

    auto parsed = JsonBody::parse(request.body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return respond(*error);
    JsonBody &body = std::get<JsonBody>(parsed);
    const EndpointFieldValues f = ApiEndpointFields::read(body, CreateFields, false);
    if (f.type && *f.type != "cloud")
        body.fail("type", "only \"cloud\" endpoints are created through the API (the default); agent endpoints "
                          "belong to their agent",
                  ApiErrorCode::TypeMustBeCloud);
    if (!f.url && !body.firstError())
        body.fail("url", "a cloud endpoint needs a URL, e.g. \"https://example.internal\"", ApiErrorCode::MissingField);
    if ((!f.trafficPolicy || trim(*f.trafficPolicy).empty()) && !body.firstError())
        body.fail("traffic_policy", "a cloud endpoint needs a non-empty traffic policy that handles all of its traffic",
                  ApiErrorCode::PolicyRequired);
    ApiEndpointFields::checkLengths(body, f.description, f.metadata);
    std::optional<EndpointUrl> url;
    if (f.url && !body.firstError())
        url = ApiEndpointFields::url(body, "url", *f.url, true, ApiErrorCode::InvalidCloudUrl);
    std::optional<Binding> binding;
    if (url)
        binding = ApiEndpointFields::binding(body, *url, f.bindings);
    if (const auto &error = body.firstError())
        return respond(*error);

    Endpoint endpoint;
    endpoint.id = IdGenerator::endpointId();
    endpoint.accountId = caller.accountId;
    endpoint.type = EndpointType::Cloud;
    endpoint.url = *url;
    endpoint.binding = *binding;
    endpoint.poolingEnabled = f.poolingEnabled.value_or(false);
    endpoint.trafficPolicy = *f.trafficPolicy;
    endpoint.description = f.description.value_or("");
    endpoint.metadata = f.metadata.value_or("");
    endpoint.createdAt = now();
    endpoint.updatedAt = endpoint.createdAt;
    return commitAndRespond(endpoint, nullptr, caller, 201);
}

ApiResponse ManagementApi::get(const ApiRequest &request, const std::string &id)
{
    auto target = admitTarget(request, id, false, false);
    if (auto *error = std::get_if<ApiError>(&target))
        return respond(*error);
    const auto &[caller, endpoint] = std::get<Target>(target);
    return ApiResponse::json(200, endpointJson(*endpoint, caller));
}

ApiResponse ManagementApi::update(const ApiRequest &request, const std::string &id)
{
    auto target = admitTarget(request, id, true, true);
    if (auto *error = std::get_if<ApiError>(&target))
        return respond(*error);
    const auto &[caller, previous] = std::get<Target>(target);

    auto parsed = JsonBody::parse(request.body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return respond(*error);
    JsonBody &body = std::get<JsonBody>(parsed);
    const EndpointFieldValues f = ApiEndpointFields::read(body, UpdateFields, false);
    if (const auto &error = body.firstError())
        return respond(*error);
    if (!f.url && !f.bindings && !f.trafficPolicy && !f.description && !f.metadata && !f.poolingEnabled)
        return respond(ApiError{400, ApiErrorCode::EmptyUpdate,
                                "The update has no values: give at least one of url, bindings, traffic_policy, "
                                "description, metadata, pooling_enabled."});
    if (f.id && *f.id != id)
        body.fail("id", "\"" + *f.id + "\" does not match the endpoint in the path, '" + id + "'");
    if (f.trafficPolicy && trim(*f.trafficPolicy).empty())
        body.fail("traffic_policy", "a cloud endpoint needs a non-empty traffic policy", ApiErrorCode::PolicyRequired);
    ApiEndpointFields::checkLengths(body, f.description, f.metadata);

    Endpoint endpoint = *previous;
    if (f.url && !body.firstError()) {
        if (auto url = ApiEndpointFields::url(body, "url", *f.url, true, ApiErrorCode::InvalidCloudUrl)) {
            if (url->scheme() != previous->url.scheme())
                body.fail("url", "the scheme cannot change in place (" + std::string(toString(previous->url.scheme()))
                                     + " to " + std::string(toString(url->scheme()))
                                     + "); create a new endpoint instead",
                          ApiErrorCode::SchemeChange);
            endpoint.url = *url;
        }
    }
    if ((f.url || f.bindings) && !body.firstError()) {
        // A new URL without bindings gets its binding inferred again.
        if (auto binding = ApiEndpointFields::binding(body, endpoint.url, f.bindings))
            endpoint.binding = *binding;
    }
    if (const auto &error = body.firstError())
        return respond(*error);
    if (f.trafficPolicy)
        endpoint.trafficPolicy = *f.trafficPolicy;
    if (f.description)
        endpoint.description = *f.description;
    if (f.metadata)
        endpoint.metadata = *f.metadata;
    if (f.poolingEnabled)
        endpoint.poolingEnabled = *f.poolingEnabled;
    endpoint.updatedAt = std::max(now(), previous->createdAt);

    return commitAndRespond(endpoint, previous, caller, 200);
}

ApiResponse ManagementApi::remove(const ApiRequest &request, const std::string &id)
{
    auto target = admitTarget(request, id, false, true);
    if (auto *error = std::get_if<ApiError>(&target))
        return respond(*error);
    const EndpointPtr previous = std::get<Target>(target).endpoint;

    if (auto removed = m_registry.remove(id); !removed)
        return respond(ApiError{404, ApiErrorCode::NotFound, "No endpoint with id '" + id + "'."});
    auto deleted = m_store.deleteCloudEndpoint(id);
    if (!deleted) {
        RegistryChange restore;
        restore.add.push_back(*previous);
        (void)m_registry.apply(std::move(restore));
        return respond(internalError("delete the endpoint", deleted.error()));
    }
    return ApiResponse::noContent();
}

std::variant<ManagementApi::Target, ApiError> ManagementApi::admitTarget(const ApiRequest &request,
                                                                         const std::string &id, bool expectsBody,
                                                                         bool forChange)
{
    auto admitted = admit(request, expectsBody, false);
    if (auto *error = std::get_if<ApiError>(&admitted))
        return std::move(*error);
    Target target{std::get<Caller>(std::move(admitted)), nullptr};
    auto found = find(*m_registry.snapshot(), target.caller, id, forChange);
    if (auto *error = std::get_if<ApiError>(&found))
        return std::move(*error);
    target.endpoint = std::get<EndpointPtr>(found);
    return target;
}

ApiResponse ManagementApi::commitAndRespond(const Endpoint &candidate, EndpointPtr previous, const Caller &caller,
                                            int status)
{
    auto committed = commit(candidate, std::move(previous));
    if (auto *error = std::get_if<ApiError>(&committed))
        return respond(*error);
    return ApiResponse::json(status, endpointJson(*std::get<EndpointPtr>(committed), caller));
}

std::variant<EndpointPtr, ApiError> ManagementApi::commit(const Endpoint &candidate, EndpointPtr previous)
{
    const auto snapshot = m_registry.snapshot();
    if (auto invalid = ApiPolicyCheck::check(candidate, *snapshot, m_options.compiler))
        return std::move(*invalid);

    RegistryChange change;
    if (previous)
        change.removeIds.push_back(previous->id);
    change.add.push_back(candidate);
    auto applied = m_registry.apply(std::move(change));
    if (!applied) {
        const bool conflict = applied.error().code == EndpointRegistry::ConflictCode;
        ApiError error{conflict ? 409 : 400, conflict ? ApiErrorCode::UrlTaken : ApiErrorCode::InvalidField,
                       applied.message()};
        return error;
    }
    const EndpointPtr stored = applied->front();
    if (auto saved = m_store.saveCloudEndpoint(*stored); !saved) {
        // Put the registry back as it was before this request.
        RegistryChange undo;
        undo.removeIds.push_back(stored->id);
        if (previous)
            undo.add.push_back(*previous);
        (void)m_registry.apply(std::move(undo));
        return internalError("save the endpoint", saved.error());
    }
    return stored;
}

} // namespace switchyard
