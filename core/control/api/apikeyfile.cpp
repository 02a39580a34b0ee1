// SPDX-License-Identifier: Apache-2.0
#include "control/api/apikeyfile.h"

#include "control/store.h"
#include "model/account.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace switchyard {

namespace {

Result<void> writePrivate(const std::string &path, const std::string &content)
{
    // Written beside the target with 0600 from the first byte, then renamed:
    // the key is never readable by others, and a crash leaves no half file.
    const std::string temporary = path + ".tmp";
    ::unlink(temporary.c_str());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return makeError("cannot create " + temporary + ": " + std::strerror(errno));
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int error = errno;
            ::close(fd);
            ::unlink(temporary.c_str());
            return makeError("cannot write " + temporary + ": " + std::strerror(error));
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return makeError("cannot write " + path + ": " + std::strerror(error));
    }
    return {};
}

} // namespace

std::string ApiKeyFile::path(const std::string &dataDir)
{
    return (std::filesystem::path(dataDir) / FileName).string();
}

Result<std::string> ApiKeyFile::read(const std::string &dataDir)
{
    const std::string file = path(dataDir);
    std::ifstream in(file);
    if (!in)
        return makeError("cannot read the API key file " + file + ": " + std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
        key.pop_back();
    if (key.empty())
        return makeError("the API key file " + file + " is empty");
    return key;
}

Result<std::string> ApiKeyFile::ensureDefault(Store &store, const std::string &dataDir)
{
    const std::string file = path(dataDir);
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
        if (auto existing = read(dataDir)) {
            auto account = store.accountForApiKey(*existing);
            if (!account)
                return account.error();
            if (*account && **account == Account::DefaultId)
                return std::move(*existing);
        }
    }
    auto key = store.createApiKey(Account::DefaultId);
    if (!key)
        return key.error();
    if (auto written = writePrivate(file, *key + "\n"); !written)
        return written.error();
    return std::move(*key);
}

} // namespace switchyard
