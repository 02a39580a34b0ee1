// SPDX-License-Identifier: Apache-2.0
#pragma once

// HS256 JWTs and their JWK Set for tests of jwt-validation.

#include "policy/runtime/base64codec.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace switchyard::test {

// 32 bytes: the shortest HMAC key HS256 accepts (RFC 7518 §3.2).
inline const std::string Hs256Secret = "0123456789abcdef0123456789abcdef";

inline std::string hs256Jwks(const std::string &kid = "k1", const std::string &secret = Hs256Secret)
{
    return R"({"keys":[{"kty":"oct","kid":")" + kid + R"(","k":")" + Base64Codec::encodeUrl(secret) + "\"}]}";
}

// A compact JWS over `payloadJson` signed with `secret`.
inline std::string hs256Token(const std::string &payloadJson, const std::string &kid = "k1",
                              const std::string &secret = Hs256Secret)
{
    const std::string input = Base64Codec::encodeUrl(R"({"alg":"HS256","typ":"JWT","kid":")" + kid + "\"}") + "."
                              + Base64Codec::encodeUrl(payloadJson);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char *>(input.data()), input.size(), mac, &length);
    return input + "." + Base64Codec::encodeUrl(std::string(reinterpret_cast<const char *>(mac), length));
}

} // namespace switchyard::test
