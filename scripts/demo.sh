#!/usr/bin/env bash
# The main job: sets everything up and runs osc on a demo table under live
# writes, on a local MariaDB sandbox.
#   1. installs the Debian packages (scripts/setup.sh) and builds osc
#   2. starts a MariaDB 10.11 primary + replica on 127.0.0.1 (scripts/sandbox.sh)
#   3. creates demo.orders with OSC_DEMO_ROWS rows (default 200000)
#   4. starts a random writer (inserts, updates, key changes, deletes,
#      unique swaps, multi-statement transactions) against it
#   5. runs osc: the server check, then the migration of demo.orders with
#      the live progress bar on a terminal (plain lines in a pipe or CI log)
#      and an HTML report in reports/demo-<UTC timestamp>.html
#   6. stops the writer and prints what happened and where the report is
# Environment: OSC_DEMO_ROWS, OSC_DEMO_ALTER, OSC_DEMO_KEEP=1 (leave the
# sandbox running afterwards), OSC_SANDBOX_DIR, OSC_SANDBOX_PORT,
# OSC_BUILD_DIR (default ./build), OSC_BUILD_TYPE (default RelWithDebInfo),
# OSC_BUILD_JOBS (default: all cores).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${OSC_DEMO_ROWS:-200000}
ALTER=${OSC_DEMO_ALTER:-"ADD COLUMN note VARCHAR(64) NULL, ADD INDEX idx_amount (amount), MODIFY flags SMALLINT UNSIGNED NOT NULL DEFAULT 0"}
export OSC_SANDBOX_DIR=${OSC_SANDBOX_DIR:-$ROOT/.sandbox}
export OSC_SANDBOX_PORT=${OSC_SANDBOX_PORT:-13306}
BUILD=${OSC_BUILD_DIR:-$ROOT/build}
BUILD_TYPE=${OSC_BUILD_TYPE:-RelWithDebInfo}
JOBS=${OSC_BUILD_JOBS:-$(nproc)}
# reports/ is gitignored; the timestamp keeps every run's report.
REPORT="$ROOT/reports/demo-$(date -u +%Y%m%dT%H%M%SZ).html"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "installing packages"
"$ROOT/scripts/setup.sh"

say "building osc"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target osc osc-loadgen

say "starting the MariaDB sandbox (primary :$OSC_SANDBOX_PORT, replica :$((OSC_SANDBOX_PORT + 1)))"
"$ROOT/scripts/sandbox.sh" start
eval "$("$ROOT/scripts/sandbox.sh" env)"
export OSC_PASSWORD=$OSC_TEST_PRIMARY_PASSWORD   # osc and the writer read it from the environment
CONN=(--host 127.0.0.1 --port "$OSC_TEST_PRIMARY_PORT" --user "$OSC_TEST_PRIMARY_USER")
writer_pid=""
finish() {
  if [ -n "$writer_pid" ]; then kill -INT "$writer_pid" 2>/dev/null || true; wait "$writer_pid" 2>/dev/null || true; fi
  if [ "${OSC_DEMO_KEEP:-0}" != 1 ]; then "$ROOT/scripts/sandbox.sh" stop >/dev/null 2>&1 || true; fi
}
trap finish EXIT

say "creating demo.orders with $ROWS rows"
"$BUILD/tools/osc-loadgen" "${CONN[@]}" --database demo --table orders --create-rows "$ROWS"

say "starting a live random writer on demo.orders"
"$BUILD/tools/osc-loadgen" "${CONN[@]}" --database demo --table orders --threads 2 --rate 300 --seconds 0 &
writer_pid=$!
sleep 2

say "osc: server check"
"$BUILD/cli/osc" "${CONN[@]}"

say "osc: migrating demo.orders: $ALTER"
mkdir -p "$(dirname "$REPORT")"
rc=0
# --progress auto: a live bar (percent, rows/s, ETA, lag, throttle reason)
# when stderr is a terminal, one plain line a second otherwise.
"$BUILD/cli/osc" "${CONN[@]}" --database demo --table orders --alter "$ALTER" \
  --progress auto --progress-interval 1s --report "$REPORT" --execute || rc=$?

say "stopping the writer"
kill -INT "$writer_pid"; wait "$writer_pid" || true; writer_pid=""
MYSQL_PWD="$OSC_PASSWORD" mariadb -h 127.0.0.1 -P "$OSC_TEST_PRIMARY_PORT" -u "$OSC_TEST_PRIMARY_USER" \
  -e "SELECT COUNT(*) AS rows_now FROM demo.orders; SHOW CREATE TABLE demo.orders\G" || true

if [ "$rc" -eq 0 ]; then say "osc finished the migration (exit 0)"; else say "osc failed (exit $rc)"; fi
if [ -s "$REPORT" ]; then
  echo "report: $REPORT"
  echo "open it in a browser: file://$REPORT"
else
  echo "no report was written (expected at $REPORT)"
fi
exit "$rc"
