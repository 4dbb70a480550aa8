// Decision: what one throttle signal (or the Throttler, for all of them)
// says about the row copy right now, and why.
//
// Value type; thread-safe as any std::string-holding struct (distinct
// objects may be used from different threads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace osc::throttle {

enum class DecisionKind : uint8_t {
  kGo = 0,    // copy may proceed
  kThrottle,  // pause the row copy (the binlog applier keeps going)
  kAbort,     // stop the migration (panic flag, critical load)
};

std::string_view ToString(DecisionKind kind);

struct Decision {
  DecisionKind kind = DecisionKind::kGo;
  // Name of the signal that decided (filled in by the Throttler from
  // Signal::name(); signals may leave it empty). For an aggregate decision:
  // the causing signals' names joined with ','.
  std::string source;
  // One line for progress, status and logs, e.g.
  // "replica r1:3306 lag 3.2s > 1.5s". Empty for kGo.
  std::string reason;
  // Optional longer explanation: the offending replicas, sessions, ...
  std::string detail;
  // The measured value and the limit it was compared with, in the signal's
  // natural unit (bytes, milliseconds, a status counter), for progress
  // output and metrics. Unset when the signal has no single number.
  std::optional<double> measured;
  std::optional<double> limit;
  // True when the signal could not measure (unreadable file, query timeout)
  // and throttles because it cannot tell: the copy pauses rather than runs
  // unprotected. Status output shows these differently from real pressure.
  bool unavailable = false;
  // For kAbort only: abort only if the condition still holds this long after
  // it was first seen (gh-ost's --critical-load-interval-millis); until then
  // the Throttler pauses the copy. Zero aborts at once.
  Clock::Duration confirm_for{0};

  static Decision Go() { return Decision{}; }
  static Decision Throttle(std::string why);
  static Decision Abort(std::string why);
  // kThrottle with unavailable = true.
  static Decision Unavailable(std::string why);

  bool is_go() const { return kind == DecisionKind::kGo; }
  bool is_throttle() const { return kind == DecisionKind::kThrottle; }
  bool is_abort() const { return kind == DecisionKind::kAbort; }

  // "throttle [window]: outside window 01:00-05:00, next opens in 3h12m".
  std::string ToString() const;
};

}  // namespace osc::throttle
