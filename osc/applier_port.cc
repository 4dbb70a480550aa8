// The production ChangeApplier: osc/apply's Applier over the ChangeStream,
// plus the changelog bookkeeping the orchestrator needs (markers and
// heartbeats).
//
// Why markers are tracked here and not with Applier::ExpectMarker: the
// cut-over module writes its marker row itself and only then asks to wait
// for it, so the applier may read the row before anyone said to expect it.
// The changelog callback runs for every changelog row after all changes
// before it are in the shadow, which is exactly "applied up to the marker";
// recording every marker row seen (there are a handful per migration)
// makes the order of write and wait irrelevant.

#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "osc/apply/applier.h"
#include "osc/apply/shadow_writer.h"
#include "osc/cutover/changelog.h"
#include "osc/migration_internal.h"

namespace osc::migration::internal {
namespace {

// "2023-11-14 22:13:20.123456" (UTC, cutover::FormatUtcMicros) -> time.
std::optional<Clock::WallTime> ParseUtcMicros(std::string_view text) {
  int y, mo, d, h, mi, sec, us = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d.%d", &y, &mo, &d, &h, &mi, &sec, &us) < 6) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const time_t t = timegm(&tm);
  return Clock::WallTime(std::chrono::seconds(t)) + std::chrono::microseconds(us);
}

class ApplierPort final : public ChangeApplier {
 public:
  ApplierPort(ApplierSetup setup, apply::RowMapper mapper, binlog::ChangeStream* stream)
      : setup_(std::move(setup)),
        feed_(stream),
        writer_(setup_.connection, std::chrono::seconds(5), Policy(setup_), setup_.clock),
        applier_(Config(setup_), std::move(mapper), &feed_, &writer_,
                 [this](const binlog::ChangeEvent& e) { OnChangelog(e); }) {}

  Status Run(std::stop_token stop) override {
    Status s = applier_.Run(stop);
    {
      std::lock_guard lock(mu_);
      finished_ = true;
      if (!s.ok()) error_ = s;
    }
    cv_.notify_all();
    return s;
  }

  uint64_t backlog() const override { return applier_.backlog(); }
  uint64_t applied() const override { return applier_.rows_applied(); }
  void ExpectRename() override { applier_.ExpectRename(); }
  binlog::Checkpoint applied_position() const override { return applier_.applied_position(); }
  bool HoldAfter(const binlog::BinlogPosition& position) override { return applier_.HoldAfter(position); }
  Status WaitHolding(std::chrono::milliseconds timeout, std::stop_token stop) override {
    return applier_.WaitHolding(timeout, stop);
  }
  void Release() override { applier_.Release(); }

  Status WaitForMarker(const std::string& marker, Clock::SteadyTime deadline, std::stop_token stop) override {
    return WaitUntil(
        [&]() -> std::optional<Status> {
          if (seen_markers_.count(marker) > 0) return Status::Ok();
          if (!error_.ok()) return error_;
          if (finished_) return Status::Aborted("the binlog applier stopped");
          return std::nullopt;
        },
        deadline, stop, "the binlog applier did not reach marker " + marker + " in time");
  }

  Status WaitPastRename(Clock::SteadyTime deadline, std::stop_token stop) override {
    return WaitUntil(
        [&]() -> std::optional<Status> {
          if (!finished_) return std::nullopt;
          if (!error_.ok()) return error_;
          if (applier_.reached_rename()) return Status::Ok();
          return Status::Aborted("the binlog applier stopped before it read the cut-over's RENAME");
        },
        deadline, stop, "the binlog applier did not reach the cut-over's RENAME in time");
  }

  std::optional<std::chrono::milliseconds> HeartbeatLag(Clock::WallTime now) const override {
    std::lock_guard lock(mu_);
    if (!last_heartbeat_) return std::nullopt;
    const auto lag = std::chrono::duration_cast<std::chrono::milliseconds>(now - *last_heartbeat_);
    return lag.count() < 0 ? std::chrono::milliseconds(0) : lag;
  }

 private:
  // Waits until `outcome` (called with mu_ held) has a status and returns
  // it; Aborted on `stop`, Timeout(`late`) once `deadline` passed. Real
  // time bounds each wait; the deadline is on the injected clock, so the
  // loop wakes at least every 10 ms to re-read it.
  template <typename Outcome>
  Status WaitUntil(Outcome outcome, Clock::SteadyTime deadline, std::stop_token stop, const std::string& late) {
    std::unique_lock lock(mu_);
    while (true) {
      if (std::optional<Status> done = outcome()) return *std::move(done);
      if (stop.stop_requested()) return Status::Aborted("stopped while waiting for the applier");
      const auto now = setup_.clock->Now();
      if (now >= deadline) return Status::Timeout(late);
      cv_.wait_for(lock, stop, std::min<Clock::Duration>(deadline - now, std::chrono::milliseconds(10)),
                   [&] { return outcome().has_value(); });
    }
  }

  static copy::internal::RetryPolicy Policy(const ApplierSetup& s) {
    copy::internal::RetryPolicy p;
    p.reconnect_budget = s.reconnect_budget;
    return p;
  }
  static apply::ApplierConfig Config(const ApplierSetup& s) {
    apply::ApplierConfig c;
    c.schema = s.database;
    c.table = s.table;
    c.shadow_table = s.shadow_table;
    c.changelog_table = s.changelog_table;
    c.options = s.options;
    c.on_applied_keys = s.on_applied_keys;
    return c;
  }

  // Runs on the applier thread for each changelog rows event.
  void OnChangelog(const binlog::ChangeEvent& event) {
    auto decoder = event.rows->Decoder();
    if (!decoder.ok()) return;
    binlog::Row row;
    std::vector<std::string> markers;
    std::optional<Clock::WallTime> heartbeat;
    while (true) {
      auto more = decoder->Next(&row);
      if (!more.ok() || !*more) break;
      if (row.after.size() <= cutover::kValueColumn) continue;
      const binlog::Value& kind = row.after[cutover::kKindColumn];
      const binlog::Value& value = row.after[cutover::kValueColumn];
      if (kind.kind != binlog::ValueKind::kString || value.kind != binlog::ValueKind::kString) continue;
      if (kind.raw == "marker") markers.emplace_back(value.raw);
      if (kind.raw == "heartbeat") heartbeat = ParseUtcMicros(value.raw);
    }
    {
      std::lock_guard lock(mu_);
      for (auto& m : markers) seen_markers_.insert(std::move(m));
      if (heartbeat) last_heartbeat_ = heartbeat;
    }
    cv_.notify_all();
  }

  const ApplierSetup setup_;
  apply::ChangeStreamFeed feed_;
  apply::SessionShadowWriter writer_;
  apply::Applier applier_;

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::set<std::string> seen_markers_;          // guarded by mu_
  std::optional<Clock::WallTime> last_heartbeat_;  // guarded by mu_
  Status error_;                                 // guarded by mu_
  bool finished_ = false;                        // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<ChangeApplier>> MakeApplier(ApplierSetup setup, binlog::ChangeStream* stream) {
  if (!setup.original || !setup.mapping || !setup.key || !stream || !setup.clock) {
    return Status::InvalidArgument("applier setup is incomplete");
  }
  OSC_ASSIGN_OR_RETURN(apply::RowMapper mapper, apply::RowMapper::Create(*setup.original, *setup.mapping, *setup.key));
  return std::unique_ptr<ChangeApplier>(new ApplierPort(std::move(setup), std::move(mapper), stream));
}

}  // namespace osc::migration::internal
