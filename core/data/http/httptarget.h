// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpmessage.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

struct HttpAuthority
{
    std::string host; // lower-cased, one trailing dot removed, IPv6 without brackets
    std::uint16_t port = 0; // 0: none given
};

struct HttpTarget
{
    HttpTargetForm form = HttpTargetForm::Origin;
    std::string authority;    // absolute-form only, as sent
    std::string pathAndQuery; // "/" for an empty absolute-form path; "*" for asterisk-form
};

// Request-target and authority syntax (RFC 9112 §3.2, RFC 3986 §3.2).
class HttpTargetParser
{
public:
    // host [":" port]; reg-name, IPv4 or bracketed IPv6; no userinfo; port 1..65535.
    static std::optional<HttpAuthority> parseAuthority(std::string_view authority);
    // origin-form, absolute-form with an http/https scheme, or "*" for OPTIONS.
    // Authority-form (CONNECT) and fragments are refused.
    static std::optional<HttpTarget> parseTarget(std::string_view target, std::string_view method);
};

} // namespace switchyard
