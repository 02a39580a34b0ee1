// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <string>

namespace switchyard {

class Store;

// DATA_DIR/api_key: the default account's API key in clear (mode 0600),
// which the CLI's `api` commands read. The store keeps only its hash.
struct ApiKeyFile
{
    static constexpr const char *FileName = "api_key";

    // Called by the core at startup. Keeps an existing file whose key the
    // store knows for the default account; otherwise (missing, or stale after
    // the store was reset) creates a new key and writes it atomically with
    // mode 0600. Returns the key.
    static Result<std::string> ensureDefault(Store &store, const std::string &dataDir);

    // The key in DATA_DIR/api_key, trimmed; an error names the file.
    static Result<std::string> read(const std::string &dataDir);

    static std::string path(const std::string &dataDir);
};

} // namespace switchyard
