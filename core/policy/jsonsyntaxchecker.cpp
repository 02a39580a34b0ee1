// SPDX-License-Identifier: Apache-2.0
#include "policy/jsonsyntaxchecker.h"

namespace switchyard {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

bool JsonSyntaxChecker::looksLikeJson(std::string_view text)
{
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::size_t i = 0;
    while (i < text.size() && space(text[i]))
        ++i;
    if (i == text.size())
        return false;
    if (text[i] == '[')
        return true;
    if (text[i] != '{')
        return false;
    // "{on_http_request: [...]}" is a YAML flow mapping (how YAML writers emit
    // an inline policy), not broken JSON: keys meant as JSON are quoted.
    for (++i; i < text.size() && space(text[i]); ++i) {
    }
    return i == text.size() || text[i] == '"' || text[i] == '\'' || text[i] == '}';
}

std::optional<JsonSyntaxChecker::Problem> JsonSyntaxChecker::check(std::string_view text)
{
    JsonSyntaxChecker c(text);
    // A UTF-8 byte order mark is tolerated, as editors add one.
    if (text.starts_with("\xEF\xBB\xBF"))
        c.m_pos = 3;
    c.skipSpace();
    if (c.value(0)) {
        c.skipSpace();
        if (!c.atEnd())
            c.fail("unexpected " + c.describeHere() + " after the end of the JSON document");
    }
    return c.m_problem;
}

void JsonSyntaxChecker::skipSpace()
{
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n'))
        ++m_pos;
}

bool JsonSyntaxChecker::fail(std::string message)
{
    if (!m_problem)
        m_problem = Problem{std::move(message), m_pos};
    return false;
}

std::string JsonSyntaxChecker::describeHere() const
{
    if (atEnd())
        return "end of input";
    const char c = peek();
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        return "character";
    return std::string("'") + c + "'";
}

bool JsonSyntaxChecker::value(int depth)
{
    if (depth > MaxDepth)
        return fail("JSON nests more than " + std::to_string(MaxDepth) + " levels deep");
    switch (peek()) {
    case '{': return object(depth + 1);
    case '[': return array(depth + 1);
    case '"': return string();
    case 't': return literal("true");
    case 'f': return literal("false");
    case 'n': return literal("null");
    default: break;
    }
    if (peek() == '-' || isDigit(peek()))
        return number();
    if (peek() == '\'')
        return fail("JSON strings use double quotes, not single quotes");
    return fail("expected a value (string, number, object, array, true, false or null), found " + describeHere());
}

bool JsonSyntaxChecker::object(int depth)
{
    ++m_pos; // '{'
    skipSpace();
    if (peek() == '}') {
        ++m_pos;
        return true;
    }
    for (;;) {
        if (peek() != '"') {
            if (peek() == '}')
                return fail("trailing comma before '}'");
            return fail("expected a member name in double quotes, found " + describeHere());
        }
        if (!string())
            return false;
        skipSpace();
        if (peek() != ':')
            return fail("expected ':' after the member name, found " + describeHere());
        ++m_pos;
        skipSpace();
        if (!value(depth))
            return false;
        skipSpace();
        if (peek() == ',') {
            ++m_pos;
            skipSpace();
            continue;
        }
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        return fail("expected ',' or '}' after an object member, found " + describeHere());
    }
}

bool JsonSyntaxChecker::array(int depth)
{
    ++m_pos; // '['
    skipSpace();
    if (peek() == ']') {
        ++m_pos;
        return true;
    }
    for (;;) {
        if (peek() == ']')
            return fail("trailing comma before ']'");
        if (!value(depth))
            return false;
        skipSpace();
        if (peek() == ',') {
            ++m_pos;
            skipSpace();
            continue;
        }
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        return fail("expected ',' or ']' after an array element, found " + describeHere());
    }
}

bool JsonSyntaxChecker::string()
{
    const std::size_t start = m_pos;
    ++m_pos; // '"'
    while (!atEnd()) {
        const char c = peek();
        if (c == '"') {
            ++m_pos;
            return true;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            return fail(c == '\n' ? "line break inside a string; write it as \\n" : "control character inside a string");
        if (c == '\\') {
            ++m_pos;
            const char e = peek();
            if (e == 'u') {
                for (int i = 1; i <= 4; ++i) {
                    if (m_pos + static_cast<std::size_t>(i) >= m_text.size()
                        || !isHex(m_text[m_pos + static_cast<std::size_t>(i)])) {
                        --m_pos;
                        return fail("invalid \\u escape; it needs four hex digits");
                    }
                }
                m_pos += 5;
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
                --m_pos;
                return fail("invalid escape in a string");
            }
        }
        ++m_pos;
    }
    m_pos = start;
    return fail("string is never closed with '\"'");
}

bool JsonSyntaxChecker::number()
{
    if (peek() == '-')
        ++m_pos;
    if (!isDigit(peek()))
        return fail("invalid number");
    if (peek() == '0' && m_pos + 1 < m_text.size() && isDigit(m_text[m_pos + 1]))
        return fail("numbers must not start with 0");
    while (isDigit(peek()))
        ++m_pos;
    if (peek() == '.') {
        ++m_pos;
        if (!isDigit(peek()))
            return fail("invalid number: digits must follow '.'");
        while (isDigit(peek()))
            ++m_pos;
    }
    if (peek() == 'e' || peek() == 'E') {
        ++m_pos;
        if (peek() == '+' || peek() == '-')
            ++m_pos;
        if (!isDigit(peek()))
            return fail("invalid number: digits must follow the exponent");
        while (isDigit(peek()))
            ++m_pos;
    }
    return true;
}

bool JsonSyntaxChecker::literal(std::string_view word)
{
    if (m_text.substr(m_pos, word.size()) != word)
        return fail("expected a value (string, number, object, array, true, false or null), found " + describeHere());
    m_pos += word.size();
    return true;
}

} // namespace switchyard
