#!/usr/bin/env bash
# A throwaway MariaDB 10.11 primary + replica on loopback for osc's
# integration tests and local experiments.
#
#   scripts/sandbox.sh start    start both servers (idempotent), wait until
#                               they answer and replication runs
#   scripts/sandbox.sh stop     clean shutdown of both (kill after a timeout)
#   scripts/sandbox.sh reset    stop, wipe data directories and TLS files, start
#   scripts/sandbox.sh status   print state; exit 0 only if all is up
#   scripts/sandbox.sh env      print `export OSC_TEST_...` lines for
#                               eval "$(scripts/sandbox.sh env)"
#
# Environment (all optional):
#   OSC_SANDBOX_DIR            state directory (default <repo>/.sandbox)
#   OSC_SANDBOX_PORT           primary TCP port (default 13306); the replica
#                              listens on port+1. Use distinct values to run
#                              several sandboxes side by side.
#   OSC_SANDBOX_START_TIMEOUT  seconds to wait for each readiness step (60)
#   OSC_SANDBOX_STOP_TIMEOUT   seconds to wait for a clean shutdown (60)
#   OSC_SANDBOX_SERVER_OPTIONS extra [mariadbd] settings for both servers,
#                              separated by ';' (for example
#                              "innodb-autoinc-lock-mode = 2"); written into
#                              my.cnf, so they take effect at the next start
#
# SECURITY: this is a local, loopback-only test sandbox. The passwords in
# this script are fixed and public on purpose: never point it at, or copy
# its settings to, a server that holds real data.
#
# start/stop/reset take a lock (flock on $OSC_SANDBOX_DIR/.lock), so two
# test runs sharing one sandbox do not start it twice.
#
# Layout under $OSC_SANDBOX_DIR, per server (primary/, replica/):
#   my.cnf client.cnf data/ mariadbd.sock mariadbd.pid error.log .setup-done
# and tls/ (a throwaway CA plus a certificate for 127.0.0.1 and localhost;
# `env` exports its CA as OSC_TEST_SSL_CA).
# The servers run under `setsid`, so they outlive the shell that started them.
# As root, mariadbd runs with --user=root (it refuses root otherwise); as any
# other user it runs as that user.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

readonly ROOT_PASSWORD='osc-sandbox-root'
readonly REPL_PASSWORD='osc-sandbox-repl'
readonly OSC_PASSWORD='osc-sandbox-osc'
# Privileges the osc tool needs. SLAVE MONITOR is MariaDB >= 10.5.9's
# privilege for SHOW SLAVE STATUS (REPLICATION CLIENT no longer covers it).
readonly OSC_PRIVILEGES='ALTER, CREATE, DROP, INDEX, INSERT, UPDATE, DELETE, SELECT, LOCK TABLES, TRIGGER, PROCESS, REPLICATION SLAVE, REPLICATION CLIENT, RELOAD, SLAVE MONITOR'

log() { printf 'sandbox: %s\n' "$*" >&2; }
die() { printf 'sandbox: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
}

# ---------------------------------------------------------------- settings

SANDBOX_DIR="$(realpath -m -- "${OSC_SANDBOX_DIR:-${REPO_ROOT}/.sandbox}")"
PRIMARY_PORT="${OSC_SANDBOX_PORT:-13306}"
START_TIMEOUT="${OSC_SANDBOX_START_TIMEOUT:-60}"
STOP_TIMEOUT="${OSC_SANDBOX_STOP_TIMEOUT:-60}"

[[ "${PRIMARY_PORT}" =~ ^[0-9]+$ ]] || die "OSC_SANDBOX_PORT must be a number, not '${PRIMARY_PORT}'"
((PRIMARY_PORT >= 1024 && PRIMARY_PORT <= 65534)) ||
  die "OSC_SANDBOX_PORT must be in 1024..65534 (the replica uses port+1)"
REPLICA_PORT=$((PRIMARY_PORT + 1))
((PRIMARY_PORT != 3306 && REPLICA_PORT != 3306)) || die "refusing to use port 3306 (a system server's port)"
[[ "${START_TIMEOUT}" =~ ^[0-9]+$ && "${STOP_TIMEOUT}" =~ ^[0-9]+$ ]] || die "timeouts must be whole seconds"
readonly SANDBOX_DIR PRIMARY_PORT REPLICA_PORT START_TIMEOUT STOP_TIMEOUT
readonly MARKER="${SANDBOX_DIR}/.osc-sandbox"

role_dir() { printf '%s/%s' "${SANDBOX_DIR}" "$1"; }
role_port() { if [[ "$1" == primary ]]; then echo "${PRIMARY_PORT}"; else echo "${REPLICA_PORT}"; fi; }
# server_id derived from the port: unique across sandboxes run side by side.
role_server_id() { role_port "$1"; }
role_socket() { printf '%s/mariadbd.sock' "$(role_dir "$1")"; }
role_pidfile() { printf '%s/mariadbd.pid' "$(role_dir "$1")"; }
role_log() { printf '%s/error.log' "$(role_dir "$1")"; }
readonly TLS_DIR="${SANDBOX_DIR}/tls"

check_tools() {
  local tool
  for tool in mariadbd mariadb-install-db mariadb mariadb-admin setsid realpath timeout flock; do
    command -v "${tool}" >/dev/null 2>&1 || die "'${tool}' not found (install mariadb-server and mariadb-client)"
  done
  # sun_path holds 107 bytes plus the terminating NUL.
  local sock
  sock="$(role_socket primary)"
  ((${#sock} <= 107)) || die "socket path too long for a Unix socket (${#sock} > 107): ${sock}; use a shorter OSC_SANDBOX_DIR"
}

# ------------------------------------------------------------ config files

# A throwaway CA and a server certificate for 127.0.0.1/localhost, so tests
# can exercise TLS modes (ssl_mode required/verify_ca/verify_identity). Both
# servers share them. Skipped (servers run without TLS) if openssl is absent.
ensure_tls() {
  [[ -s "${TLS_DIR}/server-cert.pem" ]] && return 0
  if ! command -v openssl >/dev/null 2>&1; then
    log "openssl not found: servers will run without TLS"
    return 0
  fi
  log "creating a throwaway CA and server certificate in ${TLS_DIR}"
  mkdir -p "${TLS_DIR}"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  (
    cd "${TLS_DIR}"
    umask 077
    openssl req -x509 "${ec[@]}" -keyout ca-key.pem -out ca.pem -days 3650 \
      -subj "/CN=osc sandbox CA" 2>/dev/null
    openssl req "${ec[@]}" -keyout server-key.pem -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -out server-cert.pem -days 3650 -extfile san.ext 2>/dev/null
    chmod 644 ca.pem server-cert.pem
    rm -f server.csr san.ext ca.srl
  ) || die "creating TLS files in ${TLS_DIR} failed"
}

write_server_cnf() {
  local role="$1" dir port
  dir="$(role_dir "${role}")"
  port="$(role_port "${role}")"
  {
    echo "# Generated by scripts/sandbox.sh; rewritten on every start."
    echo "[mariadbd]"
    if ((EUID == 0)); then echo "user = root"; fi
    echo "datadir = ${dir}/data"
    echo "port = ${port}"
    echo "bind-address = 127.0.0.1"
    echo "socket = $(role_socket "${role}")"
    echo "pid-file = $(role_pidfile "${role}")"
    echo "log-error = $(role_log "${role}")"
    echo "server-id = $(role_server_id "${role}")"
    echo "report-host = 127.0.0.1"
    echo "report-port = ${port}"
    echo "skip-name-resolve"
    echo "character-set-server = utf8mb4"
    echo "collation-server = utf8mb4_general_ci"
    echo "max-connections = 500"
    echo "innodb-buffer-pool-size = 256M"
    echo "log-bin = mariadb-bin"
    echo "relay-log = relay-bin"
    echo "binlog-format = ROW"
    echo "binlog-row-image = FULL"
    echo "binlog-checksum = CRC32"
    echo "log-slave-updates = ON"
    echo "gtid-domain-id = 0"
    echo "gtid-strict-mode = ON"
    echo "performance-schema = ON"
    echo "performance-schema-instrument = 'wait/lock/metadata/sql/mdl=ON'"
    if [[ "${role}" == replica ]]; then echo "read-only = ON"; fi
    local extra line
    IFS=';' read -r -a extra <<<"${OSC_SANDBOX_SERVER_OPTIONS:-}"
    for line in "${extra[@]}"; do
      line="${line#"${line%%[![:space:]]*}"}"
      [[ -n "${line}" ]] && echo "${line}"
    done
    if [[ -s "${TLS_DIR}/server-cert.pem" ]]; then
      echo "ssl-ca = ${TLS_DIR}/ca.pem"
      echo "ssl-cert = ${TLS_DIR}/server-cert.pem"
      echo "ssl-key = ${TLS_DIR}/server-key.pem"
    fi
  } >"${dir}/my.cnf"
}

# Client settings for this script (keeps the password off the command line).
write_client_cnf() {
  local role="$1" dir
  dir="$(role_dir "${role}")"
  (
    umask 077
    {
      echo "[client]"
      echo "user = root"
      echo "password = ${ROOT_PASSWORD}"
      echo "socket = $(role_socket "${role}")"
    } >"${dir}/client.cnf"
  )
}

# --------------------------------------------------------------- processes

is_alive() {  # a zombie (our own dead child) does not count
  local pid="$1" state
  [[ -r "/proc/${pid}/stat" ]] || return 1
  state="$(sed -e 's/^.*) //' "/proc/${pid}/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "${state}" && "${state}" != Z ]]
}

# Prints the pid of this sandbox's server for `role` if it is running. Checks
# the command line, so a recycled pid never gets signalled.
server_pid() {
  local role="$1" pidfile pid
  pidfile="$(role_pidfile "${role}")"
  [[ -s "${pidfile}" ]] || return 1
  pid="$(<"${pidfile}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  is_alive "${pid}" || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "$(role_dir "${role}")/my.cnf" || return 1
  echo "${pid}"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fail_with_log() {
  local role="$1"
  shift
  printf 'sandbox: error: %s\n' "$*" >&2
  printf 'sandbox: last lines of %s:\n' "$(role_log "${role}")" >&2
  tail -n 30 "$(role_log "${role}")" >&2 2>/dev/null || true
  exit 1
}

install_datadir() {
  local role="$1" dir
  dir="$(role_dir "${role}")"
  [[ -d "${dir}/data/mysql" ]] && return 0
  log "${role}: creating data directory"
  rm -rf "${dir}/data" "${dir}/.setup-done"
  local -a args=(--no-defaults "--datadir=${dir}/data" --auth-root-authentication-method=normal
    --skip-test-db --skip-name-resolve)
  if ((EUID == 0)); then args+=(--user=root); fi
  # A private TMPDIR: the bootstrap server's temporary tables live there,
  # and two sandboxes initialising at the same moment in a shared /tmp
  # were seen to clash ("Unknown table mysql.tmp_user_sys").
  mkdir -p "${dir}/tmp"
  TMPDIR="${dir}/tmp" mariadb-install-db "${args[@]}" >"${dir}/install.log" 2>&1 ||
    { tail -n 30 "${dir}/install.log" >&2; die "${role}: mariadb-install-db failed (log: ${dir}/install.log)"; }
}

# Creates missing data directories of stopped servers, both at once
# (mariadb-install-db takes 1-7 s each, depending on machine load).
prepare_datadirs() {
  local role pid
  local -a pids=()
  for role in primary replica; do
    server_pid "${role}" >/dev/null && continue
    [[ -d "$(role_dir "${role}")/data/mysql" ]] && continue
    mkdir -p "$(role_dir "${role}")"
    install_datadir "${role}" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "${pid}" || die "creating a data directory failed (see above)"
  done
}

# Starts the server for `role` unless it already runs. Sets LAUNCHED_PID to
# the server's pid and records newly launched roles in LAUNCHED_ROLES (so a
# failed start can stop what it started).
LAUNCHED_PID=""
LAUNCHED_ROLES=()
launch_server() {
  local role="$1" dir port pid
  dir="$(role_dir "${role}")"
  port="$(role_port "${role}")"
  if pid="$(server_pid "${role}")"; then
    log "${role}: already running (pid ${pid}, port ${port})"
    LAUNCHED_PID="${pid}"
    return 0
  fi
  rm -f "$(role_pidfile "${role}")"
  port_in_use "${port}" && die "port ${port} is taken by another process; pick another OSC_SANDBOX_PORT"
  mkdir -p "${dir}"
  write_server_cnf "${role}"
  write_client_cnf "${role}"
  install_datadir "${role}"  # no-op when prepare_datadirs already did it
  log "${role}: starting mariadbd on 127.0.0.1:${port}"
  # Not a process-group leader here, so setsid execs in place and $! is
  # mariadbd's own pid. Writing the pid file ourselves closes the window
  # before mariadbd writes it (same pid), so `stop` works at once.
  # 9>&-: the server must not inherit (and hold forever) the sandbox lock.
  setsid mariadbd "--defaults-file=${dir}/my.cnf" </dev/null >>"${dir}/stdout.log" 2>&1 9>&- &
  LAUNCHED_PID="$!"
  echo "${LAUNCHED_PID}" >"$(role_pidfile "${role}")"
  LAUNCHED_ROLES+=("${role}")
}

# Waits until the server answers on its socket. mariadb-admin ping exits 0
# as soon as the server responds, even with "access denied".
wait_ready() {
  local role="$1" pid="$2" deadline=$((SECONDS + START_TIMEOUT))
  until mariadb-admin --no-defaults --socket="$(role_socket "${role}")" --connect-timeout=2 ping >/dev/null 2>&1; do
    is_alive "${pid}" || fail_with_log "${role}" "${role}: mariadbd exited during start-up"
    ((SECONDS < deadline)) || fail_with_log "${role}" "${role}: not answering after ${START_TIMEOUT}s"
    sleep 0.2
  done
}

stop_server() {
  local role="$1" pid deadline
  if ! pid="$(server_pid "${role}")"; then
    log "${role}: not running"
    rm -f "$(role_pidfile "${role}")"
    return 0
  fi
  log "${role}: stopping (pid ${pid})"
  timeout "${STOP_TIMEOUT}" mariadb-admin "--defaults-file=$(role_dir "${role}")/client.cnf" \
    --connect-timeout=5 shutdown >/dev/null 2>&1 || kill -TERM "${pid}" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_alive "${pid}"; do
    if ((SECONDS >= deadline)); then
      log "${role}: no clean shutdown after ${STOP_TIMEOUT}s, killing pid ${pid}"
      kill -KILL "${pid}" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$(role_pidfile "${role}")"
}

# --------------------------------------------------------------------- SQL

sql() {  # sql ROLE STATEMENTS: run as root, tab-separated output, no headers
  mariadb "--defaults-file=$(role_dir "$1")/client.cnf" --batch --skip-column-names -e "$2"
}

replica_status_vertical() {  # SHOW SLAVE STATUS as "Name: value" lines
  mariadb "--defaults-file=$(role_dir replica)/client.cnf" --connect-timeout=5 -e 'SHOW SLAVE STATUS\G'
}

# Users are created with sql_log_bin=0 on each server separately, so the
# grants never enter the binlog (or the replica's GTID history). Statements
# are re-runnable; root@localhost gets its password last, so a failure
# midway can be retried without the password.
setup_users() {
  local role="$1" dir osc_host
  dir="$(role_dir "${role}")"
  [[ -e "${dir}/.setup-done" ]] && return 0
  log "${role}: creating users"
  local q="SET SESSION sql_log_bin = 0;
    EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS ''root''@''', @@hostname, '''');
    DROP USER IF EXISTS 'root'@'::1';
    CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '${ROOT_PASSWORD}';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE OR REPLACE USER 'repl'@'127.0.0.1' IDENTIFIED BY '${REPL_PASSWORD}';
    GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';"
  for osc_host in 127.0.0.1 localhost; do
    q+="CREATE OR REPLACE USER 'osc'@'${osc_host}' IDENTIFIED BY '${OSC_PASSWORD}';
      GRANT ${OSC_PRIVILEGES} ON *.* TO 'osc'@'${osc_host}';"
  done
  q+="ALTER USER 'root'@'localhost' IDENTIFIED BY '${ROOT_PASSWORD}';"
  # A fresh root@localhost has no password; after a half-done setup it may.
  mariadb --no-defaults --user=root --socket="$(role_socket "${role}")" -e "${q}" 2>/dev/null ||
    sql "${role}" "${q}" || fail_with_log "${role}" "${role}: user setup failed"
  if [[ "${role}" == replica ]]; then
    sql replica "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${PRIMARY_PORT},
      MASTER_USER='repl', MASTER_PASSWORD='${REPL_PASSWORD}',
      MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;" ||
      fail_with_log replica "replica: CHANGE MASTER / START SLAVE failed"
  fi
  touch "${dir}/.setup-done"
}

# Prints "<io> <sql> <seconds_behind|NULL>" from SHOW SLAVE STATUS.
replication_state() {
  replica_status_vertical 2>/dev/null | awk -F': ' '
    $1 ~ /^ *Slave_IO_Running$/ {io=$2}
    $1 ~ /^ *Slave_SQL_Running$/ {q=$2}
    $1 ~ /^ *Seconds_Behind_Master$/ {lag=$2}
    END {printf "%s %s %s\n", (io==""?"none":io), (q==""?"none":q), (lag==""?"NULL":lag)}'
}

wait_replication() {
  local deadline=$((SECONDS + START_TIMEOUT)) state kicked=0
  while :; do
    state="$(replication_state)"
    [[ "${state}" == "Yes Yes "* ]] && return 0
    # Someone (a test) may have left a thread stopped: start it once.
    if ((kicked == 0)); then
      sql replica "START SLAVE" >/dev/null 2>&1 || true
      kicked=1
    fi
    if ((SECONDS >= deadline)); then
      replica_status_vertical 2>/dev/null | grep -E 'Running|Last_(IO|SQL)_Err' >&2 || true
      fail_with_log replica "replication not running after ${START_TIMEOUT}s (IO/SQL/lag: ${state})"
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------- commands

# On a failed start, stop the servers this invocation launched (servers that
# were already running are left alone), so no half-configured pair lingers.
on_start_exit() {
  local rc=$? role
  trap - EXIT
  if ((rc != 0 && ${#LAUNCHED_ROLES[@]} > 0)); then
    log "start failed: stopping what this run started (${LAUNCHED_ROLES[*]})"
    for role in "${LAUNCHED_ROLES[@]}"; do stop_server "${role}" || true; done
  fi
  exit "${rc}"
}

cmd_start() {
  check_tools
  mkdir -p "${SANDBOX_DIR}"
  touch "${MARKER}"
  local primary_pid replica_pid
  trap on_start_exit EXIT
  ensure_tls
  prepare_datadirs
  # Launch both, then wait: the two start-ups overlap.
  launch_server primary
  primary_pid="${LAUNCHED_PID}"
  launch_server replica
  replica_pid="${LAUNCHED_PID}"
  wait_ready primary "${primary_pid}"
  setup_users primary
  wait_ready replica "${replica_pid}"
  setup_users replica
  wait_replication
  log "up: primary 127.0.0.1:${PRIMARY_PORT}, replica 127.0.0.1:${REPLICA_PORT} (dir ${SANDBOX_DIR})"
}

cmd_stop() {
  stop_server replica
  stop_server primary
}

# Refuses to wipe a directory this script did not create (a mistyped
# OSC_SANDBOX_DIR must not cost anyone their files).
check_wipe_safe() {
  if [[ -d "${SANDBOX_DIR}" && ! -e "${MARKER}" ]] &&
    [[ -n "$(find "${SANDBOX_DIR}" -mindepth 1 -maxdepth 1 ! -name .lock -print -quit)" ]]; then
    die "${SANDBOX_DIR} is not empty and has no ${MARKER##*/} marker: refusing to wipe it"
  fi
}

cmd_reset() {
  check_wipe_safe
  cmd_stop
  log "wiping ${SANDBOX_DIR}/{primary,replica,tls}"
  rm -rf -- "$(role_dir primary)" "$(role_dir replica)" "${TLS_DIR}"
  cmd_start
}

cmd_status() {
  local role pid ok=0
  for role in primary replica; do
    if pid="$(server_pid "${role}")"; then
      echo "${role}: running (pid ${pid}, 127.0.0.1:$(role_port "${role}"), socket $(role_socket "${role}"))"
    else
      echo "${role}: stopped"
      ok=1
    fi
  done
  if server_pid replica >/dev/null; then
    local io sq lag
    read -r io sq lag <<<"$(replication_state)"
    echo "replication: io=${io} sql=${sq} seconds_behind=${lag}"
    [[ "${io}" == Yes && "${sq}" == Yes ]] || ok=1
  fi
  return "${ok}"
}

cmd_env() {
  local role prefix
  for role in primary replica; do
    prefix="OSC_TEST_${role^^}"
    server_pid "${role}" >/dev/null || log "warning: ${role} is not running (run: scripts/sandbox.sh start)"
    printf 'export %s_HOST=127.0.0.1 %s_PORT=%q %s_USER=root %s_PASSWORD=%q %s_SOCKET=%q\n' \
      "${prefix}" "${prefix}" "$(role_port "${role}")" "${prefix}" \
      "${prefix}" "${ROOT_PASSWORD}" "${prefix}" "$(role_socket "${role}")"
  done
  if [[ -s "${TLS_DIR}/ca.pem" ]]; then printf 'export OSC_TEST_SSL_CA=%q\n' "${TLS_DIR}/ca.pem"; fi
}

# Serialises start/stop/reset of one sandbox directory (fd 9 stays open, and
# the lock held, until this script exits).
take_lock() {
  mkdir -p "${SANDBOX_DIR}"
  exec 9>"${SANDBOX_DIR}/.lock"
  flock -w "$((START_TIMEOUT + STOP_TIMEOUT))" 9 || die "another sandbox.sh holds ${SANDBOX_DIR}/.lock"
}

main() {
  case "${1:-}" in
    start) take_lock; cmd_start ;;
    stop) take_lock; cmd_stop ;;
    reset) check_wipe_safe; take_lock; cmd_reset ;;
    status) cmd_status ;;
    env) cmd_env ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
