// SPDX-License-Identifier: Apache-2.0
#include "control/configendpointreader.h"

#include "common/textfile.h"
#include "control/configparser.h"
#include "control/configyamlnode.h"
#include "model/hostname.h"

#include <array>
#include <filesystem>
#include <optional>
#include <utility>

namespace switchyard {

namespace {

constexpr std::array<std::string_view, 10> EndpointKeys{"name",
                                                        "url",
                                                        "type",
                                                        "bindings",
                                                        "description",
                                                        "metadata",
                                                        "pooling_enabled",
                                                        "upstream",
                                                        "traffic_policy",
                                                        "traffic_policy_file"};
constexpr std::array<std::string_view, 2> UpstreamKeys{"url", "protocol"};
constexpr std::array<std::string_view, 2> TypeNames{"agent", "cloud"};
constexpr std::array<std::string_view, 2> BindingNames{"public", "internal"};
constexpr std::array<std::string_view, 2> UpstreamProtocols{"http1", "http2"};

// The scheme an unparseable URL was meant to have, so its upstream can
// still be checked.
Scheme guessScheme(const std::string &url)
{
    const std::size_t sep = url.find("://");
    if (sep == std::string::npos)
        return Scheme::Https;
    return schemeFromString(Hostname::toLower(url.substr(0, sep))).value_or(Scheme::Https);
}

// The state of reading one entry: the keys found, then the checks across them.
class EntryReader
{
public:
    EntryReader(const ConfigParser &parser, const std::string &baseDir, ConfigEndpointEntry &out,
                DiagnosticList &diagnostics)
        : m_parser(parser)
        , m_baseDir(baseDir)
        , m_out(out)
        , m_cfg(out.config)
        , m_ep(out.config.endpoint)
        , m_diag(diagnostics)
    {}

    void readKeys(const YamlNode &node);
    void check();

private:
    void error(std::string message, SourcePosition pos, std::string_view key)
    {
        m_diag.error(std::move(message), pos, joinPath(m_cfg.path, key));
    }
    std::optional<std::string> stringValue(const ConfigMapEntry &e, bool required, std::string_view expected);
    void readBindings(const ConfigMapEntry &e);
    void readUpstream(const ConfigMapEntry &e);
    void checkUrl();
    void checkUpstream(Scheme scheme);
    void checkTrafficPolicy();
    std::string label() const { return m_ep.name.empty() ? std::string() : " '" + m_ep.name + "'"; }

    const ConfigParser &m_parser;
    const std::string &m_baseDir;
    ConfigEndpointEntry &m_out;
    EndpointConfig &m_cfg;
    Endpoint &m_ep;
    DiagnosticList &m_diag;

    bool m_nameKeySeen = false;
    bool m_hasName = false;
    bool m_typeKnown = true;
    std::optional<ConfigMapEntry> m_url;
    Scheme m_scheme = Scheme::Https;
    std::optional<Binding> m_binding;
    SourcePosition m_bindingPosition;
    bool m_bindingValid = true;
    std::optional<ConfigMapEntry> m_upstream;
    std::optional<std::string> m_upstreamUrl;
    SourcePosition m_upstreamUrlPosition;
    std::optional<ConfigMapEntry> m_upstreamProtocol;
    std::optional<ConfigMapEntry> m_policy;
    std::optional<ConfigMapEntry> m_policyFile;
};

std::optional<std::string> EntryReader::stringValue(const ConfigMapEntry &e, bool required, std::string_view expected)
{
    if (e.value->isNull() && !required)
        return std::string();
    if (!e.value->isScalar()) {
        error(typeMismatch(e.key, expected, *e.value), valuePosition(e), e.key);
        return std::nullopt;
    }
    if (required && e.value->scalar().empty()) {
        error("'" + e.key + "' must not be empty", valuePosition(e), e.key);
        return std::nullopt;
    }
    return e.value->scalar();
}

void EntryReader::readKeys(const YamlNode &node)
{
    for (const ConfigMapEntry &e : mapEntries(node)) {
        if (e.key == "name") {
            m_nameKeySeen = true;
            if (auto v = stringValue(e, true, "a string")) {
                m_ep.name = *v;
                m_hasName = true;
                m_out.namePosition = valuePosition(e);
            }
        } else if (e.key == "url") {
            if (stringValue(e, true, "a URL such as https://app.localhost"))
                m_url = e;
        } else if (e.key == "type") {
            if (auto v = stringValue(e, true, "agent or cloud")) {
                if (auto type = endpointTypeFromString(*v))
                    m_ep.type = *type;
                else {
                    error(unknownChoice("endpoint type", *v, TypeNames), valuePosition(e), e.key);
                    m_typeKnown = false;
                }
            } else {
                m_typeKnown = false;
            }
        } else if (e.key == "bindings") {
            readBindings(e);
        } else if (e.key == "description") {
            if (auto v = stringValue(e, false, "a string"))
                m_ep.description = *v;
        } else if (e.key == "metadata") {
            if (auto v = stringValue(e, false, "a string"))
                m_ep.metadata = *v;
        } else if (e.key == "pooling_enabled") {
            if (auto v = plainBool(*e.value))
                m_ep.poolingEnabled = *v;
            else
                error(typeMismatch(e.key, "true or false", *e.value), valuePosition(e), e.key);
        } else if (e.key == "upstream") {
            readUpstream(e);
        } else if (e.key == "traffic_policy") {
            if (e.value->isMapping())
                m_policy = e;
            else
                error(typeMismatch(e.key, "a mapping of phases (on_http_request, on_http_response, on_tcp_connect)",
                                   *e.value),
                      valuePosition(e), e.key);
        } else if (e.key == "traffic_policy_file") {
            if (stringValue(e, true, "a file path"))
                m_policyFile = e;
        } else {
            reportUnknownKey(e, EndpointKeys, "in endpoint", m_cfg.path, m_diag);
        }
    }
}

void EntryReader::readBindings(const ConfigMapEntry &e)
{
    m_bindingPosition = valuePosition(e);
    if (!e.value->isSequence()) {
        error(typeMismatch(e.key, "a list with one item, as in [public]", *e.value), valuePosition(e), e.key);
        m_bindingValid = false;
        return;
    }
    if (e.value->size() != 1) {
        error("'bindings' must have exactly one item (public or internal), not " + std::to_string(e.value->size()),
              valuePosition(e), e.key);
        m_bindingValid = false;
        return;
    }
    const YamlNode &item = e.value->item(0);
    m_bindingPosition = item.position();
    if (!item.isScalar()) {
        error(typeMismatch("bindings[0]", "public or internal", item),
              m_bindingPosition.known() ? m_bindingPosition : valuePosition(e), "bindings[0]");
        m_bindingValid = false;
        return;
    }
    const std::string &value = item.scalar();
    if (auto binding = bindingFromString(value)) {
        m_binding = binding;
    } else {
        m_bindingValid = false;
        if (value == "kubernetes")
            error("binding 'kubernetes' is not supported; use public or internal", m_bindingPosition, "bindings[0]");
        else
            error(unknownChoice("binding", value, BindingNames), m_bindingPosition, "bindings[0]");
    }
}

void EntryReader::readUpstream(const ConfigMapEntry &e)
{
    m_upstream = e;
    if (!e.value->isMapping()) {
        error(typeMismatch(e.key, "a mapping, as in {url: 8080}", *e.value), valuePosition(e), e.key);
        return;
    }
    const std::string path = joinPath(m_cfg.path, "upstream");
    for (const ConfigMapEntry &u : mapEntries(*e.value)) {
        if (u.key == "url") {
            if (!u.value->isScalar()) {
                error(typeMismatch("url", "a port, host:port or URL, as in 8080", *u.value), valuePosition(u),
                      "upstream.url");
                m_upstreamUrl = std::string(); // present but unusable: no "missing url" error
            } else {
                m_upstreamUrl = u.value->scalar();
                m_upstreamUrlPosition = valuePosition(u);
            }
        } else if (u.key == "protocol") {
            if (!u.value->isScalar()) {
                error(typeMismatch("protocol", "http1 or http2", *u.value), valuePosition(u), "upstream.protocol");
            } else if (u.value->scalar() != "http1" && u.value->scalar() != "http2") {
                error(unknownChoice("upstream protocol", u.value->scalar(), UpstreamProtocols), valuePosition(u),
                      "upstream.protocol");
            } else {
                m_cfg.upstreamProtocol = u.value->scalar();
                m_upstreamProtocol = u;
            }
        } else {
            reportUnknownKey(u, UpstreamKeys, "in upstream", path, m_diag);
        }
    }
    if (!m_upstreamUrl)
        error("upstream is missing required key 'url'", valuePosition(e), "upstream");
}

void EntryReader::checkUrl()
{
    std::string text;
    if (m_url) {
        text = m_url->value->scalar();
        m_cfg.urlPosition = valuePosition(*m_url);
    } else {
        m_cfg.urlPosition = m_cfg.position;
        if (m_typeKnown && m_ep.type == EndpointType::Cloud) {
            error("cloud endpoint" + label() + " is missing required key 'url'", m_cfg.position, "url");
            return;
        }
        if (!m_hasName)
            return;
        // Like `switchyard http` without --url, but stable across restarts.
        text = "https://" + m_ep.name + ".localhost";
        if (!EndpointUrl::parse(text)) {
            error("endpoint '" + m_ep.name + "' has no 'url', and its name does not make a valid default URL (" + text +
                      "); set 'url'",
                  m_cfg.position, "url");
            return;
        }
    }
    m_scheme = guessScheme(text);
    auto url = EndpointUrl::parse(text);
    if (!url) {
        error(url.message(), m_cfg.urlPosition, "url");
        return;
    }
    m_ep.url = *url;
    m_scheme = url->scheme();
    if (!m_bindingValid)
        return;
    auto binding = EndpointUrl::resolveBinding(*url, m_binding);
    if (!binding) {
        error(binding.message(), m_bindingPosition, "bindings[0]");
        return;
    }
    m_ep.binding = *binding;
    m_out.routable = m_typeKnown;
}

void EntryReader::checkUpstream(Scheme scheme)
{
    if (!m_typeKnown)
        return;
    if (m_ep.type == EndpointType::Cloud) {
        if (m_upstream)
            error("cloud endpoint" + label() + " cannot have an upstream; it is pure traffic policy",
                  m_upstream->keyPosition, "upstream");
        return;
    }
    if (!m_upstream) {
        error("agent endpoint" + label() + " needs an upstream, as in 'upstream: {url: 8080}'", m_cfg.position,
              "upstream");
        return;
    }
    if (!m_upstreamUrl || !m_upstreamUrlPosition.known())
        return;
    auto upstream = Upstream::parse(*m_upstreamUrl, scheme);
    if (!upstream)
        error(upstream.message(), m_upstreamUrlPosition, "upstream.url");
    else
        m_ep.upstream = *upstream;
    if (m_upstreamProtocol && !isHttpFamily(scheme))
        error("upstream protocol '" + m_cfg.upstreamProtocol + "' applies only to http and https endpoints",
              valuePosition(*m_upstreamProtocol), "upstream.protocol");
}

void EntryReader::checkTrafficPolicy()
{
    if (m_policy && m_policyFile) {
        const auto at = [](const ConfigMapEntry &e) { return std::pair(e.keyPosition.line, e.keyPosition.column); };
        const ConfigMapEntry &later = at(*m_policy) > at(*m_policyFile) ? *m_policy : *m_policyFile;
        error("'traffic_policy' and 'traffic_policy_file' cannot both be set; keep one", later.keyPosition, later.key);
        return;
    }
    if (m_policy) {
        const YamlNode &node = *m_policy->value;
        m_cfg.trafficPolicyPosition = node.position();
        if (auto text = m_parser.blockText(node)) {
            m_cfg.trafficPolicySource = *text;
            m_cfg.trafficPolicyVerbatim = true;
        } else {
            m_cfg.trafficPolicySource = node.toFlowText() + "\n";
        }
        m_ep.trafficPolicy = m_cfg.trafficPolicySource;
    } else if (m_policyFile) {
        const std::string written = m_policyFile->value->scalar();
        std::filesystem::path resolved(written);
        if (resolved.is_relative() && !m_baseDir.empty())
            resolved = std::filesystem::path(m_baseDir) / resolved;
        auto text = TextFile::read(resolved.string());
        if (!text) {
            error("cannot read traffic policy file '" + written + "': " + text.message(), valuePosition(*m_policyFile),
                  "traffic_policy_file");
            return;
        }
        m_cfg.trafficPolicyFile = written;
        m_cfg.trafficPolicyFilePath = resolved.string();
        m_cfg.trafficPolicySource = *text;
        m_cfg.trafficPolicyPosition = SourcePosition{1, 1, 0};
        m_cfg.trafficPolicyVerbatim = true;
        m_ep.trafficPolicy = *text;
    } else if (m_typeKnown && m_ep.type == EndpointType::Cloud) {
        error("cloud endpoint" + label() +
                  " needs a traffic_policy (or traffic_policy_file): its policy answers every request",
              m_cfg.position, "traffic_policy");
    }
}

void EntryReader::check()
{
    if (!m_nameKeySeen)
        m_diag.error("endpoint is missing required key 'name'", m_cfg.position, m_cfg.path);
    checkUrl();
    checkUpstream(m_scheme);
    checkTrafficPolicy();
}

} // namespace

ConfigEndpointReader::ConfigEndpointReader(const ConfigParser &parser, std::string baseDir)
    : m_parser(parser)
    , m_baseDir(std::move(baseDir))
{}

ConfigEndpointEntry ConfigEndpointReader::read(const YamlNode &node, std::size_t index, SourcePosition fallback,
                                               DiagnosticList &diagnostics) const
{
    ConfigEndpointEntry out;
    EndpointConfig &cfg = out.config;
    cfg.path = "endpoints[" + std::to_string(index) + "]";
    const int errorsBefore = diagnostics.errorCount();
    if (!node.isMapping()) {
        SourcePosition pos = node.isNull() ? m_parser.emptyItemPosition(node) : node.position();
        if (!pos.known())
            pos = fallback;
        diagnostics.error(typeMismatch(cfg.path, "a mapping with at least 'name'", node), pos, cfg.path);
        return out;
    }
    cfg.position = node.position();
    cfg.position.length = 0;

    EntryReader reader(m_parser, m_baseDir, out, diagnostics);
    reader.readKeys(node);
    reader.check();
    out.valid = diagnostics.errorCount() == errorsBefore;
    return out;
}

} // namespace switchyard
