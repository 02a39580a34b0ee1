// SPDX-License-Identifier: Apache-2.0
#include "policy/compile/compiledtemplate.h"

#include "policy/cel/jsonformat.h"
#include "policy/cel/textformat.h"
#include "policy/cel/timeutil.h"

namespace switchyard {

CompiledTemplate CompiledTemplate::literal(std::string text)
{
    CompiledTemplate t;
    t.m_source = std::move(text);
    return t;
}

CompiledTemplate CompiledTemplate::fromParts(std::string source, std::vector<Part> parts)
{
    CompiledTemplate t;
    t.m_source = std::move(source);
    t.m_parts = std::move(parts);
    t.m_literal = false;
    for (const Part &p : t.m_parts) {
        if (p.expression)
            return t;
    }
    t.m_literal = true;
    return t;
}

const cel::Program *CompiledTemplate::soleExpression() const
{
    if (m_parts.size() == 1 && m_parts.front().expression)
        return m_parts.front().expression.get();
    return nullptr;
}

bool CompiledTemplate::render(const cel::Activation &activation, std::string &out, std::string &error) const
{
    return renderParts(activation, out, error, false);
}

bool CompiledTemplate::renderUrl(const cel::Activation &activation, std::string &out, std::string &error) const
{
    return renderParts(activation, out, error, true);
}

bool CompiledTemplate::renderParts(const cel::Activation &activation, std::string &out, std::string &error,
                                   bool urlEscape) const
{
    if (m_literal) {
        out += m_source;
        return true;
    }
    for (const Part &p : m_parts) {
        if (!p.expression) {
            out += p.literal;
            continue;
        }
        const cel::Value v = p.expression->evaluate(activation);
        if (v.isError()) {
            error = "${" + p.expression->source() + "}: " + std::string(v.errorMessage());
            return false;
        }
        if (!urlEscape) {
            out += stringify(v);
            continue;
        }
        static constexpr char Hex[] = "0123456789ABCDEF";
        for (const char c : stringify(v)) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte <= 0x20 || byte >= 0x7f || std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) {
                out += '%';
                out += Hex[byte >> 4];
                out += Hex[byte & 0xf];
            } else {
                out += c;
            }
        }
    }
    return true;
}

std::string CompiledTemplate::stringify(const cel::Value &value)
{
    switch (value.kind()) {
    case cel::ValueKind::String:
    case cel::ValueKind::Bytes: return std::string(value.stringValue());
    case cel::ValueKind::Null: return "null";
    case cel::ValueKind::Bool: return value.boolValue() ? "true" : "false";
    case cel::ValueKind::Int: return std::to_string(value.intValue());
    case cel::ValueKind::Uint: return std::to_string(value.uintValue());
    case cel::ValueKind::Double: return cel::formatDoubleText(value.doubleValue());
    case cel::ValueKind::Timestamp: return cel::formatTimestamp(value.timestampValue());
    case cel::ValueKind::Duration: return cel::formatDuration(value.durationValue());
    case cel::ValueKind::Type: return std::string(value.typeValue());
    case cel::ValueKind::Error: return std::string(value.errorMessage());
    case cel::ValueKind::List:
    case cel::ValueKind::Map: break;
    }
    return cel::toJson(value);
}

} // namespace switchyard
