// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/phaseenvironment.h"

namespace switchyard::cel {

namespace {

using Fields = std::map<std::string, Type, std::less<>>;

Type t(TypeKind k) { return Type(k); }
Type str() { return t(TypeKind::String); }
Type integer() { return t(TypeKind::Int); }
Type headers() { return Type::map(str(), Type::list(str())); }

Type connType()
{
    Fields geo;
    for (const char *f : {"city", "country", "country_code", "latitude", "longitude", "radius", "subdivision"})
        geo[f] = str();
    Fields ts{{"start", t(TypeKind::Timestamp)}};
    Fields tls;
    for (const char *f : {"version", "cipher_suite", "sni", "negotiated_alpn", "ja4_fingerprint"})
        tls[f] = str();
    tls["session_resumed"] = t(TypeKind::Bool);
    tls["client"] = Type::dyn();
    tls["server"] = Type::dyn();
    return Type::object("conn", Fields{
        {"client_ip", str()},
        {"client_port", integer()},
        {"server_ip", str()},
        {"server_port", integer()},
        {"server_region", str()},
        {"bytes_in", integer()},
        {"bytes_out", integer()},
        {"geo", Type::object("conn.geo", geo)},
        {"ts", Type::object("conn.ts", ts)},
        {"tls", Type::object("conn.tls", tls)},
    });
}

Type endpointType()
{
    return Type::object("endpoint", Fields{{"id", str()}, {"url", str()}, {"addr", str()}, {"host", str()},
                                           {"port", integer()}, {"protocol", str()}});
}

Type requestType()
{
    Fields url{{"scheme", str()},    {"host", str()},      {"port", integer()},
               {"authority", str()}, {"path", str()},      {"query", str()},
               {"raw", str()},       {"raw_path", str()},  {"uri", str()},
               {"user_password", str()},
               {"query_params", headers()}};
    Fields userAgent;
    for (const char *f : {"raw", "name", "version", "os", "os_version", "device", "url"})
        userAgent[f] = str();
    for (const char *f : {"is_mobile", "is_tablet", "is_desktop", "is_bot"})
        userAgent[f] = t(TypeKind::Bool);
    Fields ts{{"header_received", t(TypeKind::Timestamp)}, {"body_received", t(TypeKind::Timestamp)}};
    return Type::object("req", Fields{
        {"method", str()},
        {"version", str()},
        {"host", str()},
        {"url", Type::object("req.url", url)},
        {"headers", headers()},
        {"trailers", headers()},
        {"cookies", Type::map(str(), Type::list(Type::map(str(), Type::dyn())))},
        {"content_length", integer()},
        {"content_type", Type::dyn()},
        {"content_encoding", Type::list(str())},
        {"location", str()},
        {"user_agent", Type::object("req.user_agent", userAgent)},
        {"ts", Type::object("req.ts", ts)},
    });
}

Type responseType()
{
    return Type::object("res", Fields{
        {"status_code", integer()},
        {"headers", headers()},
        {"trailers", headers()},
        {"cookies", Type::map(str(), Type::list(Type::map(str(), Type::dyn())))},
        {"content_length", integer()},
        {"content_type", Type::dyn()},
        {"content_encoding", Type::list(str())},
        {"location", str()},
    });
}

} // namespace

std::optional<PolicyPhase> policyPhaseFromName(std::string_view name)
{
    if (name == "on_tcp_connect")
        return PolicyPhase::TcpConnect;
    if (name == "on_http_request")
        return PolicyPhase::HttpRequest;
    if (name == "on_http_response")
        return PolicyPhase::HttpResponse;
    return std::nullopt;
}

Environment phaseEnvironment(PolicyPhase phase)
{
    Environment env;
    env.declare("conn", connType());
    env.declare("endpoint", endpointType());
    env.declare("time", Type::object("time", Fields{{"now", str()}}));
    env.declare("vars", Type::map(str(), Type::dyn()));
    env.declare("actions", Type::dyn());
    if (phase != PolicyPhase::TcpConnect)
        env.declare("req", requestType());
    if (phase == PolicyPhase::HttpResponse)
        env.declare("res", responseType());
    return env;
}

} // namespace switchyard::cel
