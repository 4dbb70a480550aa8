// Progress of a migration: a snapshot of counters, a smoothed copy rate
// and ETA, and the two line formats osc prints (plain text for people and
// CI logs, one JSON object per line for programs).
//
// Thread safety: RateEstimator is not thread-safe (the progress thread owns
// it); the Format* functions are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

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
  std::optional<std::chrono::seconds> eta;
  uint64_t chunk_size = 0;
  std::string throttle_reason;    // empty when not throttled
  int cut_over_attempts = 0;
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
// 12), binlog lag 0.4s, ETA 45s, chunk 2000 [throttled: replica lag 2.1s]"
std::string FormatProgressLine(const ProgressSnapshot& p);
// {"state":"copying","elapsed_ms":...,"rows_copied":...,...}: one line, no
// trailing newline; absent optionals are null.
std::string FormatProgressJson(const ProgressSnapshot& p);
// "1h02m03s", "45s", "3m05s".
std::string FormatSeconds(std::chrono::seconds s);

}  // namespace osc::migration
