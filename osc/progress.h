// Progress of a migration: a snapshot of counters, a smoothed copy rate
// and ETA, and the line formats osc prints (plain text for people and CI
// logs, one JSON object per line for programs).
//
// JSON lines (--progress=json). Each line is exactly one object, no
// pretty-printing, no embedded newline; the first key is always "type".
// Field names are a contract for programs: add fields, never rename or
// remove them. Absent optionals are null, never missing.
//   {"type":"progress","state":s,"elapsed_ms":n,"rows_copied":n,
//    "rows_estimated":n,"percent":x|null,"copy_rows_per_second":x,
//    "changes_applied":n,"apply_backlog":n,"binlog_lag_ms":n|null,
//    "replica_lag_ms":n|null,"eta_seconds":n|null,"chunk_size":n,
//    "throttled":b,"throttle_reason":s,"cut_over_attempts":n}
//   {"type":"state","from":s,"to":s,"elapsed_ms":n}
//   {"type":"summary","outcome":s,"final_state":s,"message":s,
//    "elapsed_ms":n,"rows_copied":n,"rows_estimated":n,
//    "changes_applied":n,"cut_over_attempts":n,"report":s|null}
// s: JSON string (UTF-8 passed through, control characters escaped),
// n: integer, x: number, b: true/false. "percent" is null while the row
// estimate is unknown (0); "outcome" is one of success, planned, refused,
// failed, aborted.
//
// Thread safety: RateEstimator is not thread-safe (the progress thread owns
// it); the Format* functions are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace osc::migration {

struct ProgressSnapshot {
  std::string state;              // StateMachine state name
  std::chrono::milliseconds elapsed{0};
  uint64_t rows_copied = 0;
  uint64_t rows_estimated = 0;    // from the copy range / table statistics
  double copy_rows_per_second = 0;
  uint64_t changes_applied = 0;   // binlog row changes applied to the shadow
  uint64_t apply_backlog = 0;     // row changes read but not applied yet
  // How far the applied binlog position trails the newest heartbeat osc
  // wrote; nullopt before the first heartbeat comes back.
  std::optional<std::chrono::milliseconds> binlog_lag;
  // Worst lag over the replicas osc watches; nullopt when none is watched
  // or none answered yet.
  std::optional<std::chrono::milliseconds> replica_lag;
  std::optional<std::chrono::seconds> eta;
  uint64_t chunk_size = 0;
  // True while the throttler holds the copy. `throttle_reason` says why
  // (empty when not throttled, or when the throttler gave no reason).
  bool throttled = false;
  std::string throttle_reason;
  int cut_over_attempts = 0;

  // Older producers only set throttle_reason: a reason means throttled.
  bool IsThrottled() const { return throttled || !throttle_reason.empty(); }
  // Copy completion in [0, 100]; nullopt while the estimate is unknown.
  std::optional<double> Percent() const;
};

// The end of a run, for the final summary line/object.
struct ProgressSummary {
  // success, planned, refused, failed or aborted.
  std::string outcome;
  std::string final_state;   // StateMachine state name
  std::string message;       // one paragraph for people (MigrationOutcome::summary or the error)
  ProgressSnapshot last;     // the last snapshot taken
  std::string report_path;   // the HTML report written; empty: none
};

// Exponentially smoothed rate of a monotonically growing counter.
class RateEstimator {
 public:
  // `half_life`: how quickly old samples lose weight.
  explicit RateEstimator(std::chrono::milliseconds half_life = std::chrono::seconds(10));
  // Feeds the counter's value at `now`; returns the smoothed rate per second.
  double Update(uint64_t value, Clock::SteadyTime now);
  double rate() const { return rate_; }

 private:
  std::chrono::milliseconds half_life_;
  bool has_sample_ = false;
  uint64_t last_value_ = 0;
  Clock::SteadyTime last_time_{};
  double rate_ = 0;
};

// Remaining copy time at `rows_per_second`; nullopt when the rate is zero
// or unknown. Never negative (copied may exceed an estimate).
std::optional<std::chrono::seconds> EstimateEta(uint64_t copied, uint64_t estimated, double rows_per_second);

// "copying 45.2% 452000/1000000 rows, 12040 rows/s, applied 5230 (backlog
// 12), binlog lag 0.4s, replica lag 1.2s, ETA 45s, chunk 2000 [throttled:
// replica lag 2.1s]" (optional parts appear only when known / non-zero).
std::string FormatProgressLine(const ProgressSnapshot& p);
// "state copying -> catching-up after 1m05s"
std::string FormatStateLine(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed);
// "success after 12m03s: 1000000 rows copied, 5230 changes applied,
// 1 cut-over attempt(s): <message>; report: <path>"
std::string FormatSummaryLine(const ProgressSummary& s);

// The JSON objects documented at the top: one line each, no trailing
// newline.
std::string FormatProgressJson(const ProgressSnapshot& p);
std::string FormatStateJson(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed);
std::string FormatSummaryJson(const ProgressSummary& s);
// `s` as a JSON string literal (quotes included).
std::string JsonQuote(std::string_view s);
// "1h02m03s", "45s", "3m05s".
std::string FormatSeconds(std::chrono::seconds s);

}  // namespace osc::migration
