#!/usr/bin/env bash
# Opens a sample --report page in headless Chromium and checks that it
# renders: the DOM has the four plots (with lines, shaded throttle periods
# and markers) and a screenshot is a real picture, not a blank page.
#
# Usage: tests/browser/report_chromium_test.sh [OSC_TEST_BINARY | BUILD_DIR]
#   default: $OSC_BUILD_DIR (else ./build)/tests/osc_test
# The sample page is written by the osc_test case HtmlReportSample.* (it
# writes to $OSC_REPORT_SAMPLE_PATH). Installs nothing: needs Debian's
# `chromium` (and a font, e.g. fonts-dejavu-core). Without Chromium it
# skips (exit 0) unless CI is set, where a missing browser is a failure.
# Set OSC_KEEP_ARTIFACTS=1 to keep the page, DOM and PNG (path printed).
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
# shellcheck source=tests/browser/chromium_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/chromium_lib.sh"

arg="${1:-${OSC_BUILD_DIR:-build}}"
if [[ -d "$arg" ]]; then test_bin="$arg/tests/osc_test"; else test_bin="$arg"; fi
[[ -x "$test_bin" ]] || fail "osc_test not found at $test_bin (build the osc_test target first)"

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$(command -v "$candidate")"; break; fi
done
if [[ -z "$browser" ]]; then
  if [[ -n "${CI:-}" ]]; then fail "chromium is not installed (apt-get install chromium)"; fi
  echo "SKIP: chromium is not installed (apt-get install chromium); set CI=1 to make this a failure"
  exit 0
fi

work="$(mktemp -d)"
profile="$(mktemp -d)"
cleanup() {
  rm -rf "$profile"
  if [[ -n "${OSC_KEEP_ARTIFACTS:-}" ]]; then echo "artifacts kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

page="$work/report.html"
OSC_REPORT_SAMPLE_PATH="$page" "$test_bin" --gtest_filter='HtmlReportSample.*' >"$work/gtest.log" 2>&1 ||
  { cat "$work/gtest.log" >&2; fail "the sample report could not be written"; }
[[ -s "$page" ]] || fail "no report at $page"

dump_dom "$page"
check_plots
[[ "$(count '<path d="M')" -ge 5 ]] || fail "expected a drawn line per series, found $(count '<path d="M')"
[[ "$(count 'class="band"')" -ge 4 ]] || fail "no shaded throttle / cut-over bands"
[[ "$(count 'class="marker"')" -ge 4 ]] || fail "no state-change markers"
[[ "$(count '<script')" -eq 0 ]] || fail "the report must not contain scripts"
grep -q 'osc report: shop.orders' "$work/dom.html" || fail "the header is missing"
grep -q 'id="events"' "$work/dom.html" || fail "the events table is missing"
screenshot "$page" 60000

echo "PASS: report renders in $("$browser" --version 2>/dev/null | head -1) (DOM: 4 plots; screenshot $size bytes)"
