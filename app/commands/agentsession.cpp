// SPDX-License-Identifier: Apache-2.0
#include "commands/agentsession.h"

#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/headlessrunner.h"
#include "commands/policyfilereloader.h"
#include "common/textfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <pthread.h>
#include <set>

namespace switchyard::cli {

namespace {

constexpr int ProbeTimeoutMs = 500;
constexpr int RequestTimeoutMs = 3000;
constexpr int MaxNameAttempts = 50;
// Reattach backoff: doubles from the first to the longest wait.
constexpr int FirstRetryMs = 250;
constexpr int MaxRetryMs = 2000;

std::string prefix(const std::string &command)
{
    return "switchyard " + command + ": ";
}

sigset_t handledSignals()
{
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGHUP);
    return handled;
}

QJsonObject parseObject(const std::string &body)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
}

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

QJsonObject endpointBody(const Endpoint &endpoint)
{
    QJsonObject body{
        {"name", q(endpoint.name)},
        {"url", q(endpoint.url.toString())},
        {"upstream", QJsonObject{{"url", q(endpoint.upstream ? endpoint.upstream->toString() : std::string())}}},
        {"bindings", QJsonArray{q(std::string(toString(endpoint.binding)))}},
        {"pooling_enabled", endpoint.poolingEnabled},
    };
    if (!endpoint.trafficPolicy.empty())
        body.insert("traffic_policy", q(endpoint.trafficPolicy));
    if (!endpoint.description.empty())
        body.insert("description", q(endpoint.description));
    if (!endpoint.metadata.empty())
        body.insert("metadata", q(endpoint.metadata));
    return body;
}

std::string compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

AgentSession::Probe AgentSession::probe(const std::string &apiAddr)
{
    ApiClient client(apiAddr, {}, ProbeTimeoutMs);
    const auto reply = client.send("GET", "/api/status");
    if (!reply)
        return Probe::NoCore;
    const QJsonObject status = parseObject(reply->body);
    if (reply->status == 200 && status.value("sessions_uri").isString() && status.value("agent_version").isString())
        return Probe::Core;
    return Probe::Foreign;
}

AgentSession::AgentSession(std::string command, std::string apiAddr)
    : m_command(std::move(command)), m_apiAddr(std::move(apiAddr))
{
}

int AgentSession::run(Endpoint endpoint, bool nameGiven, const std::string &policyFile)
{
    // Blocked before anything else so a signal during registration still
    // ends in closeSession(), not in a default death that leaves the
    // endpoint online until the lease runs out.
    const sigset_t handled = handledSignals();
    pthread_sigmask(SIG_BLOCK, &handled, nullptr);

    m_endpoint = std::move(endpoint);
    m_baseName = m_endpoint.name;
    m_nameGiven = nameGiven;
    if (!policyFile.empty())
        m_policyFile.emplace(policyFile);

    std::string why;
    if (!openSession(why)) {
        printError(prefix(m_command) + "cannot open an agent session on the core at " + m_apiAddr + ": " + why);
        return ExitRuntime;
    }
    switch (registerEndpoint(why)) {
    case Outcome::Registered:
        break;
    case Outcome::Unreachable:
        printError(prefix(m_command) + why);
        closeSession();
        return ExitRuntime;
    case Outcome::Rejected:
        closeSession();
        return ExitInvalidInput;
    }
    printOut("switchyard ready\nattached " + m_apiAddr + " session " + m_sessionId + "\n" + endpointLine(m_endpoint)
             + "\n");
    for (;;) {
        if (holdUntilSignal(why)) {
            closeSession();
            return ExitOk;
        }
        printError(prefix(m_command) + why + "; reconnecting");
        if (auto code = reattach())
            return *code;
        printError(prefix(m_command) + "reconnected to the core at " + m_apiAddr + " (session " + m_sessionId
                   + "): " + endpointLine(m_endpoint));
    }
}

bool AgentSession::openSession(std::string &why)
{
    // A fresh connection and header set: after a loss the old socket and
    // session id are both stale.
    m_client = std::make_unique<ApiClient>(m_apiAddr, std::string(), RequestTimeoutMs);
    m_client->setKeepAlive(true);
    m_sessionId.clear();
    const auto reply = m_client->send("POST", "/api/sessions");
    if (!reply || reply->status != 201) {
        why = reply ? ApiClient::errorText(*reply, policySource()) : m_client->error();
        return false;
    }
    const QJsonObject session = parseObject(reply->body);
    m_sessionId = session.value("id").toString().toStdString();
    m_heartbeatMs = session.value("heartbeat_interval_ms").toInt(m_heartbeatMs);
    m_leaseMs = session.value("lease_ms").toInt(m_leaseMs);
    m_client->addHeader("Switchyard-Session", m_sessionId);
    if (m_sessionId.empty())
        why = "the core answered without a session id";
    return !m_sessionId.empty();
}

AgentSession::Outcome AgentSession::registerEndpoint(std::string &why)
{
    std::set<std::string> taken;
    if (!m_nameGiven) {
        if (const auto list = m_client->send("GET", "/api/endpoints"); list && list->status == 200)
            for (const QJsonValue &item : parseObject(list->body).value("endpoints").toArray())
                taken.insert(item.toObject().value("name").toString().toStdString());
    }
    for (int attempt = 1; attempt <= MaxNameAttempts; ++attempt) {
        if (!m_nameGiven) {
            int suffix = attempt;
            auto candidate = [&] { return suffix == 1 ? m_baseName : m_baseName + "-" + std::to_string(suffix); };
            while (taken.count(candidate()))
                ++suffix;
            m_endpoint.name = candidate();
            taken.insert(m_endpoint.name);
        }
        const auto reply = m_client->send("POST", "/api/endpoints", compact(endpointBody(m_endpoint)));
        if (!reply) {
            why = "lost the core at " + m_apiAddr + ": " + m_client->error();
            return Outcome::Unreachable;
        }
        if (reply->status == 201)
            return Outcome::Registered;
        if (reply->status >= 500) {
            why = ApiClient::errorText(*reply, policySource());
            return Outcome::Unreachable;
        }
        // Another agent took the generated name meanwhile: try the next one.
        const bool nameTaken = reply->status == 409
                               && parseObject(reply->body).value("msg").toString().startsWith("An agent endpoint named");
        if (m_nameGiven || !nameTaken) {
            printError(prefix(m_command) + ApiClient::errorText(*reply, policySource()));
            return Outcome::Rejected;
        }
    }
    printError(prefix(m_command) + "no free endpoint name like '" + m_baseName + "'; pass --name");
    return Outcome::Rejected;
}

bool AgentSession::holdUntilSignal(std::string &why)
{
    const sigset_t handled = handledSignals();
    const timespec interval{m_heartbeatMs / 1000, static_cast<long>(m_heartbeatMs % 1000) * 1000000L};
    const std::string target = "/api/sessions/" + m_sessionId + "/heartbeat";
    auto lastAnswer = std::chrono::steady_clock::now();
    for (;;) {
        const int signal = sigtimedwait(&handled, nullptr, &interval);
        if (signal == SIGINT || signal == SIGTERM)
            return true;
        // A file still moving since the previous poll is looked at again on
        // the next tick.
        if (m_policyFile && (signal == SIGHUP || m_policyPending || (!m_policyFile->poll() && m_policyFile->differs())))
            pushPolicy();
        const auto reply = m_client->send("POST", target);
        const auto now = std::chrono::steady_clock::now();
        if (reply && reply->status == 200) {
            lastAnswer = now;
            continue;
        }
        if (reply && reply->status == 404) {
            why = "the core at " + m_apiAddr + " ended agent session " + m_sessionId + " (no heartbeat within "
                  + std::to_string(m_leaseMs) + " ms, or the core restarted); the endpoint is offline";
            return false;
        }
        if (now - lastAnswer > std::chrono::milliseconds(m_leaseMs)) {
            why = "lost the core at " + m_apiAddr + ": "
                  + (reply ? ApiClient::errorText(*reply, policySource()) : m_client->error());
            return false;
        }
    }
}

std::optional<int> AgentSession::reattach()
{
    const std::string previous = m_sessionId;
    const sigset_t handled = handledSignals();
    int delayMs = FirstRetryMs;
    for (;;) {
        const timespec wait{delayMs / 1000, static_cast<long>(delayMs % 1000) * 1000000L};
        const int signal = sigtimedwait(&handled, nullptr, &wait);
        if (signal == SIGINT || signal == SIGTERM)
            return ExitOk;
        delayMs = std::min(delayMs * 2, MaxRetryMs);
        std::string why;
        if (!openSession(why))
            continue;
        // A core that only stalled may still hold the old session and its
        // endpoint, which would conflict with the new registration.
        if (!previous.empty())
            (void)m_client->send("DELETE", "/api/sessions/" + previous);
        switch (registerEndpoint(why)) {
        case Outcome::Registered:
            return std::nullopt;
        case Outcome::Rejected:
            closeSession();
            return ExitInvalidInput;
        case Outcome::Unreachable:
            closeSession();
            break;
        }
    }
}

void AgentSession::pushPolicy()
{
    m_policyPending = false;
    m_policyFile->markLoaded();
    const std::string &path = m_policyFile->path();
    const auto text = TextFile::read(path);
    if (!text) {
        printError(PolicyFileReloader::failure(path + ": " + text.message()));
        return;
    }
    const std::string summary = "reloaded " + path + ": traffic policy of " + m_endpoint.url.toString() + " ["
                                + m_endpoint.name + "]";
    if (*text == m_endpoint.trafficPolicy) {
        printOut(summary + " unchanged");
        return;
    }
    Endpoint candidate = m_endpoint;
    candidate.trafficPolicy = *text;
    const auto reply = m_client->send("PUT", "/api/endpoints/" + m_endpoint.name, compact(endpointBody(candidate)));
    if (!reply || reply->status >= 500) {
        // Tried again on the next heartbeat tick (or after a reattach).
        m_policyPending = true;
        return;
    }
    if (reply->status != 200 && reply->status != 201) {
        printError(PolicyFileReloader::rejection(reply->status, reply->body, path));
        return;
    }
    m_endpoint = std::move(candidate);
    printOut(summary + " updated");
}

void AgentSession::closeSession()
{
    if (m_client && !m_sessionId.empty())
        (void)m_client->send("DELETE", "/api/sessions/" + m_sessionId);
}

std::string AgentSession::policySource() const
{
    return m_policyFile ? m_policyFile->path() : std::string("traffic-policy");
}

} // namespace switchyard::cli
