# SPDX-License-Identifier: Apache-2.0
# TCP relay (Splice) loopback throughput: splice(2) vs copy vs direct.
# Build with -DSWITCHYARD_BENCH=ON, run build/bin/l4_bench
if(NOT TARGET benchmark::benchmark)
  find_package(benchmark REQUIRED)
endif()
add_executable(l4_bench ${CMAKE_CURRENT_LIST_DIR}/l4_bench.cpp)
target_link_libraries(l4_bench PRIVATE switchyard_core switchyard_warnings benchmark::benchmark)
