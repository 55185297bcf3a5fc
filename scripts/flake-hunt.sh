#!/usr/bin/env bash
# The flake hunt (issue 27, not part of `npm test`): runs the whole vitest suite — the PGlite pass with the
# multi-instance tests, then the PostgreSQL pass, exactly as scripts/test-all.sh does — N times while a CPU hog
# keeps every core busy, and prints every test that failed at least once, with how often.
#
#   bash scripts/flake-hunt.sh [N=3] [--no-hog] [--no-postgres]
#
# FC_RUNS=1000 bash scripts/flake-hunt.sh 1 --no-hog runs every property test without its own numRuns 1,000 times
# (tests/helpers/fast-check-runs.ts): the deep run that finds counterexamples CI would meet by chance.
#
# Needs a production build (the server tests use it): `npx next build` first, or NEXT_DIST_DIR set.
# Reports go to flake-hunt/<time>/run-<i>-<pass>.json (vitest's JSON reporter).
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=3 HOG=1 PG=1
for arg in "$@"; do
  case "$arg" in
    --no-hog) HOG=0 ;;
    --no-postgres) PG=0 ;;
    [0-9]*) RUNS=$arg ;;
    *) echo "usage: $0 [N] [--no-hog] [--no-postgres]" >&2; exit 2 ;;
  esac
done
OUT="flake-hunt/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

HOG_PIDS=()
stop_all() {
  for pid in "${HOG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  [[ -n "${PG_DIR:-}" ]] && bash scripts/pg-test-server.sh stop "$PG_DIR"
}
trap stop_all EXIT
if [[ $HOG == 1 ]]; then
  # One busy loop per core, at normal priority: the suite competes for every core as on a loaded CI runner.
  for _ in $(seq "$(nproc)"); do node -e 'for(;;){}' & HOG_PIDS+=($!); done
  echo "CPU hog: ${#HOG_PIDS[@]} busy processes"
fi
if [[ $PG == 1 && -z "${TEST_DATABASE_URL:-}" ]]; then
  if STARTED=$(bash scripts/pg-test-server.sh start); then
    export TEST_DATABASE_URL=${STARTED%% *}
    PG_DIR=${STARTED#* }
  else
    echo "PostgreSQL is not installed: the PostgreSQL pass and the multi-instance tests are not hunted."
    PG=0
  fi
fi

PG_FILES=(lib tests/governance tests/notifications tests/proposals tests/sdk/await-decision-stream.test.ts
  tests/sdk/demo-volume.test.ts tests/api/stream-proposals.test.ts)
for i in $(seq "$RUNS"); do
  echo "== run $i of $RUNS: PGlite pass ($(date -u +%T), load $(cut -d' ' -f1 /proc/loadavg))"
  npx vitest run --reporter=dot --reporter=json --outputFile.json="$OUT/run-$i-pglite.json" >"$OUT/run-$i-pglite.log" 2>&1
  echo "   exit $?"
  if [[ $PG == 1 ]]; then
    echo "== run $i of $RUNS: PostgreSQL pass ($(date -u +%T), load $(cut -d' ' -f1 /proc/loadavg))"
    TEST_BACKEND=postgres npx vitest run "${PG_FILES[@]}" --reporter=dot --reporter=json \
      --outputFile.json="$OUT/run-$i-postgres.json" >"$OUT/run-$i-postgres.log" 2>&1
    echo "   exit $?"
  fi
done

node scripts/lib/flake-report.mjs "$OUT"
