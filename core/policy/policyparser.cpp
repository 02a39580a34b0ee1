// SPDX-License-Identifier: Apache-2.0
#include "policy/policyparser.h"

#include "common/textdistance.h"
#include "policy/policyyamlreader.h"

#include <array>
#include <fstream>
#include <sstream>

namespace switchyard {

namespace {

constexpr std::array<std::string_view, 3> PhaseNames{"on_tcp_connect", "on_http_request", "on_http_response"};
constexpr std::array<std::string_view, 3> RuleKeys{"name", "expressions", "actions"};
constexpr std::array<std::string_view, 2> ActionKeys{"type", "config"};

std::string unknownKeyMessage(std::string_view what, const std::string &key, std::span<const std::string_view> known)
{
    std::string message = "unknown " + std::string(what) + " '" + key + "'";
    const std::string suggestion = closestMatch(key, known);
    if (!suggestion.empty())
        return message + "; did you mean '" + suggestion + "'?";
    message += "; expected ";
    for (std::size_t i = 0; i < known.size(); ++i) {
        if (i > 0)
            message += i + 1 == known.size() ? " or " : ", ";
        message += known[i];
    }
    return message;
}

class DocumentBuilder
{
public:
    explicit DocumentBuilder(DiagnosticList &diagnostics) : m_diagnostics(diagnostics) {}

    std::optional<PolicyDocument> build(const PolicyNode &root, const PolicySourceMap &source)
    {
        if (root.isNull() || (root.isMap() && root.children.empty())) {
            m_diagnostics.error("the policy is empty; add a phase such as on_http_request", source.fromLocal(0, 0),
                                root.path);
            return std::nullopt;
        }
        if (!root.isMap()) {
            m_diagnostics.error("a policy must be a map of phases (on_tcp_connect, on_http_request, "
                                "on_http_response), not "
                                    + std::string(root.describe()),
                                root.position, root.path);
            return std::nullopt;
        }
        PolicyDocument doc;
        for (const PolicyNode &entry : root.children) {
            std::optional<PolicyPhase> phase = policyPhaseFromString(entry.key);
            if (entry.key == "inbound" || entry.key == "outbound") {
                phase = entry.key == "inbound" ? PolicyPhase::HttpRequest : PolicyPhase::HttpResponse;
                m_diagnostics.warning("'" + entry.key + "' is the old name of '" + std::string(toString(*phase))
                                          + "'; rename it",
                                      entry.keyPosition, entry.path);
            } else if (entry.key == "on_event_stream_message") {
                m_diagnostics.error("phase 'on_event_stream_message' is not supported by Switchyard: it needs "
                                    "server-sent event processing, which only the unsupported sse-find-replace "
                                    "action uses",
                                    entry.keyPosition, entry.path);
                doc.incomplete = true;
                continue;
            }
            if (!phase) {
                m_diagnostics.error(unknownKeyMessage("phase", entry.key, PhaseNames), entry.keyPosition, entry.path);
                doc.incomplete = true;
                continue;
            }
            if (const PolicyPhaseRules *earlier = doc.phase(*phase)) {
                m_diagnostics.error("'" + earlier->key + "' and '" + entry.key + "' are the same phase; merge their rules into "
                                        + std::string(toString(*phase)),
                                    entry.keyPosition, entry.path);
                doc.incomplete = true;
                continue;
            }
            PolicyPhaseRules rules;
            rules.phase = *phase;
            rules.key = entry.key;
            rules.position = entry.keyPosition;
            rules.path = entry.path;
            buildPhase(entry, rules, doc);
            doc.phases.push_back(std::move(rules));
        }
        return doc;
    }

private:
    void buildPhase(const PolicyNode &node, PolicyPhaseRules &rules, PolicyDocument &doc)
    {
        if (node.isNull() || (node.isSequence() && node.children.empty())) {
            m_diagnostics.warning(node.key + " has no rules, so it does nothing", node.keyPosition, node.path);
            return;
        }
        if (!node.isSequence()) {
            m_diagnostics.error(node.key + " must be a list of rules, not " + std::string(node.describe()),
                                node.position, node.path);
            doc.incomplete = true;
            return;
        }
        for (const PolicyNode &item : node.children) {
            std::optional<PolicyRule> rule = buildRule(item);
            if (rule)
                rules.rules.push_back(std::move(*rule));
            else
                doc.incomplete = true;
        }
    }

    std::optional<PolicyRule> buildRule(const PolicyNode &node)
    {
        if (!node.isMap()) {
            m_diagnostics.error("a rule must be a map with 'actions' (and optional 'name' and 'expressions'), not "
                                    + std::string(node.describe()),
                                node.position, node.path);
            return std::nullopt;
        }
        PolicyRule rule;
        rule.position = node.position;
        rule.path = node.path;
        bool ok = true;
        const PolicyNode *actions = nullptr;
        for (const PolicyNode &entry : node.children) {
            if (entry.key == "name") {
                if (entry.isScalar()) {
                    rule.name = entry.scalar;
                } else if (!entry.isNull()) {
                    m_diagnostics.error("name must be a string, not " + std::string(entry.describe()), entry.position,
                                        entry.path);
                }
            } else if (entry.key == "expressions") {
                ok = buildExpressions(entry, rule) && ok;
            } else if (entry.key == "actions") {
                actions = &entry;
            } else if (entry.key == "type" || entry.key == "config") {
                m_diagnostics.error("unknown key '" + entry.key + "' in a rule; a rule lists its actions under 'actions:'",
                                    entry.keyPosition, entry.path);
                ok = false;
            } else {
                m_diagnostics.error(unknownKeyMessage("key", entry.key, RuleKeys) , entry.keyPosition, entry.path);
                ok = false;
            }
        }
        if (!actions) {
            m_diagnostics.error("rule has no 'actions'; every rule needs at least one action", node.position, node.path);
            return std::nullopt;
        }
        if (actions->isNull() || (actions->isSequence() && actions->children.empty())) {
            m_diagnostics.error("'actions' is empty; every rule needs at least one action", actions->keyPosition,
                                actions->path);
            return std::nullopt;
        }
        if (!actions->isSequence()) {
            m_diagnostics.error("actions must be a list of actions, not " + std::string(actions->describe()),
                                actions->position, actions->path);
            return std::nullopt;
        }
        for (const PolicyNode &item : actions->children) {
            std::optional<PolicyAction> action = buildAction(item);
            if (action)
                rule.actions.push_back(std::move(*action));
            else
                ok = false;
        }
        if (!ok)
            return std::nullopt;
        return rule;
    }

    bool buildExpressions(const PolicyNode &node, PolicyRule &rule)
    {
        if (node.isNull())
            return true;
        if (!node.isSequence()) {
            m_diagnostics.error("expressions must be a list of CEL expressions, not " + std::string(node.describe()),
                                node.position, node.path);
            return false;
        }
        bool ok = true;
        for (const PolicyNode &item : node.children) {
            if (!item.isScalar()) {
                m_diagnostics.error("an expression must be a string, not " + std::string(item.describe()), item.position,
                                    item.path);
                ok = false;
            } else if (item.scalar.find_first_not_of(" \t\r\n") == std::string::npos) {
                m_diagnostics.error("expression is empty", item.position, item.path);
                ok = false;
            } else {
                rule.expressions.push_back(item);
            }
        }
        return ok;
    }

    std::optional<PolicyAction> buildAction(const PolicyNode &node)
    {
        if (!node.isMap()) {
            m_diagnostics.error("an action must be a map with 'type' and optional 'config', not "
                                    + std::string(node.describe()),
                                node.position, node.path);
            return std::nullopt;
        }
        PolicyAction action;
        action.position = node.position;
        action.path = node.path;
        bool ok = true;
        const PolicyNode *type = nullptr;
        for (const PolicyNode &entry : node.children) {
            if (entry.key == "type") {
                type = &entry;
            } else if (entry.key == "config") {
                if (entry.isMap() || entry.isNull()) {
                    action.config = entry;
                } else {
                    m_diagnostics.error("config must be a map, not " + std::string(entry.describe()), entry.position,
                                        entry.path);
                    ok = false;
                }
            } else {
                m_diagnostics.error(unknownKeyMessage("key", entry.key, ActionKeys) + (closestMatch(entry.key, ActionKeys).empty() ? "; action settings go under 'config:'" : ""),
                                    entry.keyPosition, entry.path);
                ok = false;
            }
        }
        if (!type) {
            m_diagnostics.error("action has no 'type'", node.position, node.path);
            return std::nullopt;
        }
        if (!type->isScalar() || type->scalar.empty()) {
            m_diagnostics.error("type must be an action name such as custom-response, not "
                                    + std::string(type->describe()),
                                type->position, type->path);
            return std::nullopt;
        }
        action.type = type->scalar;
        action.typePosition = type->position;
        if (!ok)
            return std::nullopt;
        return action;
    }

    DiagnosticList &m_diagnostics;
};

} // namespace

std::optional<PolicyDocument> PolicyParser::parse(const PolicySource &source, DiagnosticList &diagnostics)
{
    const int errorsBefore = diagnostics.errorCount();
    auto map = std::make_shared<const PolicySourceMap>(source.text, source.firstLine, source.firstColumn);
    std::optional<PolicyNode> root = PolicyYamlReader::read(*map, source.pathPrefix, diagnostics);
    if (!root)
        return std::nullopt;
    std::optional<PolicyDocument> doc = DocumentBuilder(diagnostics).build(*root, *map);
    if (doc) {
        doc->sourceMap = std::move(map);
        if (diagnostics.errorCount() > errorsBefore)
            doc->incomplete = true;
    }
    return doc;
}

std::optional<PolicyDocument> PolicyParser::parse(const std::string &text, DiagnosticList &diagnostics)
{
    return parse(PolicySource{text, 1, 1, {}}, diagnostics);
}

std::optional<PolicyDocument> PolicyParser::parseFile(const std::string &path, DiagnosticList &diagnostics)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diagnostics.error("cannot open the policy file");
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        diagnostics.error("cannot read the policy file");
        return std::nullopt;
    }
    return parse(PolicySource{text.str(), 1, 1, {}}, diagnostics);
}

} // namespace switchyard
