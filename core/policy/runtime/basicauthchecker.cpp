// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/basicauthchecker.h"

#include "data/http/httpheaders.h"
#include "data/http/httpsyntax.h"
#include "policy/runtime/base64codec.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace switchyard {

BasicAuthChecker::Digest BasicAuthChecker::digest(std::string_view text)
{
    Digest out{};
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr);
    return out;
}

Result<BasicAuthChecker> BasicAuthChecker::create(const std::vector<std::string> &credentials, std::string realm)
{
    if (credentials.empty())
        return makeError("basic-auth needs at least one 'user:password' credential");
    BasicAuthChecker out;
    for (const std::string &c : credentials) {
        const std::size_t colon = c.find(':');
        if (colon == std::string::npos || colon == 0)
            return makeError("a basic-auth credential must be 'user:password' with a non-empty user");
        out.m_digests.push_back(digest(c));
    }
    if (realm.empty())
        realm = "switchyard";
    for (const char ch : realm) {
        if (ch < 0x20 || ch > 0x7e)
            return makeError("the basic-auth realm must be printable ASCII");
    }
    std::string quoted;
    for (const char ch : realm) {
        if (ch == '"' || ch == '\\')
            quoted += '\\';
        quoted += ch;
    }
    out.m_realm = std::move(realm);
    out.m_challenge = "Basic realm=\"" + quoted + "\", charset=\"UTF-8\"";
    return out;
}

BasicAuthChecker::Outcome BasicAuthChecker::check(std::optional<std::string_view> authorization) const
{
    Outcome out;
    if (!authorization)
        return out;
    const std::string_view value = httpsyntax::trimOws(*authorization);
    const std::size_t space = value.find_first_of(" \t");
    if (space == std::string_view::npos || !HttpHeaders::equalsIgnoreCase(value.substr(0, space), "basic"))
        return out;
    const auto decoded = Base64Codec::decode(httpsyntax::trimOws(value.substr(space)));
    if (!decoded)
        return out;
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos)
        return out;
    out.presented = true;
    out.username = decoded->substr(0, colon);
    const Digest presented = digest(*decoded);
    int matched = 0;
    for (const Digest &d : m_digests)
        matched |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0 ? 1 : 0;
    out.authorized = matched != 0;
    return out;
}

} // namespace switchyard
