// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace switchyard::cel {

// Resource limits for one evaluation.
struct EvalLimits
{
    std::uint64_t maxIterations = 1000000; // comprehension steps + costly calls
    std::size_t maxListSize = 100000;
    std::size_t maxStringSize = 1 << 20;
};

// Per-evaluation scratch state: comprehension variables and the cost meter.
struct EvalContext
{
    const EvalLimits *limits = nullptr;
    std::vector<Value> locals;
    std::uint64_t cost = 0;

    // Charges `units` of work; false once the limit is exceeded.
    bool charge(std::uint64_t units)
    {
        cost += units;
        return cost <= limits->maxIterations;
    }
};

Value costLimitError();

// A built-in function. Arguments arrive with the receiver first for
// `x.f(...)` calls; error arguments have already been returned by the
// caller (all built-ins are strict).
using FunctionImpl = Value (*)(const Value *args, std::size_t count, EvalContext &ctx);

struct FunctionInfo
{
    std::string_view name;
    FunctionImpl impl = nullptr;
    int minArgs = 0; // counting the receiver, not an implicit variable
    int maxArgs = 0;
    bool member = false; // callable as x.f(...)
    bool global = false; // callable as f(...)
    // Name of a variable passed as a hidden first argument (e.g. "req" for
    // getReqHeader), or empty.
    std::string_view implicitVariable;
};

// All built-in functions and operators (by CEL name, e.g. "_+_").
const FunctionInfo *findFunction(std::string_view name);
const std::vector<FunctionInfo> &allFunctions();

// "no matching overload for 'f' applied to '(int, string)'".
Value noOverload(std::string_view function, const Value *args, std::size_t count);

// Registration hooks, one per source file.
void registerOperators(std::vector<FunctionInfo> &out);
void registerConversions(std::vector<FunctionInfo> &out);
void registerTimeFunctions(std::vector<FunctionInfo> &out);
void registerStringFunctions(std::vector<FunctionInfo> &out);
void registerNetworkFunctions(std::vector<FunctionInfo> &out);
void registerRequestFunctions(std::vector<FunctionInfo> &out);
void registerHashFunctions(std::vector<FunctionInfo> &out);
void registerEncodingFunctions(std::vector<FunctionInfo> &out);
void registerCollectionFunctions(std::vector<FunctionInfo> &out);
void registerUtilityFunctions(std::vector<FunctionInfo> &out);

// False for functions whose result must not be computed at compile time
// even with constant arguments (rand.*).
bool foldable(const FunctionInfo &fn);

// Why a recognised function cannot work in Switchyard (secrets.get), or
// empty. The checker reports it where the function is called.
std::string_view unsupportedFunction(std::string_view name);

// Checker signatures of the functions above, "name:arg,arg->result" in the
// checker's notation (extensionsignatures.cpp).
const std::vector<std::string_view> &extensionSignatures();

} // namespace switchyard::cel
