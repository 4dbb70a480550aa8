// Time windows: daily local-time ranges in which the row copy (and, if the
// orchestrator wants, the cut-over) may run, as given to --window:
//   --window 01:00-05:00            one window
//   --window 01:00-05:00,22:00-23:30  several (or repeat the option)
//   --window 22:00-02:00            crossing midnight
// A window is half-open, [start, end), with minute resolution; "24:00" is
// accepted as an end ("18:00-24:00"). Overlapping windows simply merge.
//
// Local time comes from an injectable UTC-offset function, so tests pick a
// fixed zone without touching the process-wide TZ, and production follows the
// host's zone including DST changes.
//
// Thread safety: a WindowSchedule is immutable after construction; its const
// methods may be called from any thread (SystemLocalOffset() is thread-safe).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace osc::throttle {

// The local time's offset from UTC at instant `t` (positive east of UTC).
using UtcOffsetFn = std::function<std::chrono::seconds(Clock::WallTime t)>;

// The host's zone via localtime_r (honours TZ and DST).
UtcOffsetFn SystemLocalOffset();
// A zone with a constant offset, e.g. FixedUtcOffset(2h) for UTC+02:00.
UtcOffsetFn FixedUtcOffset(std::chrono::seconds offset);

struct TimeWindow {
  int start_minute = 0;  // minute of the day, 0..1439
  int end_minute = 0;    // 1..1440, != start_minute; < start_minute crosses midnight

  bool crosses_midnight() const { return end_minute < start_minute; }
  // `second_of_day` in 0..86399.
  bool Contains(int second_of_day) const;
  // "22:00-02:00".
  std::string ToString() const;
};

class WindowSchedule {
 public:
  // No windows: always open (InWindow is always true).
  WindowSchedule() : WindowSchedule({}, SystemLocalOffset()) {}
  WindowSchedule(std::vector<TimeWindow> windows, UtcOffsetFn offset);

  // Parses one --window value (comma-separated windows). Errors are
  // InvalidArgument naming the offending window and what is wrong.
  static Result<WindowSchedule> Parse(std::string_view spec,
                                      UtcOffsetFn offset = SystemLocalOffset());
  // Parses every occurrence of a repeated --window option.
  static Result<WindowSchedule> Parse(const std::vector<std::string>& specs,
                                      UtcOffsetFn offset = SystemLocalOffset());

  bool empty() const { return windows_.empty(); }
  const std::vector<TimeWindow>& windows() const { return windows_; }

  // True when `t` falls inside any window (always true when empty()).
  bool InWindow(Clock::WallTime t) const;
  // Zero when InWindow(t); otherwise how long until the next window opens.
  // Accounts for a DST change between now and the opening.
  Clock::Duration UntilNextOpen(Clock::WallTime t) const;
  // "01:00-05:00,22:00-02:00" (as given, in order).
  std::string ToString() const;

 private:
  int SecondOfDay(Clock::WallTime t) const;

  std::vector<TimeWindow> windows_;
  UtcOffsetFn offset_;
};

}  // namespace osc::throttle
