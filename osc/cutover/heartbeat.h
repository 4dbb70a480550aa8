// HeartbeatWriter: rewrites the changelog's heartbeat row every interval
// with the current wall time (microseconds), on a session of its own.
//
// Run() is the whole loop: the orchestrator runs it on a thread it owns
// and stops it through the stop token. A failed write is retried on a new
// session at the next tick when the error is transient (lost connection,
// lock wait timeout); it gives up, returning the error, on the first
// permanent error or after `max_consecutive_failures` transient ones, so a
// dead server surfaces as a sticky background error instead of silence.
//
// Thread safety: Run() on one thread; writes() and last_write() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>

#include "common/clock.h"
#include "common/status.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/executor.h"

namespace osc::cutover {

class HeartbeatWriter {
 public:
  // Pointers are not owned and must outlive Run(). `interval` is the
  // migration's heartbeat_interval.
  HeartbeatWriter(const Changelog* changelog, Executor* executor, Clock* clock,
                  std::chrono::milliseconds interval, int max_consecutive_failures = 10);

  // Writes at once, then every `interval`, until `stop` is requested (OK)
  // or writing fails as described above (that error). InvalidArgument for
  // a non-positive interval or failure limit.
  Status Run(std::stop_token stop);

  // Successful writes so far.
  uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }

 private:
  Status WriteOnce();

  const Changelog* const changelog_;
  Executor* const executor_;
  Clock* const clock_;
  const std::chrono::milliseconds interval_;
  const int max_consecutive_failures_;
  std::unique_ptr<Session> session_;  // used by the Run() thread only
  // Read by other threads (progress reports) without a lock.
  std::atomic<uint64_t> writes_{0};
};

}  // namespace osc::cutover
