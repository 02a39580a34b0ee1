// SPDX-License-Identifier: Apache-2.0
#include "control/endpointregistry.h"
#include "model/idgenerator.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace switchyard;

namespace {

Endpoint agent(const std::string &url, const std::string &name = {}, bool pooling = false,
               const std::string &account = Account::DefaultId)
{
    Endpoint ep;
    ep.name = name;
    ep.accountId = account;
    ep.type = EndpointType::Agent;
    auto parsed = EndpointUrl::parse(url);
    if (!parsed)
        qFatal("bad test URL %s: %s", url.c_str(), parsed.message().c_str());
    ep.url = *parsed;
    ep.binding = ep.url.isInternal() ? Binding::Internal : Binding::Public;
    ep.poolingEnabled = pooling;
    ep.upstream = *Upstream::parse("8080", ep.url.scheme());
    return ep;
}

Endpoint cloud(const std::string &url, const std::string &account = Account::DefaultId)
{
    Endpoint ep = agent(url, {}, false, account);
    ep.type = EndpointType::Cloud;
    ep.upstream.reset();
    ep.trafficPolicy = "on_http_request: [{actions: [{type: deny}]}]";
    return ep;
}

} // namespace

class TestEndpointRegistry : public QObject
{
    Q_OBJECT

private slots:
    void defaultAccount();
    void addAssignsIdAndTimestamps();
    void conflictNamesExistingEndpoint();
    void poolingNeedsEveryMember();
    void poolFormsWhenAllPooled();
    void namespacingPerAccount();
    void publicUrlsAreMachineWide();
    void httpsAndTlsShareSni();
    void differentPortsDoNotConflict();
    void wildcardPrecedence_data();
    void wildcardPrecedence();
    void wildcardNeverPoolsWithExact();
    void duplicateNameRejected();
    void unknownAccountRejected();
    void agentNeedsUpstreamCloudHasNone();
    void bindingMismatchRejected();
    void applyIsAllOrNothing();
    void updateKeepsCreatedAt();
    void removeUnknown();
    void accounts();
    void snapshotsAreImmutable();
    void concurrentReadersDuringWrites();
};

void TestEndpointRegistry::defaultAccount()
{
    EndpointRegistry reg;
    auto snap = reg.snapshot();
    QCOMPARE(snap->accounts().size(), std::size_t(1));
    QCOMPARE(snap->accounts().front().name, std::string("local"));
    QVERIFY(snap->account(Account::DefaultId));
    QVERIFY(snap->endpoints().empty());
}

void TestEndpointRegistry::addAssignsIdAndTimestamps()
{
    EndpointRegistry reg;
    const auto before = reg.snapshot()->generation();
    auto ep = reg.add(agent("https://api.internal", "api"));
    QVERIFY(ep.ok());
    QVERIFY(IdGenerator::looksLike((*ep)->id, "ep_"));
    QVERIFY((*ep)->createdAt.time_since_epoch().count() > 0);
    QCOMPARE((*ep)->updatedAt, (*ep)->createdAt);
    auto snap = reg.snapshot();
    QCOMPARE(snap->generation(), before + 1);
    QCOMPARE(snap->endpoint((*ep)->id), *ep);
    QCOMPARE(snap->endpointByName(Account::DefaultId, "api"), *ep);
}

void TestEndpointRegistry::conflictNamesExistingEndpoint()
{
    EndpointRegistry reg;
    auto first = reg.add(agent("https://api.internal", "api"));
    QVERIFY(first.ok());
    auto second = reg.add(agent("https://api.internal", "api2"));
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, std::string(EndpointRegistry::ConflictCode));
    const std::string msg = second.message();
    QVERIFY2(msg.find((*first)->id) != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("'api'") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("https://api.internal is already online") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("--pooling-enabled") != std::string::npos, msg.c_str());
    QCOMPARE(reg.snapshot()->endpoints().size(), std::size_t(1));
}

void TestEndpointRegistry::poolingNeedsEveryMember()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://api.internal", "a", /*pooling=*/false)).ok());
    QVERIFY(!reg.add(agent("https://api.internal", "b", /*pooling=*/true)).ok());

    EndpointRegistry reg2;
    QVERIFY(reg2.add(agent("https://api.internal", "a", true)).ok());
    auto r = reg2.add(agent("https://api.internal", "b", false));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string(EndpointRegistry::ConflictCode));
}

void TestEndpointRegistry::poolFormsWhenAllPooled()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://api.internal", "a", true)).ok());
    QVERIFY(reg.add(agent("https://api.internal", "b", true)).ok());
    QVERIFY(reg.add(agent("https://api.internal:8443", "c", true)).ok()); // another URL, another pool
    // A cloud endpoint may join an agent pool when pooled too.
    Endpoint c = cloud("https://api.internal");
    c.poolingEnabled = true;
    QVERIFY(reg.add(c).ok());

    auto snap = reg.snapshot();
    QCOMPARE(snap->pools().size(), std::size_t(2));
    auto pool = snap->lookup(Binding::Internal, Account::DefaultId, Scheme::Https, "api.internal", 443);
    QVERIFY(pool);
    QCOMPARE(pool->members.size(), std::size_t(3));
    QCOMPARE(pool->members[0]->name, std::string("a"));
    QCOMPARE(pool->members[1]->name, std::string("b"));
    auto other = snap->lookup(Binding::Internal, Account::DefaultId, Scheme::Https, "api.internal", 8443);
    QVERIFY(other && other != pool);
    QCOMPARE(other->members.size(), std::size_t(1));
    // The same host under another scheme is neither pool.
    QVERIFY(!snap->lookup(Binding::Internal, Account::DefaultId, Scheme::Http, "api.internal", 443));
}

void TestEndpointRegistry::namespacingPerAccount()
{
    EndpointRegistry reg;
    auto other = reg.createAccount("team-b");
    QVERIFY(other.ok());
    QVERIFY(reg.add(agent("https://api.internal", "a")).ok());
    // Same internal URL in another account: neither a conflict nor a pool.
    QVERIFY(reg.add(agent("https://api.internal", "a", false, other->id)).ok());
    auto snap = reg.snapshot();
    QCOMPARE(snap->pools().size(), std::size_t(2));
    auto mine = snap->lookup(Binding::Internal, Account::DefaultId, Scheme::Https, "api.internal", 443);
    auto theirs = snap->lookup(Binding::Internal, other->id, Scheme::Https, "api.internal", 443);
    QVERIFY(mine && theirs && mine != theirs);
    QCOMPARE(mine->members.front()->accountId, std::string(Account::DefaultId));
    QCOMPARE(theirs->members.front()->accountId, other->id);
    QVERIFY(!snap->lookup(Binding::Internal, "acct_nobody", Scheme::Https, "api.internal", 443));
}

void TestEndpointRegistry::publicUrlsAreMachineWide()
{
    EndpointRegistry reg;
    auto other = reg.createAccount("team-b");
    QVERIFY(reg.add(agent("https://app.localhost", "a")).ok());
    // Public URLs share this machine's listeners: another account cannot take it.
    auto r = reg.add(agent("https://app.localhost", "a", false, other->id));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string(EndpointRegistry::ConflictCode));
    // And lookups for public ignore the account.
    QVERIFY(reg.snapshot()->lookup(Binding::Public, other->id, Scheme::Https, "app.localhost", 443));
}

void TestEndpointRegistry::httpsAndTlsShareSni()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://app.localhost", "a")).ok());
    Endpoint tls = agent("tls://app.localhost", "b");
    tls.upstream = *Upstream::parse("localhost:9000", Scheme::Tls);
    auto r = reg.add(tls);
    QVERIFY(!r.ok());
    QVERIFY2(r.message().find("on the same host and port") != std::string::npos, r.message().c_str());
    // Internal https and tls on one name are different URLs, never bound to a listener.
    Endpoint itls = agent("tls://x.internal", "c");
    itls.upstream = *Upstream::parse("localhost:9000", Scheme::Tls);
    QVERIFY(reg.add(agent("https://x.internal", "d")).ok());
    QVERIFY(reg.add(itls).ok());
}

void TestEndpointRegistry::differentPortsDoNotConflict()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("http://127.0.0.1:19090", "a")).ok());
    QVERIFY(reg.add(agent("http://127.0.0.1:19091", "b")).ok());
    QVERIFY(!reg.add(agent("http://127.0.0.1:19090", "c")).ok());
}

void TestEndpointRegistry::wildcardPrecedence_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("expectedName"); // empty = no match

    QTest::newRow("exact beats wildcard") << "app.foo.internal" << "exact";
    QTest::newRow("longer wildcard") << "x.bar.foo.internal" << "bar-wild";
    QTest::newRow("deep under longer") << "a.b.c.bar.foo.internal" << "bar-wild";
    QTest::newRow("shorter wildcard") << "x.foo.internal" << "foo-wild";
    QTest::newRow("any depth") << "a.b.c.foo.internal" << "foo-wild";
    QTest::newRow("bare suffix not matched by wildcard") << "foo.internal" << "";
    QTest::newRow("bar itself under foo wildcard") << "bar.foo.internal" << "foo-wild";
    QTest::newRow("unrelated") << "x.other.internal" << "";
}

void TestEndpointRegistry::wildcardPrecedence()
{
    QFETCH(QString, host);
    QFETCH(QString, expectedName);
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://*.foo.internal", "foo-wild")).ok());
    QVERIFY(reg.add(agent("https://*.bar.foo.internal", "bar-wild")).ok());
    QVERIFY(reg.add(agent("https://app.foo.internal", "exact")).ok());
    auto pool = reg.snapshot()->lookup(Binding::Internal, Account::DefaultId, Scheme::Https, host.toStdString(), 443);
    if (expectedName.isEmpty()) {
        QVERIFY(!pool);
    } else {
        QVERIFY(pool);
        QCOMPARE(QString::fromStdString(pool->members.front()->name), expectedName);
    }
}

void TestEndpointRegistry::wildcardNeverPoolsWithExact()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://*.foo.internal", "w", true)).ok());
    QVERIFY(reg.add(agent("https://a.foo.internal", "e", true)).ok());
    auto snap = reg.snapshot();
    QCOMPARE(snap->pools().size(), std::size_t(2));
    QCOMPARE(snap->poolFor(Binding::Internal, Account::DefaultId, *EndpointUrl::parse("https://*.foo.internal"))
                 ->members.front()->name,
             std::string("w"));
}

void TestEndpointRegistry::duplicateNameRejected()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://a.internal", "web")).ok());
    auto r = reg.add(agent("https://b.internal", "web"));
    QVERIFY(!r.ok());
    QVERIFY2(r.message().starts_with("an endpoint named 'web' already exists"), r.message().c_str());
    auto other = reg.createAccount("b");
    QVERIFY(reg.add(agent("https://b.internal", "web", false, other->id)).ok()); // names are per account
}

void TestEndpointRegistry::unknownAccountRejected()
{
    EndpointRegistry reg;
    auto r = reg.add(agent("https://a.internal", "x", false, "acct_missing"));
    QVERIFY(!r.ok());
    QCOMPARE(r.message(), std::string("no account with id 'acct_missing'"));
}

void TestEndpointRegistry::agentNeedsUpstreamCloudHasNone()
{
    EndpointRegistry reg;
    Endpoint a = agent("https://a.internal", "a");
    a.upstream.reset();
    auto r = reg.add(a);
    QVERIFY(!r.ok());
    QCOMPARE(r.message(), std::string("agent endpoint https://a.internal needs an upstream"));
    Endpoint c = cloud("https://c.internal");
    c.upstream = *Upstream::parse("8080", Scheme::Https);
    r = reg.add(c);
    QVERIFY(!r.ok());
    QCOMPARE(r.message(), std::string("cloud endpoint https://c.internal cannot have an upstream; it is pure traffic policy"));
    QVERIFY(reg.add(cloud("https://c.internal")).ok());
}

void TestEndpointRegistry::bindingMismatchRejected()
{
    EndpointRegistry reg;
    Endpoint a = agent("https://a.internal", "a");
    a.binding = Binding::Public;
    auto r = reg.add(a);
    QVERIFY(!r.ok());
    QVERIFY2(r.message().starts_with("binding 'public' cannot be used"), r.message().c_str());
}

void TestEndpointRegistry::applyIsAllOrNothing()
{
    EndpointRegistry reg;
    auto keep = reg.add(agent("https://keep.internal", "keep"));
    QVERIFY(keep.ok());
    const auto generation = reg.snapshot()->generation();
    RegistryChange change;
    change.removeIds.push_back((*keep)->id);
    change.add.push_back(agent("https://one.internal", "one"));
    change.add.push_back(agent("https://two.internal", "two"));
    change.add.push_back(agent("https://one.internal", "three")); // conflicts with "one" in the same change
    auto r = reg.apply(change);
    QVERIFY(!r.ok());
    auto snap = reg.snapshot();
    QCOMPARE(snap->generation(), generation); // nothing published
    QCOMPARE(snap->endpoints().size(), std::size_t(1));
    QCOMPARE(snap->endpoints().front()->name, std::string("keep"));

    change.add.pop_back();
    auto ok = reg.apply(change);
    QVERIFY(ok.ok());
    QCOMPARE(ok->size(), std::size_t(2));
    QCOMPARE(reg.snapshot()->endpoints().size(), std::size_t(2));
    QVERIFY(!reg.snapshot()->endpoint((*keep)->id));
}

void TestEndpointRegistry::updateKeepsCreatedAt()
{
    EndpointRegistry reg;
    auto ep = reg.add(agent("https://a.internal", "a"));
    Endpoint changed = **ep;
    changed.description = "now described";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    auto updated = reg.update(changed);
    QVERIFY(updated.ok());
    QCOMPARE((*updated)->id, (*ep)->id);
    QCOMPARE((*updated)->createdAt, (*ep)->createdAt);
    QVERIFY((*updated)->updatedAt > (*ep)->updatedAt);
    QCOMPARE((*updated)->description, std::string("now described"));
    // Updating onto a URL that another endpoint holds fails and changes nothing.
    QVERIFY(reg.add(agent("https://b.internal", "b")).ok());
    Endpoint clash = **updated;
    clash.url = *EndpointUrl::parse("https://b.internal");
    QVERIFY(!reg.update(clash).ok());
    QCOMPARE(reg.snapshot()->endpoint((*ep)->id)->url.host(), std::string("a.internal"));
}

void TestEndpointRegistry::removeUnknown()
{
    EndpointRegistry reg;
    auto r = reg.remove("ep_NOPE");
    QVERIFY(!r.ok());
    QCOMPARE(r.message(), std::string("no endpoint with id 'ep_NOPE'"));
}

void TestEndpointRegistry::accounts()
{
    EndpointRegistry reg;
    QVERIFY(reg.createAccount("team-b").ok());
    QCOMPARE(reg.createAccount("team-b").message(), std::string("account 'team-b' already exists"));
    QVERIFY(!reg.createAccount("").ok());
    QVERIFY(!reg.createAccount("Bad Name").ok());
    QVERIFY(!reg.createAccount("local").ok());
    QCOMPARE(reg.snapshot()->accounts().size(), std::size_t(2));
}

void TestEndpointRegistry::snapshotsAreImmutable()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://a.internal", "a")).ok());
    auto old = reg.snapshot();
    QVERIFY(reg.add(agent("https://b.internal", "b")).ok());
    QVERIFY(reg.remove(old->endpoints().front()->id).ok());
    // A reader holding the old snapshot still sees exactly what it saw.
    QCOMPARE(old->endpoints().size(), std::size_t(1));
    QCOMPARE(old->endpoints().front()->name, std::string("a"));
    QVERIFY(old->lookup(Binding::Internal, Account::DefaultId, Scheme::Https, "a.internal", 443));
    QCOMPARE(reg.snapshot()->endpoints().size(), std::size_t(1));
    QCOMPARE(reg.snapshot()->endpoints().front()->name, std::string("b"));
}

// Readers on several threads look up pools while writers add and remove
// endpoints. Every snapshot a reader sees must be internally consistent:
// the pool found for a host holds endpoints whose URL is that host, and the
// endpoint count matches the pools. Run under ThreadSanitizer in the TSan job.
void TestEndpointRegistry::concurrentReadersDuringWrites()
{
    EndpointRegistry reg;
    QVERIFY(reg.add(agent("https://stable.internal", "stable", true)).ok());
    std::atomic<bool> stop{false};
    std::atomic<long> reads{0};
    std::atomic<long> inconsistencies{0};

    auto reader = [&] {
        while (!stop.load(std::memory_order_relaxed)) {
            auto snap = reg.snapshot();
            std::size_t members = 0;
            for (const auto &pool : snap->pools())
                members += pool->members.size();
            if (members != snap->endpoints().size())
                ++inconsistencies;
            auto pool = snap->lookup(Binding::Internal, Account::DefaultId, Scheme::Https, "stable.internal", 443);
            if (!pool || pool->members.empty() || pool->members.front()->url.host() != "stable.internal")
                ++inconsistencies;
            for (const auto &ep : snap->endpoints()) {
                auto p = snap->lookup(ep->binding, ep->accountId, ep->url.scheme(), ep->url.host(), ep->url.port());
                if (!p)
                    ++inconsistencies;
            }
            ++reads;
        }
    };

    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i)
        readers.emplace_back(reader);

    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
        writers.emplace_back([&, w] {
            for (int i = 0; i < 300; ++i) {
                const std::string url = "https://w" + std::to_string(w) + "-" + std::to_string(i % 7) + ".internal";
                auto added = reg.add(agent(url, {}, true));
                if (added.ok() && i % 2 == 0)
                    (void)reg.remove((*added)->id);
            }
        });
    }
    for (auto &t : writers)
        t.join();
    stop = true;
    for (auto &t : readers)
        t.join();

    QCOMPARE(inconsistencies.load(), 0L);
    QVERIFY(reads.load() > 0);
    // 2 writers × 300 adds, half removed again: 300 remain, plus "stable".
    QCOMPARE(reg.snapshot()->endpoints().size(), std::size_t(301));
}

QTEST_APPLESS_MAIN(TestEndpointRegistry)
#include "tst_endpointregistry.moc"
