// SPDX-License-Identifier: Apache-2.0
#include "commands/watchedfile.h"

#include "common/textfile.h"

#include <sys/stat.h>

#include <functional>

namespace switchyard::cli {

WatchedFile::WatchedFile(std::string path)
    : m_path(std::move(path))
{
    markLoaded();
}

bool WatchedFile::poll()
{
    struct stat info
    {};
    const bool exists = ::stat(m_path.c_str(), &info) == 0;
    const long long size = exists ? static_cast<long long>(info.st_size) : -1;
    const std::timespec mtime = exists ? info.st_mtim : std::timespec{};
    if (size == m_size && mtime.tv_sec == m_mtime.tv_sec && mtime.tv_nsec == m_mtime.tv_nsec)
        return false;
    const auto text = exists ? TextFile::read(m_path) : Result<std::string>(makeError("missing"));
    const std::size_t hash = text ? std::hash<std::string>{}(*text) : MissingHash;
    const bool moved = hash != m_hash;
    m_size = size;
    m_mtime = mtime;
    m_hash = hash;
    return moved;
}

void WatchedFile::markLoaded()
{
    poll();
    m_loadedHash = m_hash;
}

} // namespace switchyard::cli
