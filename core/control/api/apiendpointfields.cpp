// SPDX-License-Identifier: Apache-2.0
#include "control/api/apiendpointfields.h"

#include <algorithm>

namespace switchyard {

EndpointFieldValues ApiEndpointFields::read(JsonBody &body, std::span<const std::string_view> known,
                                            bool policyMayBeObject)
{
    body.rejectUnknown(known);
    auto allowed = [&](std::string_view name) { return std::find(known.begin(), known.end(), name) != known.end(); };
    EndpointFieldValues values;
    if (allowed("id"))
        values.id = body.string("id");
    if (allowed("name"))
        values.name = body.string("name");
    if (allowed("type"))
        values.type = body.string("type");
    values.url = body.string("url");
    values.bindings = body.stringList("bindings");
    values.trafficPolicy = policyMayBeObject ? body.stringOrObject("traffic_policy") : body.string("traffic_policy");
    values.description = body.string("description");
    values.metadata = body.string("metadata");
    values.poolingEnabled = body.boolean("pooling_enabled");
    if (allowed("upstream"))
        values.upstream = body.object("upstream");
    return values;
}

std::optional<Binding> ApiEndpointFields::binding(JsonBody &body, const EndpointUrl &url,
                                                  const std::optional<std::vector<std::string>> &bindings)
{
    std::optional<Binding> requested;
    if (bindings) {
        if (bindings->size() != 1) {
            body.fail("bindings", "give exactly one binding, e.g. [\"public\"] or [\"internal\"]; found "
                                      + std::to_string(bindings->size()),
                      ApiErrorCode::InvalidBinding);
            return std::nullopt;
        }
        const std::string &name = bindings->front();
        requested = bindingFromString(name);
        if (!requested) {
            std::string message = "unknown binding \"" + name + "\"; use \"public\" or \"internal\"";
            if (name == "kubernetes")
                message = "the kubernetes binding is not supported: Switchyard serves endpoints on this machine; use "
                          "\"public\" or \"internal\"";
            body.fail("bindings", message, ApiErrorCode::InvalidBinding);
            return std::nullopt;
        }
    }
    auto resolved = EndpointUrl::resolveBinding(url, requested);
    if (!resolved) {
        body.fail(bindings ? "bindings" : "url", resolved.message(), ApiErrorCode::InvalidBinding);
        return std::nullopt;
    }
    return *resolved;
}

void ApiEndpointFields::checkLengths(JsonBody &body, const std::optional<std::string> &description,
                                     const std::optional<std::string> &metadata)
{
    if (description && description->size() > MaxDescriptionBytes)
        body.fail("description", "at most " + std::to_string(MaxDescriptionBytes) + " bytes, found "
                                     + std::to_string(description->size()));
    if (metadata && metadata->size() > MaxMetadataBytes)
        body.fail("metadata", "at most " + std::to_string(MaxMetadataBytes) + " bytes, found "
                                  + std::to_string(metadata->size()),
                  ApiErrorCode::MetadataTooLong);
}

std::optional<EndpointUrl> ApiEndpointFields::url(JsonBody &body, const std::string &field, const std::string &text,
                                                  bool requireScheme, const std::string &code)
{
    if (requireScheme && text.find("://") == std::string::npos) {
        body.fail(field, "\"" + text + "\" is not a fully qualified URL; give scheme and host, e.g. https://" + text,
                  code);
        return std::nullopt;
    }
    auto parsed = EndpointUrl::parse(text);
    if (!parsed) {
        body.fail(field, "\"" + text + "\": " + parsed.message(), code);
        return std::nullopt;
    }
    return *parsed;
}

} // namespace switchyard
