// SPDX-License-Identifier: Apache-2.0
// List helpers of ngrok traffic policy (cel-go's lists extension):
// slice, flatten, sort, distinct and lists.range.
#include "policy/cel/functionregistry.h"

#include <algorithm>

namespace switchyard::cel {

namespace {

Value listTooLong() { return Value::error("list size limit exceeded"); }

Value slice(const Value *a, std::size_t n, EvalContext &)
{
    if (a[0].kind() != ValueKind::List || a[1].kind() != ValueKind::Int || a[2].kind() != ValueKind::Int)
        return noOverload("slice", a, n);
    const auto &items = a[0].listValue().elements();
    const std::int64_t from = a[1].intValue(), to = a[2].intValue();
    const auto size = static_cast<std::int64_t>(items.size());
    if (from < 0 || to < 0)
        return Value::error("slice: negative index " + std::to_string(std::min(from, to)));
    if (from > to)
        return Value::error("slice: start " + std::to_string(from) + " is after end " + std::to_string(to));
    if (to > size)
        return Value::error("slice: end " + std::to_string(to) + " is past the list size " + std::to_string(size));
    return Value::list(std::vector<Value>(items.begin() + from, items.begin() + to));
}

bool flattenInto(const ListValue &list, std::int64_t depth, std::vector<Value> &out, EvalContext &ctx)
{
    for (const Value &e : list) {
        if (e.kind() == ValueKind::List && depth > 0) {
            if (!flattenInto(e.listValue(), depth - 1, out, ctx))
                return false;
        } else {
            out.push_back(e);
        }
        if (out.size() > ctx.limits->maxListSize)
            return false;
    }
    return true;
}

Value flatten(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (a[0].kind() != ValueKind::List || (n == 2 && a[1].kind() != ValueKind::Int))
        return noOverload("flatten", a, n);
    const std::int64_t depth = n == 2 ? a[1].intValue() : 1;
    if (depth < 0)
        return Value::error("flatten: negative depth " + std::to_string(depth));
    std::vector<Value> out;
    if (!flattenInto(a[0].listValue(), depth, out, ctx))
        return listTooLong();
    if (!ctx.charge(out.size() / 16))
        return costLimitError();
    return Value::list(std::move(out));
}

// Elements must all have one orderable type (numbers count as one).
Value sort(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (a[0].kind() != ValueKind::List)
        return noOverload("sort", a, n);
    std::vector<Value> items = a[0].listValue().elements();
    for (std::size_t i = 1; i < items.size(); ++i) {
        const auto order = compareValues(items[0], items[i]);
        if (!order || *order == std::partial_ordering::unordered)
            return Value::error("sort: cannot order " + std::string(items[0].typeName()) + " and "
                                + std::string(items[i].typeName()));
    }
    if (items.size() == 1) {
        const auto order = compareValues(items[0], items[0]);
        if (!order)
            return Value::error("sort: cannot order " + std::string(items[0].typeName()));
    }
    if (!ctx.charge(items.size()))
        return costLimitError();
    std::stable_sort(items.begin(), items.end(), [](const Value &x, const Value &y) {
        const auto order = compareValues(x, y);
        return order && *order == std::partial_ordering::less;
    });
    return Value::list(std::move(items));
}

// First occurrences kept, by CEL equality (so 1 and 1.0 are one value).
Value distinct(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (a[0].kind() != ValueKind::List)
        return noOverload("distinct", a, n);
    std::vector<Value> out;
    for (const Value &e : a[0].listValue()) {
        if (!ctx.charge(out.size() / 16 + 1))
            return costLimitError();
        if (std::none_of(out.begin(), out.end(), [&](const Value &o) { return valuesEqual(o, e); }))
            out.push_back(e);
    }
    return Value::list(std::move(out));
}

Value listsRange(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (a[0].kind() != ValueKind::Int)
        return noOverload("lists.range", a, n);
    const std::int64_t count = a[0].intValue();
    if (count < 0)
        return Value::error("lists.range: negative size " + std::to_string(count));
    if (static_cast<std::uint64_t>(count) > ctx.limits->maxListSize)
        return listTooLong();
    if (!ctx.charge(static_cast<std::uint64_t>(count) / 16))
        return costLimitError();
    std::vector<Value> out;
    out.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i)
        out.push_back(Value::integer(i));
    return Value::list(std::move(out));
}

} // namespace

void registerCollectionFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"slice", slice, 3, 3, true, false, {}});
    out.push_back({"flatten", flatten, 1, 2, true, false, {}});
    out.push_back({"sort", sort, 1, 1, true, false, {}});
    out.push_back({"distinct", distinct, 1, 1, true, false, {}});
    out.push_back({"lists.range", listsRange, 1, 1, false, true, {}});
}

} // namespace switchyard::cel
