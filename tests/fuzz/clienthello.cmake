# SPDX-License-Identifier: Apache-2.0
# libFuzzer target for the TLS ClientHello peek (core/data/tls).
# Included from tests/CMakeLists.txt when SWITCHYARD_FUZZ=ON; needs clang.
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSWITCHYARD_FUZZ=ON -DSWITCHYARD_GUI=OFF
#   ninja -C build-fuzz clienthello_fuzzer
#   build-fuzz/tests/clienthello_fuzzer -max_total_time=60 tests/fuzz/corpus/clienthello
# The parser has no dependencies, so its source is compiled straight into
# the fuzzer with coverage instrumentation instead of linking switchyard_core.
add_executable(clienthello_fuzzer
  ${CMAKE_CURRENT_LIST_DIR}/clienthello_fuzzer.cpp
  ${PROJECT_SOURCE_DIR}/core/data/tls/clienthellopeek.cpp)
target_include_directories(clienthello_fuzzer PRIVATE ${PROJECT_SOURCE_DIR}/core)
target_compile_options(clienthello_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
target_link_options(clienthello_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(clienthello_fuzzer PRIVATE switchyard_warnings)
set_target_properties(clienthello_fuzzer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
