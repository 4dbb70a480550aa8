#include "throttle/window_signal.h"

#include <spdlog/fmt/fmt.h>

#include "throttle/units.h"

namespace osc::throttle {

Decision WindowSignal::Check(const CheckContext& ctx) {
  const std::shared_ptr<const WindowSchedule> schedule = schedule_.Get();
  if (schedule->InWindow(ctx.wall_now)) return Decision::Go();
  const Clock::Duration wait = schedule->UntilNextOpen(ctx.wall_now);
  Decision d = Decision::Throttle(fmt::format("outside window{} {}, next opens in {}",
                                              schedule->windows().size() > 1 ? "s" : "",
                                              schedule->ToString(), FormatDuration(wait)));
  // Seconds until the next opening, so progress output can count down.
  d.measured = std::chrono::duration<double>(wait).count();
  return d;
}

}  // namespace osc::throttle
