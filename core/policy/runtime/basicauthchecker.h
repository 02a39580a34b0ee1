// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// The basic-auth check (reference §6.3, RFC 7617). Credentials are kept
// only as SHA-256 digests and every presented credential is compared
// against all of them in constant time, so neither timing nor an early
// exit tells which user or how much of a password matched.
// Immutable after create(); safe to share between threads.
class BasicAuthChecker
{
public:
    struct Outcome
    {
        bool presented = false;  // an Authorization: Basic header was present and decodable
        bool authorized = false;
        std::string username;    // as presented (also when not authorized)
    };

    // `credentials` are "user:password" (the first ':' separates). A realm
    // must be printable ASCII; an empty realm becomes "switchyard".
    static Result<BasicAuthChecker> create(const std::vector<std::string> &credentials, std::string realm = {});

    // `authorization` is the Authorization header value, if any.
    Outcome check(std::optional<std::string_view> authorization) const;

    // The WWW-Authenticate value for a 401: Basic realm="…", charset="UTF-8".
    const std::string &challenge() const { return m_challenge; }
    const std::string &realm() const { return m_realm; }

private:
    using Digest = std::array<unsigned char, 32>;
    static Digest digest(std::string_view text);

    std::vector<Digest> m_digests;
    std::string m_realm;
    std::string m_challenge;
};

} // namespace switchyard
