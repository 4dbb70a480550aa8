#!/usr/bin/env bash
# Installs every Debian package osc needs to build, test and run its sandbox.
# Idempotent: packages already present are not touched, and apt's lists are
# only refreshed when something is missing. Must run as root (or with sudo
# available) on Debian 12.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake pkg-config git
  # libraries (all found by CMake: see cmake/OscDependencies.cmake)
  default-libmysqlclient-dev libmariadb-dev libmariadb-dev-compat
  libboost-program-options-dev libspdlog-dev libfmt-dev libconcurrentqueue-dev
  libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # sanitizers and fuzzing (clang's libFuzzer runtime)
  clang libclang-rt-14-dev
  # the real database, its client, and the peer tool for benchmarks
  mariadb-server mariadb-client percona-toolkit
  # small tools used by the scripts
  procps iproute2 python3
  # Rails and Laravel integrations and their tests (tests/integrations/run.sh)
  ruby-rails ruby-mysql2 php-cli php-laravel-framework php-mysql php-doctrine-dbal
  # the HTML report's browser test (headless), a font for it; /usr/bin/time
  # for the benchmark's peak memory; nc -U for the control socket
  chromium fonts-dejavu-core time netcat-openbsd
)

log() { printf 'setup: %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    log "must run as root (or with sudo) to install packages"; exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  log "all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

log "installing: ${missing[*]}"
# Installing mariadb-server would start a system server on :3306 through
# invoke-rc.d. osc's sandbox runs its own servers on other ports, so forbid
# service starts during the install (policy-rc.d exit 101 = "action
# forbidden"), and put back whatever policy was there before.
policy=/usr/sbin/policy-rc.d
saved=""
if [ -e "$policy" ]; then saved=$(mktemp); $SUDO cp -p "$policy" "$saved"; fi
restore_policy() {
  if [ -n "$saved" ]; then $SUDO cp -p "$saved" "$policy"; rm -f "$saved"; else $SUDO rm -f "$policy"; fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
$SUDO chmod +x "$policy"

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -q >/tmp/osc-apt-update.log 2>&1; then
  log "apt-get update failed:"; tail -n 20 /tmp/osc-apt-update.log >&2; exit 1
fi
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/osc-apt-install.log 2>&1; then
  log "apt-get install failed; the packages that could not be installed:"
  for p in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || log "  - $p"
  done
  tail -n 20 /tmp/osc-apt-install.log >&2
  exit 1
fi
# A package's maintainer script may still have started a server despite the
# policy (it should not): stop it so it cannot shadow the sandbox.
if pgrep -x mariadbd >/dev/null 2>&1 && [ -S /run/mysqld/mysqld.sock ]; then
  log "note: a system mariadbd is running on the default socket; osc's sandbox does not use it"
fi
log "done"
