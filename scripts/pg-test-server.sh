#!/usr/bin/env bash
# A private, throw-away PostgreSQL server for the tests: a fresh cluster in a temp folder, listening on
# 127.0.0.1 and a free port only (trust auth, no durability: fsync off). ~1 s.
#   scripts/pg-test-server.sh start   → prints "<url> <folder>" (exit 3 when no PostgreSQL binaries)
#   scripts/pg-test-server.sh restart <folder>   (pg_ctl restart -m fast: every session is ended; returns once it accepts connections)
#   scripts/pg-test-server.sh down <folder>      (pg_ctl stop -m fast, the folder kept: an outage)
#   scripts/pg-test-server.sh up <folder>        (starts it again after `down`, same port)
#   scripts/pg-test-server.sh stop <folder>
#   scripts/pg-test-server.sh available          (exit 0 when PostgreSQL's binaries are installed)
# Binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian's `postgresql`), else PATH.
# As root the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

bindir() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [[ -n "$d" && -x "$d/initdb" ]]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  return 1
}

as_owner() { # run a command as the cluster's owner
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    BIN=$(bindir) || { echo "no PostgreSQL binaries (initdb) found" >&2; exit 3; }
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/cwr-pg-XXXXXX")
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$DIR"
    PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    OPTS="-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    echo "$OPTS" >"$DIR/options" # for `up` after a `down`
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 30 -o "$OPTS" start >/dev/null || { cat "$DIR/log" >&2; exit 1; }
    # The app's runtime role (docs/production.md, "Two database roles"): the tests migrate as
    # `postgres` (the owner) and run the app as `cwr_app`, which may only INSERT and SELECT the audit log.
    as_owner "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE ROLE cwr_app LOGIN PASSWORD 'cwr_app'" >/dev/null \
      || { echo "could not create the app role cwr_app" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$PORT/postgres $DIR"
    ;;
  available)
    bindir >/dev/null
    ;;
  restart)
    DIR=${2:?usage: pg-test-server.sh restart <folder>}
    BIN=$(bindir) || { echo "no PostgreSQL binaries (pg_ctl) found" >&2; exit 3; }
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -m fast -w -t 60 restart >/dev/null || { cat "$DIR/log" >&2; exit 1; }
    ;;
  down)
    DIR=${2:?usage: pg-test-server.sh down <folder>}
    BIN=$(bindir) || { echo "no PostgreSQL binaries (pg_ctl) found" >&2; exit 3; }
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null || { cat "$DIR/log" >&2; exit 1; }
    ;;
  up)
    DIR=${2:?usage: pg-test-server.sh up <folder>}
    BIN=$(bindir) || { echo "no PostgreSQL binaries (pg_ctl) found" >&2; exit 3; }
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 -o "$(cat "$DIR/options")" start >/dev/null \
      || { cat "$DIR/log" >&2; exit 1; }
    ;;
  stop)
    DIR=${2:?usage: pg-test-server.sh stop <folder>}
    BIN=$(bindir) || exit 0
    [[ -d "$DIR/data" ]] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start | restart <folder> | down <folder> | up <folder> | stop <folder> | available" >&2
    exit 2
    ;;
esac
