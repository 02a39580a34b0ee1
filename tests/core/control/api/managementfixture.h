// SPDX-License-Identifier: Apache-2.0
#pragma once

// A management API on a fresh data dir with two accounts (the default one
// and "other", each with a key) and a clock that ticks a second per call.

#include "apitesthelpers.h"
#include "control/api/apiservice.h"
#include "control/api/storeloader.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "policy/celexpressioncompiler.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace switchyard; // test code only


inline constexpr const char *DenyAll = "on_http_request:\n  - actions:\n      - type: deny\n";
inline constexpr const char *HelloJson =
    R"({"on_http_request":[{"actions":[{"type":"custom-response","config":{"status_code":200,"content":"hi"}}]}]})";

inline std::string createBody(const std::string &url, const std::string &policy = DenyAll, const std::string &extra = {})
{
    QJsonObject body{{"url", QString::fromStdString(url)}, {"traffic_policy", QString::fromStdString(policy)}};
    if (!extra.empty()) {
        const QJsonObject more = QJsonDocument::fromJson(QByteArray::fromStdString(extra)).object();
        for (auto it = more.begin(); it != more.end(); ++it)
            body.insert(it.key(), it.value());
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact).toStdString();
}


class ManagementFixture
{
protected:
    void setUp();
    void tearDown();
    ApiResponse call(const std::string &method, const std::string &target, const std::string &body = {},
                     const std::string &key = {}, std::vector<std::pair<std::string, std::string>> extra = {});
    QJsonObject createOk(const std::string &url, const std::string &policy = DenyAll, const std::string &key = {});
    void reopen();
    // A new account in the store (not yet in the registry) and its key;
    // an empty key on failure.
    std::pair<Account, std::string> addAccount(const std::string &name);
    int storedCount();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<EndpointRegistry> m_registry;
    std::unique_ptr<ApiService> m_service;
    CelExpressionCompiler m_compiler;
    std::string m_key;      // default account
    std::string m_otherKey; // account "other"
    std::chrono::system_clock::time_point m_now;
};

inline void ManagementFixture::setUp()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_now = std::chrono::sys_days(std::chrono::year{2026} / 11 / 27) + std::chrono::hours(22);
    reopen();
    auto key = m_store->createApiKey(Account::DefaultId);
    QVERIFY(key);
    m_key = *key;
    m_otherKey = addAccount("other").second;
    QVERIFY(!m_otherKey.empty());
}

inline std::pair<Account, std::string> ManagementFixture::addAccount(const std::string &name)
{
    Account account;
    account.name = name;
    auto created = m_store->createAccount(account);
    if (!created)
        return {};
    auto key = m_store->createApiKey(created->id);
    return {*created, key ? *key : std::string()};
}

inline void ManagementFixture::tearDown()
{
    m_service.reset();
    m_registry.reset();
    m_store.reset();
    m_dir.reset();
}

inline void ManagementFixture::reopen()
{
    m_service.reset();
    m_registry.reset();
    m_store.reset();
    auto store = Store::open(m_dir->path().toStdString());
    QVERIFY2(store, store ? "" : store.message().c_str());
    m_store = std::move(*store);
    m_registry = std::make_unique<EndpointRegistry>();
    auto loaded = StoreLoader::load(*m_store, *m_registry);
    QVERIFY2(loaded, loaded ? "" : loaded.message().c_str());
    ApiService::Options options;
    options.management.compiler = &m_compiler;
    // Every call to the clock is a second later: distinct, predictable times.
    options.management.clock = [this] { return m_now += std::chrono::seconds(1); };
    m_service = std::make_unique<ApiService>(*m_store, *m_registry, std::move(options));
}

inline ApiResponse ManagementFixture::call(const std::string &method, const std::string &target, const std::string &body,
                                    const std::string &key, std::vector<std::pair<std::string, std::string>> extra)
{
    std::vector<std::pair<std::string, std::string>> headers{{"Authorization", "Bearer " + (key.empty() ? m_key : key)},
                                                             {"Ngrok-Version", "2"}};
    if (!body.empty())
        headers.emplace_back("Content-Type", "application/json");
    for (auto &header : extra) {
        auto same = std::find_if(headers.begin(), headers.end(), [&](const auto &h) { return h.first == header.first; });
        if (same != headers.end()) {
            if (header.second == "<none>")
                headers.erase(same);
            else
                same->second = header.second;
        } else {
            headers.push_back(header);
        }
    }
    return m_service->handle(apiRequest(method, target, body, headers));
}

inline QJsonObject ManagementFixture::createOk(const std::string &url, const std::string &policy, const std::string &key)
{
    const ApiResponse response = call("POST", "/endpoints", createBody(url, policy), key);
    if (response.status != 201)
        qWarning("create %s: %d %s", url.c_str(), response.status, response.body.c_str());
    return jsonOf(response);
}

inline int ManagementFixture::storedCount()
{
    auto all = m_store->cloudEndpoints();
    return all ? static_cast<int>(all->size()) : -1;
}

