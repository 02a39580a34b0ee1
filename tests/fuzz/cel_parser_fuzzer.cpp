// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the CEL front end: parse, print, check, compile and
// (with small limits) evaluate arbitrary input. Any crash, sanitizer report
// or exception is a bug; errors as values are fine.
#include "policy/cel/phaseenvironment.h"
#include "policy/cel/program.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace switchyard::cel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view source(reinterpret_cast<const char *>(data), size);
    ParseResult parsed = parseExpression(source);
    if (!parsed.ok())
        return 0;
    (void)toSExpression(*parsed.expr);

    static const Environment env = phaseEnvironment(PolicyPhase::HttpResponse);
    CompileOptions options;
    options.lenientTypes = true;
    options.evalLimits.maxIterations = 20000;
    options.evalLimits.maxListSize = 10000;
    options.evalLimits.maxStringSize = 1 << 16;
    const CompileResult compiled = Program::compile(source, env, options);
    if (!compiled.ok()) {
        (void)compiled.formatErrors();
        return 0;
    }
    static const MapActivation activation;
    (void)compiled.program->evaluate(activation).debugString();
    return 0;
}
