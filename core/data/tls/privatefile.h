// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace switchyard {

// Owner-only files for key material (the CA key, leaf key+cert bundles).
// Any thread; no shared state.
struct PrivateFile
{
    struct Contents
    {
        std::string data;
        unsigned mode = 0; // permission bits as found on disk
    };

    // Creates `path` as a directory with `mode` if missing. An existing one
    // must be a real directory owned by this user; group/other permission
    // bits are removed from it (it holds private keys).
    static Result<void> ensureDirectory(const std::string &path, unsigned mode);

    // Replaces `path` atomically: writes a temporary file in the same
    // directory, which carries `mode` from its creation (before any byte is
    // written), fsyncs it (when durable) and renames it over `path`. Readers
    // see the old file or the new one, never a partial write. Caches that
    // can be rebuilt pass durable = false to keep fsync off hot paths.
    static Result<void> writeAtomically(const std::string &path, std::string_view data, unsigned mode,
                                        bool durable = true);

    // Reads a regular file owned by this user, refusing symbolic links and
    // files larger than maxBytes. A missing file is an error whose code is
    // "ENOENT" so callers can tell it apart.
    static Result<Contents> read(const std::string &path, std::size_t maxBytes);

    // Sets the permission bits of an existing file.
    static Result<void> setMode(const std::string &path, unsigned mode);

    static bool exists(const std::string &path);
};

} // namespace switchyard
