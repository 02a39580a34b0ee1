// SPDX-License-Identifier: Apache-2.0
#include "policy/bodyrunners/bodyfindreplacerunner.h"

#include "policy/bodyrunners/actionconfigtext.h"
#include "policy/policynode.h"
#include "policy/runtime/bodyfindreplace.h"

namespace switchyard {

namespace {

ActionRunResult skipped(std::string why, bool error = false)
{
    ActionRunResult r;
    r.summary = std::move(why);
    r.error = error;
    return r;
}

} // namespace

ActionRunResult BodyFindReplaceRunner::run(const ActionRunContext &context) const
{
    const bool response = context.phase == PolicyPhase::HttpResponse;
    PolicyExchange &exchange = context.exchange;
    if (response && !exchange.response)
        return skipped("no response");
    if (response && !exchange.responseBodyWhole)
        return skipped("the body was too large to buffer; forwarded unchanged");
    HttpHeaders &headers = response ? exchange.response->headers : exchange.request.headers;
    std::string &body = response ? exchange.response->body : exchange.request.body;
    // A compress-response earlier in the phase encodes only on the way out:
    // the body here is still identity then.
    const bool ours = response && !exchange.responseCoding.empty();
    for (const std::string &coding : ours ? std::vector<std::string>{} : headers.tokens("content-encoding")) {
        if (coding != "identity")
            return skipped("the body is " + coding + "-encoded; left unchanged");
    }

    std::vector<BodyFindReplace::Replacement> replacements;
    std::string key;
    const PolicyNode *list = ActionConfigText::field(context, "replacements");
    static const std::vector<PolicyNode> none;
    std::string error;
    for (const PolicyNode &item : list && list->isSequence() ? list->children : none) {
        BodyFindReplace::Replacement r;
        const PolicyNode *from = item.find("from");
        const PolicyNode *to = item.find("to");
        if (!from)
            continue;
        if (!ActionConfigText::render(context, *from, r.from, error)
            || (to && !ActionConfigText::render(context, *to, r.to, error)))
            return skipped(error, true);
        for (const std::string *part : {&r.from, &r.to})
            key += std::to_string(part->size()) + ':' + *part;
        replacements.push_back(std::move(r));
    }
    const auto rewriter = m_rewriters.obtain(key, [&] { return BodyFindReplace::create(replacements); });
    if (!rewriter->value)
        return skipped(rewriter->error, true);
    BodyFindReplace::Outcome outcome = rewriter->value->apply(body);
    switch (outcome.status) {
    case BodyFindReplace::Status::Unchanged: return skipped("no match");
    case BodyFindReplace::Status::TooLarge: return skipped(outcome.message);
    case BodyFindReplace::Status::Replaced: break;
    }
    body = std::move(outcome.body);
    if (headers.contains("content-length"))
        headers.set("content-length", std::to_string(body.size()));
    ActionRunResult r;
    r.requestChanged = true;
    r.summary = "replaced " + std::to_string(outcome.replacements) + (outcome.replacements == 1 ? " match" : " matches");
    return r;
}

} // namespace switchyard
