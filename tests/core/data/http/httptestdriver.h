// SPDX-License-Identifier: Apache-2.0
#pragma once

// Test helper: feeds raw bytes to the HTTP parsers in different split
// patterns and records the events as one comparable transcript line.

#include "data/http/httprequestparser.h"
#include "data/http/httpresponseparser.h"

#include <QString>
#include <QStringList>

#include <random>
#include <string>
#include <vector>

namespace switchyard::test {

enum class Split { Whole, ByteByByte, Random };

inline QString framingText(HttpBodyFraming framing, std::uint64_t cl)
{
    if (framing == HttpBodyFraming::ContentLength)
        return QStringLiteral("cl=%1").arg(cl);
    return QString::fromLatin1(toString(framing));
}

class Recorder : public HttpRequestHandler, public HttpResponseHandler
{
public:
    QStringList events;
    std::vector<HttpRequestHead> requests;
    std::vector<HttpResponseHead> responses;
    std::string body;

    void onRequestHead(HttpRequestHead head) override
    {
        QString line = QStringLiteral("REQ %1 %2 %3 ka=%4")
                           .arg(QString::fromStdString(head.method), QString::fromStdString(head.target),
                                framingText(head.framing, head.contentLength))
                           .arg(head.keepAlive ? 1 : 0);
        if (head.version == HttpVersion::Http10)
            line += QStringLiteral(" 1.0");
        if (head.upgrade)
            line += QStringLiteral(" upgrade");
        if (head.expectContinue)
            line += QStringLiteral(" expect");
        events << line;
        requests.push_back(std::move(head));
    }
    void onResponseHead(HttpResponseHead head) override
    {
        QString line = QStringLiteral("RESP %1 %2 ka=%3")
                           .arg(head.status)
                           .arg(framingText(head.framing, head.contentLength))
                           .arg(head.keepAlive ? 1 : 0);
        if (head.upgrade)
            line += QStringLiteral(" upgrade");
        events << line;
        responses.push_back(std::move(head));
    }
    void onBody(std::string_view data) override
    {
        // Adjacent body events are merged: how a body is cut into events
        // depends on the input split and is not part of the contract.
        body.append(data);
        const QString text = QString::fromLatin1(data.data(), static_cast<qsizetype>(data.size()));
        if (!events.isEmpty() && events.last().startsWith(QLatin1String("BODY ")))
            events.last() += text;
        else
            events << QStringLiteral("BODY ") + text;
    }
    void onTrailers(HttpHeaders trailers) override
    {
        QStringList parts;
        for (const auto &f : trailers.fields())
            parts << QString::fromStdString(f.name + "=" + f.value);
        events << QStringLiteral("TRAILERS ") + parts.join(QLatin1Char(';'));
    }
    void onMessageComplete() override { events << QStringLiteral("END"); }
};

inline std::vector<std::string> splitInput(const std::string &input, Split split, unsigned seed = 1234)
{
    std::vector<std::string> parts;
    if (split == Split::Whole || input.empty()) {
        parts.push_back(input);
    } else if (split == Split::ByteByByte) {
        for (char c : input)
            parts.emplace_back(1, c);
    } else {
        std::mt19937 rng(seed);
        std::size_t pos = 0;
        while (pos < input.size()) {
            const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 17)(rng);
            parts.push_back(input.substr(pos, n));
            pos += n;
        }
    }
    return parts;
}

// Feeds every part, resuming after pauses, and appends the end state:
// "OK", "CLOSED", "UPGRADED <tunnel bytes>" or "ERROR <status>".
template<typename Parser>
QString drive(Parser &parser, Recorder &recorder, const std::string &input, Split split, bool eof)
{
    std::string pending;
    const auto parts = splitInput(input, split);
    HttpFeedResult result;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        pending += parts[i];
        while (true) {
            result = parser.feed(pending);
            pending.erase(0, result.consumed);
            if (result.status == HttpFeedStatus::Paused) {
                recorder.events << QStringLiteral("PAUSE");
                parser.resume();
                continue;
            }
            break;
        }
        if (result.status == HttpFeedStatus::Upgraded) {
            for (std::size_t j = i + 1; j < parts.size(); ++j)
                pending += parts[j];
            recorder.events << QStringLiteral("UPGRADED ") + QString::fromStdString(pending);
            return recorder.events.join(QLatin1Char('|'));
        }
        if (result.status != HttpFeedStatus::Ok)
            break;
    }
    if (eof && result.status == HttpFeedStatus::Ok)
        result = parser.finish();
    switch (result.status) {
    case HttpFeedStatus::Error:
        recorder.events << QStringLiteral("ERROR %1").arg(parser.error().status);
        break;
    case HttpFeedStatus::Closed: recorder.events << QStringLiteral("CLOSED"); break;
    case HttpFeedStatus::Upgraded: recorder.events << QStringLiteral("UPGRADED"); break;
    default: recorder.events << QStringLiteral("OK"); break;
    }
    return recorder.events.join(QLatin1Char('|'));
}

inline QString runRequest(const std::string &input, Split split, const HttpLimits &limits = {},
                          bool pause = false, bool eof = false)
{
    Recorder recorder;
    HttpRequestParser parser(recorder, limits);
    parser.setPauseAfterMessage(pause);
    return drive(parser, recorder, input, split, eof);
}

inline QString runResponse(const std::string &input, const QStringList &methods, Split split, bool eof,
                           bool upgradeRequested = false)
{
    Recorder recorder;
    HttpResponseParser parser(recorder);
    for (const QString &m : methods)
        parser.expectResponse(m.toStdString(), upgradeRequested);
    return drive(parser, recorder, input, split, eof);
}

} // namespace switchyard::test
