// SPDX-License-Identifier: Apache-2.0
#include "model/idgenerator.h"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <random>

namespace switchyard {

namespace {
constexpr std::string_view Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string IdGenerator::make(std::string_view prefix)
{
    std::array<unsigned char, RandomLength> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        // OpenSSL's DRBG failing means the process cannot do TLS either; fall
        // back rather than abort so ids stay unique within the run.
        std::random_device rd;
        for (auto &b : bytes)
            b = static_cast<unsigned char>(rd());
    }
    std::string id(prefix);
    for (unsigned char b : bytes)
        id += Alphabet[b % Alphabet.size()]; // 256 is a multiple of 32: no bias
    return id;
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
