// Comparing the original and the shadow table before the cut-over
// (engine rule 9).
//
// Both tables are read inside one consistent snapshot per session, taken
// while the original is quiet and the shadow is current:
//   1. The checksum opens its sessions (REPEATABLE READ, see
//      session_internal.h) and calls the orchestrator's ConsistentPointFn.
//   2. The orchestrator locks the original (LOCK TABLES t READ, bounded
//      wait), waits until the applier has applied a marker written under
//      the lock, calls `snapshot_ready` (which runs START TRANSACTION WITH
//      CONSISTENT SNAPSHOT on every session) and unlocks.
//   3. Workers compare the tables chunk by chunk (key ranges with open
//      outer ends, so shadow rows beyond the original's first or last key
//      are compared too): COUNT(*) and BIT_XOR(CRC32(CONCAT_WS(...))) over
//      the columns both tables have (checksum_columns.h).
// RunPart compares a span of the key space plus the keys the applier
// changed since the previous consistent point (changed_keys.h): the
// orchestrator compares the copied part during the copy and the rest at
// the end, so every row is compared after its last change.
// A chunk that differs is reported; the orchestrator re-copies it
// (Copier::RecopyRange) and re-checks it with a new consistent point
// (Recheck). ChecksumAndRepair does exactly that loop.
//
// A snapshot cannot be re-established after a lost connection, so errors
// are not retried here: the whole checksum (or re-check) may be run again.
// While it runs, the snapshots keep InnoDB from purging old row versions
// (history list grows); chunks are small and run in parallel to keep it
// short.
//
// Sync point: checksum:snapshots_started (inside snapshot_ready, after the
// last START TRANSACTION WITH CONSISTENT SNAPSHOT).
//
// Threads: Run/Recheck start `threads` workers and join them before
// returning. progress() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "db/connection.h"
#include "db/connection_options.h"
#include "osc/copy/changed_keys.h"
#include "osc/copy/checksum_columns.h"
#include "osc/copy/key_range.h"

namespace osc::copy {

// Starts the snapshots of every checksum session; returns their first
// error. Call it exactly once, while the original is locked and the
// shadow is current.
using SnapshotReadyFn = std::function<Status()>;

// The orchestrator's half of the consistent point (see above). Must call
// `snapshot_ready` exactly once under the lock, unlock, and return
// snapshot_ready's error if it failed, or its own error (Timeout when the
// lock or the marker took too long, Aborted on `stop`). Returning OK
// without having called snapshot_ready is an Internal error.
using ConsistentPointFn = std::function<Status(const SnapshotReadyFn& snapshot_ready, std::stop_token stop)>;

// A consistent point without locking the original (MariaDB): the
// checksum's original session starts its snapshot and reads the binlog
// position of that snapshot (binlog_snapshot_file/_position); the
// orchestrator then lets the binlog applier apply everything up to that
// position and nothing after it, calls `shadow_ready` (which starts the
// shadow session's snapshot and takes the changed keys), and lets the
// applier go on. Must call shadow_ready exactly once and return its error,
// or its own (Timeout, Aborted).
using SplitPointFn = std::function<Status(const std::string& binlog_file, uint64_t binlog_offset,
                                          const SnapshotReadyFn& shadow_ready, std::stop_token stop)>;

struct ChecksumConfig {
  db::ConnectionOptions connection;  // the checksum adds its session settings
  std::string database;
  std::string table;         // the original
  std::string shadow_table;
  KeySpec key;
  ChecksumColumns columns;   // PlanChecksumColumns
  // Rows per chunk (ChecksumOptions::chunk_size) and parallel sessions.
  uint64_t chunk_size = 10000;
  int threads = 2;
};

struct ChunkDifference {
  KeyRange range;
  uint64_t original_rows = 0;
  uint64_t shadow_rows = 0;
  std::string original_crc;  // BIT_XOR of the row CRCs, decimal text
  std::string shadow_crc;
  // "chunk (5) < key <= (9): original 4 rows crc 123, shadow 3 rows crc 456"
  std::string Describe() const;
};

struct ChecksumReport {
  uint64_t chunks = 0;         // chunks compared
  uint64_t original_rows = 0;  // rows of the original in those chunks
  std::vector<ChunkDifference> differences;  // in key order
  // RunPart only: changed keys compared, batches of them that differ
  // (described), and whether the changed-key set had overflowed (then the
  // part says nothing about rows outside its span).
  uint64_t keys_compared = 0;
  std::vector<std::string> key_differences;
  bool keys_overflowed = false;
  bool ok() const { return differences.empty() && key_differences.empty(); }
};

class Checksummer {
 public:
  explicit Checksummer(ChecksumConfig config);

  // Compares the whole tables. Errors: InvalidArgument for a bad config,
  // the consistent point's error, ServerError from a query, Aborted on
  // `stop`. Differences are not errors: they are in the report.
  Result<ChecksumReport> Run(const ConsistentPointFn& consistent_point, std::stop_token stop);

  // Compares only `ranges` (e.g. the chunks just repaired), in a new
  // consistent point. Same errors as Run.
  Result<ChecksumReport> Recheck(const std::vector<KeyRange>& ranges, const ConsistentPointFn& consistent_point,
                                 std::stop_token stop);

  // Compares the rows in `span` (chunk by chunk; open ends allowed) and,
  // when `changed` is given, the keys taken from it at the consistent
  // point (changed_keys.h), with `threads` workers (0: config.threads).
  // Used to compare the copied part of the tables during the copy and the
  // rest at the end. Same errors as Run; differences are in the report
  // (range differences can be repaired like Run's, key differences only
  // by comparing the whole tables).
  Result<ChecksumReport> RunPart(const KeyRange& span, ChangedKeys* changed, int threads,
                                 const ConsistentPointFn& consistent_point, std::stop_token stop);

  // The same with the given adjacent ranges instead of a span (no planning
  // queries: e.g. the copier's own chunks, Copier::TakeCopiedChunks).
  Result<ChecksumReport> RunRanges(const std::vector<KeyRange>& ranges, ChangedKeys* changed, int threads,
                                   const ConsistentPointFn& consistent_point, std::stop_token stop);

  // RunRanges on one worker whose original and shadow sessions take their
  // snapshots at the matching point given by `split` (see SplitPointFn):
  // writers to the original are never held. Needs a server that reports
  // its snapshot's binlog position (MariaDB); NotSupported otherwise.
  Result<ChecksumReport> RunRangesAt(const std::vector<KeyRange>& ranges, ChangedKeys* changed,
                                     const SplitPointFn& split, std::stop_token stop);

  // Chunks compared so far by the current or last call.
  uint64_t chunks_checked() const { return chunks_checked_.load(std::memory_order_relaxed); }

 private:
  struct Work {
    const std::vector<KeyRange>* fixed = nullptr;  // these ranges, or
    KeyRange span;                                 // this span in chunks
    ChangedKeys* changed = nullptr;                // plus these keys
    int threads = 0;
  };
  Result<ChecksumReport> Compare(const Work& work, const ConsistentPointFn& consistent_point, std::stop_token stop);
  // InvalidArgument for names, key or columns the config cannot run with,
  // or fewer than one thread.
  Status CheckConfig(int threads) const;
  // Snapshot sessions are kept between calls: parts during the copy come
  // every few hundred milliseconds, and a TLS connect costs both sides tens
  // of milliseconds of CPU. TakeSession reuses an idle one or opens one;
  // ReturnSession ends its snapshot and keeps it if it is still sound
  // (at most kMaxIdleSessions; a broken one is closed).
  Result<db::Connection> TakeSession();
  void ReturnSession(db::Connection conn);
  static constexpr size_t kMaxIdleSessions = 8;

  const ChecksumConfig config_;
  std::atomic<uint64_t> chunks_checked_{0};
  std::mutex sessions_mu_;
  std::vector<db::Connection> idle_sessions_;  // guarded by sessions_mu_
};

// Re-copies one range of the shadow from the original (Copier::RecopyRange).
using RecopyFn = std::function<Status(const KeyRange& range, std::stop_token stop)>;

// Rule 9 end to end: Run; while chunks differ and fewer than `max_repairs`
// rounds were made, re-copy each differing chunk and Recheck those chunks.
// OK when the tables match (first time or after repair). Differences that
// survive the repairs: FailedPrecondition naming the first chunk's bounds,
// counts and CRCs (the original is untouched). `report`, when given,
// receives the last report.
Status ChecksumAndRepair(Checksummer& checksummer, const ConsistentPointFn& consistent_point,
                         const RecopyFn& recopy, int max_repairs, std::stop_token stop,
                         ChecksumReport* report = nullptr);

}  // namespace osc::copy
