#!/usr/bin/env bash
# The one test command (README): typecheck, lint, unit + integration tests on a real database,
# production build, browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
step "typecheck";   npx tsc --noEmit
step "lint";        npx eslint . --max-warnings=0
step "unit + integration (PGlite)"; npx vitest run
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  step "integration (PostgreSQL)"; TEST_BACKEND=postgres npx vitest run lib tests
fi
step "build";       npx next build
step "e2e (Chromium)"; npx playwright test
