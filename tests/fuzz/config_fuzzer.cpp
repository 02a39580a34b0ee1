// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: config file text through the whole loader (YAML, the
// endpoint and agent checks, the embedded traffic policies with the real CEL
// engine), and every config that loads through toYaml() and back. Must
// never crash, hang or leak; diagnostics must carry sane positions.
#include "common/yamldocument.h"
#include "control/configfile.h"
#include "control/configparser.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace switchyard;

namespace {

// traffic_policy_file would read arbitrary files (/dev/zero never ends).
bool namesPolicyFile(const YamlNode &node)
{
    for (std::size_t i = 0; i < node.size(); ++i) {
        if (node.isMapping() && node.key(i).scalar() == "traffic_policy_file")
            return true;
        if (namesPolicyFile(node.value(i)))
            return true;
    }
    return false;
}

void checkPositions(const DiagnosticList &diagnostics, const std::string &text)
{
    const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const Diagnostic &d : diagnostics) {
        if (d.message.empty() || d.position.line < 0 || d.position.column < 0 || d.position.line > lines + 1)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    const std::string text(reinterpret_cast<const char *>(data), size);
    const YamlDocument probe(text, ConfigParser::yamlOptions());
    if (probe.root() && namesPolicyFile(*probe.root()))
        return 0;

    DiagnosticList diagnostics;
    const std::optional<ConfigFile> config = ConfigFile::loadString(text, diagnostics, "/nonexistent");
    checkPositions(diagnostics, text);
    if (!config)
        return 0;
    // What loads must save as text that loads again.
    const std::string saved = config->toYaml();
    DiagnosticList again;
    if (!ConfigFile::loadString(saved, again, "/nonexistent"))
        std::abort();
    return 0;
}
