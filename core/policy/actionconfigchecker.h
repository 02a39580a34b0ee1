// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/actionschema.h"
#include "policy/policydocument.h"

#include <string>
#include <vector>

namespace switchyard {

// A CEL expression found inside an action config: a whole CEL field
// (`bucket_key` items) or one `${…}` of an interpolated string. `column` is
// where the expression starts (1-based) inside `node->scalar`.
struct EmbeddedExpression
{
    const PolicyNode *node = nullptr;
    int column = 1;
    std::string source;
};

// Checks one action's config against its schema: unknown fields (with
// "did you mean"), missing required fields, types, ranges, lengths, enum
// values, formats, and the action's own cross-field rule. Collects the CEL
// it finds so the validator can compile it. The document must outlive the
// collected pointers.
class ActionConfigChecker
{
public:
    ActionConfigChecker(DiagnosticList &diagnostics, std::vector<EmbeddedExpression> &expressions,
                        const PolicySourceMap *sourceMap)
        : m_diagnostics(diagnostics), m_expressions(expressions), m_sourceMap(sourceMap)
    {
    }

    void check(const ActionSchema &schema, const PolicyAction &action, PolicyPhase phase);

private:
    void checkMembers(std::span<const FieldSchema> fields, const PolicyNode &map, const std::string &owner,
                      SourcePosition missingAt);
    void checkField(const FieldSchema &field, const PolicyNode &value);
    bool checkString(const FieldSchema &field, const PolicyNode &value, const std::string &name);
    void checkCount(const FieldSchema &field, const PolicyNode &value);
    void collectInterpolations(const PolicyNode &value);
    void collectAll(const PolicyNode &value);

    DiagnosticList &m_diagnostics;
    std::vector<EmbeddedExpression> &m_expressions;
    const PolicySourceMap *m_sourceMap = nullptr;
};

} // namespace switchyard
