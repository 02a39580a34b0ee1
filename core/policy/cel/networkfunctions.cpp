// SPDX-License-Identifier: Apache-2.0
// inCidrRange / inCidrRanges for IPv4 and IPv6 (ngrok traffic-policy macros).
#include "policy/cel/cidrrange.h"
#include "policy/cel/functionregistry.h"

namespace switchyard::cel {

namespace {

Value inCidrRange(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() || !a[1].isString())
        return noOverload("inCidrRange", a, n);
    const auto ip = IpAddress::parse(a[0].stringValue());
    const auto cidr = CidrRange::parse(a[1].stringValue());
    return Value::boolean(ip && cidr && cidr->contains(*ip));
}

Value inCidrRanges(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() || a[1].kind() != ValueKind::List)
        return noOverload("inCidrRanges", a, n);
    const auto ip = IpAddress::parse(a[0].stringValue());
    if (!ip)
        return Value::boolean(false);
    for (const Value &c : a[1].listValue()) {
        if (!c.isString())
            continue;
        if (const auto cidr = CidrRange::parse(c.stringValue()); cidr && cidr->contains(*ip))
            return Value::boolean(true);
    }
    return Value::boolean(false);
}

} // namespace

void registerNetworkFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"inCidrRange", inCidrRange, 2, 2, false, true, {}});
    out.push_back({"inCidrRanges", inCidrRanges, 2, 2, false, true, {}});
}

} // namespace switchyard::cel
