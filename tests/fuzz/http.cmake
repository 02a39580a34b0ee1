# SPDX-License-Identifier: Apache-2.0
# libFuzzer target for the HTTP codec. Included from tests/CMakeLists.txt when
# -DSWITCHYARD_FUZZ=ON; needs clang. Typical build:
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSWITCHYARD_FUZZ=ON \
#     -DSWITCHYARD_SANITIZE=address -DSWITCHYARD_GUI=OFF
#   ninja -C build-fuzz http_parser_fuzzer
#   build-fuzz/bin/http_parser_fuzzer -max_total_time=60 build-fuzz/corpus-http tests/fuzz/corpus/http
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SWITCHYARD_FUZZ needs clang (libFuzzer)")
endif()

# Coverage instrumentation for the code under test; shared with other fuzz
# targets, so added once.
get_property(_sy_fuzz_instrumented GLOBAL PROPERTY SWITCHYARD_FUZZ_INSTRUMENTED)
if(NOT _sy_fuzz_instrumented)
  set_property(GLOBAL PROPERTY SWITCHYARD_FUZZ_INSTRUMENTED TRUE)
  target_compile_options(switchyard_core PRIVATE -fsanitize=fuzzer-no-link)
  target_compile_options(switchyard_llhttp PRIVATE -fsanitize=fuzzer-no-link)
endif()

add_executable(http_parser_fuzzer ${CMAKE_CURRENT_LIST_DIR}/http_parser_fuzzer.cpp)
target_link_libraries(http_parser_fuzzer PRIVATE switchyard_core switchyard_warnings)
target_compile_options(http_parser_fuzzer PRIVATE -fsanitize=fuzzer)
target_link_options(http_parser_fuzzer PRIVATE -fsanitize=fuzzer)
# A short smoke run over the seed corpus keeps the target honest in CI.
add_test(NAME http_parser_fuzzer_corpus
  COMMAND http_parser_fuzzer -runs=0 ${CMAKE_CURRENT_LIST_DIR}/corpus/http)
set_tests_properties(http_parser_fuzzer_corpus PROPERTIES LABELS fuzz TIMEOUT 120)
