// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

namespace switchyard {

class EndpointRegistry;
class Store;

// Brings the registry up to the store at startup: every account, then every
// cloud endpoint in one atomic change (all or none).
struct StoreLoader
{
    // Returns the number of cloud endpoints loaded.
    static Result<int> load(Store &store, EndpointRegistry &registry);
};

} // namespace switchyard
