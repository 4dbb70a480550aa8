#!/usr/bin/env bash
# The main job: sets everything up and runs osc on a demo table under live
# writes, on a local MariaDB sandbox.
#   1. installs the Debian packages (scripts/setup.sh) and builds osc
#   2. starts a MariaDB 10.11 primary + replica on 127.0.0.1 (scripts/sandbox.sh)
#   3. creates demo.orders with OSC_DEMO_ROWS rows (default 200000)
#   4. starts a random writer (inserts, updates, key changes, deletes,
#      unique swaps, multi-statement transactions) against it
#   5. runs osc: the server check, then the migration of demo.orders
#   6. stops the writer and prints what happened
# Environment: OSC_DEMO_ROWS, OSC_DEMO_ALTER, OSC_DEMO_KEEP=1 (leave the
# sandbox running afterwards), OSC_SANDBOX_DIR, OSC_SANDBOX_PORT.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${OSC_DEMO_ROWS:-200000}
ALTER=${OSC_DEMO_ALTER:-"ADD COLUMN note VARCHAR(64) NULL, ADD INDEX idx_amount (amount), MODIFY flags SMALLINT UNSIGNED NOT NULL DEFAULT 0"}
export OSC_SANDBOX_DIR=${OSC_SANDBOX_DIR:-$ROOT/.sandbox}
export OSC_SANDBOX_PORT=${OSC_SANDBOX_PORT:-13306}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "installing packages"
"$ROOT/scripts/setup.sh"

say "building osc"
cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$ROOT/build" -j"$(nproc)" --target osc osc-loadgen

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
"$ROOT/build/tools/osc-loadgen" "${CONN[@]}" --database demo --table orders --create-rows "$ROWS"

say "starting a live random writer on demo.orders"
"$ROOT/build/tools/osc-loadgen" "${CONN[@]}" --database demo --table orders --threads 2 --rate 300 --seconds 0 &
writer_pid=$!
sleep 2

say "osc: server check"
"$ROOT/build/cli/osc" "${CONN[@]}"

say "osc: migrating demo.orders: $ALTER"
rc=0
"$ROOT/build/cli/osc" "${CONN[@]}" --database demo --table orders --alter "$ALTER" \
  --progress-interval 1s --execute || rc=$?

say "stopping the writer"
kill -INT "$writer_pid"; wait "$writer_pid" || true; writer_pid=""
MYSQL_PWD="$OSC_PASSWORD" mariadb -h 127.0.0.1 -P "$OSC_TEST_PRIMARY_PORT" -u "$OSC_TEST_PRIMARY_USER" \
  -e "SELECT COUNT(*) AS rows_now FROM demo.orders; SHOW CREATE TABLE demo.orders\G" || true
exit "$rc"
