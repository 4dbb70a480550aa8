#!/usr/bin/env bash
# The one command that sets everything up and runs every test:
#   1. installs the Debian packages (scripts/setup.sh)
#   2. builds osc and its tests (build/)
#   3. starts a fresh MariaDB primary+replica sandbox (scripts/sandbox.sh)
#   4. runs the unit and integration tests
#   5. runs the Rails/Laravel integration tests and the browser (HTML
#      report) tests against the sandbox
#   6. rebuilds the unit tests with ASan+UBSan and runs them (build-asan/)
#   7. rebuilds them with TSan and runs the concurrent ones (build-tsan/)
#   8. runs the binlog decoder fuzzer for a bounded time (build-fuzz/, clang)
# and prints one closing line "tests: N passed, N failed".
#
# Options (environment):
#   OSC_TEST_SKIP_SANITIZERS=1   skip steps 6-7 (local quick runs)
#   OSC_TEST_SKIP_FUZZ=1         skip step 8
#   OSC_FUZZ_SECONDS=N           fuzzing time (default 60)
#   OSC_SANDBOX_DIR, OSC_SANDBOX_PORT  where the sandbox lives (see sandbox.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${OSC_JOBS:-$(nproc)}
FUZZ_SECONDS=${OSC_FUZZ_SECONDS:-60}
export OSC_SANDBOX_DIR=${OSC_SANDBOX_DIR:-$ROOT/.sandbox}
export OSC_SANDBOX_PORT=${OSC_SANDBOX_PORT:-13306}

passed=0
failed=0
failures=()
stage() { printf '\n==== %s [%s]\n' "$*" "$(date +%H:%M:%S)"; }

# run_ctest NAME BUILD_DIR CTEST_ARGS...: runs ctest, adds its counts to the
# totals, remembers a failing suite. Never exits early: every suite runs.
run_ctest() {
  local name=$1 dir=$2; shift 2
  local out rc=0
  out=$(mktemp)
  (cd "$dir" && ctest --output-on-failure --no-tests=error "$@") 2>&1 | tee "$out" || rc=$?
  local total fails
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\2/p' "$out" | tail -1)
  fails=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\1/p' "$out" | tail -1)
  if [ -z "$total" ]; then
    failures+=("$name (ctest did not report a result, exit $rc)"); failed=$((failed + 1))
  else
    passed=$((passed + total - fails)); failed=$((failed + fails))
    if [ "$fails" -ne 0 ] || [ "$rc" -ne 0 ]; then failures+=("$name"); fi
  fi
  rm -f "$out"
}

configure_and_build() {
  local dir=$1; shift
  cmake -S "$ROOT" -B "$ROOT/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$ROOT/$dir" -j"$JOBS"
}

stage "setup: packages"
"$ROOT/scripts/setup.sh"

stage "build"
configure_and_build build

stage "sandbox: fresh primary + replica"
cleanup() { "$ROOT/scripts/sandbox.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$ROOT/scripts/sandbox.sh" reset
eval "$("$ROOT/scripts/sandbox.sh" env)"

stage "unit tests"
run_ctest unit build -L unit -j"$JOBS"

stage "integration tests (real MariaDB sandbox)"
# Serial: these tests share one server pair and some restart it.
run_ctest integration build -L integration -j1

# run_script NAME CMD...: a test script; exit 0 counts as one passed test.
run_script() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

stage "Rails and Laravel integrations (tests/integrations)"
run_script integrations env OSC_BIN="$ROOT/build/cli/osc" "$ROOT/tests/integrations/run.sh"

stage "HTML report in headless Chromium (tests/browser)"
for t in "$ROOT"/tests/browser/*_test.sh; do
  run_script "browser/$(basename "$t")" "$t" "$ROOT/build"
done

if [ "${OSC_TEST_SKIP_SANITIZERS:-0}" != 1 ]; then
  stage "unit tests under ASan+UBSan"
  configure_and_build build-asan -DOSC_SANITIZE=address -DOSC_BUILD_BENCH=OFF -DOSC_BUILD_INTEGRATION_TESTS=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest asan build-asan -L unit -j"$JOBS"

  stage "unit tests under TSan"
  configure_and_build build-tsan -DOSC_SANITIZE=thread -DOSC_BUILD_BENCH=OFF -DOSC_BUILD_INTEGRATION_TESTS=OFF
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    run_ctest tsan build-tsan -L unit -j"$JOBS"
fi

if [ "${OSC_TEST_SKIP_FUZZ:-0}" != 1 ] && [ -f "$ROOT/fuzz/CMakeLists.txt" ]; then
  stage "fuzzing the binlog decoder for ${FUZZ_SECONDS}s"
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$ROOT/build-fuzz" -DOSC_BUILD_TESTS=OFF -DOSC_BUILD_BENCH=OFF \
    -DOSC_SANITIZE=address -DOSC_FUZZ_INSTRUMENT=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$ROOT/build-fuzz" -j"$JOBS" --target binlog_reader_fuzz
  corpus=$(mktemp -d)
  seeds=()
  fixtures=${OSC_FIXTURES_DIR:-$ROOT/../shared/fixtures/binlog}
  [ -d "$fixtures" ] && seeds+=("$fixtures")
  # The first directory receives new inputs; the fixtures are read-only seeds.
  if "$ROOT/build-fuzz/fuzz/binlog_reader_fuzz" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 \
      -artifact_prefix="$ROOT/build-fuzz/" "$corpus" "${seeds[@]}" >"$ROOT/build-fuzz/fuzz.log" 2>&1; then
    tail -n 3 "$ROOT/build-fuzz/fuzz.log"
    passed=$((passed + 1))
  else
    tail -n 40 "$ROOT/build-fuzz/fuzz.log"
    failed=$((failed + 1)); failures+=("fuzz (crashing input saved under build-fuzz/)")
  fi
  rm -rf "$corpus"
fi

stage "summary"
if [ ${#failures[@]} -ne 0 ]; then
  printf 'failed suites: %s\n' "${failures[*]}"
fi
printf 'tests: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
