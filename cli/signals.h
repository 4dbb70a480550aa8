// SIGINT and SIGTERM become a stop request on a std::stop_source that
// main() owns and passes (as stop tokens) to everything that blocks.
//
// Why a watcher thread instead of a signal handler: request_stop() runs the
// registered stop callbacks and synchronises with other threads, none of
// which is async-signal-safe, so calling it from a handler could deadlock
// or corrupt state. Instead, the signals are blocked in every thread and
// one thread receives them synchronously (sigtimedwait) and calls
// request_stop() as ordinary code.
//
// First signal: logs it and requests the stop; osc then winds down (the
// original table stays intact) and exits with ExitCode::kAborted. Second
// signal: exits at once with kAborted, for when winding down hangs. Server
// session state (table locks) goes with the connections; helper tables
// left behind are named in the next run's preflight.
#pragma once

#include <signal.h>

#include <atomic>
#include <memory>
#include <stop_token>
#include <thread>

#include "common/result.h"

namespace osc::cli {

class StopOnSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread, so every thread
  // started afterwards inherits the mask (call it in main() before other
  // threads start), and starts the watcher. Internal error if the mask
  // cannot be changed.
  static Result<std::unique_ptr<StopOnSignals>> Start(std::stop_source stop);

  // Stops and joins the watcher and restores the caller's signal mask
  // (a signal still pending is then delivered with its default action).
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  // The first signal received (SIGINT or SIGTERM), or 0.
  int first_signal() const { return first_signal_.load(std::memory_order_acquire); }

 private:
  explicit StopOnSignals(std::stop_source stop);
  void Watch(std::stop_token own_stop);

  std::stop_source stop_;
  std::atomic<int> first_signal_{0};  // read by main while the watcher writes it
  sigset_t old_mask_{};  // the caller's mask, restored on destruction
  std::jthread watcher_;
};

}  // namespace osc::cli
