// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace switchyard::cel {

enum class TokenKind : std::uint8_t {
    End, Error, Ident, Int, Uint, Double, String, Bytes, True, False, Null, In,
    LParen, RParen, LBracket, RBracket, LBrace, RBrace, Dot, Comma, Colon, Question,
    Plus, Minus, Star, Slash, Percent, Not, Eq, Ne, Lt, Le, Gt, Ge, And, Or,
    Reserved
};

// One token. Literal tokens carry their decoded value: `text` holds the
// string/bytes contents or identifier, `number` an int magnitude (the sign
// is a separate token) or uint, `real` a double. For Error, `text` is the
// message and `offset` where it applies.
struct Token
{
    TokenKind kind = TokenKind::End;
    int offset = 0;
    int length = 0;
    std::string text;
    std::uint64_t number = 0;
    bool numberTooLarge = false; // an int literal beyond 2^64-1
    double real = 0;
};

// Splits CEL source into tokens on demand; never throws.
class Lexer
{
public:
    explicit Lexer(std::string_view source) : m_src(source) {}
    Token next();

private:
    Token lexNumber(std::size_t start);
    Token lexString(std::size_t start, bool raw, bool bytes);
    Token error(std::size_t at, std::string message) const;
    bool skipSpaceAndComments();

    std::string_view m_src;
    std::size_t m_pos = 0;
};

const char *tokenKindName(TokenKind kind);
// The source text of a token for "unexpected X" messages.
std::string tokenDescription(const Token &t, std::string_view source);

// 1-based line and column (in code points) of a byte offset.
struct LineColumn
{
    int line = 1;
    int column = 1;
};
LineColumn locate(std::string_view source, int offset);

} // namespace switchyard::cel
