// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/exchangevalues.h"

#include "policy/cel/timeutil.h"
#include "policy/exec/requesturl.h"

#include <algorithm>
#include <array>

namespace switchyard {

namespace {

using Entries = std::vector<cel::MapValue::Entry>;

cel::Value str(std::string_view s)
{
    return cel::Value::string(std::string(s));
}

cel::Value mapOf(Entries entries)
{
    return cel::Value::map(cel::MapValue::makeUnchecked(std::move(entries)));
}

cel::Value emptyMap()
{
    return mapOf({});
}

const cel::Value &emptyString()
{
    static const cel::Value empty = cel::Value::string(std::string());
    return empty;
}

// The field names of one variable, made once, so building the variable
// allocates nothing per key.
template<std::size_t N>
class Record
{
public:
    explicit Record(const std::array<std::string_view, N> &names)
    {
        for (std::size_t i = 0; i < N; ++i)
            m_keys[i] = cel::Value::string(std::string(names[i]));
    }

    cel::Value make(std::array<cel::Value, N> values) const
    {
        Entries entries;
        entries.reserve(N);
        for (std::size_t i = 0; i < N; ++i)
            entries.emplace_back(m_keys[i], std::move(values[i]));
        return mapOf(std::move(entries));
    }

private:
    std::array<cel::Value, N> m_keys;
};

// name → [values] in order of first appearance.
cel::Value groupedList(const std::vector<std::pair<std::string, cel::Value>> &items)
{
    std::vector<std::pair<std::string, std::vector<cel::Value>>> grouped;
    for (const auto &[name, value] : items) {
        auto it = std::find_if(grouped.begin(), grouped.end(), [&](const auto &g) { return g.first == name; });
        if (it == grouped.end())
            grouped.emplace_back(name, std::vector<cel::Value>{value});
        else
            it->second.push_back(value);
    }
    Entries entries;
    entries.reserve(grouped.size());
    for (auto &[name, values] : grouped)
        entries.emplace_back(cel::Value::string(std::move(name)), cel::Value::list(std::move(values)));
    return mapOf(std::move(entries));
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Cookie / Set-Cookie pairs: name → [{name, value}].
cel::Value cookies(const HttpHeaders &headers, bool response)
{
    std::vector<std::pair<std::string, cel::Value>> items;
    for (std::string_view rest : headers.values(response ? "set-cookie" : "cookie")) {
        while (true) {
            const std::size_t end = rest.find(';');
            const std::string_view pair = trim(rest.substr(0, end));
            if (const std::size_t eq = pair.find('='); eq != std::string_view::npos && eq > 0) {
                const std::string name(trim(pair.substr(0, eq)));
                static const Record<2> cookie({"name", "value"});
                items.emplace_back(name, cookie.make({str(name), str(trim(pair.substr(eq + 1)))}));
            }
            // Set-Cookie: one cookie per header; the rest are its attributes.
            if (response || end == std::string_view::npos)
                break;
            rest = rest.substr(end + 1);
        }
    }
    return groupedList(items);
}

cel::Value queryParams(std::string_view query)
{
    std::vector<std::pair<std::string, cel::Value>> items;
    std::size_t pos = 0;
    while (pos < query.size()) {
        std::size_t end = query.find('&', pos);
        if (end == std::string_view::npos)
            end = query.size();
        const std::string_view pair = query.substr(pos, end - pos);
        if (!pair.empty()) {
            const std::size_t eq = pair.find('=');
            const std::string key = RequestUrl::decodeQueryComponent(pair.substr(0, eq));
            const std::string value = eq == std::string_view::npos ? std::string()
                                                                   : RequestUrl::decodeQueryComponent(pair.substr(eq + 1));
            items.emplace_back(key, cel::Value::string(value));
        }
        pos = end + 1;
    }
    return groupedList(items);
}

cel::Value tokenList(const HttpHeaders &headers, std::string_view name)
{
    std::vector<cel::Value> out;
    for (std::string &t : headers.tokens(name))
        out.push_back(cel::Value::string(std::move(t)));
    return cel::Value::list(std::move(out));
}

long long contentLength(const HttpHeaders &headers, std::size_t bodySize)
{
    if (auto v = headers.value("content-length")) {
        long long n = 0;
        for (char c : *v) {
            if (c < '0' || c > '9')
                return static_cast<long long>(bodySize);
            n = n * 10 + (c - '0');
        }
        return n;
    }
    return static_cast<long long>(bodySize);
}

cel::Value userAgent(const HttpHeaders &headers)
{
    const std::string raw(headers.value("user-agent").value_or(""));
    const std::string lower = HttpHeaders::toLower(raw);
    const bool bot = lower.find("bot") != std::string::npos || lower.find("spider") != std::string::npos
                     || lower.find("crawl") != std::string::npos;
    const bool mobile = lower.find("mobile") != std::string::npos;
    const bool tablet = lower.find("ipad") != std::string::npos || lower.find("tablet") != std::string::npos;
    const std::string name = raw.substr(0, std::min(raw.find('/'), raw.size()));
    static const Record<11> fields({"raw", "name", "version", "os", "os_version", "device", "url", "is_mobile",
                                    "is_tablet", "is_desktop", "is_bot"});
    return fields.make({str(raw), str(name), emptyString(), emptyString(), emptyString(), emptyString(),
                        emptyString(), cel::Value::boolean(mobile && !tablet), cel::Value::boolean(tablet),
                        cel::Value::boolean(!raw.empty() && !mobile && !tablet && !bot), cel::Value::boolean(bot)});
}

} // namespace

cel::Value ExchangeValues::timestamp(std::chrono::system_clock::time_point t)
{
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    cel::Timestamp ts;
    ts.seconds = ns / 1'000'000'000;
    ts.nanos = static_cast<std::int32_t>(ns % 1'000'000'000);
    if (ts.nanos < 0) {
        ts.nanos += 1'000'000'000;
        --ts.seconds;
    }
    return cel::Value::timestamp(ts);
}

cel::Value ExchangeValues::headers(const HttpHeaders &headers)
{
    std::vector<std::pair<std::string, cel::Value>> items;
    items.reserve(headers.size());
    for (const HttpHeaderField &f : headers.fields())
        items.emplace_back(f.lowerName, cel::Value::string(f.value));
    return groupedList(items);
}

cel::Value ExchangeValues::request(const PolicyRequest &request, std::chrono::system_clock::time_point received)
{
    const RequestUrl url = RequestUrl::parse(request.url).value_or(RequestUrl{});
    static const Record<11> urlFields({"scheme", "host", "port", "authority", "path", "query", "raw", "raw_path",
                                       "uri", "user_password", "query_params"});
    const std::string authority = url.authority();
    cel::Value urlValue = urlFields.make({str(url.scheme), str(url.host), cel::Value::integer(url.port), str(authority),
                                          str(url.path), str(url.query), str(request.url), str(url.path),
                                          str(url.uri()), str(url.userPassword), queryParams(url.query)});
    static const Record<2> tsFields({"header_received", "body_received"});
    const cel::Value ts = timestamp(received);
    static const Record<13> fields({"method", "version", "host", "url", "headers", "trailers", "cookies",
                                    "content_length", "content_type", "content_encoding", "location", "user_agent",
                                    "ts"});
    static const cel::Value noTrailers = emptyMap();
    return fields.make({str(request.method), str(request.version),
                        str(request.headers.value("host").value_or(authority)), std::move(urlValue),
                        headers(request.headers), noTrailers, cookies(request.headers, false),
                        cel::Value::integer(contentLength(request.headers, request.body.size())),
                        str(request.headers.value("content-type").value_or("")),
                        tokenList(request.headers, "content-encoding"),
                        str(request.headers.value("location").value_or("")), userAgent(request.headers),
                        tsFields.make({ts, ts})});
}

cel::Value ExchangeValues::response(const PolicyResponse &response)
{
    static const Record<8> fields({"status_code", "headers", "trailers", "cookies", "content_length", "content_type",
                                   "content_encoding", "location"});
    return fields.make({cel::Value::integer(response.statusCode), headers(response.headers), emptyMap(),
                        cookies(response.headers, true),
                        cel::Value::integer(contentLength(response.headers, response.body.size())),
                        str(response.headers.value("content-type").value_or("")),
                        tokenList(response.headers, "content-encoding"),
                        str(response.headers.value("location").value_or(""))});
}

cel::Value ExchangeValues::connection(const PolicyConnection &c)
{
    // Switchyard has no geo-IP data: the fields exist and are empty.
    static const cel::Value geo = Record<7>({"city", "country", "country_code", "latitude", "longitude", "radius",
                                             "subdivision"})
                                      .make({emptyString(), emptyString(), emptyString(), emptyString(),
                                             emptyString(), emptyString(), emptyString()});
    static const Record<1> tsFields({"start"});
    static const cel::Value region = str("local");
    std::array<cel::Value, 9> common{str(c.clientIp), cel::Value::integer(c.clientPort), str(c.serverIp),
                                     cel::Value::integer(c.serverPort), region, cel::Value::integer(0),
                                     cel::Value::integer(0), geo, tsFields.make({timestamp(c.start)})};
    static const std::array<std::string_view, 9> names{"client_ip", "client_port", "server_ip", "server_port",
                                                       "server_region", "bytes_in", "bytes_out", "geo", "ts"};
    static const Record<9> plainFields(names);
    if (!c.tls && c.tlsVersion.empty() && c.sni.empty())
        return plainFields.make(std::move(common)); // not TLS: has(conn.tls) is false
    cel::Value tls;
    if (c.tls) {
        tls = c.tls->value();
    } else {
        static const Record<6> looseFields({"version", "cipher_suite", "sni", "negotiated_alpn", "ja4_fingerprint",
                                            "session_resumed"});
        tls = looseFields.make({str(c.tlsVersion), str(c.tlsCipherSuite), str(c.sni), str(c.alpn), emptyString(),
                                cel::Value::boolean(false)});
    }
    static const Record<10> tlsFields = [] {
        std::array<std::string_view, 10> all{};
        std::copy(names.begin(), names.end(), all.begin());
        all[9] = "tls";
        return Record<10>(all);
    }();
    std::array<cel::Value, 10> values;
    std::move(common.begin(), common.end(), values.begin());
    values[9] = std::move(tls);
    return tlsFields.make(std::move(values));
}

cel::Value ExchangeValues::endpoint(const PolicyExchange &exchange)
{
    const RequestUrl url = RequestUrl::parse(exchange.endpointUrl).value_or(RequestUrl{});
    static const Record<6> fields({"id", "url", "addr", "host", "port", "protocol"});
    return fields.make({str(exchange.endpointId), str(exchange.endpointUrl), str(url.host + ':' + std::to_string(url.port)),
                        str(url.host), cel::Value::integer(url.port), str(url.scheme)});
}

cel::Value ExchangeValues::time(std::chrono::system_clock::time_point now)
{
    const cel::Value ts = timestamp(now);
    static const Record<1> fields({"now"});
    return fields.make({str(cel::formatTimestamp(ts.timestampValue()))});
}

cel::Value ExchangeValues::vars(const std::vector<std::pair<std::string, cel::Value>> &vars)
{
    Entries entries;
    entries.reserve(vars.size());
    for (const auto &[name, value] : vars)
        entries.emplace_back(cel::Value::string(name), value);
    return mapOf(std::move(entries));
}

} // namespace switchyard
