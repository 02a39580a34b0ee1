# SPDX-License-Identifier: Apache-2.0
# HTTP codec benchmark. Include from bench/CMakeLists.txt:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/http.cmake)
# Build with -DSWITCHYARD_BENCH=ON -DCMAKE_BUILD_TYPE=Release, run
#   build/bin/http_parser_bench
if(NOT TARGET benchmark::benchmark)
  find_package(benchmark REQUIRED)
endif()
add_executable(http_parser_bench ${CMAKE_CURRENT_LIST_DIR}/http_parser_bench.cpp)
target_link_libraries(http_parser_bench PRIVATE switchyard_core switchyard_warnings benchmark::benchmark)
