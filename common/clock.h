// Clock: the seam for time. Production code asks a Clock for the time and
// sleeps through it, so tests can drive time by hand (FakeClock) instead of
// waiting. No component keeps a global interval: durations are injected.
//
// Thread safety: every Clock method may be called from any thread.
#pragma once

#include <chrono>
#include <stop_token>

namespace osc {

class Clock {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;
  using Duration = std::chrono::nanoseconds;

  virtual ~Clock() = default;

  // Monotonic time, for intervals, deadlines and rates.
  virtual SteadyTime Now() const = 0;
  // Wall-clock time, for schedules (time windows) and reports.
  virtual WallTime WallNow() const = 0;
  // Sleeps for `d`, or less if `stop` is requested. Returns false when it
  // returned early because of the stop request, true otherwise.
  virtual bool SleepFor(Duration d, std::stop_token stop) = 0;
};

// The process-wide real clock. Never null; lives for the whole program.
Clock* SystemClock();

}  // namespace osc
