// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/activation.h"
#include "policy/cel/program.h"
#include "policy/cel/value.h"

#include <memory>
#include <string>
#include <vector>

namespace switchyard {

// An action config string with its `${…}` interpolations compiled once at
// load: alternating literal text and CEL programs. Rendering evaluates the
// programs and concatenates their string forms. Immutable; thread-safe.
class CompiledTemplate
{
public:
    struct Part
    {
        std::string literal;                            // used when `expression` is null
        std::shared_ptr<const cel::Program> expression; // one `${…}`
    };

    CompiledTemplate() = default;
    static CompiledTemplate literal(std::string text);
    static CompiledTemplate fromParts(std::string source, std::vector<Part> parts);

    // The text as written in the policy.
    const std::string &source() const { return m_source; }
    // No interpolation: source() is the value.
    bool isLiteral() const { return m_literal; }
    // The whole string is one `${…}`: its value keeps its CEL type (set-vars).
    const cel::Program *soleExpression() const;
    const std::vector<Part> &parts() const { return m_parts; }

    // Appends the rendered text to `out`; false with `error` set ("…: message")
    // when an expression evaluates to an error.
    bool render(const cel::Activation &activation, std::string &out, std::string &error) const;
    // As render(), with each interpolated value percent-encoded where a URL
    // may not hold it as is (space, controls, non-ASCII, "<>\^`{|}): the
    // redirect `to` (reference §6.3: "San Francisco" → "San%20Francisco").
    bool renderUrl(const cel::Activation &activation, std::string &out, std::string &error) const;

    // How an interpolated value reads in text: strings and bytes as they are,
    // numbers and booleans in CEL notation, timestamps in RFC 3339, lists and
    // maps as JSON, null as "null".
    static std::string stringify(const cel::Value &value);

private:
    bool renderParts(const cel::Activation &activation, std::string &out, std::string &error, bool urlEscape) const;

    std::string m_source;
    std::vector<Part> m_parts;
    bool m_literal = true;
};

} // namespace switchyard
