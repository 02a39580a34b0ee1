// SPDX-License-Identifier: Apache-2.0
#include "commands/agentsession.h"

#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/headlessrunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

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
    : m_command(std::move(command)), m_apiAddr(std::move(apiAddr)), m_client(m_apiAddr, {}, RequestTimeoutMs)
{
    m_client.setKeepAlive(true);
}

int AgentSession::run(Endpoint endpoint, bool nameGiven, const std::string &policySource)
{
    // Blocked before anything else so a signal during registration still
    // ends in closeSession(), not in a default death that leaves the
    // endpoint online until the lease runs out.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    if (!openSession())
        return ExitRuntime;
    if (auto failed = registerEndpoint(endpoint, nameGiven, policySource)) {
        closeSession();
        return *failed;
    }
    printOut("switchyard ready\nattached " + m_apiAddr + " session " + m_sessionId + "\n" + endpointLine(endpoint)
             + "\n");
    const int code = holdUntilSignal();
    if (code == ExitOk)
        closeSession();
    return code;
}

bool AgentSession::openSession()
{
    const auto reply = m_client.send("POST", "/api/sessions");
    if (!reply || reply->status != 201) {
        printError("switchyard " + m_command + ": cannot open an agent session on the core at " + m_apiAddr + ": "
                   + (reply ? ApiClient::errorText(*reply, "traffic-policy") : m_client.error()));
        return false;
    }
    const QJsonObject session = parseObject(reply->body);
    m_sessionId = session.value("id").toString().toStdString();
    m_heartbeatMs = session.value("heartbeat_interval_ms").toInt(m_heartbeatMs);
    m_leaseMs = session.value("lease_ms").toInt(m_leaseMs);
    m_client.addHeader("Switchyard-Session", m_sessionId);
    return !m_sessionId.empty();
}

std::optional<int> AgentSession::registerEndpoint(Endpoint &endpoint, bool nameGiven, const std::string &policySource)
{
    std::set<std::string> taken;
    if (!nameGiven) {
        if (const auto list = m_client.send("GET", "/api/endpoints"); list && list->status == 200)
            for (const QJsonValue &item : parseObject(list->body).value("endpoints").toArray())
                taken.insert(item.toObject().value("name").toString().toStdString());
    }
    const std::string base = endpoint.name;
    for (int attempt = 1; attempt <= MaxNameAttempts; ++attempt) {
        if (!nameGiven) {
            int suffix = attempt;
            auto candidate = [&] { return suffix == 1 ? base : base + "-" + std::to_string(suffix); };
            while (taken.count(candidate()))
                ++suffix;
            endpoint.name = candidate();
            taken.insert(endpoint.name);
        }
        const auto reply = m_client.send("POST", "/api/endpoints", compact(endpointBody(endpoint)));
        if (!reply) {
            printError("switchyard " + m_command + ": lost the core at " + m_apiAddr + ": " + m_client.error());
            return ExitRuntime;
        }
        if (reply->status == 201)
            return std::nullopt;
        // Another agent took the generated name meanwhile: try the next one.
        const bool nameTaken = reply->status == 409
                               && parseObject(reply->body).value("msg").toString().startsWith("An agent endpoint named");
        if (nameGiven || !nameTaken)
            return reportRejection(*reply, policySource);
    }
    printError("switchyard " + m_command + ": no free endpoint name like '" + base + "'; pass --name");
    return ExitInvalidInput;
}

int AgentSession::reportRejection(const ApiClient::Reply &reply, const std::string &policySource)
{
    printError("switchyard " + m_command + ": " + ApiClient::errorText(reply, policySource));
    return reply.status >= 500 ? ExitRuntime : ExitInvalidInput;
}

int AgentSession::holdUntilSignal()
{
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    const timespec interval{m_heartbeatMs / 1000, static_cast<long>(m_heartbeatMs % 1000) * 1000000L};
    const std::string target = "/api/sessions/" + m_sessionId + "/heartbeat";
    auto lastAnswer = std::chrono::steady_clock::now();
    for (;;) {
        const int signal = sigtimedwait(&stopSignals, nullptr, &interval);
        if (signal == SIGINT || signal == SIGTERM)
            return ExitOk;
        const auto reply = m_client.send("POST", target);
        const auto now = std::chrono::steady_clock::now();
        if (reply && reply->status == 200) {
            lastAnswer = now;
            continue;
        }
        if (reply && reply->status == 404) {
            printError("switchyard " + m_command + ": the core at " + m_apiAddr + " ended agent session "
                       + m_sessionId + " (no heartbeat within " + std::to_string(m_leaseMs)
                       + " ms, or the core restarted); the endpoint is offline");
            return ExitRuntime;
        }
        if (now - lastAnswer > std::chrono::milliseconds(m_leaseMs)) {
            printError("switchyard " + m_command + ": lost the core at " + m_apiAddr + ": "
                       + (reply ? ApiClient::errorText(*reply, "traffic-policy") : m_client.error()));
            return ExitRuntime;
        }
    }
}

void AgentSession::closeSession()
{
    if (!m_sessionId.empty())
        (void)m_client.send("DELETE", "/api/sessions/" + m_sessionId);
}

} // namespace switchyard::cli
