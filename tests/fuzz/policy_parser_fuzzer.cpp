// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: policy text (YAML or JSON) through the parser and the
// validator, for every endpoint kind. Must never crash, hang or leak;
// diagnostics must carry sane positions.
#include "policy/policyvalidator.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace switchyard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    const std::string text(reinterpret_cast<const char *>(data), size);
    static const PolicyEndpointContext contexts[] = {
        PolicyEndpointContext{},
        PolicyEndpointContext::forUrl(*EndpointUrl::parse("https://a.internal"), EndpointType::Cloud),
        PolicyEndpointContext::forUrl(*EndpointUrl::parse("tcp://db.internal:5432"), EndpointType::Cloud),
    };
    const PolicyEndpointContext &context = contexts[size % 3];
    DiagnosticList diagnostics;
    (void)PolicyValidator(PolicyValidator::Options{context, nullptr, nullptr})
        .check(PolicySource{text, 1, 1, {}}, diagnostics);
    for (const Diagnostic &d : diagnostics) {
        if (d.position.line < 0 || d.position.column < 0 || d.message.empty())
            std::abort();
    }
    return 0;
}
