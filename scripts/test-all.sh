#!/usr/bin/env bash
# The one test command (README): typecheck, lint, formatting, production build, unit + integration tests on a
# real database and against the real server, the same integration tests and the multi-instance tests
# on PostgreSQL, then browser tests in Chromium.
# PostgreSQL: TEST_DATABASE_URL if set; otherwise a private server of our own (scripts/pg-test-server.sh,
# stopped on exit) when PostgreSQL's binaries are installed; otherwise that pass is skipped, said so.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
step "typecheck";   npx tsc --noEmit
step "lint";        npx eslint . --max-warnings=0
step "format";      npx prettier --check . --log-level warn
step "build";       npx next build
if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  if PG=$(bash scripts/pg-test-server.sh start); then
    export TEST_DATABASE_URL=${PG%% *}
    PG_DIR=${PG#* }
    trap 'bash scripts/pg-test-server.sh stop "$PG_DIR"' EXIT
    echo "private PostgreSQL at $TEST_DATABASE_URL"
  else
    echo "PostgreSQL is not installed: the PostgreSQL pass and the multi-instance tests are skipped (apt-get install postgresql)."
  fi
fi
step "unit + integration (PGlite, real server; multi-instance on PostgreSQL)"; npx vitest run
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  step "integration (PostgreSQL)"; TEST_BACKEND=postgres npx vitest run lib tests/governance tests/notifications tests/proposals \
    tests/sdk/await-decision-stream.test.ts tests/sdk/demo-volume.test.ts tests/api/stream-proposals.test.ts
fi
step "e2e (Chromium)"; npx playwright test
