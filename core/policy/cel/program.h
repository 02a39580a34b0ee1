// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/activation.h"
#include "policy/cel/functionregistry.h"
#include "policy/cel/parser.h"
#include "policy/cel/types.h"
#include "policy/cel/value.h"

#include "common/diagnostic.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::cel {

class Node;
struct CompileResult;

struct CompileOptions
{
    // Run the type checker; undeclared references are errors either way.
    bool typeCheck = true;
    // Lenient checking reports type mismatches and undeclared references only
    // where they must fail at run time, not under &&, || or ?: (or inside
    // all/exists) where another operand may decide; those become error values.
    bool lenientTypes = false;
    ParseLimits parseLimits;
    EvalLimits evalLimits;
};

// A compiled CEL expression: parsed, checked, identifiers resolved to
// Environment slots and constant sub-expressions (literal lists, regexes,
// timestamp('...')) folded. Immutable and thread-safe to evaluate.
class Program
{
public:
    ~Program();
    Program(const Program &) = delete;
    Program &operator=(const Program &) = delete;

    // Compiles `source` against `env`. Never throws.
    static CompileResult compile(std::string_view source, const Environment &env, const CompileOptions &options = {});

    // Evaluates with the given variables; errors are returned as error Values.
    Value evaluate(const Activation &activation) const;

    const std::string &source() const { return m_source; }
    // 1-based column in source() of the sub-expression that raised a
    // run-time error returned by evaluate(); 0 when not known.
    int errorColumn(const Value &error) const;
    // Static result type from the checker (dyn when unknown or unchecked).
    const Type &resultType() const { return m_resultType; }

private:
    Program();
    friend class Compiler;

    std::string m_source;
    std::unique_ptr<Node> m_root;
    std::size_t m_localCount = 0;
    EvalLimits m_limits;
    Type m_resultType;
};

struct CompileResult
{
    std::shared_ptr<const Program> program; // null when there are errors
    std::vector<ExprError> errors;
    std::string source;

    bool ok() const { return program != nullptr; }
    // "LINE:COLUMN: MESSAGE" for an error of this compilation.
    std::string format(const ExprError &error) const;
    // All errors, one per line, without a trailing newline.
    std::string formatErrors() const;
    // 1-based column of an error inside the expression.
    int column(const ExprError &error) const;
    // The errors as Diagnostics for a policy file: `position` is where the
    // expression sits in the file, `path` its field path; each gets
    // exprColumn set and the message prefixed with "invalid expression: ".
    DiagnosticList diagnostics(SourcePosition position = {}, const std::string &path = {}) const;
};

// Evaluates a one-off expression with an empty environment plus `vars`
// (dyn-typed). For tests and the CLI.
struct EvalOutcome
{
    Value value;
    std::string compileError; // "1:5: message" when compilation failed
    int errorColumn = 0;      // for an error value: its column, 0 if unknown
    bool compiled() const { return compileError.empty(); }
};
EvalOutcome evaluateExpression(std::string_view source, const std::vector<std::pair<std::string, Value>> &vars = {},
                               const CompileOptions &options = {});

} // namespace switchyard::cel
