// SPDX-License-Identifier: Apache-2.0
// Test helper for tst_store's kill -9 test: writes cloud endpoints to the
// store in a tight loop, one transaction per write. Prints "saving ID" just
// before each write and "inserted ID" / "updated ID" after its commit. Runs
// until killed.
//
// Usage: storewriter DATA_DIR POLICY_BYTES
//
// Each endpoint's metadata holds the SHA-256 (hex) of its policy text, so a
// reader can tell an intact endpoint row from a torn one without knowing how
// the text was made.
#include "control/store.h"
#include "model/idgenerator.h"

#include <QByteArray>
#include <QCryptographicHash>

#include <cstdio>
#include <random>
#include <string>

using namespace switchyard;

namespace {

std::string makePolicy(std::size_t index, int revision, std::size_t size)
{
    std::string text = "# writer " + std::to_string(index) + " revision " + std::to_string(revision) + "\n";
    std::minstd_rand random(static_cast<unsigned>(index * 2 + static_cast<std::size_t>(revision)));
    static constexpr std::string_view Letters = "abcdefghijklmnopqrstuvwxyz0123456789 :-";
    while (text.size() < size)
        text += (text.size() % 64 == 63) ? '\n' : Letters[random() % Letters.size()];
    return text;
}

std::string sha256Hex(const std::string &text)
{
    return QCryptographicHash::hash(QByteArrayView(text.data(), static_cast<qsizetype>(text.size())),
                                    QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

bool save(Store &store, const Endpoint &endpoint, const char *verb)
{
    // Announced so the test can aim its kill at the transaction.
    std::printf("saving %s\n", endpoint.id.c_str());
    std::fflush(stdout);
    auto saved = store.saveCloudEndpoint(endpoint);
    if (!saved) {
        std::fprintf(stderr, "storewriter: %s\n", saved.message().c_str());
        return false;
    }
    std::printf("%s %s\n", verb, endpoint.id.c_str());
    std::fflush(stdout);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: storewriter DATA_DIR POLICY_BYTES\n");
        return 2;
    }
    const std::size_t policyBytes = std::stoul(argv[2]);
    auto store = Store::open(argv[1]);
    if (!store) {
        std::fprintf(stderr, "storewriter: %s\n", store.message().c_str());
        return 1;
    }
    auto existing = (*store)->cloudEndpoints();
    if (!existing) {
        std::fprintf(stderr, "storewriter: %s\n", existing.message().c_str());
        return 1;
    }
    for (std::size_t index = existing->size();; ++index) {
        Endpoint endpoint;
        endpoint.id = IdGenerator::endpointId();
        endpoint.type = EndpointType::Cloud;
        endpoint.name = "w" + std::to_string(index);
        endpoint.url = EndpointUrl::parse("https://w" + std::to_string(index) + ".internal").value();
        endpoint.binding = Binding::Internal;
        endpoint.createdAt = endpoint.updatedAt = std::chrono::system_clock::now();
        for (int revision = 1; revision <= 2; ++revision) {
            endpoint.trafficPolicy = makePolicy(index, revision, policyBytes);
            endpoint.metadata = sha256Hex(endpoint.trafficPolicy);
            endpoint.updatedAt = std::chrono::system_clock::now();
            if (!save(**store, endpoint, revision == 1 ? "inserted" : "updated"))
                return 1;
        }
    }
}
