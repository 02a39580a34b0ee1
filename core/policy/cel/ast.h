// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"

#include <memory>
#include <string>
#include <vector>

namespace switchyard::cel {

enum class ExprKind : std::uint8_t { Constant, Ident, Select, Call, List, Map, Struct, Comprehension };

// Comprehension macros, expanded by the parser into Comprehension nodes.
enum class MacroKind : std::uint8_t { None, All, Exists, ExistsOne, Map, MapFilter, Filter };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One node of a parsed CEL expression. `offset` is the byte offset of the
// node's token in the source (the operator for calls), for diagnostics.
//   Constant: `constant`.
//   Ident: `name`.
//   Select: `name` = field, args[0] = operand, `testOnly` for has(a.b).
//   Call: `name` = function (operators use CEL names: _+_, _&&_, @in, _[_]),
//         `receiver` true when args[0] is the target of `x.f(...)`.
//   List: args = elements. Map: args = key0, value0, key1, value1, ...
//   Struct: `name` = message type, `fields` = field names, args = values.
//   Comprehension: `macro`, `name` = iteration variable, args[0] = range,
//         then predicate/transform (MapFilter: filter, transform).
struct Expr
{
    ExprKind kind = ExprKind::Constant;
    MacroKind macro = MacroKind::None;
    bool testOnly = false;
    bool receiver = false;
    int offset = 0;
    int id = 0;
    Value constant;
    std::string name;
    std::vector<std::string> fields;
    std::vector<ExprPtr> args;
};

// Normalised s-expression form, used by tests and `--debug` output:
// 1, 1u, 1.0, "s", b"s", x, (. x f), (has x f), (_+_ 1 2), (.f x a),
// [1 2], {1: 2 3: 4}, (all x range pred), (map x range [filter] transform).
std::string toSExpression(const Expr &e);

const char *macroName(MacroKind m);

} // namespace switchyard::cel
