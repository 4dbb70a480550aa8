#include "osc/copy/checksum.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "common/logging.h"
#include "common/numbers.h"
#include "common/sync_point.h"
#include "db/connection.h"
#include "db/quoting.h"
#include "osc/copy/chunker.h"
#include "osc/copy/session_internal.h"
#include "osc/copy/statements.h"

namespace osc::copy {
namespace {

// READ ONLY: the server can skip transaction-id bookkeeping, and a bug
// that tried to write through a checksum session would fail loudly.
constexpr const char* kStartSnapshot = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";

struct Sums {
  uint64_t rows = 0;
  std::string crc;
};

Result<Sums> ReadSums(db::Connection& conn, const std::string& sql) {
  OSC_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query(sql));
  if (r.rows.size() != 1 || r.rows[0].size() != 2 || !r.rows[0][0] || !r.rows[0][1]) {
    return Status::Corruption("the checksum query did not return one row of two values");
  }
  Sums sums;
  const std::optional<uint64_t> count = ParseNumber<uint64_t>(*r.rows[0][0]);
  if (!count) return Status::Corruption("the checksum query returned a row count that is not a number");
  sums.rows = *count;
  sums.crc = *r.rows[0][1];
  return sums;
}

// One Compare call: hands out ranges, compares them, collects the report.
class CompareRun {
 public:
  CompareRun(const ChecksumConfig& config, const std::vector<KeyRange>* fixed, const KeyRange& span,
             db::Connection* producer, std::atomic<uint64_t>& checked)
      : config_(config), fixed_(fixed), producer_(producer), checked_(checked) {
    if (fixed_ == nullptr) chunker_.emplace(config.key, Original(), span);
    for (const ChecksumColumn& c : config_.columns.columns) {
      original_exprs_.push_back(c.original_expr);
      shadow_exprs_.push_back(c.shadow_expr);
      // An empty null expression: never NULL, no flag (ChecksumQuery).
      original_nulls_.push_back(!c.may_be_null ? "" : c.original_null.empty() ? c.original_expr : c.original_null);
      shadow_nulls_.push_back(!c.may_be_null ? "" : c.shadow_null.empty() ? c.shadow_expr : c.shadow_null);
    }
  }

  // Changed keys to compare after the ranges, in batches. Call before the
  // workers start.
  void SetKeys(const std::vector<KeyValue>& keys, bool overflowed) {
    report_.keys_compared = keys.size();
    report_.keys_overflowed = overflowed;
    for (size_t i = 0; i < keys.size(); i += kKeysPerQuery) {
      const size_t end = std::min(keys.size(), i + kKeysPerQuery);
      key_batches_.emplace_back(keys.begin() + static_cast<std::ptrdiff_t>(i),
                                keys.begin() + static_cast<std::ptrdiff_t>(end));
    }
  }

  // Reads the original through `conn` and the shadow through `shadow`
  // (the same session, or one whose snapshot was taken at the point that
  // matches conn's: RunRangesAt).
  void Worker(db::Connection& conn, db::Connection& shadow, std::stop_token stop);
  // The report, or the first error (Aborted if stopped without one).
  Result<ChecksumReport> Finish(bool stopped);
  std::stop_token token() const { return stop_all_.get_token(); }
  void Stop() { stop_all_.request_stop(); }

 private:
  TableRef Original() const { return TableRef{config_.database, config_.table, config_.key.index_name}; }
  TableRef Shadow() const { return TableRef{config_.database, config_.shadow_table, config_.key.shadow_index_name}; }
  Result<std::optional<std::pair<size_t, KeyRange>>> NextRange();
  Status CompareRange(db::Connection& conn, db::Connection& shadow_conn, size_t seq, const KeyRange& range);
  Status CompareKeys(db::Connection& conn, db::Connection& shadow_conn, const std::vector<KeyValue>& keys);

  // Point lookups per query: enough to amortise the round trip, small
  // enough that one statement stays short.
  static constexpr size_t kKeysPerQuery = 500;

  const ChecksumConfig& config_;
  const std::vector<KeyRange>* const fixed_;
  db::Connection* const producer_;
  std::atomic<uint64_t>& checked_;
  std::vector<std::string> original_exprs_, shadow_exprs_, original_nulls_, shadow_nulls_;
  std::vector<std::vector<KeyValue>> key_batches_;  // set before the workers start
  std::atomic<size_t> next_key_batch_{0};

  std::mutex producer_mu_;
  std::optional<RangeChunker> chunker_;  // guarded by producer_mu_
  size_t next_seq_ = 0;                  // guarded by producer_mu_

  std::mutex mu_;
  ChecksumReport report_;                                    // guarded by mu_
  std::vector<std::pair<size_t, ChunkDifference>> diffs_;    // guarded by mu_
  Status first_error_;                                       // guarded by mu_
  std::stop_source stop_all_;
};

Result<std::optional<std::pair<size_t, KeyRange>>> CompareRun::NextRange() {
  std::lock_guard<std::mutex> lock(producer_mu_);
  using Next = std::optional<std::pair<size_t, KeyRange>>;
  if (fixed_ != nullptr) {
    if (next_seq_ >= fixed_->size()) return Next();
    const size_t seq = next_seq_++;
    return Next(std::make_pair(seq, (*fixed_)[seq]));
  }
  OSC_ASSIGN_OR_RETURN(std::optional<PlannedChunk> chunk, chunker_->Next(*producer_, config_.chunk_size));
  if (!chunk) return Next();
  return Next(std::make_pair(next_seq_++, std::move(chunk->range)));
}

Status CompareRun::CompareRange(db::Connection& conn, db::Connection& shadow_conn, size_t seq, const KeyRange& range) {
  OSC_ASSIGN_OR_RETURN(Sums original, ReadSums(conn, ChecksumQuery(config_.key, Original(), original_exprs_, range,
                                                                   original_nulls_)));
  OSC_ASSIGN_OR_RETURN(Sums shadow,
                       ReadSums(shadow_conn, ChecksumQuery(config_.key, Shadow(), shadow_exprs_, range, shadow_nulls_)));
  checked_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  ++report_.chunks;
  report_.original_rows += original.rows;
  if (original.rows != shadow.rows || original.crc != shadow.crc) {
    diffs_.emplace_back(seq, ChunkDifference{range, original.rows, shadow.rows, original.crc, shadow.crc});
  }
  return Status::Ok();
}

Status CompareRun::CompareKeys(db::Connection& conn, db::Connection& shadow_conn, const std::vector<KeyValue>& keys) {
  OSC_ASSIGN_OR_RETURN(Sums original, ReadSums(conn, ChecksumKeysQuery(config_.key, Original(), original_exprs_,
                                                                       original_nulls_, keys)));
  OSC_ASSIGN_OR_RETURN(Sums shadow, ReadSums(shadow_conn, ChecksumKeysQuery(config_.key, Shadow(), shadow_exprs_,
                                                                     shadow_nulls_, keys)));
  if (original.rows != shadow.rows || original.crc != shadow.crc) {
    std::string first;
    for (size_t c = 0; c < keys.front().size(); ++c) first += (c == 0 ? "" : ", ") + keys.front()[c];
    std::lock_guard<std::mutex> lock(mu_);
    report_.key_differences.push_back(std::to_string(keys.size()) + " changed keys from (" + first +
                                      "): original " + std::to_string(original.rows) + " rows crc " + original.crc +
                                      ", shadow " + std::to_string(shadow.rows) + " rows crc " + shadow.crc);
  }
  return Status::Ok();
}

void CompareRun::Worker(db::Connection& conn, db::Connection& shadow, std::stop_token stop) {
  auto fail = [this](const Status& s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_error_.ok()) first_error_ = s.WithContext("checksum");
    stop_all_.request_stop();
  };
  while (!stop.stop_requested()) {
    Result<std::optional<std::pair<size_t, KeyRange>>> next = NextRange();
    Status s = next.ok() ? Status::Ok() : next.status();
    if (s.ok() && !next->has_value()) break;
    if (s.ok()) s = CompareRange(conn, shadow, (*next)->first, (*next)->second);
    if (!s.ok()) return fail(s);
  }
  while (!stop.stop_requested()) {
    const size_t i = next_key_batch_.fetch_add(1, std::memory_order_relaxed);
    if (i >= key_batches_.size()) return;
    if (Status s = CompareKeys(conn, shadow, key_batches_[i]); !s.ok()) return fail(s);
  }
}

Result<ChecksumReport> CompareRun::Finish(bool stopped) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!first_error_.ok()) return first_error_;
  if (stopped) return Status::Aborted("checksum stopped on request");
  std::sort(diffs_.begin(), diffs_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& d : diffs_) report_.differences.push_back(std::move(d.second));
  return report_;
}

}  // namespace

std::string ChunkDifference::Describe() const {
  return "chunk " + DescribeRange(range) + ": original " + std::to_string(original_rows) + " rows crc " +
         original_crc + ", shadow " + std::to_string(shadow_rows) + " rows crc " + shadow_crc;
}

Checksummer::Checksummer(ChecksumConfig config) : config_(std::move(config)) {}

Status Checksummer::CheckConfig(int threads) const {
  for (const std::string* name : {&config_.database, &config_.table, &config_.shadow_table}) {
    OSC_RETURN_IF_ERROR(db::ValidateIdentifier(*name));
  }
  if (config_.key.columns.empty() || config_.columns.columns.empty() || threads < 1) {
    return Status::InvalidArgument("checksum needs a key, at least one column and one thread");
  }
  return Status::Ok();
}

Result<ChecksumReport> Checksummer::Run(const ConsistentPointFn& consistent_point, std::stop_token stop) {
  return Compare(Work{}, consistent_point, stop);
}

Result<ChecksumReport> Checksummer::RunPart(const KeyRange& span, ChangedKeys* changed, int threads,
                                            const ConsistentPointFn& consistent_point, std::stop_token stop) {
  OSC_RETURN_IF_ERROR(ValidateRange(config_.key, span));
  Work work;
  work.span = span;
  work.changed = changed;
  work.threads = threads;
  return Compare(work, consistent_point, stop);
}

Result<ChecksumReport> Checksummer::RunRanges(const std::vector<KeyRange>& ranges, ChangedKeys* changed, int threads,
                                              const ConsistentPointFn& consistent_point, std::stop_token stop) {
  for (const KeyRange& r : ranges) OSC_RETURN_IF_ERROR(ValidateRange(config_.key, r));
  Work work;
  work.fixed = &ranges;
  work.changed = changed;
  work.threads = threads;
  return Compare(work, consistent_point, stop);
}

Result<ChecksumReport> Checksummer::RunRangesAt(const std::vector<KeyRange>& ranges, ChangedKeys* changed,
                                                const SplitPointFn& split, std::stop_token stop) {
  for (const KeyRange& r : ranges) OSC_RETURN_IF_ERROR(ValidateRange(config_.key, r));
  OSC_RETURN_IF_ERROR(CheckConfig(1));
  chunks_checked_.store(0, std::memory_order_relaxed);
  OSC_ASSIGN_OR_RETURN(db::Connection original, TakeSession());
  OSC_ASSIGN_OR_RETURN(db::Connection shadow, TakeSession());
  struct GiveBack {
    Checksummer* owner;
    db::Connection& original;
    db::Connection& shadow;
    ~GiveBack() {
      owner->ReturnSession(std::move(original));
      owner->ReturnSession(std::move(shadow));
    }
  } give_back{this, original, shadow};

  // The original's snapshot and the binlog position it corresponds to.
  OSC_RETURN_IF_ERROR(original.Execute(kStartSnapshot));
  OSC_ASSIGN_OR_RETURN(db::QueryResult status,
                       original.Query("SHOW SESSION STATUS WHERE Variable_name IN "
                                      "('binlog_snapshot_file', 'binlog_snapshot_position')"));
  std::string file;
  std::optional<uint64_t> offset;
  for (const db::Row& row : status.rows) {
    if (row.size() != 2 || !row[0] || !row[1]) continue;
    if (*row[0] == "binlog_snapshot_file" || *row[0] == "Binlog_snapshot_file") file = *row[1];
    if (*row[0] == "binlog_snapshot_position" || *row[0] == "Binlog_snapshot_position") {
      if (auto v = ParseNumber<uint64_t>(*row[1])) offset = *v;
    }
  }
  if (file.empty() || !offset) {
    return Status::NotSupported("the server does not report the binlog position of a snapshot");
  }

  ChangedKeys::Taken taken;
  bool shadow_started = false;
  const SnapshotReadyFn shadow_ready = [&]() -> Status {
    OSC_RETURN_IF_ERROR(shadow.Execute(kStartSnapshot));
    shadow_started = true;
    if (changed != nullptr) taken = changed->Take();
    OSC_SYNC_POINT("checksum:snapshots_started");
    return Status::Ok();
  };
  auto put_back = [&] {
    if (changed != nullptr) changed->PutBack(std::move(taken));
  };
  if (Status s = split(file, *offset, shadow_ready, stop).WithContext("checksum split point"); !s.ok()) {
    put_back();
    return s;
  }
  if (!shadow_started) {
    return Status::Internal("the split point returned without starting the shadow snapshot");
  }
  CompareRun run(config_, &ranges, KeyRange{}, nullptr, chunks_checked_);
  run.SetKeys(taken.keys, taken.overflowed);
  std::stop_callback forward(stop, [&run] { run.Stop(); });
  run.Worker(original, shadow, run.token());
  Result<ChecksumReport> result = run.Finish(stop.stop_requested());
  if (!result.ok()) put_back();
  return result;
}

Result<ChecksumReport> Checksummer::Recheck(const std::vector<KeyRange>& ranges,
                                            const ConsistentPointFn& consistent_point, std::stop_token stop) {
  for (const KeyRange& r : ranges) OSC_RETURN_IF_ERROR(ValidateRange(config_.key, r));
  Work work;
  work.fixed = &ranges;
  return Compare(work, consistent_point, stop);
}

Result<ChecksumReport> Checksummer::Compare(const Work& work, const ConsistentPointFn& consistent_point,
                                            std::stop_token stop) {
  const std::vector<KeyRange>* const fixed = work.fixed;
  const int threads = work.threads > 0 ? work.threads : config_.threads;
  OSC_RETURN_IF_ERROR(CheckConfig(threads));
  for (const std::string& note : config_.columns.excluded) spdlog::info("checksum: {}", note);
  chunks_checked_.store(0, std::memory_order_relaxed);

  // Sessions are opened before the consistent point: connecting takes
  // round trips, and the original is locked while snapshot_ready runs.
  // Session 0 plans the chunks (in the same snapshot, so its counts match
  // what the workers read); a re-check of fixed ranges needs no planner.
  const int sessions = threads + (fixed == nullptr ? 1 : 0);
  std::vector<db::Connection> conns;
  struct GiveBack {
    Checksummer* owner;
    std::vector<db::Connection>& conns;
    ~GiveBack() {
      for (db::Connection& c : conns) owner->ReturnSession(std::move(c));
    }
  } give_back{this, conns};
  for (int i = 0; i < sessions; ++i) {
    Result<db::Connection> c = TakeSession();
    if (!c.ok()) return c.status().WithContext("opening checksum sessions");
    conns.push_back(std::move(c).value());
  }
  int snapshots_started = 0;
  ChangedKeys::Taken changed;
  const SnapshotReadyFn snapshot_ready = [&]() -> Status {
    for (db::Connection& c : conns) {
      OSC_RETURN_IF_ERROR(c.Execute(kStartSnapshot));
      ++snapshots_started;
    }
    // Under the lock, with everything before the marker applied: exactly
    // the keys changed before this point (changed_keys.h).
    if (work.changed != nullptr) changed = work.changed->Take();
    OSC_SYNC_POINT("checksum:snapshots_started");
    return Status::Ok();
  };
  Status point = consistent_point(snapshot_ready, stop).WithContext("checksum consistent point");
  // Keys taken but not compared go back, so a later point compares them.
  auto put_back = [&] {
    if (work.changed != nullptr) work.changed->PutBack(std::move(changed));
  };
  if (!point.ok()) {
    put_back();
    return point;
  }
  if (snapshots_started != sessions) {
    put_back();
    return Status::Internal("the consistent point returned without starting the checksum snapshots");
  }

  CompareRun run(config_, fixed, work.span, fixed == nullptr ? &conns.front() : nullptr, chunks_checked_);
  run.SetKeys(changed.keys, changed.overflowed);  // copied: put_back may still need them
  std::stop_callback forward(stop, [&run] { run.Stop(); });
  {
    std::vector<std::jthread> workers;
    for (size_t i = fixed == nullptr ? 1 : 0; i < conns.size(); ++i) {
      workers.emplace_back([&run, &conn = conns[i], token = run.token()] { run.Worker(conn, conn, token); });
    }
  }  // joins; the snapshots end when the sessions close
  Result<ChecksumReport> result = run.Finish(stop.stop_requested());
  if (!result.ok()) put_back();
  return result;
}

Result<db::Connection> Checksummer::TakeSession() {
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    if (!idle_sessions_.empty()) {
      db::Connection c = std::move(idle_sessions_.back());
      idle_sessions_.pop_back();
      return c;
    }
  }
  return db::Connection::Open(
      internal::WithInitStatements(config_.connection, internal::SnapshotSessionStatements()));
}

void Checksummer::ReturnSession(db::Connection conn) {
  // A session that cannot end its snapshot cleanly is not trusted again;
  // closing it ends whatever it still holds.
  if (conn.broken() || !conn.Execute("ROLLBACK").ok()) return;
  std::lock_guard<std::mutex> lock(sessions_mu_);
  if (idle_sessions_.size() < kMaxIdleSessions) idle_sessions_.push_back(std::move(conn));
}

Status ChecksumAndRepair(Checksummer& checksummer, const ConsistentPointFn& consistent_point,
                         const RecopyFn& recopy, int max_repairs, std::stop_token stop, ChecksumReport* report) {
  OSC_ASSIGN_OR_RETURN(ChecksumReport current, checksummer.Run(consistent_point, stop));
  spdlog::info("checksum: {} chunks, {} rows, {} differing", current.chunks, current.original_rows,
               current.differences.size());
  for (int round = 1; round <= max_repairs && !current.ok(); ++round) {
    std::vector<KeyRange> ranges;
    for (const ChunkDifference& d : current.differences) {
      spdlog::warn("checksum: {}; re-copying it (repair {} of {})", d.Describe(), round, max_repairs);
      OSC_RETURN_IF_ERROR(recopy(d.range, stop));
      ranges.push_back(d.range);
    }
    OSC_ASSIGN_OR_RETURN(current, checksummer.Recheck(ranges, consistent_point, stop));
  }
  if (report != nullptr) *report = current;
  if (current.ok()) return Status::Ok();
  return Status::FailedPrecondition(
      "checksum: the shadow table differs from the original in " + std::to_string(current.differences.size()) +
      " chunk(s) after " + std::to_string(max_repairs) + " repair(s); first " + current.differences.front().Describe() +
      ". The original table is untouched.");
}

}  // namespace osc::copy
