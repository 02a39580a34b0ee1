// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace switchyard {

// Names the calling thread (at most 15 characters are kept), so `top -H`,
// /proc/PID/task/*/comm, perf and gdb tell the workers from the writers.
void setCurrentThreadName(const std::string &name);

} // namespace switchyard
