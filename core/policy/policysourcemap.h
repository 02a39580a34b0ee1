// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"

#include <string>

namespace switchyard {

class PolicyNode;

// The parsed policy text and where it sits in the file it came from. A
// policy embedded in a config file is handed over as its own text plus the
// position of its first character; every line of that text is taken to be
// indented by (firstColumn - 1) in the file, which is how the config loader
// cuts the `traffic_policy:` block out. Marks of the YAML parser (0-based,
// local to the text) become 1-based file positions here.
class PolicySourceMap
{
public:
    explicit PolicySourceMap(std::string text = {}, int firstLine = 1, int firstColumn = 1);

    const std::string &text() const { return m_text; }

    // A 0-based line/column inside the text as a 1-based file position.
    SourcePosition fromLocal(int line0, int column0, int length = 0) const;
    // The 0-based line/column of a byte offset inside the text.
    SourcePosition localOf(int offset) const;

    // File position of the character at 1-based `column` of a scalar's
    // decoded text (a CEL expression column), following quoting, escapes,
    // line folding and block scalar indentation.
    SourcePosition locate(const PolicyNode &scalar, int column) const;

private:
    SourcePosition locateBlock(const PolicyNode &scalar, int index) const;
    SourcePosition locateFlow(const PolicyNode &scalar, int index) const;

    std::string m_text;
    int m_firstLine = 1;
    int m_firstColumn = 1;
};

} // namespace switchyard
