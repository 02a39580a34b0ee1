// SPDX-License-Identifier: Apache-2.0
#include "data/tls/privatefile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace switchyard {

namespace {

std::string errnoText(int error)
{
    return std::strerror(error);
}

// Closes a descriptor on every path out of a function.
class FdGuard
{
public:
    explicit FdGuard(int fd) : m_fd(fd) {}
    ~FdGuard()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FdGuard(const FdGuard &) = delete;
    FdGuard &operator=(const FdGuard &) = delete;
    int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

} // namespace

Result<void> PrivateFile::ensureDirectory(const std::string &path, unsigned mode)
{
    if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST)
        return makeError("cannot create directory '" + path + "': " + errnoText(errno));
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0)
        return makeError("cannot inspect '" + path + "': " + errnoText(errno));
    if (!S_ISDIR(st.st_mode))
        return makeError("'" + path + "' exists but is not a directory");
    if (st.st_uid != ::geteuid())
        return makeError("directory '" + path + "' is owned by another user (uid " + std::to_string(st.st_uid) + ")");
    if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), st.st_mode & 0700) != 0)
        return makeError("cannot restrict permissions of '" + path + "': " + errnoText(errno));
    return {};
}

Result<void> PrivateFile::writeAtomically(const std::string &path, std::string_view data, unsigned mode,
                                          bool durable)
{
    // mkstemp creates the file 0600 and exclusively, so the key is never
    // readable by others, not even for an instant.
    std::string tempPath = path + ".tmp.XXXXXX";
    FdGuard fd(::mkstemp(tempPath.data()));
    if (fd.get() < 0)
        return makeError("cannot create a temporary file next to '" + path + "': " + errnoText(errno));
    auto fail = [&](const std::string &what) {
        const int error = errno;
        ::unlink(tempPath.c_str());
        return makeError("cannot write '" + path + "': " + what + ": " + errnoText(error));
    };
    if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0)
        return fail("fchmod");
    std::size_t written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd.get(), data.data() + written, data.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail("write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (durable && ::fsync(fd.get()) != 0)
        return fail("fsync");
    if (::close(fd.release()) != 0)
        return fail("close");
    if (::rename(tempPath.c_str(), path.c_str()) != 0)
        return fail("rename");
    return {};
}

Result<PrivateFile::Contents> PrivateFile::read(const std::string &path, std::size_t maxBytes)
{
    FdGuard fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
        const int error = errno;
        if (error == ELOOP)
            return makeError("'" + path + "' is a symbolic link; refusing to read key material through it");
        return makeError("cannot open '" + path + "': " + errnoText(error), error == ENOENT ? "ENOENT" : "");
    }
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0)
        return makeError("cannot inspect '" + path + "': " + errnoText(errno));
    if (!S_ISREG(st.st_mode))
        return makeError("'" + path + "' is not a regular file");
    if (st.st_uid != ::geteuid())
        return makeError("'" + path + "' is owned by another user (uid " + std::to_string(st.st_uid) + ")");
    if (static_cast<std::size_t>(st.st_size) > maxBytes)
        return makeError("'" + path + "' is " + std::to_string(st.st_size) + " bytes; at most "
                         + std::to_string(maxBytes) + " are expected");
    Contents contents;
    contents.mode = static_cast<unsigned>(st.st_mode & 07777);
    contents.data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < contents.data.size()) {
        const ssize_t n = ::read(fd.get(), contents.data.data() + got, contents.data.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError("cannot read '" + path + "': " + errnoText(errno));
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    contents.data.resize(got);
    return contents;
}

Result<void> PrivateFile::setMode(const std::string &path, unsigned mode)
{
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0)
        return makeError("cannot change permissions of '" + path + "': " + errnoText(errno));
    return {};
}

bool PrivateFile::exists(const std::string &path)
{
    struct stat st{};
    return ::lstat(path.c_str(), &st) == 0;
}

} // namespace switchyard
