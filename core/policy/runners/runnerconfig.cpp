// SPDX-License-Identifier: Apache-2.0
#include "policy/runners/runnerconfig.h"

#include "policy/policyvalues.h"

namespace switchyard {

namespace {

void appendFingerprint(const PolicyNode &node, std::string &out)
{
    // Length-prefixed so no two different configs share a text.
    auto put = [&out](std::string_view text) {
        out += std::to_string(text.size());
        out += ':';
        out += text;
    };
    put(node.key);
    switch (node.kind) {
    case PolicyNode::Kind::Null: out += 'n'; break;
    case PolicyNode::Kind::Scalar:
        out += 's';
        put(node.scalar);
        break;
    case PolicyNode::Kind::Sequence:
    case PolicyNode::Kind::Map:
        out += node.isMap() ? '{' : '[';
        for (const PolicyNode &child : node.children)
            appendFingerprint(child, out);
        out += node.isMap() ? '}' : ']';
        break;
    }
}

} // namespace

const std::string *RunnerConfig::scalar(std::string_view name) const
{
    const PolicyNode *n = node(name);
    return n && n->isScalar() ? &n->scalar : nullptr;
}

std::int64_t RunnerConfig::integer(std::string_view name, std::int64_t fallback) const
{
    const std::string *text = scalar(name);
    return static_cast<std::int64_t>(text ? PolicyValues::parseInteger(*text).value_or(fallback) : fallback);
}

double RunnerConfig::number(std::string_view name, double fallback) const
{
    const std::string *text = scalar(name);
    return text ? PolicyValues::parseNumber(*text).value_or(fallback) : fallback;
}

std::int64_t RunnerConfig::durationMillis(std::string_view name, std::int64_t fallback) const
{
    const std::string *text = scalar(name);
    return static_cast<std::int64_t>(text ? PolicyValues::parseDuration(*text).value_or(fallback) : fallback);
}

bool RunnerConfig::boolean(std::string_view name, bool fallback) const
{
    const std::string *text = scalar(name);
    return text ? PolicyValues::parseBoolean(*text).value_or(fallback) : fallback;
}

std::string RunnerConfig::string(std::string_view name, std::string fallback) const
{
    const std::string *text = scalar(name);
    return text ? *text : fallback;
}

bool RunnerConfig::render(const PolicyNode &field, const cel::Activation &activation, std::string &out,
                          std::string &error) const
{
    const auto *external = std::get_if<ExternalConfig>(&m_action.config);
    if (external) {
        for (const auto &[path, program] : external->programs) {
            if (path != field.path || !program)
                continue;
            const cel::Value value = program->evaluate(activation);
            if (value.isError()) {
                error = field.scalar + ": " + std::string(value.errorMessage());
                return false;
            }
            out += CompiledTemplate::stringify(value);
            return true;
        }
        if (const CompiledTemplate *t = external->templateAt(field.path))
            return t->render(activation, out, error);
    }
    out += field.scalar;
    return true;
}

std::string RunnerConfig::fingerprint() const
{
    std::string out = m_action.type;
    appendFingerprint(m_action.rawConfig, out);
    return out;
}

std::string RunnerConfig::stateKey(const PolicyExchange &exchange, const CompiledAction &action)
{
    return exchange.endpointId + '\n' + action.path;
}

std::vector<std::string> RunnerConfig::scalars(const PolicyNode *sequence)
{
    std::vector<std::string> out;
    if (sequence) {
        for (const PolicyNode &c : sequence->children) {
            if (c.isScalar())
                out.push_back(c.scalar);
        }
    }
    return out;
}

} // namespace switchyard
