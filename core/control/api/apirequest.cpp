// SPDX-License-Identifier: Apache-2.0
#include "control/api/apirequest.h"

#include "control/api/asciicase.h"

namespace switchyard {

std::string_view ApiRequest::path() const
{
    const std::string_view t(target);
    return t.substr(0, t.find('?'));
}

std::string_view ApiRequest::query() const
{
    const std::string_view t(target);
    const auto mark = t.find('?');
    return mark == std::string_view::npos ? std::string_view() : t.substr(mark + 1);
}

std::optional<std::string_view> ApiRequest::header(std::string_view name) const
{
    for (const auto &[key, value] : headers)
        if (equalsIgnoringCase(key, name))
            return std::string_view(value);
    return std::nullopt;
}

} // namespace switchyard
