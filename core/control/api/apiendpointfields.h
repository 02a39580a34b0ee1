// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/jsonbody.h"
#include "model/endpointurl.h"

#include <QJsonObject>

#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

namespace switchyard {

// The endpoint fields a request body may carry, as given (absent = nullopt).
struct EndpointFieldValues
{
    std::optional<std::string> id;
    std::optional<std::string> name;
    std::optional<std::string> type;
    std::optional<std::string> url;
    std::optional<std::vector<std::string>> bindings;
    std::optional<std::string> trafficPolicy; // an object is re-serialised as JSON when allowed
    std::optional<std::string> description;
    std::optional<std::string> metadata;
    std::optional<bool> poolingEnabled;
    std::optional<QJsonObject> upstream;
};

// Field rules both APIs share. Each records its problem in the JsonBody
// (first error wins) and returns nullopt on failure.
struct ApiEndpointFields
{
    // Reference limits: description 255 bytes, metadata 4096 bytes.
    static constexpr std::size_t MaxDescriptionBytes = 255;
    static constexpr std::size_t MaxMetadataBytes = 4096;

    // Rejects fields not in `known`, then reads each known field with its
    // type. `policyMayBeObject`: the agent API also takes traffic_policy as
    // an object, as the config file writes it.
    static EndpointFieldValues read(JsonBody &body, std::span<const std::string_view> known, bool policyMayBeObject);

    // `bindings`: absent = inferred from the URL; else exactly one of
    // "public" or "internal", consistent with the URL.
    static std::optional<Binding> binding(JsonBody &body, const EndpointUrl &url,
                                          const std::optional<std::vector<std::string>> &bindings);
    static void checkLengths(JsonBody &body, const std::optional<std::string> &description,
                             const std::optional<std::string> &metadata);
    // A URL as the field `field` gives it; `requireScheme` for cloud
    // endpoints, which need a fully qualified URL.
    static std::optional<EndpointUrl> url(JsonBody &body, const std::string &field, const std::string &text,
                                          bool requireScheme, const std::string &code);
};

} // namespace switchyard
