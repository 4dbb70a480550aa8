// Applier: the single consumer that replays the original table's row
// changes from the binlog onto the shadow table (engine.md rules 4, 5, 10).
//
//   ChangeFeed (binlog::ChangeStream) --events--> Applier::Run (one thread)
//     rows of the original  -> RowMapper -> Batch -> ShadowWriter (1 trx)
//     rows of the changelog -> the orchestrator's callback (heartbeats,
//                              markers), after the batch before them is
//                              applied
//     DDL naming the original -> the migration stops (sticky error)
//
// Batches: changes accumulate across transactions and are applied when a
// transaction ends and either the feed has nothing queued (the applier has
// caught up) or the batch holds at least 3/4 of max_batch_rows; inside a
// transaction only when the batch reaches max_batch_rows (a huge
// transaction is applied in pieces: harmless, each piece is idempotent and
// the rest follows); and whenever the feed stays idle for `idle_flush`.
//
// Positions: applied_position() is the checkpoint of the last event whose
// effects are all in the shadow. It only moves forward.
//
// Threading: Run() is called on one thread owned by the orchestrator; the
// query functions and waits are safe from any thread. The first error of
// Run() is sticky: status() returns it and every wait fails with it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <stop_token>
#include <string>

#include "binlog/change_stream.h"
#include "common/result.h"
#include "osc/apply/batch.h"
#include "osc/apply/row_change.h"
#include "osc/options.h"

namespace osc::apply {

// The events the applier consumes. The production adapter is over
// binlog::ChangeStream (ChangeStreamFeed); tests may script events.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // The next event, nullopt after `timeout` without one; Aborted when
  // `stop` is requested; the stream's error once it failed.
  virtual Result<std::optional<binlog::ChangeEvent>> NextFor(std::chrono::milliseconds timeout,
                                                             std::stop_token stop) = 0;
  // Events decoded and not yet consumed.
  virtual size_t backlog() const = 0;
};

// Borrows a ChangeStream, which must outlive the feed.
class ChangeStreamFeed final : public ChangeFeed {
 public:
  explicit ChangeStreamFeed(binlog::ChangeStream* stream) : stream_(stream) {}
  Result<std::optional<binlog::ChangeEvent>> NextFor(std::chrono::milliseconds timeout,
                                                     std::stop_token stop) override {
    return stream_->NextFor(timeout, stop);
  }
  size_t backlog() const override { return stream_->backlog(); }

 private:
  binlog::ChangeStream* stream_;
};

// Runs the statements of one batch on the shadow in ONE transaction, with
// the writer session settings (rule 4). Retries lock wait timeouts,
// deadlocks and lost connections (reconnecting) by re-running the whole
// transaction, which is safe because a batch is idempotent. Returns OK,
// Aborted on stop, or the first non-retryable / last error.
class ShadowWriter {
 public:
  virtual ~ShadowWriter() = default;
  virtual Status ApplyTransaction(std::span<const std::string> statements, std::stop_token stop) = 0;
};

struct ApplierConfig {
  // The original table (as stored) and the helper tables in its schema.
  std::string schema;
  std::string table;
  std::string shadow_table;
  std::string changelog_table;
  migration::ApplyOptions options;
  // Apply a partial batch when the feed has been idle this long.
  std::chrono::milliseconds idle_flush{50};
  // When set, called on the applier thread with every key a batch deleted
  // or wrote, after the batch committed and before its position is
  // published (so a marker's waiter sees every key before the marker).
  std::function<void(const std::vector<KeyLiterals>&)> on_applied_keys;
};

class Applier {
 public:
  // Called on the applier thread for every rows event of the changelog
  // table, after every change before it is applied.
  using ChangelogCallback = std::function<void(const binlog::ChangeEvent&)>;

  // `feed` and `writer` are borrowed and must outlive Run().
  Applier(ApplierConfig config, RowMapper mapper, ChangeFeed* feed, ShadowWriter* writer,
          ChangelogCallback on_changelog = nullptr);

  // The loop. Returns OK when `stop` is requested (after applying what was
  // read) or after the expected cut-over RENAME (see ExpectRename); else
  // the first error, which also becomes sticky.
  Status Run(std::stop_token stop);

  // After this, a RENAME naming the original ends Run() with OK (the
  // cut-over's own rename) instead of stopping the migration.
  void ExpectRename();
  // True once Run() ended at that RENAME, every event before it applied.
  bool reached_rename() const;

  binlog::Checkpoint applied_position() const;
  uint64_t rows_applied() const;   // row changes read and applied
  uint64_t batches_applied() const;
  size_t backlog() const { return feed_->backlog(); }
  Status status() const;

  // Waits until every event up to `position` (an event's end: file and
  // log_pos) is applied. OK, Timeout, Aborted (stop), or the sticky error.
  Status WaitApplied(const binlog::BinlogPosition& position, std::chrono::milliseconds timeout,
                     std::stop_token stop = {});

  // Markers: a changelog row carrying `marker` in one of its string
  // columns. Call ExpectMarker before writing the row, then WaitForMarker:
  // OK once the row was read and everything before it applied.
  void ExpectMarker(const std::string& marker);
  Status WaitForMarker(const std::string& marker, std::chrono::milliseconds timeout, std::stop_token stop = {});

  // Holding, for a consistent point without locks: after HoldAfter(p) the
  // applier applies events that end at or before `p` as usual, and on the
  // first event that ends after it, applies everything before that event
  // and waits (the shadow then reflects exactly the binlog up to `p`)
  // until Release(). Returns false, changing nothing, when the applier
  // already took an event that ends after `p` (it cannot go back: try
  // again with a later position). WaitHolding returns OK once it waits (an
  // event after `p` must arrive: write one), Timeout, Aborted or the
  // sticky error.
  bool HoldAfter(const binlog::BinlogPosition& position);
  Status WaitHolding(std::chrono::milliseconds timeout, std::stop_token stop = {});
  void Release();

 private:
  Status Loop(std::stop_token stop);
  Status Handle(const binlog::ChangeEvent& event, std::stop_token stop, bool* done);
  Status HandleRows(const binlog::ChangeEvent& event, std::stop_token stop);
  Status HandleChangelog(const binlog::ChangeEvent& event, std::stop_token stop);
  Status Flush(std::stop_token stop);
  void Publish(const binlog::Checkpoint& position);
  Status Wait(const std::function<bool()>& done, std::chrono::milliseconds timeout, std::stop_token stop);
  bool Reached(const binlog::BinlogPosition& position) const;
  Status HoldBefore(const binlog::ChangeEvent& event, std::stop_token stop);

  const ApplierConfig config_;
  const RowMapper mapper_;
  ChangeFeed* const feed_;
  ShadowWriter* const writer_;
  const ChangelogCallback on_changelog_;
  const std::string shadow_sql_;  // `schema`.`shadow`

  // Applier thread only.
  Batch batch_;
  binlog::Row row_;
  binlog::Checkpoint pending_;  // the last event handled

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  binlog::Checkpoint applied_;       // GUARDED_BY(mu_)
  uint64_t rows_applied_ = 0;        // GUARDED_BY(mu_)
  uint64_t batches_applied_ = 0;     // GUARDED_BY(mu_)
  Status error_;                     // GUARDED_BY(mu_), sticky
  bool finished_ = false;            // GUARDED_BY(mu_)
  bool expect_rename_ = false;       // GUARDED_BY(mu_)
  bool reached_rename_ = false;      // GUARDED_BY(mu_)
  std::set<std::string> expected_markers_;  // GUARDED_BY(mu_)
  std::set<std::string> seen_markers_;      // GUARDED_BY(mu_)
  std::optional<binlog::BinlogPosition> hold_after_;  // GUARDED_BY(mu_)
  bool holding_ = false;                    // GUARDED_BY(mu_)
  binlog::Checkpoint last_taken_;           // GUARDED_BY(mu_): the last event let through
};

}  // namespace osc::apply
