// SPDX-License-Identifier: Apache-2.0
#include "policy/policyvalidator.h"

#include "common/textdistance.h"
#include "policy/actionconfigchecker.h"
#include "policy/actionschema.h"
#include "policy/expressioncompiler.h"
#include "policy/policygraph.h"
#include "policy/policyvalues.h"

namespace switchyard {

namespace {

std::string schemeFamily(Scheme s)
{
    return isHttpFamily(s) ? "http:// or https://" : std::string(toString(s)) + "://";
}

// "a", "a and b", "a, b and c".
std::string joinWords(const std::vector<std::string_view> &names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            out += i + 1 == names.size() ? " and " : ", ";
        out += names[i];
    }
    return out;
}

std::string joinPhases(unsigned phases)
{
    std::vector<std::string_view> names;
    for (PolicyPhase p : AllPolicyPhases) {
        if (phases & phaseBit(p))
            names.push_back(toString(p));
    }
    return joinWords(names);
}

std::string joinSchemes(unsigned schemes)
{
    std::vector<std::string_view> names;
    for (Scheme s : {Scheme::Http, Scheme::Https, Scheme::Tcp, Scheme::Tls}) {
        if (schemes & schemeBit(s))
            names.push_back(toString(s));
    }
    return joinWords(names);
}

bool terminates(const ActionSchema &schema, const PolicyAction &action)
{
    switch (schema.termination) {
    case Termination::Never: return false;
    case Termination::Always: return true;
    case Termination::UnlessOnErrorContinue: {
        const PolicyNode *onError = action.config.find("on_error");
        return !(onError && onError->isScalar() && onError->scalar == "continue");
    }
    }
    return false;
}

// One validation pass over one document.
class Run
{
public:
    Run(const PolicyValidator::Options &options, const PolicyDocument &doc, DiagnosticList &diagnostics)
        : m_options(options), m_endpoint(options.endpoint), m_doc(doc), m_diagnostics(diagnostics)
    {
    }

    void run()
    {
        for (const PolicyPhaseRules &phase : m_doc.phases) {
            const bool phaseValid = checkPhase(phase);
            for (const PolicyRule &rule : phase.rules)
                checkRule(phase, rule, phaseValid);
            checkUnreachableRules(phase);
        }
        checkCloudTerminates();
    }

private:
    std::string endpointName() const
    {
        if (m_endpoint.url)
            return m_endpoint.url->toString();
        return "this " + std::string(toString(m_endpoint.binding)) + " " + std::string(toString(m_endpoint.scheme))
               + " endpoint";
    }

    bool checkPhase(const PolicyPhaseRules &phase)
    {
        if (phase.phase != PolicyPhase::TcpConnect && !isHttpFamily(m_endpoint.scheme)) {
            m_diagnostics.error(phase.key + " cannot be used on a " + std::string(toString(m_endpoint.scheme))
                                    + " endpoint: HTTP phases run only on http and https endpoints",
                                phase.position, phase.path);
            return false;
        }
        if (phase.phase == PolicyPhase::TcpConnect && isHttpFamily(m_endpoint.scheme)
            && m_endpoint.binding == Binding::Internal) {
            m_diagnostics.error("on_tcp_connect cannot be used on the internal endpoint " + endpointName()
                                    + ": forward-internal hands HTTP requests over without opening a TCP "
                                      "connection, so this phase would never run",
                                phase.position, phase.path);
            return false;
        }
        return true;
    }

    void checkRule(const PolicyPhaseRules &phase, const PolicyRule &rule, bool phaseValid)
    {
        for (const PolicyNode &expression : rule.expressions)
            compile(expression, 1, expression.scalar, phase.phase);
        const PolicyAction *terminator = nullptr;
        for (const PolicyAction &action : rule.actions) {
            if (terminator) {
                m_diagnostics.error("unreachable action: the " + terminator->type + " on line "
                                        + std::to_string(terminator->typePosition.line)
                                        + " ends the phase before it",
                                    action.typePosition, action.path);
            }
            const ActionSchema *schema = checkAction(phase, action, phaseValid);
            // An action that is invalid in this phase already has its error; it ends nothing.
            if (schema && !terminator && schema->allowedIn(phase.phase) && terminates(*schema, action))
                terminator = &action;
        }
    }

    const ActionSchema *checkAction(const PolicyPhaseRules &phase, const PolicyAction &action, bool phaseValid)
    {
        const ActionSchema *schema = ActionSchemas::find(action.type);
        if (!schema) {
            std::string message = "unknown action type '" + action.type + "'";
            const std::vector<std::string_view> names = ActionSchemas::names();
            if (const std::string near = closestMatch(action.type, names); !near.empty())
                message += "; did you mean '" + near + "'?";
            m_diagnostics.error(message, action.typePosition, action.path + ".type");
            return nullptr;
        }
        if (!schema->supported()) {
            m_diagnostics.error("action '" + action.type + "' is not supported by Switchyard: it needs "
                                    + std::string(schema->unsupportedReason),
                                action.typePosition, action.path + ".type");
            return nullptr;
        }
        if (schema->authentication)
            checkSingleAuthentication(action);
        if (!schema->allowedIn(phase.phase)) {
            m_diagnostics.error(action.type + " cannot be used in " + std::string(toString(phase.phase))
                                    + "; it works in " + joinPhases(schema->phases),
                                action.typePosition, action.path + ".type");
        } else if (phaseValid && !(schema->schemes & schemeBit(m_endpoint.scheme))) {
            m_diagnostics.error(action.type + " works only on " + joinSchemes(schema->schemes)
                                    + " endpoints, not on " + std::string(toString(m_endpoint.scheme)) + " endpoints",
                                action.typePosition, action.path + ".type");
        }
        std::vector<EmbeddedExpression> expressions;
        ActionConfigChecker(m_diagnostics, expressions, m_doc.sourceMap.get()).check(*schema, action, phase.phase);
        for (const EmbeddedExpression &e : expressions) {
            if (e.source.find_first_not_of(" \t\r\n") == std::string::npos) {
                m_diagnostics.error("empty ${} interpolation", locate(*e.node, e.column - 2), e.node->path);
                continue;
            }
            compile(*e.node, e.column, e.source, phase.phase);
        }
        if (action.type == "forward-internal")
            checkForwardTarget(action);
        return schema;
    }

    void checkSingleAuthentication(const PolicyAction &action)
    {
        if (!m_firstAuthentication) {
            m_firstAuthentication = &action;
            return;
        }
        m_diagnostics.error("only one authentication action is allowed per policy; " + m_firstAuthentication->type
                                + " is already used on line "
                                + std::to_string(m_firstAuthentication->typePosition.line),
                            action.typePosition, action.path + ".type");
    }

    void checkForwardTarget(const PolicyAction &action)
    {
        const PolicyNode *urlNode = action.config.find("url");
        if (!urlNode || !urlNode->isScalar() || urlNode->scalar.empty()
            || PolicyValues::hasInterpolation(urlNode->scalar))
            return; // missing: reported by the schema; interpolated: checked when it runs
        const std::string &text = urlNode->scalar;
        auto url = EndpointUrl::parse(text);
        if (!url) {
            m_diagnostics.error("forward-internal 'url' is not a valid endpoint URL: " + url.message(),
                                urlNode->position, urlNode->path);
            return;
        }
        if (!url->isInternal()) {
            m_diagnostics.error("forward-internal 'url' must name an internal endpoint (a host ending in .internal), not '"
                                    + text + "'",
                                urlNode->position, urlNode->path);
            return;
        }
        if (isHttpFamily(url->scheme()) != isHttpFamily(m_endpoint.scheme)
            || (!isHttpFamily(m_endpoint.scheme) && url->scheme() != m_endpoint.scheme)) {
            m_diagnostics.error("forward-internal must target an internal endpoint of the same protocol ("
                                    + schemeFamily(m_endpoint.scheme) + "), not '" + text + "'",
                                urlNode->position, urlNode->path);
            return;
        }
        const PolicyGraph *graph = m_options.graph;
        if (!graph)
            return;
        if (m_endpoint.url && *url == *m_endpoint.url) {
            m_diagnostics.warning("forwarding loop: " + url->toString() + " forwards to itself", urlNode->position,
                                  urlNode->path);
            return;
        }
        if (!graph->find(*url)) {
            m_diagnostics.warning("forward-internal target " + url->toString() + " does not exist yet",
                                  urlNode->position, urlNode->path);
            return;
        }
        if (!m_endpoint.url)
            return;
        const std::vector<EndpointUrl> loop = graph->pathBetween(*url, *m_endpoint.url);
        if (loop.empty())
            return;
        std::string chain = m_endpoint.url->toString();
        for (const EndpointUrl &hop : loop)
            chain += " → " + hop.toString();
        m_diagnostics.warning("forwarding loop: " + chain, urlNode->position, urlNode->path);
    }

    // Rules after one that ends every request can never run.
    void checkUnreachableRules(const PolicyPhaseRules &phase)
    {
        const PolicyRule *ender = nullptr;
        for (const PolicyRule &rule : phase.rules) {
            if (ender) {
                m_diagnostics.warning("this rule never runs: the rule on line " + std::to_string(ender->position.line)
                                          + " has no expressions and ends the phase",
                                      rule.position, rule.path);
                continue;
            }
            if (rule.unconditional() && ruleTerminates(rule, phase.phase))
                ender = &rule;
        }
    }

    static bool ruleTerminates(const PolicyRule &rule, PolicyPhase phase)
    {
        for (const PolicyAction &action : rule.actions) {
            const ActionSchema *schema = ActionSchemas::find(action.type);
            if (schema && schema->supported() && schema->allowedIn(phase) && terminates(*schema, action))
                return true;
        }
        return false;
    }

    bool phaseEndsAllTraffic(PolicyPhase p) const
    {
        const PolicyPhaseRules *rules = m_doc.phase(p);
        if (!rules)
            return false;
        for (const PolicyRule &rule : rules->rules) {
            if (rule.unconditional() && ruleTerminates(rule, p))
                return true;
        }
        return false;
    }

    void checkCloudTerminates()
    {
        if (m_endpoint.type != EndpointType::Cloud || m_doc.incomplete)
            return;
        const bool http = isHttpFamily(m_endpoint.scheme);
        if (phaseEndsAllTraffic(PolicyPhase::TcpConnect) && !(http && m_endpoint.binding == Binding::Internal))
            return;
        const PolicyPhase main = http ? PolicyPhase::HttpRequest : PolicyPhase::TcpConnect;
        if (http && phaseEndsAllTraffic(main))
            return;
        const std::string phaseName(toString(main));
        const std::string terminators = http ? "(custom-response, deny, forward-internal or close-connection)"
                                             : "(deny, forward-internal or close-connection)";
        const std::string why = ", because a cloud endpoint has no upstream to pass the rest to";
        const PolicyPhaseRules *rules = m_doc.phase(main);
        if (!rules || rules->rules.empty()) {
            const SourcePosition at = rules ? rules->position
                                            : (m_doc.sourceMap ? m_doc.sourceMap->fromLocal(0, 0) : SourcePosition{1, 1, 0});
            m_diagnostics.error("this cloud endpoint does not end all traffic: add " + phaseName
                                    + " with a last rule that has no expressions and a terminating action "
                                    + terminators + why,
                                at, rules ? rules->path : std::string());
            return;
        }
        const PolicyRule &last = rules->rules.back();
        m_diagnostics.error("this cloud endpoint does not end all traffic: the last rule of " + phaseName
                                + (last.unconditional() ? " has no terminating action" : " has expressions")
                                + "; end " + phaseName
                                + " with a rule without expressions and a terminating action " + terminators + why,
                            last.position, last.path);
    }

    SourcePosition locate(const PolicyNode &node, int column) const
    {
        return m_doc.sourceMap ? m_doc.sourceMap->locate(node, column) : node.position;
    }

    // `start` is the 1-based column of the expression inside node.scalar.
    void compile(const PolicyNode &node, int start, const std::string &source, PolicyPhase phase)
    {
        if (!m_options.compiler)
            return;
        for (const ExpressionProblem &p : m_options.compiler->check(source, phase)) {
            Diagnostic d;
            d.severity = p.warning ? Diagnostic::Severity::Warning : Diagnostic::Severity::Error;
            d.message = p.message;
            d.path = node.path;
            d.position = p.column > 0 ? locate(node, start + p.column - 1) : node.position;
            if (p.length > 0)
                d.position.length = p.length;
            d.exprColumn = p.column;
            m_diagnostics.add(std::move(d));
        }
    }

    const PolicyValidator::Options &m_options;
    const PolicyEndpointContext &m_endpoint;
    const PolicyDocument &m_doc;
    DiagnosticList &m_diagnostics;
    const PolicyAction *m_firstAuthentication = nullptr;
};

} // namespace

PolicyEndpointContext PolicyEndpointContext::forEndpoint(const Endpoint &endpoint)
{
    PolicyEndpointContext c;
    c.scheme = endpoint.url.scheme();
    c.binding = endpoint.binding;
    c.type = endpoint.type;
    c.url = endpoint.url;
    return c;
}

PolicyEndpointContext PolicyEndpointContext::forUrl(const EndpointUrl &url, EndpointType type)
{
    PolicyEndpointContext c;
    c.scheme = url.scheme();
    c.binding = url.isInternal() ? Binding::Internal : Binding::Public;
    c.type = type;
    c.url = url;
    return c;
}

void PolicyValidator::validate(const PolicyDocument &policy, DiagnosticList &diagnostics) const
{
    Run(m_options, policy, diagnostics).run();
}

std::optional<PolicyDocument> PolicyValidator::check(const PolicySource &source, DiagnosticList &diagnostics) const
{
    DiagnosticList found;
    std::optional<PolicyDocument> doc = PolicyParser::parse(source, found);
    if (doc)
        validate(*doc, found);
    found.sortByPosition();
    diagnostics.append(found);
    return doc;
}

} // namespace switchyard
