// WindowSignal: throttles the row copy outside the configured time windows
// (--window), e.g. "outside window 01:00-05:00, next opens in 3h12m".
//
// The cut-over can be held to the same windows: the orchestrator reads
// schedule() and asks InWindow() / UntilNextOpen() itself.
//
// Thread safety: Check() from the throttler's thread; schedule() and
// UpdateSchedule() from any thread.
#pragma once

#include <memory>
#include <string_view>

#include "throttle/live_settings.h"
#include "throttle/signal.h"
#include "throttle/time_window.h"

namespace osc::throttle {

class WindowSignal final : public Signal {
 public:
  // An empty schedule never throttles.
  explicit WindowSignal(WindowSchedule schedule) : schedule_(std::move(schedule)) {}

  std::string_view name() const override { return "window"; }
  // Uses ctx.wall_now, so a FakeClock drives it in tests.
  Decision Check(const CheckContext& ctx) override;

  // The current schedule (a snapshot that stays valid after updates).
  std::shared_ptr<const WindowSchedule> schedule() const { return schedule_.Get(); }
  // Replaces the schedule; takes effect at the next check.
  void UpdateSchedule(WindowSchedule schedule) { schedule_.Set(std::move(schedule)); }

 private:
  LiveSettings<WindowSchedule> schedule_;
};

}  // namespace osc::throttle
