// SPDX-License-Identifier: Apache-2.0
// hash.crc32, hash.crc64, hash.md5, hash.sha1, hash.sha256, hash.sha512 and
// hash.xxhash64 (ngrok traffic-policy macros): hash.NAME(text [, 'hex' |
// 'base64']) → the digest as lower-case hex (default) or standard base64.
// Checksums are big-endian, as Go's hash.Hash.Sum writes them: crc32 is
// IEEE (zlib), crc64 is ECMA-182 (CRC-64/XZ), xxhash64 uses seed 0.
#include "policy/cel/functionregistry.h"
#include "policy/cel/textformat.h"

#include <openssl/evp.h>

#include <array>

namespace switchyard::cel {

namespace {

std::uint32_t crc32(std::string_view data)
{
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char b : data)
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

std::uint64_t crc64(std::string_view data)
{
    static const auto table = [] {
        std::array<std::uint64_t, 256> t{};
        for (std::uint64_t i = 0; i < 256; ++i) {
            std::uint64_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xC96C5795D7870F42ull ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint64_t crc = ~0ull;
    for (unsigned char b : data)
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

// XXH64 (github.com/Cyan4973/xxHash), seed 0.
std::uint64_t xxhash64(std::string_view data)
{
    constexpr std::uint64_t P1 = 11400714785074694791ull, P2 = 14029467366897019727ull,
                            P3 = 1609587929392839161ull, P4 = 9650029242287828579ull, P5 = 2870177450012600261ull;
    auto rotl = [](std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
    auto read64 = [](const unsigned char *p) {
        std::uint64_t v = 0;
        for (int i = 7; i >= 0; --i)
            v = (v << 8) | p[i];
        return v;
    };
    auto read32 = [](const unsigned char *p) {
        return static_cast<std::uint64_t>(p[0]) | static_cast<std::uint64_t>(p[1]) << 8
               | static_cast<std::uint64_t>(p[2]) << 16 | static_cast<std::uint64_t>(p[3]) << 24;
    };
    auto mix = [&](std::uint64_t acc, std::uint64_t input) { return rotl(acc + input * P2, 31) * P1; };
    auto merge = [&](std::uint64_t acc, std::uint64_t v) { return (acc ^ mix(0, v)) * P1 + P4; };

    const auto *p = reinterpret_cast<const unsigned char *>(data.data());
    const unsigned char *end = p + data.size();
    std::uint64_t h;
    if (data.size() >= 32) {
        std::uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
        for (; p + 32 <= end; p += 32) {
            v1 = mix(v1, read64(p));
            v2 = mix(v2, read64(p + 8));
            v3 = mix(v3, read64(p + 16));
            v4 = mix(v4, read64(p + 24));
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge(merge(merge(merge(h, v1), v2), v3), v4);
    } else {
        h = P5;
    }
    h += data.size();
    for (; p + 8 <= end; p += 8)
        h = rotl(h ^ mix(0, read64(p)), 27) * P1 + P4;
    if (p + 4 <= end) {
        h = rotl(h ^ (read32(p) * P1), 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; ++p)
        h = rotl(h ^ (*p * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

template<typename UInt>
std::string bigEndian(UInt v)
{
    std::string out(sizeof(UInt), '\0');
    for (std::size_t i = 0; i < sizeof(UInt); ++i)
        out[sizeof(UInt) - 1 - i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
}

std::string evpDigest(const EVP_MD *md, std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr) != 1)
        return {};
    return std::string(reinterpret_cast<const char *>(digest), length);
}

std::string hexText(std::string_view raw)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

enum class Algorithm { Crc32, Crc64, Md5, Sha1, Sha256, Sha512, XxHash64 };

constexpr std::string_view algorithmName(Algorithm a)
{
    switch (a) {
    case Algorithm::Crc32: return "hash.crc32";
    case Algorithm::Crc64: return "hash.crc64";
    case Algorithm::Md5: return "hash.md5";
    case Algorithm::Sha1: return "hash.sha1";
    case Algorithm::Sha256: return "hash.sha256";
    case Algorithm::Sha512: return "hash.sha512";
    case Algorithm::XxHash64: return "hash.xxhash64";
    }
    return "hash";
}

template<Algorithm A>
Value hashFunction(const Value *a, std::size_t n, EvalContext &ctx)
{
    if ((!a[0].isString() && a[0].kind() != ValueKind::Bytes) || (n == 2 && !a[1].isString()))
        return noOverload(algorithmName(A), a, n);
    const std::string_view encoding = n == 2 ? a[1].stringValue() : std::string_view("hex");
    if (encoding != "hex" && encoding != "base64")
        return Value::error(std::string(algorithmName(A)) + ": unknown encoding '" + std::string(encoding)
                            + "' (expected 'hex' or 'base64')");
    const std::string_view data = a[0].stringValue();
    if (!ctx.charge(data.size() / 256))
        return costLimitError();
    std::string raw;
    switch (A) {
    case Algorithm::Crc32: raw = bigEndian(crc32(data)); break;
    case Algorithm::Crc64: raw = bigEndian(crc64(data)); break;
    case Algorithm::Md5: raw = evpDigest(EVP_md5(), data); break;
    case Algorithm::Sha1: raw = evpDigest(EVP_sha1(), data); break;
    case Algorithm::Sha256: raw = evpDigest(EVP_sha256(), data); break;
    case Algorithm::Sha512: raw = evpDigest(EVP_sha512(), data); break;
    case Algorithm::XxHash64: raw = bigEndian(xxhash64(data)); break;
    }
    if (raw.empty())
        return Value::error(std::string(algorithmName(A)) + ": digest not available");
    return Value::string(encoding == "hex" ? hexText(raw) : base64Encode(raw));
}

template<Algorithm A>
void add(std::vector<FunctionInfo> &out)
{
    out.push_back({algorithmName(A), hashFunction<A>, 1, 2, false, true, {}});
}

} // namespace

void registerHashFunctions(std::vector<FunctionInfo> &out)
{
    add<Algorithm::Crc32>(out);
    add<Algorithm::Crc64>(out);
    add<Algorithm::Md5>(out);
    add<Algorithm::Sha1>(out);
    add<Algorithm::Sha256>(out);
    add<Algorithm::Sha512>(out);
    add<Algorithm::XxHash64>(out);
}

} // namespace switchyard::cel
