#include "osc/cutover/heartbeat.h"

#include "common/logging.h"
#include "db/errors.h"

namespace osc::cutover {
namespace {

bool IsTransient(const Status& s) {
  return s.IsTimeout() || (s.IsServerError() && db::IsRetryable(s.server_errno()));
}

}  // namespace

HeartbeatWriter::HeartbeatWriter(const Changelog* changelog, Executor* executor, Clock* clock,
                                 std::chrono::milliseconds interval, int max_consecutive_failures)
    : changelog_(changelog),
      executor_(executor),
      clock_(clock),
      interval_(interval),
      max_consecutive_failures_(max_consecutive_failures) {}

Status HeartbeatWriter::WriteOnce() {
  if (!session_ || session_->broken()) {
    session_.reset();
    OSC_ASSIGN_OR_RETURN(session_, executor_->OpenSession("heartbeat"));
  }
  return changelog_->WriteHeartbeat(*session_, clock_->WallNow());
}

Status HeartbeatWriter::Run(std::stop_token stop) {
  if (interval_.count() <= 0) return Status::InvalidArgument("heartbeat interval must be positive");
  if (max_consecutive_failures_ < 1)
    return Status::InvalidArgument("heartbeat failure limit must be >= 1");
  int failures = 0;
  while (!stop.stop_requested()) {
    Status s = WriteOnce();
    if (s.ok()) {
      failures = 0;
      writes_.fetch_add(1, std::memory_order_relaxed);
    } else {
      ++failures;
      if (!IsTransient(s) || failures >= max_consecutive_failures_) {
        return s.WithContext("writing the heartbeat to " + changelog_->qualified_name() + " (" +
                             std::to_string(failures) + " failure(s) in a row)");
      }
      spdlog::warn("heartbeat write failed ({} in a row), retrying: {}", failures, s.ToString());
      // A lock wait timeout leaves the session usable; anything else that
      // is transient here means the session is gone: start afresh.
      if (s.server_errno() != db::errc::kLockWaitTimeout) session_.reset();
    }
    if (!clock_->SleepFor(interval_, stop)) break;
  }
  return Status::Ok();
}

}  // namespace osc::cutover
