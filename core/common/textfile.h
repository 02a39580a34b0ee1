// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <string>

namespace switchyard {

// Whole-file reads and crash-safe writes for small text files (config,
// policies). Errors carry the operating system's reason ("No such file or
// directory"), not the path: callers add the path in their own words.
struct TextFile
{
    static Result<std::string> read(const std::string &path);

    // Writes `content` to a temporary file in the same directory, flushes it
    // to disk and renames it over `path`, so readers see the old or the new
    // file, never a half-written one. Creates missing parent directories and
    // keeps the permissions of an existing file (0644 for a new one).
    static Result<void> writeAtomically(const std::string &path, const std::string &content);
};

} // namespace switchyard
