// The chunked parallel row copier: fills the shadow table from the
// original, range by range of the chunk key (engine rules 2, 3, 4, 7, 10,
// 11).
//
// How a copy runs:
//   1. The copy range [first key, last key] of the original is read. The
//      orchestrator starts the copy only after the binlog stream started
//      (rule 1), so any row outside the range, or changed later, reaches
//      the shadow through the applier.
//   2. One producer plans chunks in key order (chunker.h), sized by the
//      adaptive ChunkSizer (chunk_size.h).
//   3. `threads` workers, each on its own connection with the writer
//      session settings (session_internal.h), copy one chunk per statement:
//        INSERT INTO shadow (...) SELECT ... FROM t FORCE INDEX (k)
//        WHERE <chunk> LOCK IN SHARE MODE ON DUPLICATE KEY UPDATE k1 = k1
//      The locking read waits for row locks of transactions that may
//      already be in the binlog but are not yet committed, so no row
//      version older than an applied event is copied; the UPDATE clause
//      leaves rows the applier already wrote alone without hiding
//      conversion errors (INSERT IGNORE would truncate silently).
//   4. Before each chunk a worker calls the gate (throttling, applier
//      backlog); lock wait timeouts, deadlocks and lost connections are
//      retried a bounded number of times on a fresh connection.
// The first error is sticky: it stops the other workers (after their
// current chunk) and is what Run returns.
//
// Sync points: copy:before_chunk (a worker has its chunk, before the
// statement), copy:chunk_done (after the chunk is recorded).
//
// Live tuning: SetChunkSize and SetThreads change a running copy (the
// control socket's chunk-size=N and threads=N). A new chunk size applies
// to the next chunk planned; more threads start new workers at once (each
// with its own connection); fewer make surplus workers exit before their
// next chunk, never in the middle of one. Which chunks exist and which are
// done is tracked per chunk, not per worker, so the checkpoint and the
// copy's result do not depend on how many workers there were.
//
// Threads: Run/Resume start the workers and join them before returning;
// nothing outlives the call. The thread that called Run/Resume is the one
// owner of every worker: it starts them, including those SetThreads asks
// for, and joins them. progress(), checkpoint(), SetChunkSize() and
// SetThreads() may be called from any thread at any time, also during a
// run.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/connection_options.h"
#include "osc/copy/checkpoint.h"
#include "osc/copy/chunk_size.h"
#include "osc/copy/key_range.h"
#include "osc/copy/statements.h"
#include "osc/options.h"

namespace osc::copy {

// Called by a worker before every chunk. Returns OK to go on, after
// blocking as long as the copy must wait (throttled, applier backlog over
// CopyOptions::max_apply_backlog). Aborted stops the copy; any other error
// stops it too and becomes the copy's error. Must return promptly (with
// Aborted) once `stop` is requested. Called from several workers at once.
using GateFn = std::function<Status(std::stop_token stop)>;

// Knobs that are not user flags (yet).
struct CopyTuning {
  // innodb_lock_wait_timeout and lock_wait_timeout of copier sessions.
  // Short: a chunk blocked behind an application transaction gives up,
  // backs off and retries instead of stacking more waiters behind it. Keep
  // it below the connection's read_timeout.
  std::chrono::seconds lock_wait_timeout{5};
  // Attempts per chunk (and per boundary query) before the copy fails.
  int max_attempts = 5;
  // Pause before the second attempt; doubles up to retry_backoff_max.
  std::chrono::milliseconds retry_backoff{200};
  std::chrono::milliseconds retry_backoff_max{5000};
  // Lost or refused connections are retried past max_attempts for this
  // long (a server restart); see internal::RetryPolicy.
  std::chrono::milliseconds reconnect_budget{0};
};

struct CopierConfig {
  // How to reach the server; the copier adds its session settings.
  db::ConnectionOptions connection;
  std::string database;
  std::string table;         // the original
  std::string shadow_table;  // _<table>_osc_new, already created and altered
  KeySpec key;
  // What to copy (MakeCopyColumns); at least one column.
  std::vector<CopyColumn> columns;
  migration::CopyOptions options;
  CopyTuning tuning;
  // Not owned; must outlive the Copier. Null means SystemClock().
  Clock* clock = nullptr;
  // May be empty: never wait.
  GateFn gate;
};

// Counters for progress reports. Each field is read atomically on its
// own; together they are a close, not an exact, snapshot.
struct CopyProgress {
  // Rows the copy statements inserted (a row already written by the
  // applier is not counted: the server reports it as unchanged).
  uint64_t rows_copied = 0;
  uint64_t chunks_copied = 0;
  // Rows the next chunk will hold.
  uint64_t chunk_size = 0;
  // Duration of the most recently finished chunk.
  std::chrono::milliseconds last_chunk_time{0};
  // Attempts (chunks and chunk planning) that failed with a retryable
  // error and were retried, counted as they happen.
  uint64_t retries = 0;
  // Workers the copy aims for (--threads, or the last SetThreads).
  int threads = 0;
  // Workers running now: lags `threads` while surplus workers finish
  // their chunk, and is 0 outside Run/Resume.
  int active_threads = 0;
  // Workers inside a chunk's statement now (past the gate).
  int chunks_in_flight = 0;
};

class CopyRun;

class Copier {
 public:
  explicit Copier(CopierConfig config);
  ~Copier();
  Copier(const Copier&) = delete;
  Copier& operator=(const Copier&) = delete;

  // Reads the copy range and copies it. OK when every chunk is copied;
  // Aborted when `stop` was requested or the gate said so; otherwise the
  // first error (a ServerError keeps the server errno: 1406 "data too
  // long" for a narrowing ALTER, ...). InvalidArgument for a bad config
  // (including a lock wait timeout not below the read timeout). Run or
  // Resume may be called once per Copier (FailedPrecondition after that).
  Status Run(std::stop_token stop);

  // Copies what `from` says is not done yet, within from.range (which is
  // not re-read). InvalidArgument when a value in `from` does not fit the
  // key. Same results as Run.
  Status Resume(const Checkpoint& from, std::stop_token stop);

  // Makes the shadow's rows in `range` equal to the original's now, for a
  // checksum repair: in one transaction, deletes the range from the shadow
  // and copies it again with a locking read. Safe while the applier runs
  // (its later events land on top). Uses a connection of its own; may be
  // called after Run, never during it.
  Status RecopyRange(const KeyRange& range, std::stop_token stop);

  // Sets the rows of the next chunks, clamped to the options'
  // [min_chunk_size, max_chunk_size]; the adaptive sizer goes on from
  // there (chunk_size.h). Returns the size that took effect. Before Run it
  // replaces options.chunk_size.
  uint64_t SetChunkSize(uint64_t rows);

  // Sets how many workers copy, clamped to [1, kMaxThreads]. During a run:
  // more start at once, fewer exit after their current chunk (and once
  // the last chunk is handed out no new worker starts). Before Run it
  // replaces options.threads. Returns the target that took effect.
  int SetThreads(int threads);
  static constexpr int kMaxThreads = 64;

  // The chunk log, for comparing the copied part while the copy goes on:
  // once on (before Run), the copier keeps the chunks it plans until
  // TakeCopiedChunks returns them. Off clears it.
  void KeepChunkLog(bool on);
  // The chunks, in key order, from the oldest not taken yet up to the
  // first one not copied yet, removed from the log: adjacent, so together
  // they cover the keys from the previous take's end up to the low
  // watermark. nullopt when the log is off or cannot be trusted: a resumed
  // copy passed a range an earlier run had copied (the chunks are no longer
  // adjacent), or more than kMaxLoggedChunks piled up untaken.
  std::optional<std::vector<KeyRange>> TakeCopiedChunks();
  static constexpr size_t kMaxLoggedChunks = 100000;

  CopyProgress progress() const;
  // What is copied so far (see checkpoint.h). Before Run reads the range
  // it has no range.
  Checkpoint checkpoint() const;

 private:
  friend class CopyRun;
  struct Shared;
  Status Copy(Checkpoint from, std::stop_token stop);
  Status SuperviseWorkers(CopyRun& run);
  Status CheckConfig() const;

  const CopierConfig config_;
  Clock* const clock_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace osc::copy
