// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/exchangevalues.h"

#include "policy/cel/timeutil.h"
#include "policy/exec/requesturl.h"

#include <algorithm>

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
                items.emplace_back(name, mapOf({{str("name"), str(name)}, {str("value"), str(trim(pair.substr(eq + 1)))}}));
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
    return mapOf({{str("raw"), str(raw)},
                  {str("name"), str(name)},
                  {str("version"), str("")},
                  {str("os"), str("")},
                  {str("os_version"), str("")},
                  {str("device"), str("")},
                  {str("url"), str("")},
                  {str("is_mobile"), cel::Value::boolean(mobile && !tablet)},
                  {str("is_tablet"), cel::Value::boolean(tablet)},
                  {str("is_desktop"), cel::Value::boolean(!raw.empty() && !mobile && !tablet && !bot)},
                  {str("is_bot"), cel::Value::boolean(bot)}});
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
    const std::string host(request.headers.value("host").value_or(url.authority()));
    const cel::Value urlValue = mapOf({
        {str("scheme"), str(url.scheme)},
        {str("host"), str(url.host)},
        {str("port"), cel::Value::integer(url.port)},
        {str("authority"), str(url.authority())},
        {str("path"), str(url.path)},
        {str("query"), str(url.query)},
        {str("raw"), str(request.url)},
        {str("raw_path"), str(url.path)},
        {str("uri"), str(url.uri())},
        {str("user_password"), str(url.userPassword)},
        {str("query_params"), queryParams(url.query)},
    });
    const cel::Value ts = timestamp(received);
    return mapOf({
        {str("method"), str(request.method)},
        {str("version"), str(request.version)},
        {str("host"), str(host)},
        {str("url"), urlValue},
        {str("headers"), headers(request.headers)},
        {str("trailers"), emptyMap()},
        {str("cookies"), cookies(request.headers, false)},
        {str("content_length"), cel::Value::integer(contentLength(request.headers, request.body.size()))},
        {str("content_type"), str(request.headers.value("content-type").value_or(""))},
        {str("content_encoding"), tokenList(request.headers, "content-encoding")},
        {str("location"), str(request.headers.value("location").value_or(""))},
        {str("user_agent"), userAgent(request.headers)},
        {str("ts"), mapOf({{str("header_received"), ts}, {str("body_received"), ts}})},
    });
}

cel::Value ExchangeValues::response(const PolicyResponse &response)
{
    return mapOf({
        {str("status_code"), cel::Value::integer(response.statusCode)},
        {str("headers"), headers(response.headers)},
        {str("trailers"), emptyMap()},
        {str("cookies"), cookies(response.headers, true)},
        {str("content_length"), cel::Value::integer(contentLength(response.headers, response.body.size()))},
        {str("content_type"), str(response.headers.value("content-type").value_or(""))},
        {str("content_encoding"), tokenList(response.headers, "content-encoding")},
        {str("location"), str(response.headers.value("location").value_or(""))},
    });
}

cel::Value ExchangeValues::connection(const PolicyConnection &c)
{
    Entries geo;
    for (const char *f : {"city", "country", "country_code", "latitude", "longitude", "radius", "subdivision"})
        geo.emplace_back(str(f), str(""));
    const cel::Value tls = mapOf({
        {str("version"), str(c.tlsVersion)},
        {str("cipher_suite"), str(c.tlsCipherSuite)},
        {str("sni"), str(c.sni)},
        {str("negotiated_alpn"), str(c.alpn)},
        {str("ja4_fingerprint"), str("")},
        {str("session_resumed"), cel::Value::boolean(false)},
        {str("client"), cel::Value::null()},
        {str("server"), cel::Value::null()},
    });
    return mapOf({
        {str("client_ip"), str(c.clientIp)},
        {str("client_port"), cel::Value::integer(c.clientPort)},
        {str("server_ip"), str(c.serverIp)},
        {str("server_port"), cel::Value::integer(c.serverPort)},
        {str("server_region"), str("local")},
        {str("bytes_in"), cel::Value::integer(0)},
        {str("bytes_out"), cel::Value::integer(0)},
        {str("geo"), mapOf(std::move(geo))},
        {str("ts"), mapOf({{str("start"), timestamp(c.start)}})},
        {str("tls"), tls},
    });
}

cel::Value ExchangeValues::endpoint(const PolicyExchange &exchange)
{
    const RequestUrl url = RequestUrl::parse(exchange.endpointUrl).value_or(RequestUrl{});
    return mapOf({
        {str("id"), str(exchange.endpointId)},
        {str("url"), str(exchange.endpointUrl)},
        {str("addr"), str(url.host + ':' + std::to_string(url.port))},
        {str("host"), str(url.host)},
        {str("port"), cel::Value::integer(url.port)},
        {str("protocol"), str(url.scheme)},
    });
}

cel::Value ExchangeValues::time(std::chrono::system_clock::time_point now)
{
    const cel::Value ts = timestamp(now);
    return mapOf({{str("now"), str(cel::formatTimestamp(ts.timestampValue()))}});
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
