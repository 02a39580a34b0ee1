// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// Strict JSON (RFC 8259) syntax check. The YAML parser reads JSON too, but it
// forgives trailing commas and reports JSON mistakes in YAML terms
// ("end of map flow not found"); policies written as JSON get their
// mistakes explained in JSON terms instead.
class JsonSyntaxChecker
{
public:
    struct Problem
    {
        std::string message;
        std::size_t offset = 0; // byte offset of the offending character
    };

    // Nesting deeper than this is refused (untrusted input, recursive descent).
    static constexpr int MaxDepth = 64;

    static std::optional<Problem> check(std::string_view text);

    // True when the document is meant as JSON: it opens with '[' or with '{'
    // and a quoted key (an unquoted key is a YAML flow mapping).
    static bool looksLikeJson(std::string_view text);

private:
    explicit JsonSyntaxChecker(std::string_view text) : m_text(text) {}

    bool value(int depth);
    bool object(int depth);
    bool array(int depth);
    bool string();
    bool number();
    bool literal(std::string_view word);
    void skipSpace();
    bool fail(std::string message);
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    std::string describeHere() const;

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::optional<Problem> m_problem;
};

} // namespace switchyard
