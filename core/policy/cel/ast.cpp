// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/ast.h"

namespace switchyard::cel {

const char *macroName(MacroKind m)
{
    switch (m) {
    case MacroKind::None: return "";
    case MacroKind::All: return "all";
    case MacroKind::Exists: return "exists";
    case MacroKind::ExistsOne: return "exists_one";
    case MacroKind::Map:
    case MacroKind::MapFilter: return "map";
    case MacroKind::Filter: return "filter";
    }
    return "";
}

std::string toSExpression(const Expr &e)
{
    std::string out;
    auto joinArgs = [&](std::size_t from) {
        for (std::size_t i = from; i < e.args.size(); ++i)
            out += " " + toSExpression(*e.args[i]);
    };
    switch (e.kind) {
    case ExprKind::Constant: return e.constant.debugString();
    case ExprKind::Ident: return e.name;
    case ExprKind::Select:
        return std::string(e.testOnly ? "(has " : "(. ") + toSExpression(*e.args[0]) + " " + e.name + ")";
    case ExprKind::Call:
        out = "(" + std::string(e.receiver ? "." : "") + e.name;
        joinArgs(0);
        return out + ")";
    case ExprKind::List:
        out = "[";
        for (std::size_t i = 0; i < e.args.size(); ++i)
            out += (i ? " " : "") + toSExpression(*e.args[i]);
        return out + "]";
    case ExprKind::Map:
        out = "{";
        for (std::size_t i = 0; i + 1 < e.args.size(); i += 2)
            out += (i ? " " : "") + toSExpression(*e.args[i]) + ": " + toSExpression(*e.args[i + 1]);
        return out + "}";
    case ExprKind::Struct:
        out = e.name + "{";
        for (std::size_t i = 0; i < e.args.size(); ++i)
            out += (i ? " " : "") + e.fields[i] + ": " + toSExpression(*e.args[i]);
        return out + "}";
    case ExprKind::Comprehension:
        out = "(" + std::string(macroName(e.macro)) + " " + e.name;
        joinArgs(0);
        return out + ")";
    }
    return out;
}

} // namespace switchyard::cel
