// SPDX-License-Identifier: Apache-2.0
#include "model/idgenerator.h"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <random>

namespace switchyard {

namespace {
constexpr std::string_view Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
// The same characters in ASCII order, for the sequence part of makeSequenced().
constexpr std::string_view SortedAlphabet = "234567ABCDEFGHIJKLMNOPQRSTUVWXYZ";

void randomBytes(unsigned char *out, std::size_t size)
{
    if (RAND_bytes(out, static_cast<int>(size)) != 1) {
        // OpenSSL's DRBG failing means the process cannot do TLS either; fall
        // back rather than abort so ids stay unique within the run.
        std::random_device rd;
        for (std::size_t i = 0; i < size; ++i)
            out[i] = static_cast<unsigned char>(rd());
    }
}
} // namespace

std::string IdGenerator::make(std::string_view prefix)
{
    std::array<unsigned char, RandomLength> bytes{};
    randomBytes(bytes.data(), bytes.size());
    std::string id(prefix);
    for (unsigned char b : bytes)
        id += Alphabet[b % Alphabet.size()]; // 256 is a multiple of 32: no bias
    return id;
}

std::string IdGenerator::makeSequenced(std::string_view prefix, std::uint64_t sequence, std::string_view salt)
{
    std::string id(prefix);
    id.reserve(prefix.size() + RandomLength);
    for (std::size_t i = SequenceLength; i-- > 0;)
        id += SortedAlphabet[(sequence >> (5 * i)) & 31];
    id += salt.substr(0, RandomLength - SequenceLength);
    return id;
}

std::optional<std::uint64_t> IdGenerator::sequenceOf(std::string_view id, std::string_view prefix)
{
    if (!looksLike(id, prefix))
        return std::nullopt;
    std::uint64_t sequence = 0;
    for (char c : id.substr(prefix.size(), SequenceLength))
        sequence = (sequence << 5) | SortedAlphabet.find(c);
    return sequence;
}

bool IdGenerator::looksLike(std::string_view text, std::string_view prefix)
{
    if (!text.starts_with(prefix) || text.size() != prefix.size() + RandomLength)
        return false;
    for (char c : text.substr(prefix.size()))
        if (Alphabet.find(c) == std::string_view::npos)
            return false;
    return true;
}

} // namespace switchyard
