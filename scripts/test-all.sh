#!/usr/bin/env bash
# The one test command (README): typecheck, lint, production build, unit + integration tests on a
# real database and against the real server, then browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
step "typecheck";   npx tsc --noEmit
step "lint";        npx eslint . --max-warnings=0
step "build";       npx next build
step "unit + integration (PGlite, real server)"; npx vitest run
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  step "integration (PostgreSQL)"; TEST_BACKEND=postgres npx vitest run lib tests/governance
fi
step "e2e (Chromium)"; npx playwright test
