# SPDX-License-Identifier: Apache-2.0
# The policy document fuzzer. Included from tests/CMakeLists.txt when
# -DSWITCHYARD_FUZZ=ON; needs clang (libFuzzer):
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSWITCHYARD_FUZZ=ON -DSWITCHYARD_GUI=OFF
#   ninja -C build-fuzz policy_parser_fuzzer
#   build-fuzz/tests/policy_parser_fuzzer -max_total_time=60 tests/fuzz/corpus/policy
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SWITCHYARD_FUZZ needs clang (libFuzzer); configure with CXX=clang++")
endif()
# Coverage for the code under test, not only the fuzzer's own file.
target_compile_options(switchyard_core PRIVATE -fsanitize=fuzzer-no-link)
add_executable(policy_parser_fuzzer ${CMAKE_CURRENT_LIST_DIR}/policy_parser_fuzzer.cpp)
set_target_properties(policy_parser_fuzzer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
target_compile_options(policy_parser_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(policy_parser_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(policy_parser_fuzzer PRIVATE switchyard_core switchyard_warnings)
