# SPDX-License-Identifier: Apache-2.0
# Traffic inspector benchmark: what one captured exchange costs the worker
# (record, metrics, queue) and the writer (encode, SQLite insert, retention).
#   build/bin/inspect_bench
add_executable(inspect_bench ${CMAKE_CURRENT_LIST_DIR}/inspect_bench.cpp)
target_link_libraries(inspect_bench PRIVATE switchyard_core switchyard_warnings benchmark::benchmark)
