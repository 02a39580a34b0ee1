#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the shared proxy-compare harness (../shared/bench/proxy-compare.sh,
# see its README.md) with Switchyard as the system under test: one agent
# endpoint on a dedicated listener http://127.0.0.1:$BENCH_LISTEN_PORT
# forwarding to the harness's origin. Every knob of the harness passes
# through, e.g. the smoke run:
#   ROUNDS=1 DURATION=3 BODIES=small CONNS=50 MEM_CONNS=0 TCP_TEST=0 bench/switchyard-compare.sh
# SWITCHYARD_ARGS is appended to the switchyard command line, e.g. the
# inspector's cost: run once as is (capture on, the default) and once with
#   SWITCHYARD_ARGS='--limit inspect_db_size=0' SUT_NAME=switchyard-nocapture
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=${PROXY_COMPARE:-}
for candidate in "$ROOT/../shared/bench/proxy-compare.sh" /work/shared/bench/proxy-compare.sh; do
  [ -z "$HARNESS" ] && [ -x "$candidate" ] && HARNESS=$candidate
done
[ -n "$HARNESS" ] || { echo "switchyard-compare: proxy-compare.sh not found; set PROXY_COMPARE" >&2; exit 2; }
[ -x "$ROOT/build/bin/switchyard" ] || { echo "switchyard-compare: build build/bin/switchyard first" >&2; exit 2; }

export SUT_NAME=${SUT_NAME:-switchyard}
export SUT_PORT=${SUT_PORT:-19090}
# Throwaway data dir and side listeners, so a running core is not disturbed.
export SUT_CMD="XDG_CONFIG_HOME=\$BENCH_RUNDIR exec $ROOT/build/bin/switchyard http \$BENCH_UPSTREAM_PORT \
--url http://127.0.0.1:\$BENCH_LISTEN_PORT --workers \$BENCH_WORKERS --data-dir \$BENCH_RUNDIR/switchyard-data \
--api-addr 127.0.0.1:19095 --edge-http 127.0.0.1:19096 --edge-https 127.0.0.1:19097 ${SWITCHYARD_ARGS:-}"
exec "$HARNESS"
