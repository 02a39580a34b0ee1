// SPDX-License-Identifier: Apache-2.0
#include "commands/apiclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <charconv>

namespace switchyard::cli {

namespace {

bool splitAddress(const std::string &address, std::string &host, quint16 &port)
{
    const std::size_t colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return false;
    host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string digits = address.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value == 0 || value > 65535)
        return false;
    port = static_cast<quint16>(value);
    return true;
}

std::string lower(std::string text)
{
    for (char &c : text)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return text;
}

// The Content-Length of a response head, or nullopt when it has none.
std::optional<std::size_t> contentLength(const std::string &head)
{
    const std::string text = lower(head);
    const std::size_t at = text.find("\r\ncontent-length:");
    if (at == std::string::npos)
        return std::nullopt;
    std::size_t pos = at + 17;
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
        ++pos;
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data() + pos)
        return std::nullopt;
    return value;
}

} // namespace

ApiClient::ApiClient(std::string address, std::string apiKey, int timeoutMs)
    : m_address(std::move(address))
    , m_apiKey(std::move(apiKey))
    , m_timeoutMs(timeoutMs)
{
}

ApiClient::~ApiClient() = default;

std::string ApiClient::errorText(const Reply &reply, const std::string &policySource)
{
    const QJsonObject error = QJsonDocument::fromJson(QByteArray::fromStdString(reply.body)).object();
    std::string text;
    if (error.contains("msg"))
        text += error.value("msg").toString().toStdString();
    else
        text += "the API answered " + std::to_string(reply.status) + ": " + reply.body;
    if (const QString code = error.value("error_code").toString(); !code.isEmpty())
        text += " [" + code.toStdString() + "]";
    for (const QJsonValue &item : error.value("details").toObject().value("diagnostics").toArray()) {
        const QJsonObject d = item.toObject();
        text += "\n" + policySource + ":" + std::to_string(d.value("line").toInt()) + ":"
              + std::to_string(d.value("column").toInt()) + ": " + d.value("severity").toString("error").toStdString()
              + ": " + d.value("message").toString().toStdString();
    }
    return text;
}

void ApiClient::addHeader(const std::string &name, const std::string &value)
{
    m_extraHeaders += name + ": " + value + "\r\n";
}

std::optional<ApiClient::Reply> ApiClient::send(const std::string &method, const std::string &target,
                                               const std::string &jsonBody)
{
    const bool reused = m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
    bool answered = false;
    auto reply = exchange(method, target, jsonBody, answered);
    // A kept-alive connection the server closed while idle: dial again.
    if (!reply && reused && !answered)
        reply = exchange(method, target, jsonBody, answered);
    return reply;
}

std::optional<ApiClient::Reply> ApiClient::exchange(const std::string &method, const std::string &target,
                                                   const std::string &jsonBody, bool &answered)
{
    std::string host;
    quint16 port = 0;
    if (!splitAddress(m_address, host, port)) {
        m_error = "'" + m_address + "' is not HOST:PORT";
        return std::nullopt;
    }
    const QDeadlineTimer deadline(m_timeoutMs);
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        m_socket = std::make_unique<QTcpSocket>();
        m_socket->connectToHost(QString::fromStdString(host), port);
        if (!m_socket->waitForConnected(static_cast<int>(deadline.remainingTime()))) {
            m_error = m_socket->errorString().toStdString();
            m_socket.reset();
            return std::nullopt;
        }
    }
    QTcpSocket &socket = *m_socket;
    auto fail = [this](std::string why) -> std::optional<Reply> {
        m_error = std::move(why);
        m_socket.reset();
        return std::nullopt;
    };

    std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + m_address
                        + "\r\nUser-Agent: switchyard-cli\r\nAccept: application/json\r\nNgrok-Version: 2\r\n"
                        + (m_keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n") + m_extraHeaders;
    if (!m_apiKey.empty())
        request += "Authorization: Bearer " + m_apiKey + "\r\n";
    if (!jsonBody.empty())
        request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(jsonBody.size()) + "\r\n";
    request += "\r\n" + jsonBody;
    socket.write(request.data(), static_cast<qint64>(request.size()));
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(static_cast<int>(deadline.remainingTime())))
            return fail("sending the request: " + socket.errorString().toStdString());
    }

    // Read until the body is complete (Content-Length) or the server closes.
    std::string received;
    std::size_t headEnd = std::string::npos;
    std::optional<std::size_t> length;
    for (;;) {
        received += socket.readAll().toStdString();
        answered = answered || !received.empty();
        if (headEnd == std::string::npos && (headEnd = received.find("\r\n\r\n")) != std::string::npos)
            length = contentLength(received.substr(0, headEnd + 2));
        if (headEnd != std::string::npos && length && received.size() >= headEnd + 4 + *length)
            break;
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
        if (deadline.hasExpired())
            return fail("no complete answer within " + std::to_string(m_timeoutMs / 1000) + " s");
        // False on close or timeout; the next round sorts out which.
        socket.waitForReadyRead(static_cast<int>(deadline.remainingTime()));
    }
    received += socket.readAll().toStdString();
    answered = answered || !received.empty();
    if (headEnd == std::string::npos || received.compare(0, 9, "HTTP/1.1 ") != 0 || received.size() < 12)
        return fail("the server at " + m_address + " did not answer with HTTP");
    Reply reply;
    reply.status = std::atoi(received.substr(9, 3).c_str());
    reply.body = received.substr(headEnd + 4, length.value_or(std::string::npos));
    const bool serverCloses = lower(received.substr(0, headEnd + 2)).find("\r\nconnection: close") != std::string::npos;
    if (!m_keepAlive || serverCloses || !length)
        m_socket.reset();
    return reply;
}

} // namespace switchyard::cli
