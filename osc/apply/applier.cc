#include "osc/apply/applier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "db/errors.h"
#include "db/quoting.h"
#include "osc/apply/ddl.h"

namespace osc::apply {
namespace {

// Binlog file names share a base and grow a numeric suffix; past 999999 the
// suffix gets longer, so a longer name is a later file.
int CompareFiles(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

}  // namespace

Applier::Applier(ApplierConfig config, RowMapper mapper, ChangeFeed* feed, ShadowWriter* writer,
                 ChangelogCallback on_changelog)
    : config_(std::move(config)),
      mapper_(std::move(mapper)),
      feed_(feed),
      writer_(writer),
      on_changelog_(std::move(on_changelog)),
      shadow_sql_(db::QuoteQualified(config_.schema, config_.shadow_table)),
      batch_(mapper_.key_has_collation()) {}

Status Applier::Run(std::stop_token stop) {
  Status s = Loop(stop);
  // A requested stop is not a failure: what was read and not applied is
  // simply not published as applied.
  if (stop.stop_requested() && s.IsAborted()) s = Status::Ok();
  std::lock_guard lock(mu_);
  finished_ = true;
  if (!s.ok() && error_.ok()) {
    error_ = s;
    spdlog::error("applier stopped: {}", s.ToString());
  }
  cv_.notify_all();
  return s;
}

Status Applier::Loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Result<std::optional<binlog::ChangeEvent>> next = feed_->NextFor(config_.idle_flush, stop);
    if (!next.ok()) return next.status();
    if (!next->has_value()) {
      // Idle: apply what we have so waiters (cut-over, checksum) see it.
      OSC_RETURN_IF_ERROR(Flush(stop));
      continue;
    }
    OSC_RETURN_IF_ERROR(HoldBefore(**next, stop));
    bool done = false;
    OSC_RETURN_IF_ERROR(Handle(**next, stop, &done));
    if (done) return Status::Ok();
  }
  return Status::Ok();
}

Status Applier::Handle(const binlog::ChangeEvent& event, std::stop_token stop, bool* done) {
  switch (event.kind) {
    case binlog::ChangeKind::kRows:
      OSC_RETURN_IF_ERROR(HandleRows(event, stop));
      break;
    case binlog::ChangeKind::kQuery: {
      const bool ddl = IsDdlOnTable(event.query, event.database, config_.schema, config_.table);
      if (ddl) {
        bool rename_expected = false;
        {
          std::lock_guard lock(mu_);
          rename_expected = expect_rename_;
        }
        if (rename_expected && IsRenameStatement(event.query)) {
          OSC_RETURN_IF_ERROR(Flush(stop));
          *done = true;
          std::lock_guard lock(mu_);
          reached_rename_ = true;
          return Status::Ok();
        }
        return Status::FailedPrecondition("DDL on " + db::QuoteQualified(config_.schema, config_.table) +
                                          " while osc runs; the shadow copy would be wrong: " +
                                          db::StatementExcerpt(event.query));
      }
      if (IsStatementDmlOnTable(event.query, event.database, config_.schema, config_.table)) {
        return Status::FailedPrecondition("a change to " + db::QuoteQualified(config_.schema, config_.table) +
                                          " was logged as a statement (binlog_format is not ROW for "
                                          "that session): " +
                                          db::StatementExcerpt(event.query));
      }
      pending_ = event.checkpoint;
      break;
    }
    case binlog::ChangeKind::kCommit:
      pending_ = event.checkpoint;
      // Caught up, or the batch is large: apply at this transaction
      // boundary rather than in the middle of the next transaction.
      if (!batch_.empty() &&
          (feed_->backlog() == 0 || batch_.size() * 4 >= size_t{config_.options.max_batch_rows} * 3)) {
        OSC_RETURN_IF_ERROR(Flush(stop));
      }
      break;
    case binlog::ChangeKind::kBegin:
    case binlog::ChangeKind::kHeartbeat:
    case binlog::ChangeKind::kRotate:
      pending_ = event.checkpoint;
      break;
  }
  if (batch_.empty()) Publish(pending_);
  return Status::Ok();
}

Status Applier::HandleRows(const binlog::ChangeEvent& event, std::stop_token stop) {
  const binlog::RowsChange& rows = *event.rows;
  const binlog::TableMap& map = rows.table();
  if (map.schema() == config_.schema && map.table() == config_.changelog_table) {
    return HandleChangelog(event, stop);
  }
  if (map.schema() != config_.schema || map.table() != config_.table) {
    pending_ = event.checkpoint;  // a table the stream follows for someone else
    return Status::Ok();
  }
  OSC_ASSIGN_OR_RETURN(binlog::RowDecoder decoder, rows.Decoder());
  const size_t max_rows = std::max<size_t>(1, config_.options.max_batch_rows);
  while (true) {
    OSC_ASSIGN_OR_RETURN(bool more, decoder.Next(&row_));
    if (!more) break;
    OSC_ASSIGN_OR_RETURN(RowChange change, mapper_.Map(rows.kind(), row_, event.checkpoint));
    if (!batch_.TryAdd(change)) {
      OSC_RETURN_IF_ERROR(Flush(stop));
      batch_.TryAdd(change);  // an empty batch accepts any change
    }
    // A flush inside an event publishes the position before the event
    // (pending_ is not advanced yet): never claim rows not yet applied.
    if (batch_.size() >= max_rows) OSC_RETURN_IF_ERROR(Flush(stop));
  }
  pending_ = event.checkpoint;
  return Status::Ok();
}

Status Applier::HandleChangelog(const binlog::ChangeEvent& event, std::stop_token stop) {
  // Everything before the changelog row must be in the shadow before
  // anyone hears about the row: a marker means "applied up to here".
  OSC_RETURN_IF_ERROR(Flush(stop));
  pending_ = event.checkpoint;
  std::vector<std::string> strings;
  OSC_ASSIGN_OR_RETURN(binlog::RowDecoder decoder, event.rows->Decoder());
  while (true) {
    OSC_ASSIGN_OR_RETURN(bool more, decoder.Next(&row_));
    if (!more) break;
    for (const binlog::Value& v : row_.after) {
      if (v.kind == binlog::ValueKind::kString) strings.emplace_back(v.raw);
    }
  }
  {
    std::lock_guard lock(mu_);
    for (const std::string& s : strings) {
      if (expected_markers_.erase(s) > 0) seen_markers_.insert(s);
    }
  }
  Publish(pending_);
  if (on_changelog_) on_changelog_(event);
  return Status::Ok();
}

Status Applier::Flush(std::stop_token stop) {
  if (batch_.empty()) {
    Publish(pending_);
    return Status::Ok();
  }
  std::vector<std::string> statements;
  std::string del = batch_.DeleteStatement(shadow_sql_, mapper_.key_columns());
  std::string rep = batch_.ReplaceStatement(shadow_sql_, mapper_.target_columns());
  if (!del.empty()) statements.push_back(std::move(del));
  if (!rep.empty()) statements.push_back(std::move(rep));
  OSC_RETURN_IF_ERROR(writer_->ApplyTransaction(statements, stop));
  if (config_.on_applied_keys) config_.on_applied_keys(batch_.Keys());
  const size_t applied = batch_.size();
  batch_.Clear();
  {
    std::lock_guard lock(mu_);
    rows_applied_ += applied;
    ++batches_applied_;
  }
  Publish(pending_);
  return Status::Ok();
}

void Applier::Publish(const binlog::Checkpoint& position) {
  std::lock_guard lock(mu_);
  applied_ = position;
  cv_.notify_all();
}

void Applier::ExpectRename() {
  std::lock_guard lock(mu_);
  expect_rename_ = true;
}

bool Applier::reached_rename() const {
  std::lock_guard lock(mu_);
  return reached_rename_;
}

binlog::Checkpoint Applier::applied_position() const {
  std::lock_guard lock(mu_);
  return applied_;
}

uint64_t Applier::rows_applied() const {
  std::lock_guard lock(mu_);
  return rows_applied_;
}

uint64_t Applier::batches_applied() const {
  std::lock_guard lock(mu_);
  return batches_applied_;
}

Status Applier::status() const {
  std::lock_guard lock(mu_);
  return error_;
}

namespace {

// Where the event ending at `c` ends relative to `p`: <0 before, 0 at, >0
// after; nullopt when `c` is still empty (no event yet).
std::optional<int> CompareEnd(const binlog::Checkpoint& c, const binlog::BinlogPosition& p) {
  if (c.restart.file.empty()) return std::nullopt;
  if (const int f = CompareFiles(c.restart.file, p.file); f != 0) return f;
  return c.handled < p.offset ? -1 : c.handled > p.offset ? 1 : 0;
}

bool EndsAfter(const binlog::Checkpoint& c, const binlog::BinlogPosition& p) {
  const std::optional<int> cmp = CompareEnd(c, p);
  return cmp && *cmp > 0;
}

}  // namespace

bool Applier::HoldAfter(const binlog::BinlogPosition& position) {
  std::lock_guard lock(mu_);
  // Every event HoldBefore let through so far is at or before `position`,
  // and every later one is checked against it under this mutex.
  if (EndsAfter(last_taken_, position)) return false;
  hold_after_ = position;
  holding_ = false;
  return true;
}

void Applier::Release() {
  std::lock_guard lock(mu_);
  hold_after_.reset();
  holding_ = false;
  cv_.notify_all();
}

Status Applier::WaitHolding(std::chrono::milliseconds timeout, std::stop_token stop) {
  return Wait([this] { return holding_; }, timeout, stop);
}

// The event ends after the hold position: apply what came before it, say
// so, and wait for Release (or stop, or an error elsewhere).
Status Applier::HoldBefore(const binlog::ChangeEvent& event, std::stop_token stop) {
  {
    std::lock_guard lock(mu_);
    if (!hold_after_ || !EndsAfter(event.checkpoint, *hold_after_)) {
      last_taken_ = event.checkpoint;
      return Status::Ok();
    }
  }
  OSC_RETURN_IF_ERROR(Flush(stop));
  std::unique_lock lock(mu_);
  holding_ = true;
  cv_.notify_all();
  cv_.wait(lock, stop, [this] { return !hold_after_.has_value(); });
  holding_ = false;
  last_taken_ = event.checkpoint;
  return stop.stop_requested() ? Status::Aborted("applier stopped") : Status::Ok();
}

bool Applier::Reached(const binlog::BinlogPosition& position) const {
  const std::optional<int> cmp = CompareEnd(applied_, position);
  return cmp && *cmp >= 0;
}

Status Applier::Wait(const std::function<bool()>& done, std::chrono::milliseconds timeout, std::stop_token stop) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  while (true) {
    if (done()) return Status::Ok();
    if (!error_.ok()) return error_;
    if (finished_) return Status::FailedPrecondition("the applier has stopped");
    if (stop.stop_requested()) return Status::Aborted("wait for the applier: stopped");
    if (std::chrono::steady_clock::now() >= deadline) return Status::Timeout("wait for the applier timed out");
    cv_.wait_until(lock, stop, deadline, [&] { return done() || !error_.ok() || finished_; });
  }
}

Status Applier::WaitApplied(const binlog::BinlogPosition& position, std::chrono::milliseconds timeout,
                            std::stop_token stop) {
  return Wait([&] { return Reached(position); }, timeout, stop);
}

void Applier::ExpectMarker(const std::string& marker) {
  std::lock_guard lock(mu_);
  expected_markers_.insert(marker);
}

Status Applier::WaitForMarker(const std::string& marker, std::chrono::milliseconds timeout, std::stop_token stop) {
  Status s = Wait([&] { return seen_markers_.count(marker) > 0; }, timeout, stop);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    seen_markers_.erase(marker);
  }
  return s;
}

}  // namespace osc::apply
