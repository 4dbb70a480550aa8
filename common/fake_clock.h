// FakeClock: a Clock whose time only moves when a test calls Advance().
//
// Sleepers block until fake time reaches their deadline (or their stop token
// fires), so a test can run a throttled loop step by step. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

#include "common/clock.h"

namespace osc {

class FakeClock final : public Clock {
 public:
  // Starts at an arbitrary fixed steady time and at `wall_start` wall time.
  explicit FakeClock(WallTime wall_start = WallTime(std::chrono::hours(24 * 365 * 50)));

  SteadyTime Now() const override;
  WallTime WallNow() const override;
  bool SleepFor(Duration d, std::stop_token stop) override;

  // Moves both clocks forward and wakes sleepers whose deadline has passed.
  void Advance(Duration d);
  // Sets the wall clock (steady time is unaffected), e.g. to test windows.
  void SetWall(WallTime t);
  // Number of threads currently inside SleepFor (lets tests wait until a
  // worker is parked before advancing).
  int sleepers() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  SteadyTime steady_;  // guarded by mu_
  WallTime wall_;      // guarded by mu_
  int sleepers_ = 0;   // guarded by mu_
};

}  // namespace osc
