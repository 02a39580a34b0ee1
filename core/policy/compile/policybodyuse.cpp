// SPDX-License-Identifier: Apache-2.0
#include "policy/compile/policybodyuse.h"

#include "policy/cel/lexer.h"
#include "policy/policynode.h"

#include <array>
#include <string>

namespace switchyard {

namespace {

using cel::TokenKind;

// Config fields whose whole value is a CEL expression, not text.
bool wholeCel(std::string_view key)
{
    return key == "bucket_key" || key == "retry_condition";
}

bool configMentions(const PolicyNode &node, std::string_view root, bool cel)
{
    if (node.isScalar())
        return cel ? PolicyBodyUse::mentions(node.scalar, root) : PolicyBodyUse::interpolationsMention(node.scalar, root);
    for (const PolicyNode &child : node.children) {
        if (configMentions(child, root, cel || (node.isMap() && wholeCel(child.key))))
            return true;
    }
    return false;
}

} // namespace

bool PolicyBodyUse::interpolationsMention(std::string_view text, std::string_view root)
{
    // Each interpolation runs up to its matching brace.
    for (std::size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
        const std::string_view rest = text.substr(at + 2);
        cel::Lexer lexer(rest);
        int depth = 1;
        std::size_t end = rest.size();
        for (cel::Token t = lexer.next(); t.kind != TokenKind::End && t.kind != TokenKind::Error; t = lexer.next()) {
            if (t.kind == TokenKind::LBrace)
                ++depth;
            else if (t.kind == TokenKind::RBrace && --depth == 0) {
                end = static_cast<std::size_t>(t.offset);
                break;
            }
        }
        if (mentions(rest.substr(0, end), root))
            return true;
    }
    return false;
}

bool PolicyBodyUse::mentions(std::string_view source, std::string_view root)
{
    // The last three tokens: root, then `.` + `body` or `[` + "body".
    std::array<cel::Token, 3> last;
    cel::Lexer lexer(source);
    for (cel::Token t = lexer.next(); t.kind != TokenKind::End && t.kind != TokenKind::Error; t = lexer.next()) {
        last[0] = std::move(last[1]);
        last[1] = std::move(last[2]);
        last[2] = std::move(t);
        if (last[0].kind != TokenKind::Ident || last[0].text != root || last[2].text != "body")
            continue;
        if ((last[1].kind == TokenKind::Dot && last[2].kind == TokenKind::Ident)
            || (last[1].kind == TokenKind::LBracket && last[2].kind == TokenKind::String))
            return true;
    }
    return false;
}

bool PolicyBodyUse::readsBody(const CompiledPolicy &policy, PolicyPhase phase)
{
    const CompiledPhase *rules = policy.phase(phase);
    if (!rules)
        return false;
    const std::string_view root = phase == PolicyPhase::HttpResponse ? "res" : "req";
    for (const CompiledRule &rule : rules->rules) {
        for (const CompiledExpression &expression : rule.expressions) {
            if (mentions(expression.source, root))
                return true;
        }
        for (const CompiledAction &action : rule.actions) {
            if (configMentions(action.rawConfig, root, false))
                return true;
        }
    }
    return false;
}

} // namespace switchyard
