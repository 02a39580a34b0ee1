// SPDX-License-Identifier: Apache-2.0
#include "app/endpointsource.h"

#include "../endpointfixture.h"

#include <QSignalSpy>
#include <QTest>

using namespace switchyard;
using namespace switchyard::testing;
using switchyard::ui::EndpointSource;

class TestEndpointSource : public QObject
{
    Q_OBJECT

private slots:
    void startsWithCurrentSnapshot();
    void refreshEmitsOnlyOnChange();
    void pollPicksUpChanges();
    void pollInterval();
};

void TestEndpointSource::startsWithCurrentSnapshot()
{
    auto registry = makeMixedRegistry();
    EndpointSource source(registry);
    QCOMPARE(source.snapshot(), registry->snapshot());
    QCOMPARE(source.pollInterval(), EndpointSource::DefaultPollIntervalMs);
}

void TestEndpointSource::refreshEmitsOnlyOnChange()
{
    auto registry = makeMixedRegistry();
    EndpointSource source(registry);
    source.setPollInterval(0);
    QSignalSpy spy(&source, &EndpointSource::snapshotChanged);

    source.refresh();
    QCOMPARE(spy.size(), 0);

    addEndpoint(*registry, {"db", "tcp://db.internal:5432", EndpointType::Agent, "5432", false, ""});
    addEndpoint(*registry, {"cache", "tcp://cache.internal:6379", EndpointType::Agent, "6379", false, ""});
    source.refresh();
    QCOMPARE(spy.size(), 1);
    const auto emitted = spy.at(0).at(0).value<std::shared_ptr<const RoutingSnapshot>>();
    QCOMPARE(emitted, registry->snapshot());
    QCOMPARE(emitted->endpoints().size(), std::size_t(7));
    QCOMPARE(source.snapshot(), registry->snapshot());

    source.refresh();
    QCOMPARE(spy.size(), 1);
}

void TestEndpointSource::pollPicksUpChanges()
{
    auto registry = makeMixedRegistry();
    EndpointSource source(registry);
    source.setPollInterval(10);
    QSignalSpy spy(&source, &EndpointSource::snapshotChanged);
    addEndpoint(*registry, {"db", "tcp://db.internal:5432", EndpointType::Agent, "5432", false, ""});
    QTRY_COMPARE(spy.size(), 1);
    // Nothing new: the poll keeps running but stays quiet.
    QTest::qWait(50);
    QCOMPARE(spy.size(), 1);
}

void TestEndpointSource::pollInterval()
{
    EndpointSource source(std::make_shared<EndpointRegistry>());
    source.setPollInterval(0);
    QCOMPARE(source.pollInterval(), 0);
    source.setPollInterval(250);
    QCOMPARE(source.pollInterval(), 250);
}

QTEST_GUILESS_MAIN(TestEndpointSource)
#include "tst_endpointsource.moc"
