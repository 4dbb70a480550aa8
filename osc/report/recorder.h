// Recorder: remembers what a migration did over time, for the HTML report
// written at the end (osc/report/html_report.h).
//
// The orchestrator feeds it every progress snapshot, every state change,
// throttle start/stop and every cut-over attempt. Memory stays bounded for
// any migration length:
//   - samples: at most RecorderOptions::max_samples (+1 pending). When the
//     buffer is full, neighbours are merged pairwise and the resolution is
//     halved, so the whole run stays evenly covered. The first sample is
//     never merged; the newest point always carries the newest time and
//     row count.
//   - throttle periods: at most max_throttle_periods; when full,
//     neighbouring periods are merged (the merged period also covers the
//     gap between them and says how many periods it stands for).
//   - events (state changes, cut-over attempts): the first and the last
//     max_events/2 are kept, the middle ones are counted as dropped.
//
// Thread safety: every method may be called from any thread (the progress
// thread feeds samples while the orchestrator feeds states); one mutex.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "osc/progress.h"
#include "osc/report/head_tail_log_internal.h"
#include "osc/state.h"

namespace osc::report {

struct ReportHeader;  // osc/report/html_report.h

struct RecorderOptions {
  // Plot resolution budget. 2000 points is finer than any plot's pixel
  // width, and about 200 KB of memory.
  size_t max_samples = 2000;
  size_t max_throttle_periods = 500;
  size_t max_events = 1000;
};

// One plotted point. A point may stand for several raw snapshots (merged
// > 1): then `wall`, `rows_copied` and `rows_estimated` are the newest
// snapshot's, the rate is the mean, and the backlog and lags are the
// maximum (peaks are what a post-mortem looks for).
struct Sample {
  Clock::WallTime wall{};
  uint64_t rows_copied = 0;
  uint64_t rows_estimated = 0;
  double copy_rows_per_second = 0;
  uint64_t apply_backlog = 0;
  std::optional<std::chrono::milliseconds> binlog_lag;
  std::optional<std::chrono::milliseconds> replica_lag;
  bool throttled = false;  // throttled in any of the merged snapshots
  uint64_t merged = 1;
};

struct ThrottlePeriod {
  Clock::WallTime start{};
  std::optional<Clock::WallTime> end;  // nullopt: still throttled
  std::string reason;                  // distinct reasons joined with "; "
  uint64_t merged = 1;
};

struct CutOverAttempt {
  int number = 0;  // 1-based
  Clock::WallTime start{};
  Clock::WallTime end{};
  bool ok = false;
  std::chrono::milliseconds lock_time{0};  // how long the table was locked
  std::string error;                       // empty when ok
};

struct Event {
  enum class Kind : uint8_t { kState, kCutOver };
  Clock::WallTime wall{};
  Kind kind = Kind::kState;
  std::string text;  // "copying -> catching-up", "attempt 1 failed: ..."
  std::string to_state;  // kState only: the state entered
  bool ok = true;        // kCutOver only
};

// Everything recorded, copied out for rendering.
struct Recording {
  std::vector<Sample> samples;  // oldest first
  uint64_t raw_samples = 0;     // snapshots fed in total
  std::vector<ThrottlePeriod> throttle_periods;
  std::vector<Event> events;  // oldest first
  uint64_t events_dropped = 0;  // dropped between the first and last halves
  std::vector<CutOverAttempt> cut_over_attempts;  // bounded like events
  uint64_t cut_over_attempts_dropped = 0;
};

class Recorder {
 public:
  explicit Recorder(RecorderOptions options = {});
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // A progress snapshot taken at `wall`. Until OnThrottle is first called,
  // throttle periods are also derived from the snapshots' throttled flag
  // and reason (at the progress interval's resolution); after that, only
  // OnThrottle's more precise times are used.
  void OnProgress(const migration::ProgressSnapshot& p, Clock::WallTime wall);
  void OnState(migration::State from, migration::State to, Clock::WallTime wall);
  // Throttling started (`on`) or stopped. A start with a new reason while
  // throttled ends the old period and starts a new one; repeated calls with
  // the same state are ignored.
  void OnThrottle(bool on, std::string reason, Clock::WallTime wall);
  void OnCutOverAttempt(const CutOverAttempt& attempt);

  Recording Snapshot() const;

  // Renders Snapshot() with `header` (osc/report/html_report.h) and writes
  // it to `path` atomically. IoError when the file cannot be written (the
  // previous file at `path`, if any, is then left unchanged).
  Status WriteHtml(const std::string& path, const ReportHeader& header) const;

 private:
  void AddSampleLocked(const Sample& s);
  void HalveSamplesLocked();
  void ThrottleLocked(bool on, std::string reason, Clock::WallTime wall);
  void MergeThrottlePeriodsLocked();

  const RecorderOptions options_;
  mutable std::mutex mu_;
  // All below guarded by mu_.
  std::vector<Sample> samples_;
  std::optional<Sample> pending_;  // raw snapshots not yet worth a point
  uint64_t stride_ = 1;            // raw snapshots per stored point
  uint64_t raw_samples_ = 0;
  std::vector<ThrottlePeriod> throttle_periods_;
  bool explicit_throttle_ = false;
  internal::HeadTailLog<Event> events_;
  internal::HeadTailLog<CutOverAttempt> attempts_;
};

}  // namespace osc::report
