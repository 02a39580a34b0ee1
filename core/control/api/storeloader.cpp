// SPDX-License-Identifier: Apache-2.0
#include "control/api/storeloader.h"

#include "control/endpointregistry.h"
#include "control/store.h"

namespace switchyard {

Result<int> StoreLoader::load(Store &store, EndpointRegistry &registry)
{
    auto accounts = store.accounts();
    if (!accounts)
        return accounts.error();
    for (const Account &account : *accounts)
        if (auto added = registry.ensureAccount(account); !added)
            return added.error();
    auto endpoints = store.cloudEndpoints();
    if (!endpoints)
        return endpoints.error();
    RegistryChange change;
    change.add = std::move(*endpoints);
    const int count = static_cast<int>(change.add.size());
    if (auto applied = registry.apply(std::move(change)); !applied)
        return makeError("cannot load the stored cloud endpoints: " + applied.message(), applied.error().code);
    return count;
}

} // namespace switchyard
