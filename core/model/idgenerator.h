// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace switchyard {

// Resource ids in the reference's shape: a prefix and 26 random characters
// of the RFC 4648 base32 alphabet, e.g. "ep_2ZJ7M6Q5S3KD0W7WPN6QXGT4YB".
// Any thread; backed by OpenSSL's CSPRNG so ids are not guessable.
struct IdGenerator
{
    static constexpr std::size_t RandomLength = 26;
    static std::string make(std::string_view prefix);
    // "ep_" ids for endpoints, "acct_" for accounts, "ak_" for API keys.
    static std::string endpointId() { return make("ep_"); }
    static std::string accountId() { return make("acct_"); }
    static std::string apiKeyId() { return make("ak_"); }
    // True when text is prefix + 26 characters of the alphabet.
    static bool looksLike(std::string_view text, std::string_view prefix);
};

} // namespace switchyard
