# SPDX-License-Identifier: Apache-2.0
# Run-time action primitives benchmark (core/policy/runtime). Included from
# bench/CMakeLists.txt; build with -DSWITCHYARD_BENCH=ON, run build/bin/actions_bench.
if(NOT TARGET benchmark::benchmark)
  find_package(benchmark REQUIRED)
endif()
add_executable(actions_bench ${CMAKE_CURRENT_LIST_DIR}/actions_bench.cpp)
# Keys and tokens are made with the tests' OpenSSL helpers.
target_include_directories(actions_bench PRIVATE ${PROJECT_SOURCE_DIR}/tests/core/policy/runtime)
target_link_libraries(actions_bench PRIVATE switchyard_core switchyard_warnings benchmark::benchmark OpenSSL::Crypto)

# Body actions through the executor: runners that build once vs per request.
add_executable(bodyrunners_bench ${CMAKE_CURRENT_LIST_DIR}/bodyrunners_bench.cpp)
target_link_libraries(bodyrunners_bench PRIVATE switchyard_core switchyard_warnings benchmark::benchmark OpenSSL::Crypto)
