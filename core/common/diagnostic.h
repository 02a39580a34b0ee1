// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace switchyard {

// A position in a source text. Lines and columns are 1-based as printed;
// 0 means "unknown" (e.g. a value given on the command line).
struct SourcePosition
{
    int line = 0;
    int column = 0;
    int length = 0;

    bool known() const { return line > 0; }
};

// The one diagnostic type used by config, policy, CEL and API validation
// (STYLE.md "Diagnostics carry their position"). Layers add context (file,
// field path prefix) instead of replacing the message.
struct Diagnostic
{
    enum class Severity { Error, Warning, Note };

    Severity severity = Severity::Error;
    std::string message;
    // Field path of the offending node, e.g.
    // "endpoints[2].traffic_policy.on_http_request[0].expressions[1]".
    std::string path;
    SourcePosition position;
    // Column inside a CEL expression (1-based) when the problem lies there.
    int exprColumn = 0;

    static Diagnostic error(std::string message, SourcePosition pos = {}, std::string path = {});
    static Diagnostic warning(std::string message, SourcePosition pos = {}, std::string path = {});

    bool isError() const { return severity == Severity::Error; }

    // "FILE:LINE:COLUMN: error: MESSAGE" — the compiler/editor format. Parts
    // that are unknown are left out ("FILE: error: MESSAGE").
    std::string format(const std::string &file) const;
};

const char *severityName(Diagnostic::Severity severity);

class DiagnosticList
{
public:
    void add(Diagnostic d) { m_items.push_back(std::move(d)); }
    void error(std::string message, SourcePosition pos = {}, std::string path = {});
    void warning(std::string message, SourcePosition pos = {}, std::string path = {});
    void append(const DiagnosticList &other);

    bool hasErrors() const;
    int errorCount() const;
    bool empty() const { return m_items.empty(); }
    std::size_t size() const { return m_items.size(); }
    const std::vector<Diagnostic> &items() const { return m_items; }
    auto begin() const { return m_items.begin(); }
    auto end() const { return m_items.end(); }

    // Stable order for printing: by line, then column, then insertion order.
    void sortByPosition();
    // One formatted line per diagnostic, each ending in '\n'.
    std::string format(const std::string &file) const;

private:
    std::vector<Diagnostic> m_items;
};

} // namespace switchyard
