// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/ast.h"
#include "policy/cel/lexer.h"

#include <string>
#include <string_view>

namespace switchyard::cel {

struct ParseLimits
{
    std::size_t maxLength = 100 * 1024;
    int maxNesting = 100;      // parentheses, brackets, calls, ternaries
    int maxTreeHeight = 1000;  // operator chains (a + b + c + ...)
};

// A parse or check error: `offset` is a byte offset into the source; `message`
// starts with "Syntax error: " or names the limit that was hit.
struct ExprError
{
    std::string message;
    int offset = 0;
};

struct ParseResult
{
    ExprPtr expr; // null on error
    ExprError error;
    bool ok() const { return expr != nullptr; }
};

// Recursive-descent CEL parser. Expands the has/all/exists/exists_one/map/
// filter macros and folds a minus sign into a following int literal, so
// -9223372036854775808 is a valid literal. Stops at the first error.
class Parser
{
public:
    explicit Parser(std::string_view source, ParseLimits limits = {});
    ParseResult parse();

private:
    ExprPtr parseExpr();
    ExprPtr parseOr();
    ExprPtr parseAnd();
    ExprPtr parseRelation();
    ExprPtr parseAddition();
    ExprPtr parseMultiplication();
    ExprPtr parseUnary();
    ExprPtr parseMember(ExprPtr operand);
    ExprPtr parsePrimary();
    ExprPtr parseCallOrMacro(int offset, std::string name, ExprPtr target);
    bool parseArgs(TokenKind close, std::vector<ExprPtr> &out, bool allowTrailingComma);
    ExprPtr literalFromInt(const Token &t, bool negative);

    ExprPtr makeNode(ExprKind kind, int offset);
    ExprPtr makeCall(int offset, std::string name, std::vector<ExprPtr> args);
    // A call of a binary operator such as "_&&_" on two operands.
    ExprPtr makeBinary(int offset, std::string name, ExprPtr left, ExprPtr right);
    void advance();
    bool accept(TokenKind k);
    bool expect(TokenKind k, const char *what);
    void fail(int offset, std::string message);
    void failUnexpected();
    bool failed() const { return !m_error.message.empty(); }

    std::string_view m_src;
    ParseLimits m_limits;
    Lexer m_lexer;
    Token m_tok;
    ExprError m_error;
    int m_depth = 0;
    int m_nextId = 1;
};

// Convenience: parse with default limits.
ParseResult parseExpression(std::string_view source);

} // namespace switchyard::cel
