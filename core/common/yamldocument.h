// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "common/yamlnode.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// Parses untrusted YAML text (config files, policies from the HTTP API) with
// libyaml's event API into a YamlNode tree. Never throws; bounded in time
// and memory by the limits below. Reports, as diagnostics:
//  - NUL bytes, invalid UTF-8 and texts above maxBytes (nothing is parsed);
//  - tabs in indentation (YamlTabs), with libyaml's own complaint about the
//    same spot left out;
//  - syntax errors at libyaml's problem mark, with its message;
//  - nesting deeper than maxDepth and alias expansion beyond maxNodes or
//    maxExpandedBytes (billion laughs);
//  - a second document;
//  - duplicate keys of a mapping (the later entry is dropped from the tree).
class YamlDocument
{
public:
    struct Options
    {
        // The text in messages: "the policy nests more than 64 levels deep".
        std::string subject = "the text";
        // Message for a second document; its root node is the position.
        std::string severalDocumentsMessage = "the text holds more than one YAML document";
        // Prefix of the field paths of diagnostics ("endpoints[0].traffic_policy").
        std::string pathPrefix;
        bool reportTabs = true;
        // Added to the lines and columns of diagnostics (not of the tree),
        // for a text cut out of a bigger file: every line of the text is
        // taken to be indented by columnOffset there.
        int lineOffset = 0;
        int columnOffset = 0;
        int maxDepth = 64;       // collections inside collections; the root is depth 0
        int maxNodes = 20000;    // nodes after alias expansion
        std::size_t maxBytes = 4 * 1024 * 1024;
        std::size_t maxExpandedBytes = 16 * 1024 * 1024; // scalar bytes after alias expansion
    };

    YamlDocument(std::string_view text, const Options &options);

    // The first document's root (a Null node without position for an empty
    // text), or nullopt when the text could not be parsed: see diagnostics().
    // A root is kept despite duplicate keys, tabs the parser got past and a
    // second document; callers decide whether those are fatal.
    const std::optional<YamlNode> &root() const { return m_root; }
    // Positions are 1-based, local to the text plus the options' offsets.
    const DiagnosticList &diagnostics() const { return m_diagnostics; }
    bool hasTabs() const { return m_hasTabs; }
    bool hasSeveralDocuments() const { return m_severalDocuments; }

    // 1-based line and byte column of a byte offset in `text`.
    static SourcePosition positionOf(std::string_view text, std::size_t offset);

private:
    static bool checkEncoding(std::string_view text, const Options &options, DiagnosticList &diagnostics);
    // Reports each tab; returns the 1-based line of the first, 0 for none.
    static int reportTabs(std::string_view text, DiagnosticList &diagnostics);
    static DiagnosticList relocated(const DiagnosticList &found, const Options &options);

    std::optional<YamlNode> m_root;
    DiagnosticList m_diagnostics;
    bool m_hasTabs = false;
    bool m_severalDocuments = false;
};

} // namespace switchyard
