// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"
#include "policy/exec/policyexchange.h"

#include <chrono>
#include <string_view>

namespace switchyard {

// The CEL values of the policy variables (reference §7.2) built from an
// exchange. Every declared field is present (empty when unknown) so a
// field access never fails for lack of a key.
class ExchangeValues
{
public:
    static cel::Value request(const PolicyRequest &request, std::chrono::system_clock::time_point received);
    static cel::Value response(const PolicyResponse &response);
    static cel::Value connection(const PolicyConnection &connection);
    static cel::Value endpoint(const PolicyExchange &exchange);
    static cel::Value time(std::chrono::system_clock::time_point now);
    static cel::Value vars(const std::vector<std::pair<std::string, cel::Value>> &vars);
    // map(string, list(string)) with lower-case names, values in order.
    static cel::Value headers(const HttpHeaders &headers);
    static cel::Value timestamp(std::chrono::system_clock::time_point t);
};

} // namespace switchyard
