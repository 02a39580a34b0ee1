// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/functionregistry.h"

#include <algorithm>

namespace switchyard::cel {

Value costLimitError() { return Value::error("evaluation cost limit exceeded"); }

const std::vector<FunctionInfo> &allFunctions()
{
    static const std::vector<FunctionInfo> functions = [] {
        std::vector<FunctionInfo> out;
        registerOperators(out);
        registerConversions(out);
        registerTimeFunctions(out);
        registerStringFunctions(out);
        registerNetworkFunctions(out);
        registerRequestFunctions(out);
        registerHashFunctions(out);
        registerEncodingFunctions(out);
        registerCollectionFunctions(out);
        registerUtilityFunctions(out);
        std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
        return out;
    }();
    return functions;
}

const FunctionInfo *findFunction(std::string_view name)
{
    const auto &fns = allFunctions();
    auto it = std::lower_bound(fns.begin(), fns.end(), name,
                               [](const FunctionInfo &f, std::string_view n) { return f.name < n; });
    return it != fns.end() && it->name == name ? &*it : nullptr;
}

Value noOverload(std::string_view function, const Value *args, std::size_t count)
{
    std::string types;
    for (std::size_t i = 0; i < count; ++i)
        types += (i ? ", " : "") + std::string(args[i].typeName());
    return Value::error("no matching overload for '" + std::string(function) + "' applied to '(" + types + ")'");
}

} // namespace switchyard::cel
