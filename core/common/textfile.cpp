// SPDX-License-Identifier: Apache-2.0
#include "common/textfile.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace switchyard {

namespace {

// std::strerror is not thread-safe; the error_code message is.
std::string errnoText(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

} // namespace

Result<std::string> TextFile::read(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(errnoText(errno));
    struct stat st
    {
    };
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        return makeError(errnoText(EISDIR));
    }
    std::string content;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int error = errno;
            ::close(fd);
            return makeError(errnoText(error));
        }
        if (n == 0)
            break;
        content.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return content;
}

Result<void> TextFile::writeAtomically(const std::string &path, const std::string &content)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return makeError("cannot create directory '" + dir.string() + "': " + ec.message());

    mode_t mode = 0644;
    struct stat existing
    {
    };
    if (::stat(path.c_str(), &existing) == 0)
        mode = existing.st_mode & 07777;

    std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0)
        return makeError(errnoText(errno));
    auto fail = [&](int error) -> Result<void> {
        ::close(fd);
        ::unlink(temp.c_str());
        return makeError(errnoText(error));
    };
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(errno);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, mode) != 0)
        return fail(errno);
    if (::fsync(fd) != 0)
        return fail(errno);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return makeError(errnoText(error));
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return makeError(errnoText(error));
    }
    return {};
}

} // namespace switchyard
