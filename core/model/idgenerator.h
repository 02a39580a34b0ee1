// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
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
    // prefix + 10 characters encoding `sequence` (50 bits, in an
    // order-preserving arrangement of the same alphabet) + `salt`, which
    // must be 16 characters of the alphabet (e.g. make("") cut to 16, made
    // once per store): ids of later sequence numbers sort later, sequenceOf()
    // reads the number back so a store can locate a record without an index
    // over random strings, and the salt keeps ids of two stores apart. Cheap:
    // no random numbers per id.
    static constexpr std::size_t SequenceLength = 10;
    static std::string makeSequenced(std::string_view prefix, std::uint64_t sequence, std::string_view salt);
    static std::optional<std::uint64_t> sequenceOf(std::string_view id, std::string_view prefix);
    // "ep_" ids for endpoints, "acct_" for accounts, "ak_" for API keys.
    static std::string endpointId() { return make("ep_"); }
    static std::string accountId() { return make("acct_"); }
    static std::string apiKeyId() { return make("ak_"); }
    // True when text is prefix + 26 characters of the alphabet.
    static bool looksLike(std::string_view text, std::string_view prefix);
};

} // namespace switchyard
