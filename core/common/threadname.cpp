// SPDX-License-Identifier: Apache-2.0
#include "common/threadname.h"

#include <pthread.h>

namespace switchyard {

void setCurrentThreadName(const std::string &name)
{
    // Linux refuses names over 15 bytes outright rather than cutting them.
    (void)pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

} // namespace switchyard
