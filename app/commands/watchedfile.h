// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <ctime>
#include <string>

namespace switchyard::cli {

// A file a headless command reloads when it changes (the config file, a
// traffic policy file): polled by stat, and by a content hash when the stat
// moved, so a touch or an identical rewrite is no change. Main thread only.
class WatchedFile
{
public:
    // Takes the file's current state as the loaded one.
    explicit WatchedFile(std::string path);

    const std::string &path() const { return m_path; }
    // Updates the state from the disk; true when the text changed since the
    // previous poll (the file is still moving).
    bool poll();
    // True when the text differs from what was last marked loaded.
    bool differs() const { return m_hash != m_loadedHash; }
    // Polls, then takes the current text as loaded: call before reading the
    // file, so an edit racing with the read shows as a change later.
    void markLoaded();

private:
    static constexpr std::size_t MissingHash = 0;

    std::string m_path;
    std::timespec m_mtime{};
    long long m_size = -1;
    std::size_t m_hash = MissingHash;
    std::size_t m_loadedHash = MissingHash;
};

} // namespace switchyard::cli
