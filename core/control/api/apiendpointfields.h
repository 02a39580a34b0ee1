// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/jsonbody.h"
#include "model/endpointurl.h"

#include <optional>
#include <string>
#include <vector>

namespace switchyard {

// Field rules both APIs share. Each records its problem in the JsonBody
// (first error wins) and returns nullopt on failure.
struct ApiEndpointFields
{
    // Reference limits: description 255 bytes, metadata 4096 bytes.
    static constexpr std::size_t MaxDescriptionBytes = 255;
    static constexpr std::size_t MaxMetadataBytes = 4096;

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
