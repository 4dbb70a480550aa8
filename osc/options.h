// MigrationOptions: everything one migration needs, as plain values.
//
// The CLI (cli/) maps flags onto this struct; the library never sees argv.
// Each component has its own nested options struct; every field documents
// its default and the trade-off behind it. Validate() checks the whole tree
// and names the first problem in terms of the user-facing flag.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/connection_options.h"

namespace osc::migration {

// The row copier (osc/copy/).
struct CopyOptions {
  // --threads: parallel copy workers, each on its own connection copying
  // disjoint key ranges. More threads copy faster until the server's I/O or
  // CPU saturates, and add load (and replica lag) to a busy primary.
  int threads = 2;
  // --chunk-size: rows per chunk at the start (gh-ost's flag). The size then
  // adapts toward chunk_target_time within [min_chunk_size, max_chunk_size].
  uint64_t chunk_size = 1000;
  uint64_t min_chunk_size = 100;
  uint64_t max_chunk_size = 100000;
  // --chunk-target-time: how long one chunk statement should take. Short
  // chunks hold row locks on the original briefly (other writers wait less)
  // and react fast to throttling; too short wastes round trips.
  std::chrono::milliseconds chunk_target_time{500};
  // True when the user gave --chunk-target-time: it is then used as given.
  // Otherwise osc halves it where the copy's inserts take turns on the
  // shadow's AUTO-INC lock (innodb_autoinc_lock_mode 0 or 1).
  bool chunk_target_time_given = false;
  // The copier pauses while more than this many binlog row changes wait to
  // be applied, so the applier is never starved by the copy.
  uint64_t max_apply_backlog = 50000;
};

// Applying binlog changes to the shadow table (osc/apply/).
struct ApplyOptions {
  // Most row changes applied in one transaction (after per-key collapsing).
  uint32_t max_batch_rows = 1000;
  // Capacity of the queue between the binlog reader and the applier. The
  // reader blocks when it is full (memory stays bounded).
  uint32_t queue_capacity = 20000;
};

// The final swap (osc/cutover/).
struct CutOverOptions {
  // --cut-over-lock-timeout-seconds: the longest any other session may wait
  // because of osc during one cut-over attempt (lock_wait_timeout of the
  // locking and renaming sessions; also the bound on draining the binlog
  // under the lock). Short: a blocked attempt backs off and retries rather
  // than making the application's queries queue up behind it.
  std::chrono::seconds lock_timeout{3};
  // --cut-over-max-attempts: attempts before giving up (original intact).
  int max_attempts = 60;
  // Back-off between attempts: doubles from initial up to max.
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{30000};
  // --postpone-cut-over-flag-file: while this file exists, osc keeps the
  // shadow in sync and does not cut over. Empty: no postponing.
  std::string postpone_flag_file;
  // --ok-to-drop-table: drop the old table after a successful cut-over.
  // Default false: it stays as _<table>_osc_old (dropping a big table can
  // stall I/O; the user decides when).
  bool ok_to_drop_table = false;
  // --force-cut-over-after: after this long of failed attempts because of
  // blockers, KILL the sessions blocking the cut-over on this table only.
  std::optional<std::chrono::seconds> force_cut_over_after;
};

// Comparing original and shadow before the cut-over (osc/copy/checksum).
struct ChecksumOptions {
  // --checksum / --skip-checksum. On by default: it is the safety net
  // that catches any divergence (e.g. an added UNIQUE key silently dropping
  // duplicate rows) before the swap, at the cost of reading both tables once.
  bool enabled = true;
  // Rows per checksum chunk.
  uint64_t chunk_size = 10000;
  // A chunk that differs is re-copied and checked again at most this often
  // before the migration fails.
  int max_repairs = 1;
  // Compare the copied part of the tables during the copy, in a few large
  // parts, and only the rest (plus the rows changed since) before the
  // cut-over; the result is the same comparison at the last consistent
  // point (see osc/copy/changed_keys.h). --checksum-after-copy turns it off.
  bool during_copy = true;
  // Changed keys remembered between parts; past this, the whole tables
  // are compared after the copy instead.
  size_t max_changed_keys = 200000;
  // Rows copied between two parts compared during the copy; 0: an eighth
  // of the estimated rows, at least 10 checksum chunks.
  uint64_t during_copy_step_rows = 0;
};

// What pauses the row copy (throttle/). The binlog applier never pauses:
// while the copy waits, the shadow stays current, so the migration can
// still finish. Every limit here can be changed at run time through the
// control socket.
struct ThrottleOptions {
  // --max-lag-millis: pause while any replica trails the primary by more
  // than this (measured by osc's heartbeat, read on each replica). A
  // replica that is stopped, broken or unreachable counts as lagging
  // without limit.
  std::chrono::milliseconds max_lag{1500};
  // --throttle-control-replicas host:port,...: replicas to watch, besides
  // those the primary knows of (SHOW SLAVE HOSTS) unless
  // discover_replicas is off (--skip-replica-discovery).
  std::vector<std::string> control_replicas;
  bool discover_replicas = true;
  // --max-mdl-waiters: pause while more sessions than this wait for a
  // metadata lock on the table (or its foreign-key relatives): osc's copy
  // must not add to a pile-up behind an ALTER or a long transaction.
  uint32_t max_mdl_waiters = 0;
  // --max-transaction-age: also pause while a transaction that holds a
  // lock on the table has been open longer than this.
  std::chrono::seconds max_transaction_age{600};
  // --max-load Threads_running=25,...: pause while a status counter is
  // over its limit. --critical-load: abort (after
  // critical_load_interval of confirmation) instead.
  std::string max_load;
  std::string critical_load;
  std::chrono::milliseconds critical_load_interval{0};
  // --throttle-flag-file: pause while it exists. --panic-flag-file: abort
  // (cleanly, resumable) when it appears.
  std::string throttle_flag_file;
  std::string panic_flag_file;
  // --throttle-query: pause while this query's first value is > 0.
  std::string throttle_query;
  // --min-available-memory 512M or 10%: pause while the host (or the
  // --memory-cgroup, e.g. the database container's) has less available.
  std::string min_available_memory;
  std::string meminfo_path = "/proc/meminfo";
  std::string memory_cgroup;
  // --window 01:00-05:00 (repeatable; local time; may cross midnight):
  // copy and cut over only inside a window; outside, keep the shadow in
  // sync and wait.
  std::vector<std::string> windows;
  // How often the signals are checked.
  std::chrono::milliseconds check_interval{500};
};

struct MigrationOptions {
  // The primary to migrate on. The password is in here; never log it (use
  // connection.Describe()).
  db::ConnectionOptions connection;
  // --database, --table: the table to change. --alter: the clauses that
  // follow "ALTER TABLE <table>".
  std::string database;
  std::string table;
  std::string alter;
  // --execute: without it, osc plans and runs every preflight check but
  // changes nothing (and exits 0 if the migration could run).
  bool execute = false;
  // --attempt-instant-ddl: when every clause can be done INSTANT by the
  // server, try `ALTER ... ALGORITHM=INSTANT` (with the cut-over lock
  // timeout) before falling back to a copy.
  bool attempt_instant = false;
  // --replica-server-id: server id osc registers with to read the binlog.
  // Must be unique among the primary's replicas (a duplicate silently
  // disconnects the other one). 0: pick one derived from the process id.
  uint32_t binlog_server_id = 0;
  // --progress-interval: how often progress is reported.
  std::chrono::milliseconds progress_interval{5000};
  // --heartbeat-interval: how often osc writes its heartbeat row (used for
  // replica lag and for knowing how current the binlog stream is).
  std::chrono::milliseconds heartbeat_interval{500};
  // --resume: continue the migration whose helper tables and checkpoint
  // osc finds (and refuse when there is none that fits this ALTER and
  // table). Without it osc still resumes by itself when it finds its own
  // helper tables with a checkpoint of the same ALTER on the same table
  // definition; anything else that is left over is refused.
  bool resume = false;
  // How often the copy's progress and the applied binlog position are
  // written to the changelog as the resume checkpoint. Shorter loses less
  // work to a crash; each write is one small row (and one binlog event).
  std::chrono::milliseconds checkpoint_interval{2000};
  // --reconnect-timeout: how long osc keeps retrying lost or refused
  // connections (copy, apply, heartbeat, binlog stream) before it stops,
  // with its helper tables kept for a resume. Long enough for a server
  // restart or a failover; the copy simply waits meanwhile.
  std::chrono::seconds reconnect_timeout{300};

  // --initially-drop-ghost-table / --initially-drop-old-table (gh-ost):
  // drop leftover helper tables (shadow and changelog / the old table)
  // before starting, instead of refusing or resuming.
  bool initially_drop_helpers = false;
  bool initially_drop_old_table = false;
  // --serve-socket-file: the control socket's path (empty: none).
  std::string serve_socket_file;
  // --hooks-path: a directory of gh-ost style hook executables (empty: none).
  std::string hooks_path;

  CopyOptions copy;
  ApplyOptions apply;
  ThrottleOptions throttle;
  CutOverOptions cut_over;
  ChecksumOptions checksum;

  // OK, or InvalidArgument naming the flag at fault.
  Status Validate() const;
  // Validate() minus the requirement to name a table and an ALTER: for
  // modes that connect but do not migrate (the CLI's server check). Names
  // that are given are still checked.
  Status ValidateSettings() const;
};

}  // namespace osc::migration
