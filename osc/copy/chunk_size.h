// Adaptive chunk size: how many rows the next chunk should hold so that
// one chunk statement takes about CopyOptions::chunk_target_time.
//
// Why adapt: a fixed row count is wrong for most tables. Wide rows, cold
// buffer pools, a busy server or lock waits make the same count take 10x
// longer, and a long chunk holds its row locks on the original (blocking
// the application's writers) and reacts late to throttling. Narrow rows
// make a small count waste round trips.
//
// The rule, for each finished chunk that was planned at n rows and took d:
//   - d > 4 x target: halve at once (something changed: a lock pile-up, a
//     cold range; back off hard before the next chunk makes it worse);
//   - otherwise the ideal size is n x target / d; move toward it by a
//     factor bounded to [1/2, 2] and smoothed (half of the step, taken
//     geometrically), so one noisy measurement cannot swing the size and
//     several chunks in flight at once do not all push in the same step;
//   - always within [min_chunk_size, max_chunk_size].
// Chunks that were cut short by the end of a range (fewer rows than
// planned) say nothing about the rate and are not fed in.
//
// An operator may set the size by hand while the copy runs (the control
// socket's chunk-size=N): Set() makes it the current size and adaptation
// goes on from there. Chunks planned before the Set were sized by the old
// rule, so their timings would drag the size straight back; the copier
// tells them apart by generation() and does not Record them.
//
// Thread safety: not thread-safe; the copier feeds it under its mutex.
#pragma once

#include <chrono>
#include <cstdint>

#include "common/clock.h"
#include "osc/options.h"

namespace osc::copy {

class ChunkSizer {
 public:
  // Starts at options.chunk_size, clamped to [min_chunk_size,
  // max_chunk_size] (and min <= max is assumed: Validate() checks it).
  explicit ChunkSizer(const migration::CopyOptions& options);

  // Rows for the next chunk.
  uint64_t current() const { return current_; }

  // Feeds one finished chunk planned at `planned_rows` (> 0) that took
  // `elapsed`. planned_rows == 0 is ignored.
  void Record(uint64_t planned_rows, Clock::Duration elapsed);

  // Takes `rows`, clamped to [min_chunk_size, max_chunk_size], as the
  // current size and starts a new generation.
  void Set(uint64_t rows);

  // Incremented by every Set(); starts at 0.
  uint64_t generation() const { return generation_; }

 private:
  uint64_t Clamp(double rows) const;

  const uint64_t min_;
  const uint64_t max_;
  const Clock::Duration target_;
  uint64_t current_;
  uint64_t generation_ = 0;
};

// The chunk target time a copy uses: options.chunk_target_time, halved
// (to at least 1 ms) when `inserts_take_turns` (the copy's chunks hold the
// shadow's AUTO-INC lock one after the other, PreflightReport::
// CopyInsertsTakeTurns) unless the user gave the target explicitly. Why
// half: chunk_size.cc.
std::chrono::milliseconds EffectiveChunkTargetTime(const migration::CopyOptions& options, bool inserts_take_turns);

}  // namespace osc::copy
