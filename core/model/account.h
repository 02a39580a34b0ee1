// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>

namespace switchyard {

// A namespace for endpoints: internal URLs are unique per account, and
// forward-internal never crosses accounts. The default account "local"
// always exists.
struct Account
{
    static constexpr const char *DefaultName = "local";
    static constexpr const char *DefaultId = "acct_local";

    std::string id;
    std::string name;
    std::chrono::system_clock::time_point createdAt{};

    friend bool operator==(const Account &, const Account &) = default;
};

} // namespace switchyard
