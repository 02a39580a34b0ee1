// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/parser.h"

namespace switchyard::cel {

Parser::Parser(std::string_view source, ParseLimits limits) : m_src(source), m_limits(limits), m_lexer(source) {}

ParseResult parseExpression(std::string_view source)
{
    return Parser(source).parse();
}

void Parser::advance()
{
    m_tok = m_lexer.next();
    if (m_tok.kind == TokenKind::Error)
        fail(m_tok.offset, m_tok.text);
}

bool Parser::accept(TokenKind k)
{
    if (failed() || m_tok.kind != k)
        return false;
    advance();
    return true;
}

void Parser::fail(int offset, std::string message)
{
    if (!failed())
        m_error = ExprError{std::move(message), offset};
}

void Parser::failUnexpected()
{
    if (m_tok.kind == TokenKind::End)
        fail(m_tok.offset, "Syntax error: unexpected end of expression");
    else if (m_tok.kind == TokenKind::Reserved)
        fail(m_tok.offset, "Syntax error: reserved word '" + m_tok.text + "' cannot be used as an identifier");
    else
        fail(m_tok.offset, "Syntax error: unexpected " + tokenDescription(m_tok, m_src));
}

bool Parser::expect(TokenKind k, const char *what)
{
    if (failed())
        return false;
    if (m_tok.kind == k) {
        advance();
        return !failed();
    }
    if (m_tok.kind == TokenKind::End)
        fail(m_tok.offset, std::string("Syntax error: missing '") + what + "' at end of expression");
    else
        fail(m_tok.offset, "Syntax error: mismatched input " + tokenDescription(m_tok, m_src) + " expecting '"
                               + what + "'");
    return false;
}

ExprPtr Parser::makeNode(ExprKind kind, int offset)
{
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = offset;
    e->id = m_nextId++;
    return e;
}

ExprPtr Parser::makeBinary(int offset, std::string name, ExprPtr left, ExprPtr right)
{
    std::vector<ExprPtr> args;
    args.push_back(std::move(left));
    args.push_back(std::move(right));
    return makeCall(offset, std::move(name), std::move(args));
}

ExprPtr Parser::makeCall(int offset, std::string name, std::vector<ExprPtr> args)
{
    auto e = makeNode(ExprKind::Call, offset);
    e->name = std::move(name);
    e->args = std::move(args);
    return e;
}

ParseResult Parser::parse()
{
    ParseResult result;
    if (m_src.size() > m_limits.maxLength) {
        result.error = {"expression is too long (" + std::to_string(m_src.size()) + " bytes, limit "
                            + std::to_string(m_limits.maxLength) + ")",
                        0};
        return result;
    }
    advance();
    ExprPtr e = failed() ? nullptr : parseExpr();
    if (!failed() && m_tok.kind != TokenKind::End)
        failUnexpected();
    if (failed()) {
        result.error = m_error;
        return result;
    }
    // Check the tree height once, iteratively enough for deep operator chains.
    struct Frame { const Expr *e; int depth; };
    std::vector<Frame> stack{{e.get(), 1}};
    while (!stack.empty()) {
        Frame f = stack.back();
        stack.pop_back();
        if (f.depth > m_limits.maxTreeHeight) {
            result.error = {"expression nests too deeply (limit " + std::to_string(m_limits.maxTreeHeight) + ")",
                            f.e->offset};
            return result;
        }
        for (const auto &a : f.e->args)
            stack.push_back({a.get(), f.depth + 1});
    }
    result.expr = std::move(e);
    return result;
}

ExprPtr Parser::parseExpr()
{
    if (++m_depth > m_limits.maxNesting) {
        fail(m_tok.offset, "expression nests too deeply (limit " + std::to_string(m_limits.maxNesting) + ")");
        --m_depth;
        return nullptr;
    }
    ExprPtr cond = parseOr();
    if (cond && m_tok.kind == TokenKind::Question) {
        const int at = m_tok.offset;
        advance();
        ExprPtr a = parseOr();
        if (!expect(TokenKind::Colon, ":"))
            a = nullptr;
        ExprPtr b = a ? parseExpr() : nullptr;
        if (!b) {
            --m_depth;
            return nullptr;
        }
        std::vector<ExprPtr> args;
        args.push_back(std::move(cond));
        args.push_back(std::move(a));
        args.push_back(std::move(b));
        cond = makeCall(at, "_?_:_", std::move(args));
    }
    --m_depth;
    return failed() ? nullptr : std::move(cond);
}

ExprPtr Parser::parseOr()
{
    ExprPtr left = parseAnd();
    while (left && m_tok.kind == TokenKind::Or) {
        const int at = m_tok.offset;
        advance();
        ExprPtr right = parseAnd();
        if (!right)
            return nullptr;
        left = makeBinary(at, "_||_", std::move(left), std::move(right));
    }
    return left;
}

ExprPtr Parser::parseAnd()
{
    ExprPtr left = parseRelation();
    while (left && m_tok.kind == TokenKind::And) {
        const int at = m_tok.offset;
        advance();
        ExprPtr right = parseRelation();
        if (!right)
            return nullptr;
        left = makeBinary(at, "_&&_", std::move(left), std::move(right));
    }
    return left;
}

ExprPtr Parser::parseRelation()
{
    ExprPtr left = parseAddition();
    while (left) {
        const char *op = nullptr;
        switch (m_tok.kind) {
        case TokenKind::Eq: op = "_==_"; break;
        case TokenKind::Ne: op = "_!=_"; break;
        case TokenKind::Lt: op = "_<_"; break;
        case TokenKind::Le: op = "_<=_"; break;
        case TokenKind::Gt: op = "_>_"; break;
        case TokenKind::Ge: op = "_>=_"; break;
        case TokenKind::In: op = "@in"; break;
        default: return left;
        }
        const int at = m_tok.offset;
        advance();
        ExprPtr right = parseAddition();
        if (!right)
            return nullptr;
        left = makeBinary(at, op, std::move(left), std::move(right));
    }
    return left;
}

ExprPtr Parser::parseAddition()
{
    ExprPtr left = parseMultiplication();
    while (left && (m_tok.kind == TokenKind::Plus || m_tok.kind == TokenKind::Minus)) {
        const char *op = m_tok.kind == TokenKind::Plus ? "_+_" : "_-_";
        const int at = m_tok.offset;
        advance();
        ExprPtr right = parseMultiplication();
        if (!right)
            return nullptr;
        left = makeBinary(at, op, std::move(left), std::move(right));
    }
    return left;
}

ExprPtr Parser::parseMultiplication()
{
    ExprPtr left = parseUnary();
    while (left
           && (m_tok.kind == TokenKind::Star || m_tok.kind == TokenKind::Slash || m_tok.kind == TokenKind::Percent)) {
        const char *op = m_tok.kind == TokenKind::Star ? "_*_" : m_tok.kind == TokenKind::Slash ? "_/_" : "_%_";
        const int at = m_tok.offset;
        advance();
        ExprPtr right = parseUnary();
        if (!right)
            return nullptr;
        left = makeBinary(at, op, std::move(left), std::move(right));
    }
    return left;
}

ExprPtr Parser::literalFromInt(const Token &t, bool negative)
{
    auto e = makeNode(ExprKind::Constant, t.offset);
    constexpr std::uint64_t maxMagnitude = static_cast<std::uint64_t>(INT64_MAX);
    if (t.numberTooLarge || t.number > maxMagnitude + (negative ? 1 : 0)) {
        fail(t.offset, "Syntax error: integer literal out of range");
        return nullptr;
    }
    if (negative)
        e->constant = Value::integer(t.number == maxMagnitude + 1 ? INT64_MIN : -static_cast<std::int64_t>(t.number));
    else
        e->constant = Value::integer(static_cast<std::int64_t>(t.number));
    return e;
}

ExprPtr Parser::parseUnary()
{
    if (m_tok.kind == TokenKind::Not || m_tok.kind == TokenKind::Minus) {
        const TokenKind opKind = m_tok.kind;
        std::vector<int> offsets;
        while (m_tok.kind == opKind && !failed()) {
            offsets.push_back(m_tok.offset);
            advance();
        }
        if (failed())
            return nullptr;
        ExprPtr operand;
        if (opKind == TokenKind::Minus && m_tok.kind == TokenKind::Int) {
            Token lit = m_tok;
            lit.offset = offsets.back();
            offsets.pop_back();
            advance();
            operand = literalFromInt(lit, true);
            if (operand)
                operand = parseMember(std::move(operand));
        } else if (opKind == TokenKind::Minus && m_tok.kind == TokenKind::Double) {
            operand = makeNode(ExprKind::Constant, offsets.back());
            operand->constant = Value::dbl(-m_tok.real);
            offsets.pop_back();
            advance();
            operand = parseMember(std::move(operand));
        } else {
            operand = parseMember(parsePrimary());
        }
        if (!operand)
            return nullptr;
        for (auto it = offsets.rbegin(); it != offsets.rend(); ++it) {
            std::vector<ExprPtr> args;
            args.push_back(std::move(operand));
            operand = makeCall(*it, opKind == TokenKind::Not ? "!_" : "-_", std::move(args));
        }
        return operand;
    }
    return parseMember(parsePrimary());
}

bool Parser::parseArgs(TokenKind close, std::vector<ExprPtr> &out, bool allowTrailingComma)
{
    const char *closeText = close == TokenKind::RParen ? ")" : "]";
    if (accept(close))
        return true;
    while (!failed()) {
        ExprPtr e = parseExpr();
        if (!e)
            return false;
        out.push_back(std::move(e));
        if (accept(TokenKind::Comma)) {
            if (allowTrailingComma && accept(close))
                return true;
            continue;
        }
        return expect(close, closeText);
    }
    return false;
}

ExprPtr Parser::parseMember(ExprPtr operand)
{
    while (operand && !failed()) {
        if (m_tok.kind == TokenKind::Dot) {
            advance();
            // Reserved words (not keywords) are allowed after a dot.
            if (m_tok.kind != TokenKind::Ident && m_tok.kind != TokenKind::Reserved) {
                failUnexpected();
                return nullptr;
            }
            const Token field = m_tok;
            advance();
            if (m_tok.kind == TokenKind::LParen) {
                advance();
                operand = parseCallOrMacro(field.offset, field.text, std::move(operand));
            } else {
                auto sel = makeNode(ExprKind::Select, field.offset - 1);
                sel->name = field.text;
                sel->args.push_back(std::move(operand));
                operand = std::move(sel);
            }
        } else if (m_tok.kind == TokenKind::LBracket) {
            const int at = m_tok.offset;
            advance();
            if (++m_depth > m_limits.maxNesting) {
                fail(at, "expression nests too deeply (limit " + std::to_string(m_limits.maxNesting) + ")");
                return nullptr;
            }
            ExprPtr index = parseExpr();
            --m_depth;
            if (!index || !expect(TokenKind::RBracket, "]"))
                return nullptr;
            std::vector<ExprPtr> args;
            args.push_back(std::move(operand));
            args.push_back(std::move(index));
            operand = makeCall(at, "_[_]", std::move(args));
        } else if (m_tok.kind == TokenKind::LBrace
                   && (operand->kind == ExprKind::Ident || operand->kind == ExprKind::Select)) {
            // Message construction: only a (qualified) name may precede '{'.
            std::string typeName;
            const Expr *p = operand.get();
            while (p->kind == ExprKind::Select && !p->testOnly) {
                typeName = "." + p->name + typeName;
                p = p->args[0].get();
            }
            if (p->kind != ExprKind::Ident)
                return operand;
            typeName = p->name + typeName;
            auto msg = makeNode(ExprKind::Struct, operand->offset);
            msg->name = typeName;
            advance();
            while (!failed() && m_tok.kind != TokenKind::RBrace) {
                if (m_tok.kind != TokenKind::Ident && m_tok.kind != TokenKind::Reserved) {
                    failUnexpected();
                    return nullptr;
                }
                msg->fields.push_back(m_tok.text);
                advance();
                if (!expect(TokenKind::Colon, ":"))
                    return nullptr;
                ExprPtr v = parseExpr();
                if (!v)
                    return nullptr;
                msg->args.push_back(std::move(v));
                if (!accept(TokenKind::Comma))
                    break;
            }
            if (!expect(TokenKind::RBrace, "}"))
                return nullptr;
            operand = std::move(msg);
        } else {
            break;
        }
    }
    return failed() ? nullptr : std::move(operand);
}

ExprPtr Parser::parsePrimary()
{
    if (failed())
        return nullptr;
    const Token t = m_tok;
    switch (t.kind) {
    case TokenKind::Int: advance(); return literalFromInt(t, false);
    case TokenKind::Uint:
    case TokenKind::Double:
    case TokenKind::String:
    case TokenKind::Bytes:
    case TokenKind::True:
    case TokenKind::False:
    case TokenKind::Null: {
        advance();
        auto e = makeNode(ExprKind::Constant, t.offset);
        switch (t.kind) {
        case TokenKind::Uint: e->constant = Value::uinteger(t.number); break;
        case TokenKind::Double: e->constant = Value::dbl(t.real); break;
        case TokenKind::String: e->constant = Value::string(t.text); break;
        case TokenKind::Bytes: e->constant = Value::bytes(t.text); break;
        case TokenKind::True: e->constant = Value::boolean(true); break;
        case TokenKind::False: e->constant = Value::boolean(false); break;
        default: break;
        }
        return e;
    }
    case TokenKind::Dot:
    case TokenKind::Ident: {
        if (t.kind == TokenKind::Dot) {
            advance();
            if (m_tok.kind != TokenKind::Ident) {
                failUnexpected();
                return nullptr;
            }
        }
        const Token id = m_tok;
        advance();
        if (m_tok.kind == TokenKind::LParen) {
            advance();
            return parseCallOrMacro(id.offset, id.text, nullptr);
        }
        auto e = makeNode(ExprKind::Ident, t.offset);
        e->name = id.text;
        return e;
    }
    case TokenKind::LParen: {
        advance();
        ExprPtr e = parseExpr();
        if (!e || !expect(TokenKind::RParen, ")"))
            return nullptr;
        return e;
    }
    case TokenKind::LBracket: {
        advance();
        if (++m_depth > m_limits.maxNesting) {
            fail(t.offset, "expression nests too deeply (limit " + std::to_string(m_limits.maxNesting) + ")");
            return nullptr;
        }
        auto e = makeNode(ExprKind::List, t.offset);
        const bool ok = parseArgs(TokenKind::RBracket, e->args, true);
        --m_depth;
        return ok ? std::move(e) : nullptr;
    }
    case TokenKind::LBrace: {
        advance();
        if (++m_depth > m_limits.maxNesting) {
            fail(t.offset, "expression nests too deeply (limit " + std::to_string(m_limits.maxNesting) + ")");
            return nullptr;
        }
        auto e = makeNode(ExprKind::Map, t.offset);
        while (!failed() && m_tok.kind != TokenKind::RBrace) {
            ExprPtr k = parseExpr();
            if (!k || !expect(TokenKind::Colon, ":"))
                return nullptr;
            ExprPtr v = parseExpr();
            if (!v)
                return nullptr;
            e->args.push_back(std::move(k));
            e->args.push_back(std::move(v));
            if (!accept(TokenKind::Comma))
                break;
        }
        --m_depth;
        if (!expect(TokenKind::RBrace, "}"))
            return nullptr;
        return e;
    }
    default:
        failUnexpected();
        return nullptr;
    }
}

ExprPtr Parser::parseCallOrMacro(int offset, std::string name, ExprPtr target)
{
    if (++m_depth > m_limits.maxNesting) {
        fail(offset, "expression nests too deeply (limit " + std::to_string(m_limits.maxNesting) + ")");
        return nullptr;
    }
    std::vector<ExprPtr> args;
    const bool ok = parseArgs(TokenKind::RParen, args, false);
    --m_depth;
    if (!ok)
        return nullptr;

    if (!target && name == "has" && args.size() == 1) {
        if (args[0]->kind != ExprKind::Select || args[0]->testOnly) {
            fail(args[0]->offset, "invalid argument to has() macro");
            return nullptr;
        }
        args[0]->testOnly = true;
        return std::move(args[0]);
    }
    if (target) {
        MacroKind macro = MacroKind::None;
        if (args.size() == 2) {
            if (name == "all") macro = MacroKind::All;
            else if (name == "exists") macro = MacroKind::Exists;
            else if (name == "exists_one") macro = MacroKind::ExistsOne;
            else if (name == "map") macro = MacroKind::Map;
            else if (name == "filter") macro = MacroKind::Filter;
        } else if (args.size() == 3 && name == "map") {
            macro = MacroKind::MapFilter;
        }
        if (macro != MacroKind::None) {
            if (args[0]->kind != ExprKind::Ident) {
                fail(args[0]->offset, "argument is not an identifier");
                return nullptr;
            }
            auto c = makeNode(ExprKind::Comprehension, offset);
            c->macro = macro;
            c->name = args[0]->name;
            c->args.push_back(std::move(target));
            for (std::size_t i = 1; i < args.size(); ++i)
                c->args.push_back(std::move(args[i]));
            return c;
        }
        args.insert(args.begin(), std::move(target));
        auto call = makeCall(offset, std::move(name), std::move(args));
        call->receiver = true;
        return call;
    }
    return makeCall(offset, std::move(name), std::move(args));
}

} // namespace switchyard::cel
