// Throttler: checks every signal on an interval and publishes one aggregate
// decision that the row copier obeys between chunks. It only decides; osc/
// acts (pauses the copier, aborts the migration). The binlog applier never
// consults it.
//
// Aggregation, highest precedence first:
//   1. abort: sticky. Once any signal's abort is confirmed, the Throttler
//      reports abort for the rest of its life, even if the signal clears
//      (a panic flag file removed a moment later must not resume the copy).
//   2. throttle: the operator's forced throttle (`throttle` command) and
//      every signal saying kThrottle; the reason lists each cause as
//      "<signal>: <reason>", joined with "; ".
//   3. go.
// The operator's `no-throttle` only lifts the forced throttle; it does not
// silence signals (change a signal's threshold for that).
//
// Confirmation (gh-ost's --critical-load-interval-millis): a kAbort decision
// with confirm_for > 0 first pauses the copy; it becomes a sticky abort only
// if every check from the first sighting until confirm_for has passed still
// says kAbort. Any other answer in between resets it. The checking loop
// wakes up at the confirmation deadline even if the interval is longer.
//
// Before the first round the decision is kThrottle ("not checked yet"), so a
// copier started too early waits instead of running unchecked; the
// orchestrator normally calls CheckOnce() before starting the copier, so a
// panic flag present at start aborts before any row is copied.
//
// Each change of the aggregate (kind, or the set of causing signals) is
// logged once; a measured value moving while the causes stay the same is
// not a change, so a long throttle does not flood the log.
//
// Threads: the orchestrator owns the checking thread and runs Run() on it
// (or calls CheckOnce() itself). Every other method may be called from any
// thread at any time: ShouldPause/Current/Causes/WaitUntilGo from the
// copier and status reporters, ForceThrottle/ClearForcedThrottle and
// UpdateOptions from the control socket.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "throttle/decision.h"
#include "throttle/live_settings.h"
#include "throttle/signal.h"

namespace osc::throttle {

struct ThrottlerOptions {
  // Time between rounds of checks. Shorter reacts faster to lag or load (at
  // about one chunk per 50-100 ms, a 500 ms interval lets a few more chunks
  // through after pressure starts) but runs the SQL-backed signals' queries
  // more often on the primary and replicas.
  Clock::Duration check_interval = std::chrono::milliseconds(500);
  // Budget for one signal's check, handed to it as CheckContext::deadline.
  // A signal that cannot answer in time reports itself unavailable.
  Clock::Duration check_timeout = std::chrono::seconds(1);

  // InvalidArgument unless both are positive.
  Status Validate() const;
};

class Throttler {
 public:
  // `clock` must outlive the Throttler. InvalidArgument options are
  // replaced by the defaults (validate them first; UpdateOptions reports).
  Throttler(Clock* clock, ThrottlerOptions options);
  ~Throttler();

  Throttler(const Throttler&) = delete;
  Throttler& operator=(const Throttler&) = delete;

  // Takes ownership of `signal`. Thread-safe; a signal added while Run() is
  // active is checked from the next round on. Signal names should be unique.
  void AddSignal(std::unique_ptr<Signal> signal);

  // Runs one round: checks every signal, then publishes the aggregate.
  // Rounds never overlap (a concurrent call waits for the running one).
  // If `stop` is requested mid-round, the round is dropped unpublished.
  void CheckOnce(std::stop_token stop = {});
  // Calls CheckOnce() every check_interval until `stop` is requested or an
  // abort is published (abort is final, so there is nothing left to check).
  void Run(std::stop_token stop);

  // True unless the aggregate is kGo.
  bool ShouldPause() const;
  // The aggregate decision (source and reason list every cause).
  Decision Current() const;
  // The individual non-go decisions behind Current(), forced throttle
  // included (source "operator"), for status output.
  std::vector<Decision> Causes() const;
  // Blocks until the aggregate is kGo (returns OK), an abort is published
  // (Aborted with the abort reason) or `stop` is requested (Aborted).
  Status WaitUntilGo(std::stop_token stop) const;

  // Operator control (`throttle` / `no-throttle`). Take effect at once,
  // without waiting for a round.
  void ForceThrottle(std::string reason);
  void ClearForcedThrottle();
  bool forced() const;

  // Replaces the options; the new interval applies from the next sleep.
  // On InvalidArgument the old options stay.
  Status UpdateOptions(ThrottlerOptions options);
  std::shared_ptr<const ThrottlerOptions> options() const { return options_.Get(); }

 private:
  struct Entry;  // a signal and its confirmation state (throttler.cc)

  Decision CheckEntry(Entry& entry, const CheckContext& ctx);
  Clock::Duration NextSleep() const;
  // Not-checked-yet, forced and signal throttles, in that order. REQUIRES mu_.
  std::vector<Decision> ThrottleCausesLocked() const;
  // Recomputes current_ from the fields below, logs a change and wakes
  // waiters. REQUIRES mu_.
  void PublishLocked();

  Clock* const clock_;
  LiveSettings<ThrottlerOptions> options_;

  // Serializes rounds and guards the signals. Held while signals do I/O, so
  // it is separate from mu_, which readers take and must never wait on I/O.
  mutable std::mutex round_mu_;
  std::vector<std::unique_ptr<Entry>> entries_;        // guarded by round_mu_
  std::optional<Clock::SteadyTime> confirm_deadline_;  // guarded by round_mu_

  // Guards the published state. Held only for short, I/O-free updates.
  mutable std::mutex mu_;
  mutable std::condition_variable_any changed_;  // notified on every publish
  bool checked_ = false;                         // guarded by mu_: a round has run
  std::vector<Decision> signal_causes_;          // guarded by mu_: last round's non-go
  std::optional<std::string> forced_;            // guarded by mu_: operator's reason
  std::optional<Decision> abort_;                // guarded by mu_: sticky abort
  Decision current_;                             // guarded by mu_: the aggregate
};

}  // namespace osc::throttle
