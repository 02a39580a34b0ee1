# SPDX-License-Identifier: Apache-2.0
# The config file fuzzer. Included from tests/CMakeLists.txt when
# -DSWITCHYARD_FUZZ=ON; needs clang (libFuzzer). With
# -DSWITCHYARD_SANITIZE=address the code under test is checked by ASan and
# UBSan too, not only the fuzzer's own file:
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSWITCHYARD_FUZZ=ON -DSWITCHYARD_GUI=OFF \
#     -DSWITCHYARD_SANITIZE=address
#   ninja -C build-fuzz config_fuzzer
#   build-fuzz/tests/config_fuzzer -max_total_time=60 -timeout=5 tests/fuzz/corpus/config
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SWITCHYARD_FUZZ needs clang (libFuzzer); configure with CXX=clang++")
endif()
target_compile_options(switchyard_core PRIVATE -fsanitize=fuzzer-no-link)
add_executable(config_fuzzer ${CMAKE_CURRENT_LIST_DIR}/config_fuzzer.cpp)
set_target_properties(config_fuzzer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
target_compile_options(config_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(config_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(config_fuzzer PRIVATE switchyard_core switchyard_warnings)
