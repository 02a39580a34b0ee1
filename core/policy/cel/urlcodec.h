// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

// Query-string escaping shared by url.escape/unescape and queryString.*.
namespace switchyard::cel {

// Go's url.QueryEscape: A-Z a-z 0-9 - _ . ~ stay, space becomes '+', every
// other byte %XX (upper-case hex).
std::string queryEscape(std::string_view text);
// The inverse: '+' is a space, %XX a byte. False on a malformed escape.
bool queryUnescape(std::string_view text, std::string &out);

} // namespace switchyard::cel
