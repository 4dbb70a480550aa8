// Signal: one reason the row copy may have to pause or the migration stop
// (replica lag, metadata-lock waits, host memory, server load, flag files,
// time windows). A signal only measures and decides; the Throttler combines
// the decisions and osc/ acts on them.
//
// Thread safety: the Throttler calls Check() from one thread at a time (its
// checking thread), so a signal needs no locking for state that only
// Check() touches. Anything a signal lets other threads change while it
// runs (thresholds updated from the control socket) must be thread-safe;
// see LiveSettings.
#pragma once

#include <stop_token>
#include <string_view>

#include "common/clock.h"
#include "throttle/decision.h"

namespace osc::throttle {

// What the Throttler hands every signal for one round of checks.
struct CheckContext {
  Clock::SteadyTime now{};     // monotonic time of this round
  Clock::WallTime wall_now{};  // wall time of this round (time windows)
  // Any I/O the check does (files, queries) must be finished or abandoned by
  // then; SQL-backed signals turn it into a read timeout.
  Clock::SteadyTime deadline{};
  // Requested when the migration is stopping; long checks should give up.
  std::stop_token stop;
};

class Signal {
 public:
  virtual ~Signal() = default;

  // Short, stable, kebab-case name used as the decision's source in
  // progress, status and logs ("replica-lag", "host-memory"). The returned
  // view must stay valid for the signal's lifetime.
  virtual std::string_view name() const = 0;

  // Measures and decides. Must not block past ctx.deadline (beyond a local
  // file read) and must not throw. A signal that cannot measure returns
  // Decision::Unavailable(why) rather than kGo: pausing is the safe side.
  virtual Decision Check(const CheckContext& ctx) = 0;
};

}  // namespace osc::throttle
