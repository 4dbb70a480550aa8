// What the control socket acts on: the running migration implements this
// interface (the orchestrator), tests implement a fake.
//
// Thread safety: every method is called from the control server's thread
// while the migration runs on others, so an implementation must be safe
// against its own workers (atomics, or its own mutex). Calls from the
// server come one at a time (clients are served in turn), never
// concurrently with each other. Each method must return promptly (well
// under a second): it may request a change, never wait for the change to
// take effect, because other clients queue behind it.
//
// Setters return the reply for the client (one or more lines, without the
// final newline is fine: the server adds one) or an error Status whose
// message is the reply. An error means nothing changed.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "throttle/load_thresholds.h"

namespace osc::control {

class ControlTarget {
 public:
  virtual ~ControlTarget() = default;

  // `status`: several lines for a human (phase, progress, ETA, throttle).
  virtual std::string StatusText() = 0;
  // `status json`: one JSON object on one line.
  virtual std::string StatusJson() = 0;
  // `sup`: one line.
  virtual std::string ShortStatus() = 0;

  // `throttle` / `no-throttle`: an operator throttle, independent of (and
  // combined with) the automatic signals.
  virtual Result<std::string> Throttle() = 0;
  virtual Result<std::string> NoThrottle() = 0;
  // `unpostpone`: cut over at the next chance even if the postpone flag
  // file exists. FailedPrecondition-style error if the migration is past
  // that point (the message says so).
  virtual Result<std::string> Unpostpone() = 0;
  // `panic`: stop the migration as soon as possible without cutting over.
  virtual Result<std::string> Panic() = 0;

  // Current values, as `name?` prints them and the server logs them.
  virtual uint64_t chunk_size() = 0;
  virtual int threads() = 0;
  virtual uint64_t max_lag_millis() = 0;
  virtual throttle::LoadThresholds max_load() = 0;
  virtual throttle::LoadThresholds critical_load() = 0;

  // Changes; the values are already range-checked by the parser
  // (command.h bounds). The target may refuse (e.g. a setting that has no
  // effect in the current phase) or adjust (a chunk size clamped to the
  // copier's bounds; say so in the reply).
  virtual Result<std::string> SetChunkSize(uint64_t rows) = 0;
  virtual Result<std::string> SetThreads(int threads) = 0;
  virtual Result<std::string> SetMaxLagMillis(uint64_t millis) = 0;
  virtual Result<std::string> SetMaxLoad(const throttle::LoadThresholds& thresholds) = 0;
  virtual Result<std::string> SetCriticalLoad(const throttle::LoadThresholds& thresholds) = 0;
};

}  // namespace osc::control
