// SPDX-License-Identifier: Apache-2.0
#include "policy/bodyrunners/httprequestrunner.h"

#include "model/endpointurl.h"
#include "policy/bodyrunners/actionconfigtext.h"
#include "policy/cel/urlcodec.h"
#include "policy/exec/builtinactions.h"
#include "policy/exec/exchangeactivation.h"
#include "policy/exec/exchangevalues.h"
#include "policy/exec/requesturl.h"
#include "policy/policynode.h"
#include "policy/policyvalues.h"

#include <variant>

namespace switchyard {

namespace {

cel::Value str(std::string s)
{
    return cel::Value::string(std::move(s));
}

cel::Value record(std::vector<cel::MapValue::Entry> entries)
{
    return cel::Value::map(cel::MapValue::makeUnchecked(std::move(entries)));
}

// A call that never left (the URL did not render or is not internal): it
// still suspends, already failed, so whoever resumes handles every outcome
// the same way.
ActionRunResult failNow(const ActionRunContext &context, std::shared_ptr<PolicyHttpCall> call, std::string code,
                        std::string message, int status)
{
    call->errorCode = std::move(code);
    call->errorMessage = std::move(message);
    call->errorStatus = status;
    ActionRunResult r;
    r.kind = ActionRunResult::Kind::Suspend;
    r.error = true;
    r.summary = call->errorMessage;
    context.exchange.httpCall = std::move(call);
    return r;
}

} // namespace

ActionRunResult HttpRequestRunner::run(const ActionRunContext &context) const
{
    auto call = std::make_shared<PolicyHttpCall>();
    if (const PolicyNode *n = ActionConfigText::field(context, "on_error"))
        call->haltOnError = n->scalar == "halt";
    if (const PolicyNode *n = ActionConfigText::field(context, "timeout")) {
        if (const auto ms = PolicyValues::parseDuration(n->scalar))
            call->timeout = std::chrono::milliseconds(*ms);
    }
    if (const PolicyNode *n = ActionConfigText::field(context, "max_redirects")) {
        if (const auto v = PolicyValues::parseInteger(n->scalar))
            call->maxRedirects = static_cast<int>(*v);
    }
    if (const PolicyNode *n = ActionConfigText::field(context, "retry_condition")) {
        if (const auto *external = std::get_if<ExternalConfig>(&context.action.config)) {
            for (const auto &[path, program] : external->programs) {
                if (path == n->path)
                    call->retryCondition = program;
            }
        }
    }
    if (const PolicyNode *n = ActionConfigText::field(context, "method"))
        call->request.method = n->scalar;

    std::string error;
    std::string url;
    if (const PolicyNode *n = ActionConfigText::field(context, "url"); !n
                                                                     || !ActionConfigText::render(context, *n, url, error))
        return failNow(context, call, "ERR_SWITCHYARD_3900", "http-request url: " + error, 500);
    auto parsed = RequestUrl::parse(url);
    if (!parsed || !parsed->host.ends_with(EndpointUrl::InternalSuffix)) {
        return failNow(context, call, "ERR_SWITCHYARD_3605",
                       "http-request may only call internal endpoints (*.internal), not " + url, 502);
    }
    if (const PolicyNode *n = ActionConfigText::field(context, "query_params"); n && n->isSequence()) {
        for (const PolicyNode &item : n->children) {
            const PolicyNode *key = item.find("key");
            const PolicyNode *value = item.find("value");
            std::string k, v;
            if (!key || !ActionConfigText::render(context, *key, k, error)
                || (value && !ActionConfigText::render(context, *value, v, error)))
                return failNow(context, call, "ERR_SWITCHYARD_3900", "http-request query_params: " + error, 500);
            parsed->query += (parsed->query.empty() ? "" : "&") + cel::queryEscape(k) + '=' + cel::queryEscape(v);
        }
    }
    call->request.url = parsed->toString();
    if (const PolicyNode *n = ActionConfigText::field(context, "headers"); n && n->isMap()) {
        for (const PolicyNode &item : n->children) {
            std::string v;
            if (!ActionConfigText::render(context, item, v, error))
                return failNow(context, call, "ERR_SWITCHYARD_3900", "http-request headers: " + error, 500);
            call->request.headers.append(item.key, v);
        }
    }
    if (const PolicyNode *n = ActionConfigText::field(context, "body")) {
        if (!ActionConfigText::render(context, *n, call->request.body, error))
            return failNow(context, call, "ERR_SWITCHYARD_3900", "http-request body: " + error, 500);
    }
    call->request.headers.set(PolicyHttpCall::RequestTypeHeader, "http-request");
    ActionRunResult r;
    r.kind = ActionRunResult::Kind::Suspend;
    r.summary = call->request.method + ' ' + call->request.url;
    context.exchange.httpCall = std::move(call);
    return r;
}

cel::Value HttpRequestRunner::resultValue(const PolicyHttpCall &call)
{
    const PolicyRequest &q = call.request;
    cel::Value req = record({{str("method"), str(q.method)},
                             {str("url"), str(q.url)},
                             {str("headers"), ExchangeValues::headers(q.headers)},
                             {str("body"), str(q.body)}});
    cel::Value res = cel::Value::null();
    if (call.response) {
        res = record({{str("status_code"), cel::Value::integer(call.response->statusCode)},
                      {str("headers"), ExchangeValues::headers(call.response->headers)},
                      {str("body"), str(call.response->body)}});
    }
    cel::Value error = cel::Value::null();
    if (!call.errorCode.empty())
        error = record({{str("code"), str(call.errorCode)}, {str("message"), str(call.errorMessage)}});
    return record({{str("req"), std::move(req)},
                   {str("res"), std::move(res)},
                   {str("attempts"), cel::Value::integer(call.attempts)},
                   {str("error"), std::move(error)}});
}

bool HttpRequestRunner::shouldRetry(const PolicyHttpCall &call, const PolicyExchange &exchange, PolicyPhase phase)
{
    if (!call.retryCondition || call.attempts > PolicyHttpCall::MaxRetries
        || call.errorCode == "ERR_SWITCHYARD_3602" || std::chrono::steady_clock::now() >= call.deadline)
        return false;
    ExchangeActivation activation(exchange, phase);
    activation.setActionResult("http_request", resultValue(call));
    const cel::Value v = call.retryCondition->evaluate(activation);
    return v.isBool() && v.boolValue();
}

PolicyResponse HttpRequestRunner::haltResponse(const PolicyHttpCall &call)
{
    return BuiltinActions::errorResponse(call.errorStatus, call.errorMessage, call.errorCode);
}

} // namespace switchyard
