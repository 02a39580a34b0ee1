// SPDX-License-Identifier: Apache-2.0
#include "commands/policyfilereloader.h"

#include "commands/apiclient.h"
#include "common/textfile.h"
#include "control/api/apipolicycheck.h"
#include "control/endpointregistry.h"

namespace switchyard::cli {

PolicyFileReloader::PolicyFileReloader(std::string policyFile)
    : m_file(std::move(policyFile))
{
}

std::string PolicyFileReloader::failure(const std::string &text)
{
    return text + "\nreload failed; still serving the previous traffic policy";
}

std::string PolicyFileReloader::rejection(int status, const std::string &body, const std::string &policyFile)
{
    // errorText: the summary line, then one line per diagnostic.
    const std::string text = ApiClient::errorText({status, body}, policyFile);
    const auto newline = text.find('\n');
    return failure(newline == std::string::npos ? text : text.substr(newline + 1));
}

void PolicyFileReloader::adopt(const std::vector<EndpointPtr> &applied)
{
    if (!applied.empty())
        m_endpointId = applied.front()->id;
}

bool PolicyFileReloader::changed()
{
    // Still moving since the previous poll: look again on the next one.
    return !m_file.poll() && m_file.differs();
}

Result<std::string> PolicyFileReloader::reload(EndpointRegistry &registry)
{
    m_file.markLoaded();
    const auto text = TextFile::read(m_file.path());
    if (!text)
        return makeError(failure(m_file.path() + ": " + text.message()));
    const auto snapshot = registry.snapshot();
    const EndpointPtr running = snapshot->endpoint(m_endpointId);
    if (!running)
        return makeError(failure(m_file.path() + ": the endpoint is no longer in the registry"));
    std::string summary = m_file.path() + ": traffic policy of " + running->url.toString() + " [" + running->name + "]";
    if (running->trafficPolicy == *text)
        return summary + " unchanged";

    Endpoint candidate = *running;
    candidate.trafficPolicy = *text;
    if (const auto error = ApiPolicyCheck::check(candidate, *snapshot, nullptr)) {
        const ApiResponse response = error->toResponse();
        return makeError(rejection(response.status, response.body, m_file.path()));
    }
    RegistryChange change;
    change.removeIds.push_back(running->id);
    change.add.push_back(std::move(candidate));
    if (auto applied = registry.apply(std::move(change)); !applied)
        return makeError(failure(m_file.path() + ": " + applied.message()));
    return summary + " updated";
}

} // namespace switchyard::cli
