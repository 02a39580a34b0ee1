# SPDX-License-Identifier: Apache-2.0
# The CEL parser/compiler fuzzer. Included from tests/CMakeLists.txt when
# -DSWITCHYARD_FUZZ=ON; needs clang (libFuzzer):
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSWITCHYARD_FUZZ=ON -DSWITCHYARD_GUI=OFF
#   ninja -C build-fuzz cel_parser_fuzzer
#   build-fuzz/tests/cel_parser_fuzzer tests/fuzz/corpus/cel -max_total_time=60
target_compile_options(switchyard_core PRIVATE -fsanitize=fuzzer-no-link)
add_executable(cel_parser_fuzzer ${CMAKE_CURRENT_LIST_DIR}/cel_parser_fuzzer.cpp)
set_target_properties(cel_parser_fuzzer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
target_compile_options(cel_parser_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(cel_parser_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(cel_parser_fuzzer PRIVATE switchyard_core switchyard_warnings)
