#include "throttle/time_window.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "throttle/strings_internal.h"

namespace osc::throttle {
namespace {

using internal::Trim;

constexpr int kSecondsPerDay = 24 * 60 * 60;
constexpr int kMinutesPerDay = 24 * 60;

Status Invalid(std::string_view window, std::string_view why) {
  return Status::InvalidArgument(fmt::format("invalid time window \"{}\": {}", window, why));
}

int Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : -1; }

// "H:MM" or "HH:MM" -> minute of the day; "24:00" -> 1440 (callers decide
// whether that is allowed). `window` is only for the error message.
Result<int> ParseClock(std::string_view window, std::string_view hhmm) {
  const size_t colon = hhmm.find(':');
  const bool shape_ok =
      colon != std::string_view::npos && (colon == 1 || colon == 2) && hhmm.size() == colon + 3;
  if (!shape_ok) return Invalid(window, fmt::format("\"{}\" is not a time; expected HH:MM", hhmm));
  int hour = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (Digit(hhmm[i]) < 0)
      return Invalid(window, fmt::format("\"{}\" is not a time; expected HH:MM", hhmm));
    hour = hour * 10 + Digit(hhmm[i]);
  }
  const int m1 = Digit(hhmm[colon + 1]);
  const int m2 = Digit(hhmm[colon + 2]);
  if (m1 < 0 || m2 < 0)
    return Invalid(window, fmt::format("\"{}\" is not a time; expected HH:MM", hhmm));
  const int minute = m1 * 10 + m2;
  if (minute > 59) return Invalid(window, fmt::format("minute {} is out of range 00-59", minute));
  if (hour > 24 || (hour == 24 && minute != 0)) {
    return Invalid(window, fmt::format("hour {} is out of range 00-23", hour));
  }
  return hour * 60 + minute;
}

Result<TimeWindow> ParseWindow(std::string_view window) {
  const size_t dash = window.find('-');
  if (dash == std::string_view::npos) {
    return Invalid(window, "expected HH:MM-HH:MM (start-end, local time)");
  }
  OSC_ASSIGN_OR_RETURN(const int start, ParseClock(window, Trim(window.substr(0, dash))));
  OSC_ASSIGN_OR_RETURN(const int end, ParseClock(window, Trim(window.substr(dash + 1))));
  if (start == kMinutesPerDay) return Invalid(window, "24:00 is only allowed as an end time");
  if (start == end) {
    return Invalid(window,
                   "start and end are equal; a window cannot be empty "
                   "(00:00-24:00 means all day)");
  }
  return TimeWindow{start, end};
}

}  // namespace

UtcOffsetFn SystemLocalOffset() {
  return [](Clock::WallTime t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    if (localtime_r(&secs, &local) == nullptr) return std::chrono::seconds(0);
    return std::chrono::seconds(local.tm_gmtoff);  // glibc: seconds east of UTC, DST included
  };
}

UtcOffsetFn FixedUtcOffset(std::chrono::seconds offset) {
  return [offset](Clock::WallTime) { return offset; };
}

bool TimeWindow::Contains(int second_of_day) const {
  const int start = start_minute * 60;
  const int end = end_minute * 60;
  if (crosses_midnight()) return second_of_day >= start || second_of_day < end;
  return second_of_day >= start && second_of_day < end;
}

std::string TimeWindow::ToString() const {
  return fmt::format("{:02}:{:02}-{:02}:{:02}", start_minute / 60, start_minute % 60,
                     end_minute / 60, end_minute % 60);
}

WindowSchedule::WindowSchedule(std::vector<TimeWindow> windows, UtcOffsetFn offset)
    : windows_(std::move(windows)), offset_(std::move(offset)) {}

Result<WindowSchedule> WindowSchedule::Parse(std::string_view spec, UtcOffsetFn offset) {
  return Parse(std::vector<std::string>{std::string(spec)}, std::move(offset));
}

Result<WindowSchedule> WindowSchedule::Parse(const std::vector<std::string>& specs,
                                             UtcOffsetFn offset) {
  std::vector<TimeWindow> windows;
  for (const std::string& spec : specs) {
    std::string_view rest = spec;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view item = Trim(rest.substr(0, comma));
      if (item.empty()) {
        return Status::InvalidArgument(
            fmt::format("invalid time window list \"{}\": empty item", spec));
      }
      OSC_ASSIGN_OR_RETURN(TimeWindow w, ParseWindow(item));
      windows.push_back(w);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (windows.empty()) return Status::InvalidArgument("no time window given");
  return WindowSchedule(std::move(windows), std::move(offset));
}

int WindowSchedule::SecondOfDay(Clock::WallTime t) const {
  const auto local = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()) + offset_(t);
  const auto sod = local.count() % kSecondsPerDay;
  return static_cast<int>(sod < 0 ? sod + kSecondsPerDay : sod);  // before 1970: keep positive
}

bool WindowSchedule::InWindow(Clock::WallTime t) const {
  if (windows_.empty()) return true;
  const int sod = SecondOfDay(t);
  return std::any_of(windows_.begin(), windows_.end(),
                     [sod](const TimeWindow& w) { return w.Contains(sod); });
}

Clock::Duration WindowSchedule::UntilNextOpen(Clock::WallTime t) const {
  if (InWindow(t)) return Clock::Duration::zero();
  const int sod = SecondOfDay(t);
  int best = kSecondsPerDay;
  for (const TimeWindow& w : windows_) {
    // Not inside any window, so every start lies strictly ahead (mod a day).
    int ahead = (w.start_minute * 60 - sod) % kSecondsPerDay;
    if (ahead <= 0) ahead += kSecondsPerDay;
    best = std::min(best, ahead);
  }
  // `best` counts local-clock seconds from the start of the current second.
  const auto into_second =
      t.time_since_epoch() - std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  const Clock::Duration local_wait =
      std::chrono::seconds(best) - std::chrono::duration_cast<Clock::Duration>(into_second);
  // If the zone's offset changes before the opening (DST), local clock time
  // and elapsed time differ by the change: 00:30 -> 03:00 across a
  // spring-forward is 1h30m, not 2h30m. One correction step is exact unless
  // the opening itself falls in the skipped or repeated hour, where the next
  // round's re-check settles it.
  const auto guess =
      t + std::chrono::duration_cast<std::chrono::system_clock::duration>(local_wait);
  const Clock::Duration corrected = local_wait + (offset_(t) - offset_(guess));
  return corrected > Clock::Duration::zero() ? corrected : local_wait;
}

std::string WindowSchedule::ToString() const {
  std::string out;
  for (const TimeWindow& w : windows_) {
    if (!out.empty()) out += ',';
    out += w.ToString();
  }
  return out;
}

}  // namespace osc::throttle
