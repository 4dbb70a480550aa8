#include "osc/copy/chunk_size.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace osc::copy {
namespace {

// Largest single-step change of the size, either way.
constexpr double kMaxStep = 2.0;
// Share of the (logarithmic) step taken at once: 0.5 moves half way.
constexpr double kSmoothing = 0.5;
// A chunk this many times slower than the target halves the size at once.
constexpr int kPanicFactor = 4;
// Durations below this are clock noise; treat them as this long so a
// 0 ns chunk cannot produce an infinite ideal size.
constexpr Clock::Duration kMinMeasurable = std::chrono::milliseconds(1);

}  // namespace

ChunkSizer::ChunkSizer(const migration::CopyOptions& options)
    : min_(std::max<uint64_t>(1, options.min_chunk_size)),
      max_(std::max(std::max<uint64_t>(1, options.min_chunk_size), options.max_chunk_size)),
      target_(std::chrono::duration_cast<Clock::Duration>(options.chunk_target_time)),
      current_(std::clamp(options.chunk_size, min_, max_)) {}

uint64_t ChunkSizer::Clamp(double rows) const {
  if (!(rows >= static_cast<double>(min_))) return min_;  // also catches NaN
  if (rows >= static_cast<double>(max_)) return max_;
  return static_cast<uint64_t>(std::llround(rows));
}

void ChunkSizer::Record(uint64_t planned_rows, Clock::Duration elapsed) {
  if (planned_rows == 0) return;
  if (elapsed > kPanicFactor * target_) {
    current_ = std::max(min_, current_ / 2);
    return;
  }
  const double took = static_cast<double>(std::max(elapsed, kMinMeasurable).count());
  const double ideal = static_cast<double>(planned_rows) * static_cast<double>(target_.count()) / took;
  const double step = std::clamp(ideal / static_cast<double>(current_), 1.0 / kMaxStep, kMaxStep);
  current_ = Clamp(static_cast<double>(current_) * std::pow(step, kSmoothing));
}

void ChunkSizer::Set(uint64_t rows) {
  current_ = std::clamp(rows, min_, max_);
  ++generation_;
}

// innodb_autoinc_lock_mode 0 or 1 with an AUTO_INCREMENT column: each
// chunk holds the shadow's AUTO-INC lock for its whole statement, so the
// workers take turns, the applier's writes wait for the chunk in progress,
// and a chunk's measured time includes its wait for the others. Shorter
// chunks keep those waits short: on the 1M-row benchmark in mode 1 the copy
// under load was 8-10% faster with 250 ms than with 500 ms, and no slower
// idle. In mode 2 the shorter target was 2% slower under load, so it applies
// only where inserts take turns, and never over an explicit target.
std::chrono::milliseconds EffectiveChunkTargetTime(const migration::CopyOptions& options, bool inserts_take_turns) {
  if (!inserts_take_turns || options.chunk_target_time_given) return options.chunk_target_time;
  return std::max(std::chrono::milliseconds(1), options.chunk_target_time / 2);
}

}  // namespace osc::copy
