#!/usr/bin/env bash
# End-to-end comparison: the same ADD COLUMN done by a native
#   ALTER TABLE ... ALGORITHM=COPY, pt-online-schema-change and osc (also
#   with --skip-checksum), each on identical data, first idle and then under a steady write load,
# with osc's peak memory at two table sizes. See bench/README.md.
#
# Environment (all optional):
#   OSC_BENCH_ROWS          table size (default 1000000); memory is also
#                           measured at ROWS/4
#   OSC_BENCH_RATE          load writer ops/s, the same for every tool (200)
#   OSC_BENCH_WRITER_THREADS  load writer connections (2)
#   OSC_BENCH_TOOLS         subset/order of "native pt-osc osc osc-no-checksum"
#                           (the last: osc with --skip-checksum, the same
#                           work as the other two, which compare nothing)
#   OSC_BENCH_REPLICA       paused (default): the replica's threads are
#                           stopped during each timed run, because on one
#                           machine its applier would compete for the same
#                           CPU; running: leave replication on
#   OSC_BENCH_OSC_FLAGS     extra flags for both osc variants (e.g.
#                           "--checksum-after-copy"; not --checksum, which
#                           osc-no-checksum's --skip-checksum contradicts)
#   OSC_BENCH_PT_FLAGS      extra pt-online-schema-change flags
#   OSC_BENCH_TOOL_TIMEOUT  seconds before a tool run counts as failed (3600)
#   OSC_BENCH_AUTOINC_LOCK_MODE  innodb_autoinc_lock_mode of the sandbox: 2
#                           (default; what osc's server check recommends with
#                           ROW binlogs, MySQL 8.0's default), 1 (MariaDB's
#                           default) or 0; the sandbox is restarted if it runs
#                           with another mode. The same server serves all tools.
#   OSC_BINARY              use this osc instead of building one
#   OSC_LOADGEN_BINARY      use this osc-loadgen instead of the build's
#   OSC_BENCH_BUILD_DIR     build directory (<repo>/build-bench)
#   OSC_BENCH_BUILD_TYPE    CMake build type (Release)
#   OSC_BENCH_RESULTS_DIR   where result files go (<repo>/bench/results)
#   OSC_BENCH_KEEP=1        leave the sandbox running if this script started it
#   OSC_SANDBOX_DIR, OSC_SANDBOX_PORT  (default <repo>/.sandbox-bench, 13426)
# Exit status: 0 if every run succeeded and verified, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${OSC_BENCH_ROWS:-1000000}
RATE=${OSC_BENCH_RATE:-200}
WRITER_THREADS=${OSC_BENCH_WRITER_THREADS:-2}
read -r -a TOOLS <<<"${OSC_BENCH_TOOLS:-native pt-osc osc osc-no-checksum}"
REPLICA_MODE=${OSC_BENCH_REPLICA:-paused}
read -r -a OSC_FLAGS <<<"${OSC_BENCH_OSC_FLAGS:-}"
read -r -a PT_FLAGS <<<"${OSC_BENCH_PT_FLAGS:-}"
TOOL_TIMEOUT=${OSC_BENCH_TOOL_TIMEOUT:-3600}
AUTOINC_LOCK_MODE=${OSC_BENCH_AUTOINC_LOCK_MODE:-2}
BUILD_DIR=${OSC_BENCH_BUILD_DIR:-$ROOT/build-bench}
BUILD_TYPE=${OSC_BENCH_BUILD_TYPE:-Release}
RESULTS_DIR=${OSC_BENCH_RESULTS_DIR:-$ROOT/bench/results}
export OSC_SANDBOX_DIR=${OSC_SANDBOX_DIR:-$ROOT/.sandbox-bench}
export OSC_SANDBOX_PORT=${OSC_SANDBOX_PORT:-13426}

readonly DB=osc_bench TABLE=t PRISTINE=t_pristine NEW_COLUMN=bench_added
readonly ALTER="ADD COLUMN ${NEW_COLUMN} VARCHAR(32) NULL"
readonly SHAPE_VERSION=1  # bump when the table definition below changes
readonly BATCH=100000     # rows per INSERT ... SELECT while loading/resetting
readonly WARMUP_SECONDS=3 # load runs: writer runs this long before the tool

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
note() { printf '   %s\n' "$*" >&2; }
die() { printf 'compare.sh: error: %s\n' "$*" >&2; exit 1; }

{ [[ "$ROWS" =~ ^[0-9]+$ ]] && ((ROWS >= 1000)); } || die "OSC_BENCH_ROWS must be a number >= 1000"
{ [[ "$RATE" =~ ^[0-9]+$ ]] && ((RATE > 0)); } || die "OSC_BENCH_RATE must be a positive number"
[[ "$REPLICA_MODE" == paused || "$REPLICA_MODE" == running ]] || die "OSC_BENCH_REPLICA: paused or running"
[[ "$AUTOINC_LOCK_MODE" =~ ^[012]$ ]] || die "OSC_BENCH_AUTOINC_LOCK_MODE must be 0, 1 or 2"
export OSC_SANDBOX_SERVER_OPTIONS="innodb-autoinc-lock-mode = $AUTOINC_LOCK_MODE"
for tool in "${TOOLS[@]}"; do
  [[ "$tool" =~ ^(native|pt-osc|osc|osc-no-checksum)$ ]] || die "unknown tool '$tool' in OSC_BENCH_TOOLS"
done
SMALL_ROWS=$((ROWS / 4))

WORK=$(mktemp -d "${TMPDIR:-/tmp}/osc-bench.XXXXXX")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS_DIR"
RESULTS="$RESULTS_DIR/$STAMP.txt"
LOADGEN_PID="" PROBE_PID="" STARTED_SANDBOX=0 FAILED=0

# ------------------------------------------------------------------ setup

check_tools() {
  local t
  for t in mariadb pt-online-schema-change perl cmake timeout awk; do
    command -v "$t" >/dev/null || die "'$t' not found (scripts/setup.sh installs the packages)"
  done
  [[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"
  perl -MDBI -MDBD::mysql -e1 2>/dev/null || die "perl DBD::mysql missing (apt-get install libdbd-mysql-perl)"
}

build_binaries() {
  LOADGEN=${OSC_LOADGEN_BINARY:-$BUILD_DIR/tools/osc-loadgen}
  local targets=()
  [[ -n "${OSC_BINARY:-}" ]] || targets+=(osc)
  [[ -n "${OSC_LOADGEN_BINARY:-}" ]] || targets+=(osc-loadgen)
  if ((${#targets[@]} > 0)); then
    say "building ${targets[*]} ($BUILD_TYPE, $BUILD_DIR)"
    # No tests, no sync points: the binary users run.
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DOSC_BUILD_TESTS=OFF \
      -DOSC_BUILD_BENCH=OFF -DOSC_SYNC_POINTS=OFF >"$WORK/cmake.log" 2>&1 ||
      { tail -n 20 "$WORK/cmake.log" >&2; die "cmake configure failed"; }
    cmake --build "$BUILD_DIR" --target "${targets[@]}" -j"${OSC_BENCH_JOBS:-2}" >"$WORK/build.log" 2>&1 ||
      { grep -E 'error|Error' "$WORK/build.log" | head -n 20 >&2; die "build failed (log: $WORK/build.log)"; }
  fi
  OSC_BIN=${OSC_BINARY:-$BUILD_DIR/cli/osc}
  [[ -x "$OSC_BIN" ]] || die "osc binary not found: $OSC_BIN"
  [[ -x "$LOADGEN" ]] || die "osc-loadgen not found: $LOADGEN"
}

sandbox() {  # sandbox start|stop: the bench sandbox, or die with its log
  "$ROOT/scripts/sandbox.sh" "$1" 2>>"$WORK/sandbox.log" || { cat "$WORK/sandbox.log" >&2; die "sandbox $1 failed"; }
}

start_sandbox() {
  if ! "$ROOT/scripts/sandbox.sh" status >/dev/null 2>&1; then
    say "starting the sandbox (primary :$OSC_SANDBOX_PORT, replica :$((OSC_SANDBOX_PORT + 1)))"
    STARTED_SANDBOX=1
  fi
  sandbox start
  eval "$("$ROOT/scripts/sandbox.sh" env)"
  PORT=$OSC_TEST_PRIMARY_PORT
  export OSC_PASSWORD=$OSC_TEST_PRIMARY_PASSWORD  # osc, osc-loadgen and the probe read it
  # Every client (mariadb, pt-osc) reads the password from a private option
  # file, so it is not on a command line.
  local role p
  for role in primary replica; do
    p=$OSC_TEST_PRIMARY_PORT
    [[ $role == replica ]] && p=$OSC_TEST_REPLICA_PORT
    (umask 077; printf '[client]\nhost=127.0.0.1\nport=%s\nuser=root\npassword=%s\n' "$p" "$OSC_PASSWORD" \
      >"$WORK/$role.cnf")
  done
  # A sandbox left running with another AUTO-INC lock mode (a startup
  # option) is restarted with the requested one.
  local running
  running=$(sql 'SELECT @@innodb_autoinc_lock_mode')
  if [[ "$running" != "$AUTOINC_LOCK_MODE" ]]; then
    say "restarting the sandbox with innodb_autoinc_lock_mode=$AUTOINC_LOCK_MODE (it ran with $running)"
    sandbox stop
    sandbox start
  fi
}

cleanup() {
  local rc=$?
  stop_load >/dev/null 2>&1 || true
  sql_replica "START SLAVE" >/dev/null 2>&1 || true
  if ((STARTED_SANDBOX)) && [[ "${OSC_BENCH_KEEP:-0}" != 1 ]]; then
    "$ROOT/scripts/sandbox.sh" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}

# -------------------------------------------------------------------- SQL

sql() { mariadb --defaults-file="$WORK/primary.cnf" --batch --skip-column-names -e "$1"; }
sql_replica() { mariadb --defaults-file="$WORK/replica.cnf" --batch --skip-column-names -e "$1"; }
status_var() { sql "SHOW GLOBAL STATUS LIKE '$1'" | awk '{print $2}'; }

# The benchmark table: the standard workload shape osc-loadgen writes to
# (tools/random_writer.h), with a payload long enough that 1M rows take
# about the 272 MiB of the reference table. Values are derived from the id,
# so every run (and every machine) gets the same data.
create_pristine() {
  local want="osc-bench shape=$SHAPE_VERSION rows=$ROWS" have
  have=$(sql "SELECT TABLE_COMMENT FROM information_schema.TABLES
              WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='$PRISTINE'" 2>/dev/null || true)
  if [[ "$have" == "$want" ]]; then note "reusing $DB.$PRISTINE ($ROWS rows)"; return; fi
  say "creating $DB.$PRISTINE with $ROWS rows"
  sql "CREATE DATABASE IF NOT EXISTS $DB; DROP TABLE IF EXISTS $DB.$PRISTINE;
    CREATE TABLE $DB.$PRISTINE (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, u INT NULL,
      name VARCHAR(64) NOT NULL DEFAULT '', payload TEXT, amount DECIMAL(12,2),
      created DATETIME(6) NOT NULL, flags TINYINT UNSIGNED NOT NULL DEFAULT 0,
      UNIQUE KEY uk_u (u), KEY k_created (created)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  local lo hi
  for ((lo = 1; lo <= ROWS; lo += BATCH)); do
    hi=$((lo + BATCH - 1 < ROWS ? lo + BATCH - 1 : ROWS))
    # seq_X_to_Y is MariaDB's built-in SEQUENCE engine.
    sql "INSERT INTO $DB.$PRISTINE SELECT seq, IF(seq % 3 = 0, NULL, seq),
      LEFT(MD5(seq), 8 + seq % 24), CONCAT(SHA2(seq, 512), LEFT(SHA2(seq + 1000000000, 256), seq % 64)),
      (CAST(seq * 7907 % 100000000 AS SIGNED) - 50000000) / 100,
      TIMESTAMP'2020-01-01 00:00:00' + INTERVAL (seq * 7919 % 300000000) SECOND
        + INTERVAL (seq % 1000000) MICROSECOND, seq % 256
      FROM $DB.seq_${lo}_to_${hi}"
    note "loaded $hi / $ROWS"
  done
  sql "ANALYZE TABLE $DB.$PRISTINE" >/dev/null
  sql "ALTER TABLE $DB.$PRISTINE COMMENT='$want'"
  note "size: $(sql "SELECT CONCAT(ROUND((DATA_LENGTH + INDEX_LENGTH) / 1048576), ' MiB')
                     FROM information_schema.TABLES WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='$PRISTINE'")"
}

# Content fingerprint of the original columns of `tbl` (first `rows` ids of
# the pristine table when tbl is the pristine one).
fingerprint() {  # fingerprint TABLE [MAX_ID]
  local where=""
  [[ -n "${2:-}" ]] && where="WHERE id <= $2"
  sql "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', id, u, name, payload, amount, created,
         flags))), 0) FROM $DB.$1 $where" | tr '\t' ' '
}

replica_caught_up() {
  local primary_pos replica_pos
  primary_pos=$(sql "SELECT @@gtid_binlog_pos")
  replica_pos=$(sql_replica "SELECT @@gtid_slave_pos")
  [[ "$primary_pos" == "$replica_pos" ]]
}

wait_for() {  # wait_for SECONDS WHAT COMMAND...: poll until COMMAND succeeds
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || { note "warning: $what not reached after ${limit}s"; return 0; }
    sleep 0.5
  done
}

dirty_pages_low() { (($(status_var Innodb_buffer_pool_pages_dirty) < 200)); }
history_short() {
  (($(sql "SELECT COUNT FROM information_schema.INNODB_METRICS WHERE NAME='trx_rseg_history_len'") < 1000))
}

purge_binlogs() {  # purge_binlogs sql|sql_replica: all binlogs of that server but a fresh one
  local current
  current=$("$1" "FLUSH BINARY LOGS; SHOW MASTER STATUS" | awk '{print $1}')
  "$1" "PURGE BINARY LOGS TO '$current'"
}

# Puts `rows` pristine rows into $DB.$TABLE and brings the server to the
# same state before every timed run: replica caught up, old binlogs purged,
# dirty pages flushed, purge done, statistics fresh, and the new table's
# pages read once so each tool starts from the same buffer pool contents.
reset_table() {  # reset_table ROWS
  local rows=$1 t lo
  note "resetting $DB.$TABLE to $rows rows"
  sql_replica "START SLAVE" >/dev/null 2>&1 || true
  for t in $(sql "SELECT TABLE_NAME FROM information_schema.TABLES
                  WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME <> '$PRISTINE'"); do
    sql "DROP TABLE IF EXISTS $DB.\`$t\`"
  done
  sql "CREATE TABLE $DB.$TABLE LIKE $DB.$PRISTINE; ALTER TABLE $DB.$TABLE COMMENT=''"
  for ((lo = 1; lo <= rows; lo += BATCH)); do
    sql "INSERT INTO $DB.$TABLE SELECT * FROM $DB.$PRISTINE WHERE id BETWEEN $lo AND $((lo + BATCH - 1)) AND id <= $rows"
  done
  sql "ANALYZE TABLE $DB.$TABLE" >/dev/null
  wait_for 600 "replica catch-up" replica_caught_up
  purge_binlogs sql
  # The replica logs what it applies too (log-slave-updates): without this
  # its binlogs grow by a table's size per run until the disk is full.
  purge_binlogs sql_replica
  sql "SET GLOBAL innodb_max_dirty_pages_pct = 0"
  wait_for 300 "dirty page flush" dirty_pages_low
  sql "SET GLOBAL innodb_max_dirty_pages_pct = 90"
  wait_for 120 "purge" history_short
  sql "SELECT COUNT(*), SUM(LENGTH(payload)) FROM $DB.$TABLE FORCE INDEX (PRIMARY);
       SELECT COUNT(*) FROM $DB.$TABLE FORCE INDEX (uk_u); SELECT COUNT(*) FROM $DB.$TABLE FORCE INDEX (k_created)" \
    >/dev/null
  if [[ "$REPLICA_MODE" == paused ]]; then sql_replica "STOP SLAVE"; fi
}

# ------------------------------------------------------------ load writer

start_load() {  # start_load ROWS
  "$LOADGEN" --host 127.0.0.1 --port "$PORT" --user root --database "$DB" --table "$TABLE" \
    --threads "$WRITER_THREADS" --rate "$RATE" --seconds 0 2>"$WORK/loadgen.log" &
  LOADGEN_PID=$!
  perl "$ROOT/bench/write_probe.pl" --host 127.0.0.1 --port "$PORT" --user root --database "$DB" \
    --table "$TABLE" --max-id "$1" >"$WORK/probe.log" 2>&1 &
  PROBE_PID=$!
  LOAD_START=$EPOCHREALTIME
  sleep "$WARMUP_SECONDS"
  kill -0 "$LOADGEN_PID" 2>/dev/null || { cat "$WORK/loadgen.log" >&2; die "osc-loadgen did not start"; }
}

# Stops both writers; sets LOAD_RC and LOAD_FIELDS (key=value summary).
stop_load() {
  LOAD_RC=0 LOAD_FIELDS=""
  [[ -n "$LOADGEN_PID" ]] || return 0
  kill -INT "$LOADGEN_PID" 2>/dev/null || true
  wait "$LOADGEN_PID" || LOAD_RC=$?
  kill -TERM "$PROBE_PID" 2>/dev/null || true
  wait "$PROBE_PID" || true
  LOADGEN_PID="" PROBE_PID=""
  [[ -n "${RUN_LOG:-}" ]] && cat "$WORK/loadgen.log" "$WORK/probe.log" >>"$RUN_LOG" 2>/dev/null
  local secs summary ops unexpected
  secs=$(awk -v a="$LOAD_START" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
  summary=$(grep -o 'osc-loadgen: [0-9]* ops.*' "$WORK/loadgen.log" | tail -n 1 || true)
  ops=$(awk '{print $2}' <<<"$summary")
  unexpected=$(grep -o '[0-9]* unexpected' <<<"$summary" | awk '{print $1}' || true)
  LOAD_FIELDS="writer_ops=${ops:-0} writer_seconds=$secs"
  LOAD_FIELDS+=" writer_ops_per_s=$(awk -v o="${ops:-0}" -v s="$secs" 'BEGIN {printf "%.0f", o / s}')"
  LOAD_FIELDS+=" writer_unexpected_errors=${unexpected:-unknown}"
  LOAD_FIELDS+=" $(sed -n 's/^probe //p' "$WORK/probe.log" | sed 's/\([a-z0-9_]*=\)/probe_\1/g')"
  ((LOAD_RC == 0)) || note "osc-loadgen: $(tail -n 1 "$WORK/loadgen.log")"
}

# ------------------------------------------------------------- tool runs

# utime + stime of the primary's mariadbd, in clock ticks (empty if unknown).
server_cpu_ticks() {
  local pid
  pid=$(cat "$OSC_SANDBOX_DIR/primary/mariadbd.pid" 2>/dev/null) || return 0
  awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true
}

run_tool() {  # run_tool TOOL LOG: runs one schema change; sets TOOL_RC
  local tool=$1 log=$2
  local -a cmd
  case "$tool" in
    native)
      cmd=(mariadb --defaults-file="$WORK/primary.cnf" -e
        "ALTER TABLE $DB.$TABLE $ALTER, ALGORITHM=COPY") ;;
    pt-osc)
      # Defaults match osc's: 1000-row chunks at the start, adapted to a
      # target time. No replica discovery (the replica is paused, and osc
      # does not throttle on lag either); no child tables, so the foreign
      # key method is never used.
      cmd=(pt-online-schema-change --alter "$ALTER" --execute --recursion-method=none
        --no-check-replication-filters "${PT_FLAGS[@]}"
        "F=$WORK/primary.cnf,h=127.0.0.1,P=$PORT,D=$DB,t=$TABLE") ;;
    osc | osc-no-checksum)
      cmd=("$OSC_BIN" --host 127.0.0.1 --port "$PORT" --user root --database "$DB" --table "$TABLE"
        --alter "$ALTER" --execute --ok-to-drop-table "${OSC_FLAGS[@]}")
      if [[ "$tool" == osc-no-checksum ]]; then cmd+=(--skip-checksum); fi ;;
  esac
  TOOL_RC=0
  /usr/bin/time -v -o "$WORK/time.txt" timeout "$TOOL_TIMEOUT" "${cmd[@]}" >"$log" 2>&1 || TOOL_RC=$?
}

# Checks the result: tool exit 0, the new column there, the rows intact.
# Idle: the same rows as the pristine table (count and content
# fingerprint). Under load the writers change rows, so only a plausible
# count is checked (osc's own checksum and the end-to-end tests cover
# exactness). Prints "ok" or the reason.
verify() {  # verify ROWS MODE WRITER_OPS
  local rows=$1 mode=$2 ops=${3:-0}
  ((TOOL_RC == 0)) || { echo "tool-exit-$TOOL_RC"; return; }
  local col
  col=$(sql "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='$DB'
             AND TABLE_NAME='$TABLE' AND COLUMN_NAME='$NEW_COLUMN'")
  [[ "$col" == 1 ]] || { echo "column-missing"; return; }
  if [[ "$mode" == idle ]]; then
    local got want
    got=$(fingerprint "$TABLE")
    want=$(fingerprint "$PRISTINE" "$rows")
    [[ "$got" == "$want" ]] || { echo "rows-differ(got:${got// /:},want:${want// /:})"; return; }
  else
    local count
    count=$(sql "SELECT COUNT(*) FROM $DB.$TABLE")
    # Each writer operation adds or removes at most a few rows.
    ((count >= rows - 5 * ops && count <= rows + 5 * ops)) || { echo "row-count-$count"; return; }
  fi
  echo ok
}

bench_one() {  # bench_one TOOL MODE ROWS: one reset + timed run + check
  local tool=$1 mode=$2 rows=$3 log="$RESULTS_DIR/$STAMP-$1-$2-$3.log"
  say "$tool, $mode, $rows rows"
  reset_table "$rows"
  LOAD_FIELDS=""
  [[ "$mode" == load ]] && start_load "$rows"
  note "running $tool (log: $log)"
  local t0=$EPOCHREALTIME t1 server_cpu0 server_cpu1
  server_cpu0=$(server_cpu_ticks)
  run_tool "$tool" "$log"
  t1=$EPOCHREALTIME
  server_cpu1=$(server_cpu_ticks)
  RUN_LOG=$log
  [[ "$mode" == load ]] && stop_load
  if [[ "$REPLICA_MODE" == paused ]]; then sql_replica "START SLAVE"; fi
  local wall rss ops status
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  # CPU seconds of the tool's process and of the primary's server during
  # the run: on 2 cores, where a tool's time goes.
  local cpu server_cpu
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$WORK/time.txt")
  server_cpu=$(awk -v a="$server_cpu0" -v b="$server_cpu1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {if (a == "" || b == "") print "n/a"; else printf "%.2f", (b - a) / hz}')
  ops=$(grep -o 'writer_ops=[0-9]*' <<<"$LOAD_FIELDS" | cut -d= -f2 || true)
  status=$(verify "$rows" "$mode" "${ops:-0}")
  if [[ "$mode" == load && "$tool" != native && "$LOAD_RC" != 0 ]]; then
    status="writer-errors"  # e.g. 1146 during a cut-over: not an online change
  fi
  [[ "$status" == ok ]] || { FAILED=1; note "FAILED: $status (last lines of $log:)"; tail -n 5 "$log" >&2; }
  local line="run tool=$tool mode=$mode rows=$rows wall_s=$wall status=$status rc=$TOOL_RC client_rss_kb=${rss:-0}"
  line+=" client_cpu_s=${cpu:-n/a} server_cpu_s=$server_cpu"
  [[ -n "$LOAD_FIELDS" ]] && line+=" $LOAD_FIELDS"
  echo "$line" >>"$RESULTS"
  note "$tool $mode: ${wall}s, $status${LOAD_FIELDS:+, $LOAD_FIELDS}"
}

# ---------------------------------------------------------------- report

field() {  # field KEY TOOL MODE ROWS: a value from the results file
  awk -v k="$1" -v t="tool=$2" -v m="mode=$3" -v r="rows=$4" '
    $1 == "run" && $2 == t && $3 == m && $4 == r {
      for (i = 5; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$RESULTS"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }

report() {
  local mode tool st
  local -A wall=()
  for mode in idle load; do
    for tool in osc osc-no-checksum native pt-osc; do
      st=$(field status "$tool" "$mode" "$ROWS")
      wall[$mode.$tool]=""
      [[ "$st" == ok ]] && wall[$mode.$tool]=$(field wall_s "$tool" "$mode" "$ROWS")
    done
    echo "ratio mode=$mode osc_over_native=$(ratio "${wall[$mode.osc]}" "${wall[$mode.native]}")" \
      "osc_over_ptosc=$(ratio "${wall[$mode.osc]}" "${wall[$mode.pt-osc]}")" >>"$RESULTS"
    if [[ " ${TOOLS[*]} " == *" osc-no-checksum "* ]]; then
      echo "ratio_no_checksum mode=$mode" \
        "osc_over_native=$(ratio "${wall[$mode.osc-no-checksum]}" "${wall[$mode.native]}")" \
        "osc_over_ptosc=$(ratio "${wall[$mode.osc-no-checksum]}" "${wall[$mode.pt-osc]}")" >>"$RESULTS"
    fi
  done
  local small big
  small=$(field client_rss_kb osc idle "$SMALL_ROWS"); big=$(field client_rss_kb osc idle "$ROWS")
  echo "memory osc_rss_kb_rows_${SMALL_ROWS}=${small:-n/a} osc_rss_kb_rows_${ROWS}=${big:-n/a}" \
    "growth=$(ratio "$big" "$small")" >>"$RESULTS"

  say "results ($ROWS rows, load $RATE ops/s; machine-readable copy: $RESULTS)"
  printf '%-16s %10s %-10s %10s %-10s %10s %12s %10s\n' tool idle_s status load_s status writer/s probe_max_ms stalls\>1s
  for tool in "${TOOLS[@]}"; do
    printf '%-16s %10s %-10s %10s %-10s %10s %12s %10s\n' "$tool" \
      "$(field wall_s "$tool" idle "$ROWS")" "$(field status "$tool" idle "$ROWS" | cut -c1-10)" \
      "$(field wall_s "$tool" load "$ROWS")" "$(field status "$tool" load "$ROWS" | cut -c1-10)" \
      "$(field writer_ops_per_s "$tool" load "$ROWS")" "$(field probe_max_ms "$tool" load "$ROWS")" \
      "$(field probe_over_1s "$tool" load "$ROWS")"
  done
  echo
  grep '^ratio ' "$RESULTS" | sed 's/^ratio /ratio (osc time \/ other time, < 1 means osc is faster): /'
  grep '^ratio_no_checksum ' "$RESULTS" |
    sed 's/^ratio_no_checksum /ratio (osc --skip-checksum, the same work as the others): /' || true
  printf 'osc peak RSS: %s KiB at %s rows, %s KiB at %s rows\n' "${small:-n/a}" "$SMALL_ROWS" "${big:-n/a}" "$ROWS"
}

# ------------------------------------------------------------------ main

main() {
  trap cleanup EXIT
  check_tools
  build_binaries
  start_sandbox
  {
    echo "meta date=$STAMP rows=$ROWS small_rows=$SMALL_ROWS rate=$RATE writer_threads=$WRITER_THREADS" \
      "replica=$REPLICA_MODE nproc=$(nproc) loadavg_start=$(cut -d' ' -f1 /proc/loadavg)"
    echo "meta osc=$OSC_BIN osc_version=$("$OSC_BIN" --version 2>&1 | head -n 1 | tr ' ' '_')" \
      "pt_osc=$(pt-online-schema-change --version 2>&1 | awk '{print $2}')" \
      "server=$(sql 'SELECT VERSION()') alter=${ALTER// /_}" \
      "autoinc_lock_mode=$(sql 'SELECT @@innodb_autoinc_lock_mode')" \
      "buffer_pool_mib=$(sql 'SELECT @@innodb_buffer_pool_size DIV 1048576')"
  } >>"$RESULTS"
  create_pristine
  echo "meta pristine_mib=$(sql "SELECT ROUND((DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES
                               WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='$PRISTINE'")" >>"$RESULTS"
  local mode tool
  for mode in idle load; do
    for tool in "${TOOLS[@]}"; do bench_one "$tool" "$mode" "$ROWS"; done
  done
  if [[ " ${TOOLS[*]} " == *" osc "* ]]; then bench_one osc idle "$SMALL_ROWS"; fi
  echo "meta loadavg_end=$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
  report
  if ((FAILED)); then say "at least one run FAILED (see above): exit 1"; exit 1; fi
}

main "$@"
