#!/usr/bin/env bash
# A throwaway MariaDB server WITHOUT binary logging, for tests that need a
# server osc must refuse (e.g. the CLI's server check, exit code 3).
#
#   scripts/plain_server.sh start PORT DIR   create DIR (if needed) and start
#                                            mariadbd on 127.0.0.1:PORT; waits
#                                            until it answers
#   scripts/plain_server.sh stop PORT DIR    shut it down (kill after 30 s)
#
# Connect as root over the socket DIR/mariadbd.sock, with no password (the
# data directory is created with root@localhost having an empty password).
# Like scripts/sandbox.sh: loopback only, never for real data; the server
# runs under setsid and outlives the calling shell until stopped.
set -euo pipefail

die() { printf 'plain_server: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 3 ]] || die "usage: $0 start|stop PORT DIR"
CMD="$1" PORT="$2"
[[ "${PORT}" =~ ^[0-9]+$ ]] && ((PORT >= 1024 && PORT <= 65535 && PORT != 3306)) ||
  die "PORT must be a number in 1024..65535 other than 3306"
DIR="$(realpath -m -- "$3")"
SOCK="${DIR}/mariadbd.sock"
PIDFILE="${DIR}/mariadbd.pid"
((${#SOCK} <= 107)) || die "socket path too long (${#SOCK} > 107 bytes): ${SOCK}"

is_alive() {  # a zombie (our own dead child) does not count
  local state
  state="$(sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "${state}" && "${state}" != Z ]]
}

# The pid of our server, if it runs (its command line names our my.cnf, so
# a recycled pid is never signalled).
server_pid() {
  local pid
  [[ -s "${PIDFILE}" ]] || return 1
  pid="$(<"${PIDFILE}")"
  [[ "${pid}" =~ ^[0-9]+$ && -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -qF -- "${DIR}/my.cnf" || return 1
  echo "${pid}"
}

start() {
  if server_pid >/dev/null; then return 0; fi
  mkdir -p "${DIR}"
  {
    echo "[mariadbd]"
    if ((EUID == 0)); then echo "user = root"; fi
    echo "datadir = ${DIR}/data"
    echo "port = ${PORT}"
    echo "bind-address = 127.0.0.1"
    echo "socket = ${SOCK}"
    echo "pid-file = ${PIDFILE}"
    echo "log-error = ${DIR}/error.log"
    echo "skip-name-resolve"
    echo "skip-log-bin"
    echo "innodb-buffer-pool-size = 32M"
    echo "performance-schema = OFF"
  } >"${DIR}/my.cnf"
  if [[ ! -d "${DIR}/data/mysql" ]]; then
    local -a args=(--no-defaults "--datadir=${DIR}/data" --auth-root-authentication-method=normal
      --skip-test-db --skip-name-resolve)
    if ((EUID == 0)); then args+=(--user=root); fi
    mariadb-install-db "${args[@]}" >"${DIR}/install.log" 2>&1 || die "mariadb-install-db failed: ${DIR}/install.log"
  fi
  setsid mariadbd "--defaults-file=${DIR}/my.cnf" </dev/null >>"${DIR}/stdout.log" 2>&1 &
  local pid=$! deadline=$((SECONDS + 60))
  echo "${pid}" >"${PIDFILE}"
  until mariadb-admin --no-defaults --socket="${SOCK}" --connect-timeout=2 ping >/dev/null 2>&1; do
    is_alive "${pid}" || { tail -n 20 "${DIR}/error.log" >&2; die "mariadbd exited during start-up"; }
    ((SECONDS < deadline)) || die "mariadbd not answering after 60 s (log: ${DIR}/error.log)"
    sleep 0.2
  done
}

stop() {
  local pid deadline
  pid="$(server_pid)" || return 0
  mariadb-admin --no-defaults --user=root --socket="${SOCK}" --connect-timeout=5 shutdown >/dev/null 2>&1 ||
    kill -TERM "${pid}" 2>/dev/null || true
  deadline=$((SECONDS + 30))
  while is_alive "${pid}"; do
    if ((SECONDS >= deadline)); then kill -KILL "${pid}" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  rm -f "${PIDFILE}"
}

case "${CMD}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop PORT DIR" ;;
esac
