#!/usr/bin/env bash
# End to end for `osc --report`: a real migration of a small table on the
# sandbox, under a live random writer (osc-loadgen), writes the report; the
# page then opens in headless Chromium and shows the four plots.
#
# Unlike report_chromium_test.sh (which renders a synthetic sample from the
# unit tests), the data here comes from a real run: rows copied, copy rate,
# backlog and lag recorded while osc migrated, and the real state changes.
#
# Usage: tests/browser/report_e2e_test.sh [BUILD_DIR]
#   default: $OSC_BUILD_DIR, else ./build; needs the targets osc and
#   osc-loadgen built there.
# Needs the sandbox environment (eval "$(scripts/sandbox.sh env)") and
# Debian's `chromium` (and a font, e.g. fonts-dejavu-core). Without either
# it skips (exit 0) unless CI is set, where that is a failure.
# Set OSC_KEEP_ARTIFACTS=1 to keep the page, DOM, PNG and logs (path printed).
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
# shellcheck source=tests/browser/chromium_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/chromium_lib.sh"
skip() {
  if [[ -n "${CI:-}" ]]; then fail "$1"; fi
  echo "SKIP: $1; set CI=1 to make this a failure"
  exit 0
}

build="${1:-${OSC_BUILD_DIR:-build}}"
osc="$build/cli/osc"
loadgen="$build/tools/osc-loadgen"
[[ -x "$osc" ]] || fail "osc not found at $osc (build the osc target first)"
[[ -x "$loadgen" ]] || fail "osc-loadgen not found at $loadgen (build the osc-loadgen target first)"

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$(command -v "$candidate")"; break; fi
done
[[ -n "$browser" ]] || skip "chromium is not installed (apt-get install chromium)"
[[ -n "${OSC_TEST_PRIMARY_PORT:-}" ]] || skip "sandbox not configured (eval \"\$(scripts/sandbox.sh env)\")"

db=osc_report_e2e
table=orders
export OSC_PASSWORD="${OSC_TEST_PRIMARY_PASSWORD:-}"
conn=(--host "${OSC_TEST_PRIMARY_HOST:-127.0.0.1}" --port "$OSC_TEST_PRIMARY_PORT" --user "${OSC_TEST_PRIMARY_USER:-root}")
sql() {
  MYSQL_PWD="$OSC_PASSWORD" mariadb -h "${OSC_TEST_PRIMARY_HOST:-127.0.0.1}" -P "$OSC_TEST_PRIMARY_PORT" \
    -u "${OSC_TEST_PRIMARY_USER:-root}" -N -B -e "$1"
}

work="$(mktemp -d)"
profile="$(mktemp -d)"
writer_pid=""
cleanup() {
  if [[ -n "$writer_pid" ]]; then kill -INT "$writer_pid" 2>/dev/null || true; wait "$writer_pid" 2>/dev/null || true; fi
  sql "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$profile"
  if [[ -n "${OSC_KEEP_ARTIFACTS:-}" ]]; then echo "artifacts kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- a real migration under writes ------------------------------------------
sql "DROP DATABASE IF EXISTS $db"
"$loadgen" "${conn[@]}" --database "$db" --table "$table" --create-rows 20000 2>"$work/create.log" ||
  { cat "$work/create.log" >&2; fail "could not create $db.$table"; }
"$loadgen" "${conn[@]}" --database "$db" --table "$table" --threads 1 --rate 200 --seconds 0 \
  2>"$work/writer.log" &
writer_pid=$!
sleep 1

page="$work/report.html"
rc=0
"$osc" "${conn[@]}" --database "$db" --table "$table" --alter "ADD COLUMN note VARCHAR(32) NULL" \
  --chunk-size 1000 --progress plain --progress-interval 200ms --report "$page" --execute \
  >"$work/osc.out" 2>"$work/osc.err" || rc=$?
kill -INT "$writer_pid"; wait "$writer_pid" || true; writer_pid=""
[[ "$rc" -eq 0 ]] || { tail -20 "$work/osc.err" >&2; fail "the migration failed (exit $rc)"; }
[[ -s "$page" ]] || fail "osc exited 0 but wrote no report at $page"
grep -q "report: $page" "$work/osc.out" "$work/osc.err" || fail "osc did not say where the report is"
[[ "$(sql "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='$db' AND TABLE_NAME='$table' AND COLUMN_NAME='note'")" == 1 ]] ||
  fail "the column was not added"

# Self-contained: nothing is fetched when the page opens. The SVG namespace
# (xmlns="http://www.w3.org/2000/svg") is an identifier, never fetched.
urls="$(sed 's#xmlns="http://www.w3.org/2000/svg"##g' "$page" | grep -Eoi 'https?://[^"<> ]*' | head -3 || true)"
[[ -z "$urls" ]] || fail "the report references URLs: $urls"
! grep -Eqi '<script[^>]*src|<link[^>]*href|url\(|@import' "$page" || fail "the report loads an external resource"

# --- the page in Chromium ------------------------------------------------------
dump_dom "$page"
check_plots
# A line needs at least two points: a run this short must still have them.
[[ "$(count '<path d="M[^"]*L')" -ge 2 ]] || fail "no plotted line with two or more points in the DOM"
[[ "$(count 'class="marker"')" -ge 3 ]] || fail "expected state-change markers (copy, cut-over, done)"
grep -q "osc report: $db.$table" "$work/dom.html" || fail "the header is missing"
grep -qi 'success' "$work/dom.html" || fail "the outcome is missing from the page"
grep -q 'id="events"' "$work/dom.html" || fail "the events table is missing"
screenshot "$page" 60000

echo "PASS: a real run's report renders in $("$browser" --version 2>/dev/null | head -1)" \
  "(DOM: 4 plots, $(count 'class="marker"') markers; screenshot $size bytes)"
