// SPDX-License-Identifier: Apache-2.0
#include "policy/bodyrunners/actionconfigtext.h"

#include "policy/policynode.h"

#include <variant>

namespace switchyard {

const PolicyNode *ActionConfigText::field(const ActionRunContext &context, std::string_view key)
{
    return context.action.rawConfig.find(key);
}

bool ActionConfigText::render(const ActionRunContext &context, const PolicyNode &node, std::string &out,
                              std::string &error)
{
    out.clear();
    const auto *external = std::get_if<ExternalConfig>(&context.action.config);
    if (const CompiledTemplate *t = external ? external->templateAt(node.path) : nullptr)
        return t->render(context.activation, out, error);
    out = node.scalar;
    return true;
}

bool ActionConfigText::flag(const ActionRunContext &context, std::string_view key, bool fallback)
{
    const PolicyNode *node = field(context, key);
    if (!node || !node->isScalar())
        return fallback;
    if (node->scalar == "true")
        return true;
    if (node->scalar == "false")
        return false;
    return fallback;
}

std::vector<std::string> ActionConfigText::list(const ActionRunContext &context, std::string_view key)
{
    std::vector<std::string> out;
    if (const PolicyNode *node = field(context, key); node && node->isSequence()) {
        for (const PolicyNode &item : node->children) {
            if (item.isScalar())
                out.push_back(item.scalar);
        }
    }
    return out;
}

} // namespace switchyard
