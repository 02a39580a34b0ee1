// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/webhookpayload.h"

#include "data/http/httpheaders.h"
#include "policy/runtime/hexcodec.h"

#include <openssl/evp.h>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace switchyard {

namespace {

bool isForm(const HttpHeaders &headers)
{
    const auto type = headers.value("content-type");
    return type && HttpHeaders::toLower(type->substr(0, type->find(';'))).find("application/x-www-form-urlencoded")
                       != std::string::npos;
}

bool percentDecode(std::string_view in, std::string &out)
{
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out += ' ';
        } else if (in[i] == '%') {
            if (i + 2 >= in.size())
                return false;
            const int hi = HexCodec::digitValue(in[i + 1]);
            const int lo = HexCodec::digitValue(in[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += in[i];
        }
    }
    return true;
}

std::string sha256Hex(std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
    return HexCodec::encode(std::string_view(reinterpret_cast<const char *>(digest), size));
}

} // namespace

Result<std::vector<std::pair<std::string, std::string>>> WebhookPayload::parseForm(std::string_view body)
{
    std::vector<std::pair<std::string, std::string>> out;
    while (!body.empty()) {
        const std::size_t amp = body.find('&');
        const std::string_view item = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (item.empty())
            continue;
        const std::size_t eq = item.find('=');
        std::pair<std::string, std::string> pair;
        if (!percentDecode(item.substr(0, eq), pair.first)
            || !percentDecode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1), pair.second))
            return makeError("the form body has an invalid %-escape");
        out.push_back(std::move(pair));
    }
    return out;
}

Result<std::string> WebhookPayload::urlWithSortedForm(std::string_view url, const HttpHeaders &headers,
                                                      std::string_view body)
{
    std::string text(url);
    if (isForm(headers)) {
        auto pairs = parseForm(body);
        if (!pairs)
            return pairs.error();
        std::sort(pairs->begin(), pairs->end());
        for (const auto &[name, value] : *pairs)
            text += name + value;
        return text;
    }
    const std::size_t query = url.find('?');
    if (query != std::string_view::npos) {
        auto params = parseForm(url.substr(query + 1));
        if (params) {
            for (const auto &[name, value] : *params) {
                if (name == "bodySHA256" && value != sha256Hex(body))
                    return makeError("the body does not match the URL's bodySHA256");
            }
        }
    }
    return text;
}

Result<WebhookPayload::MailgunFields> WebhookPayload::mailgunSignature(const HttpHeaders &headers,
                                                                       std::string_view body)
{
    MailgunFields fields;
    if (isForm(headers)) {
        auto pairs = parseForm(body);
        if (!pairs)
            return pairs.error();
        for (auto &[name, value] : *pairs) {
            if (name == "timestamp")
                fields.timestamp = std::move(value);
            else if (name == "token")
                fields.token = std::move(value);
            else if (name == "signature")
                fields.signature = std::move(value);
        }
    } else {
        const QJsonDocument doc = QJsonDocument::fromJson(
            QByteArray::fromRawData(body.data(), static_cast<qsizetype>(body.size())));
        const QJsonObject signature = doc.object().value(QStringLiteral("signature")).toObject();
        auto text = [&](const char *key) {
            const QJsonValue v = signature.value(QLatin1String(key));
            return v.isString() ? v.toString().toStdString()
                                : v.isDouble() ? std::to_string(static_cast<long long>(v.toDouble())) : std::string();
        };
        fields.timestamp = text("timestamp");
        fields.token = text("token");
        fields.signature = text("signature");
    }
    if (fields.timestamp.empty() || fields.token.empty() || fields.signature.empty())
        return makeError("the mailgun body carries no timestamp, token and signature");
    return fields;
}

} // namespace switchyard
