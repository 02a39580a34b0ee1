// SPDX-License-Identifier: Apache-2.0
#include "common/diagnostic.h"

#include <algorithm>

namespace switchyard {

Diagnostic Diagnostic::error(std::string message, SourcePosition pos, std::string path)
{
    return Diagnostic{Severity::Error, std::move(message), std::move(path), pos, 0};
}

Diagnostic Diagnostic::warning(std::string message, SourcePosition pos, std::string path)
{
    return Diagnostic{Severity::Warning, std::move(message), std::move(path), pos, 0};
}

const char *severityName(Diagnostic::Severity severity)
{
    switch (severity) {
    case Diagnostic::Severity::Error: return "error";
    case Diagnostic::Severity::Warning: return "warning";
    case Diagnostic::Severity::Note: return "note";
    }
    return "error";
}

std::string Diagnostic::format(const std::string &file) const
{
    std::string out = file;
    if (position.known()) {
        out += ':' + std::to_string(position.line);
        if (position.column > 0)
            out += ':' + std::to_string(position.column);
    }
    out += ": ";
    out += severityName(severity);
    out += ": ";
    out += message;
    return out;
}

void DiagnosticList::error(std::string message, SourcePosition pos, std::string path)
{
    m_items.push_back(Diagnostic::error(std::move(message), pos, std::move(path)));
}

void DiagnosticList::warning(std::string message, SourcePosition pos, std::string path)
{
    m_items.push_back(Diagnostic::warning(std::move(message), pos, std::move(path)));
}

void DiagnosticList::append(const DiagnosticList &other)
{
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool DiagnosticList::hasErrors() const
{
    return std::any_of(m_items.begin(), m_items.end(), [](const Diagnostic &d) { return d.isError(); });
}

int DiagnosticList::errorCount() const
{
    return static_cast<int>(std::count_if(m_items.begin(), m_items.end(),
                                          [](const Diagnostic &d) { return d.isError(); }));
}

void DiagnosticList::sortByPosition()
{
    std::stable_sort(m_items.begin(), m_items.end(), [](const Diagnostic &a, const Diagnostic &b) {
        if (a.position.line != b.position.line)
            return a.position.line < b.position.line;
        return a.position.column < b.position.column;
    });
}

std::string DiagnosticList::format(const std::string &file) const
{
    std::string out;
    for (const Diagnostic &d : m_items)
        out += d.format(file) + '\n';
    return out;
}

} // namespace switchyard
