// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/lexer.h"

#include "policy/cel/textformat.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace switchyard::cel {

namespace {

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool isReservedWord(std::string_view w)
{
    static const std::string_view words[] = {"as", "break", "const", "continue", "else", "for", "function", "if",
                                             "import", "let", "loop", "package", "namespace", "return", "var",
                                             "void", "while"};
    for (auto r : words)
        if (r == w)
            return true;
    return false;
}

} // namespace

Token Lexer::error(std::size_t at, std::string message) const
{
    Token t;
    t.kind = TokenKind::Error;
    t.offset = static_cast<int>(at);
    t.length = 1;
    t.text = std::move(message);
    return t;
}

bool Lexer::skipSpaceAndComments()
{
    while (m_pos < m_src.size()) {
        const char c = m_src[m_pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            ++m_pos;
        } else if (c == '/' && m_pos + 1 < m_src.size() && m_src[m_pos + 1] == '/') {
            while (m_pos < m_src.size() && m_src[m_pos] != '\n')
                ++m_pos;
        } else {
            break;
        }
    }
    return m_pos < m_src.size();
}

Token Lexer::next()
{
    Token t;
    if (!skipSpaceAndComments()) {
        t.kind = TokenKind::End;
        t.offset = static_cast<int>(m_src.size());
        return t;
    }
    const std::size_t start = m_pos;
    t.offset = static_cast<int>(start);
    const char c = m_src[m_pos];
    const char n = m_pos + 1 < m_src.size() ? m_src[m_pos + 1] : '\0';

    if (isDigit(c) || (c == '.' && isDigit(n)))
        return lexNumber(start);

    if (c == '"' || c == '\'')
        return lexString(start, false, false);
    if (isIdentStart(c)) {
        // String prefixes: r, b, rb, br in either case, directly before a quote.
        std::size_t p = m_pos;
        bool raw = false, bytes = false;
        for (int k = 0; k < 2 && p < m_src.size(); ++k) {
            const char pc = m_src[p];
            if ((pc == 'r' || pc == 'R') && !raw) {
                raw = true;
                ++p;
            } else if ((pc == 'b' || pc == 'B') && !bytes) {
                bytes = true;
                ++p;
            } else {
                break;
            }
        }
        if ((raw || bytes) && p < m_src.size() && (m_src[p] == '"' || m_src[p] == '\'')) {
            m_pos = p;
            return lexString(start, raw, bytes);
        }
        while (m_pos < m_src.size() && isIdentChar(m_src[m_pos]))
            ++m_pos;
        t.text = std::string(m_src.substr(start, m_pos - start));
        t.length = static_cast<int>(m_pos - start);
        if (t.text == "true")
            t.kind = TokenKind::True;
        else if (t.text == "false")
            t.kind = TokenKind::False;
        else if (t.text == "null")
            t.kind = TokenKind::Null;
        else if (t.text == "in")
            t.kind = TokenKind::In;
        else if (isReservedWord(t.text))
            t.kind = TokenKind::Reserved;
        else
            t.kind = TokenKind::Ident;
        return t;
    }

    auto single = [&](TokenKind k, std::size_t len = 1) {
        m_pos += len;
        t.kind = k;
        t.length = static_cast<int>(len);
        return t;
    };
    switch (c) {
    case '(': return single(TokenKind::LParen);
    case ')': return single(TokenKind::RParen);
    case '[': return single(TokenKind::LBracket);
    case ']': return single(TokenKind::RBracket);
    case '{': return single(TokenKind::LBrace);
    case '}': return single(TokenKind::RBrace);
    case '.': return single(TokenKind::Dot);
    case ',': return single(TokenKind::Comma);
    case ':': return single(TokenKind::Colon);
    case '?': return single(TokenKind::Question);
    case '+': return single(TokenKind::Plus);
    case '-': return single(TokenKind::Minus);
    case '*': return single(TokenKind::Star);
    case '/': return single(TokenKind::Slash);
    case '%': return single(TokenKind::Percent);
    case '!': return n == '=' ? single(TokenKind::Ne, 2) : single(TokenKind::Not);
    case '=':
        if (n == '=')
            return single(TokenKind::Eq, 2);
        break;
    case '<': return n == '=' ? single(TokenKind::Le, 2) : single(TokenKind::Lt);
    case '>': return n == '=' ? single(TokenKind::Ge, 2) : single(TokenKind::Gt);
    case '&':
        if (n == '&')
            return single(TokenKind::And, 2);
        break;
    case '|':
        if (n == '|')
            return single(TokenKind::Or, 2);
        break;
    default:
        break;
    }
    std::size_t len = 1;
    const auto uc = static_cast<unsigned char>(c);
    if (uc >= 0xC0)
        while (start + len < m_src.size() && (static_cast<unsigned char>(m_src[start + len]) & 0xC0) == 0x80)
            ++len;
    return error(start, "Syntax error: token recognition error at: '" + std::string(m_src.substr(start, len)) + "'");
}

Token Lexer::lexNumber(std::size_t start)
{
    Token t;
    t.offset = static_cast<int>(start);
    auto finish = [&](TokenKind k) {
        t.kind = k;
        t.length = static_cast<int>(m_pos - start);
        return t;
    };
    if (m_src[m_pos] == '0' && m_pos + 1 < m_src.size() && (m_src[m_pos + 1] == 'x' || m_src[m_pos + 1] == 'X')) {
        m_pos += 2;
        std::size_t digits = 0;
        while (m_pos < m_src.size() && hexValue(m_src[m_pos]) >= 0) {
            const auto d = static_cast<std::uint64_t>(hexValue(m_src[m_pos]));
            if (t.number > (UINT64_MAX >> 4))
                t.numberTooLarge = true;
            t.number = (t.number << 4) | d;
            ++m_pos;
            ++digits;
        }
        if (digits == 0)
            return error(start, "Syntax error: invalid hex literal");
    } else {
        bool isFloat = false;
        while (m_pos < m_src.size() && isDigit(m_src[m_pos]))
            ++m_pos;
        if (m_pos + 1 < m_src.size() && m_src[m_pos] == '.' && isDigit(m_src[m_pos + 1])) {
            isFloat = true;
            ++m_pos;
            while (m_pos < m_src.size() && isDigit(m_src[m_pos]))
                ++m_pos;
        }
        if (m_pos < m_src.size() && (m_src[m_pos] == 'e' || m_src[m_pos] == 'E')) {
            std::size_t p = m_pos + 1;
            if (p < m_src.size() && (m_src[p] == '+' || m_src[p] == '-'))
                ++p;
            if (p < m_src.size() && isDigit(m_src[p])) {
                isFloat = true;
                while (p < m_src.size() && isDigit(m_src[p]))
                    ++p;
                m_pos = p;
            }
        }
        const std::string text(m_src.substr(start, m_pos - start));
        if (isFloat) {
            errno = 0;
            t.real = std::strtod(text.c_str(), nullptr);
            if (m_pos < m_src.size() && isIdentChar(m_src[m_pos]))
                return error(m_pos, "Syntax error: invalid number suffix");
            return finish(TokenKind::Double);
        }
        for (char ch : text) {
            const auto d = static_cast<std::uint64_t>(ch - '0');
            if (t.number > (UINT64_MAX - d) / 10)
                t.numberTooLarge = true;
            t.number = t.number * 10 + d;
        }
    }
    if (m_pos < m_src.size() && (m_src[m_pos] == 'u' || m_src[m_pos] == 'U')) {
        ++m_pos;
        if (t.numberTooLarge)
            return error(start, "Syntax error: uint literal out of range");
        if (m_pos < m_src.size() && isIdentChar(m_src[m_pos]))
            return error(m_pos, "Syntax error: invalid number suffix");
        return finish(TokenKind::Uint);
    }
    if (m_pos < m_src.size() && isIdentChar(m_src[m_pos]))
        return error(m_pos, "Syntax error: invalid number suffix");
    return finish(TokenKind::Int);
}

Token Lexer::lexString(std::size_t start, bool raw, bool bytes)
{
    Token t;
    t.offset = static_cast<int>(start);
    const char quote = m_src[m_pos];
    const bool triple = m_src.substr(m_pos, 3) == std::string(3, quote);
    m_pos += triple ? 3 : 1;
    std::string out;
    while (true) {
        if (m_pos >= m_src.size())
            return error(start, "Syntax error: unterminated string literal");
        const char c = m_src[m_pos];
        if (triple ? m_src.substr(m_pos, 3) == std::string(3, quote) : c == quote) {
            m_pos += triple ? 3 : 1;
            break;
        }
        if (!triple && (c == '\n' || c == '\r'))
            return error(start, "Syntax error: unterminated string literal");
        if (c != '\\' || raw) {
            out += c;
            ++m_pos;
            continue;
        }
        const std::size_t escAt = m_pos;
        if (m_pos + 1 >= m_src.size())
            return error(start, "Syntax error: unterminated string literal");
        const char e = m_src[m_pos + 1];
        m_pos += 2;
        switch (e) {
        case 'a': out += '\a'; continue;
        case 'b': out += '\b'; continue;
        case 'f': out += '\f'; continue;
        case 'n': out += '\n'; continue;
        case 'r': out += '\r'; continue;
        case 't': out += '\t'; continue;
        case 'v': out += '\v'; continue;
        case '\\': out += '\\'; continue;
        case '\'': out += '\''; continue;
        case '"': out += '"'; continue;
        case '`': out += '`'; continue;
        case '?': out += '?'; continue;
        default: break;
        }
        std::uint32_t value = 0;
        int digits = 0;
        if (e == 'x' || e == 'X' || e == 'u' || e == 'U') {
            digits = e == 'u' ? 4 : e == 'U' ? 8 : 2;
            for (int i = 0; i < digits; ++i, ++m_pos) {
                const int h = m_pos < m_src.size() ? hexValue(m_src[m_pos]) : -1;
                if (h < 0)
                    return error(escAt, "Syntax error: invalid escape sequence");
                value = (value << 4) | static_cast<std::uint32_t>(h);
            }
            if ((e == 'u' || e == 'U') && (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)))
                return error(escAt, "Syntax error: invalid unicode code point in escape sequence");
        } else if (e >= '0' && e <= '3') {
            value = static_cast<std::uint32_t>(e - '0');
            for (int i = 0; i < 2; ++i, ++m_pos) {
                if (m_pos >= m_src.size() || m_src[m_pos] < '0' || m_src[m_pos] > '7')
                    return error(escAt, "Syntax error: invalid octal escape sequence");
                value = value * 8 + static_cast<std::uint32_t>(m_src[m_pos] - '0');
            }
        } else {
            return error(escAt, "Syntax error: invalid escape sequence '\\" + std::string(1, e) + "'");
        }
        // \x and octal escapes are single bytes in bytes literals; \u and
        // \U are code points, UTF-8 encoded as in strings.
        if (bytes && value < 256 && e != 'u' && e != 'U')
            out += static_cast<char>(value);
        else
            appendUtf8(out, value);
    }
    if (!bytes && !isValidUtf8(out))
        return error(start, "Syntax error: string literal is not valid UTF-8");
    t.kind = bytes ? TokenKind::Bytes : TokenKind::String;
    t.length = static_cast<int>(m_pos - start);
    t.text = std::move(out);
    return t;
}

const char *tokenKindName(TokenKind kind)
{
    switch (kind) {
    case TokenKind::End: return "<EOF>";
    case TokenKind::Error: return "<error>";
    case TokenKind::Ident: return "identifier";
    case TokenKind::Int: case TokenKind::Uint: case TokenKind::Double: return "number";
    case TokenKind::String: return "string";
    case TokenKind::Bytes: return "bytes";
    case TokenKind::True: return "true";
    case TokenKind::False: return "false";
    case TokenKind::Null: return "null";
    case TokenKind::In: return "in";
    case TokenKind::LParen: return "(";
    case TokenKind::RParen: return ")";
    case TokenKind::LBracket: return "[";
    case TokenKind::RBracket: return "]";
    case TokenKind::LBrace: return "{";
    case TokenKind::RBrace: return "}";
    case TokenKind::Dot: return ".";
    case TokenKind::Comma: return ",";
    case TokenKind::Colon: return ":";
    case TokenKind::Question: return "?";
    case TokenKind::Plus: return "+";
    case TokenKind::Minus: return "-";
    case TokenKind::Star: return "*";
    case TokenKind::Slash: return "/";
    case TokenKind::Percent: return "%";
    case TokenKind::Not: return "!";
    case TokenKind::Eq: return "==";
    case TokenKind::Ne: return "!=";
    case TokenKind::Lt: return "<";
    case TokenKind::Le: return "<=";
    case TokenKind::Gt: return ">";
    case TokenKind::Ge: return ">=";
    case TokenKind::And: return "&&";
    case TokenKind::Or: return "||";
    case TokenKind::Reserved: return "reserved word";
    }
    return "?";
}

std::string tokenDescription(const Token &t, std::string_view source)
{
    if (t.kind == TokenKind::End)
        return "<EOF>";
    const auto off = static_cast<std::size_t>(t.offset);
    const auto len = static_cast<std::size_t>(t.length > 0 ? t.length : 1);
    std::string text(source.substr(off, std::min<std::size_t>(len, 40)));
    return "'" + text + "'";
}

LineColumn locate(std::string_view source, int offset)
{
    LineColumn lc;
    const auto end = std::min<std::size_t>(static_cast<std::size_t>(offset < 0 ? 0 : offset), source.size());
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(source[i]);
        if (c == '\n') {
            ++lc.line;
            lc.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++lc.column;
        }
    }
    return lc;
}

} // namespace switchyard::cel
