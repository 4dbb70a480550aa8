#!/usr/bin/env bash
# Runs the Rails and Laravel integration tests against a running sandbox.
#
#   eval "$(scripts/sandbox.sh env)"
#   OSC_BIN=build/cli/osc tests/integrations/run.sh
#
# Needs: OSC_TEST_PRIMARY_{HOST,PORT,USER,PASSWORD} (scripts/sandbox.sh env),
# OSC_BIN (the osc binary; default <repo>/build/cli/osc), and the Debian
# packages ruby-rails ruby-mysql2 php-cli php-laravel-framework php-mysql.
# Exits non-zero if any test fails. When the packages are missing it skips
# (exit 0, with a message) unless CI is set, where missing packages fail.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export OSC_REAL=${OSC_BIN:-$ROOT/build/cli/osc}

missing=()
ruby -e 'require "active_record"; require "mysql2"; require "minitest"' >/dev/null 2>&1 || missing+=(ruby-rails ruby-mysql2)
php -r 'require "Illuminate/Database/autoload.php"; exit(extension_loaded("pdo_mysql") ? 0 : 1);' >/dev/null 2>&1 ||
  missing+=(php-cli php-laravel-framework php-mysql)
if [ ${#missing[@]} -ne 0 ]; then
  if [ -n "${CI:-}" ]; then
    echo "integrations: FAIL: missing packages: ${missing[*]} (scripts/setup.sh installs them)" >&2; exit 1
  fi
  echo "integrations: SKIPPED: missing packages: ${missing[*]} (scripts/setup.sh installs them)" >&2; exit 0
fi
[ -x "$OSC_REAL" ] || { echo "integrations: FAIL: no osc binary at $OSC_REAL (set OSC_BIN)" >&2; exit 1; }
[ -n "${OSC_TEST_PRIMARY_PORT:-}" ] || { echo "integrations: FAIL: sandbox env not set (eval \"\$(scripts/sandbox.sh env)\")" >&2; exit 1; }

failed=()
run() {
  local name=$1; shift
  printf '\n==== integrations: %s\n' "$name"
  if "$@"; then echo "==== $name: passed"; else echo "==== $name: FAILED"; failed+=("$name"); fi
}
run "rails unit" ruby "$HERE/rails_statement_test.rb"
run "rails migrations" ruby "$HERE/rails_migration_test.rb"
run "laravel migrations" php "$HERE/laravel_migration_test.php"

if [ ${#failed[@]} -ne 0 ]; then echo "integrations: FAILED: ${failed[*]}"; exit 1; fi
echo "integrations: all passed"
