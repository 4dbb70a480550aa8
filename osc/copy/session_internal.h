// Sessions of the copier and the checksum (internal to osc/copy).
//
// Session settings (engine rule 4) are init statements of the connection
// options, so a re-opened connection gets them again without anyone
// remembering to.
//
// Thread safety: a RetryingSession belongs to one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/connection.h"
#include "db/connection_options.h"

namespace osc::copy::internal {

// Settings of sessions that write the shadow table (engine rule 4):
//   sql_mode     the server's global mode plus NO_AUTO_VALUE_ON_ZERO (an
//                AUTO_INCREMENT value 0 copies as 0 instead of taking the
//                next value); strict modes stay as the server has them, so
//                a narrowing ALTER fails exactly when a direct ALTER would
//   time_zone    +00:00 (TIMESTAMP text is UTC everywhere osc reads it)
//   foreign_key_checks = 0, unique_checks = 1
//   innodb_lock_wait_timeout, lock_wait_timeout = `lock_wait`
//   READ COMMITTED: the copy reads with an explicit locking clause anyway,
//                and READ COMMITTED takes no gap locks on the original,
//                so the application's inserts next to a chunk do not wait
//   autocommit = 1: each chunk statement is its own short transaction
std::vector<std::string> WriterSessionStatements(std::chrono::seconds lock_wait);

// Settings of checksum sessions: the same sql_mode and time_zone (so both
// tables' values print the same way they were converted), REPEATABLE
// READ (START TRANSACTION WITH CONSISTENT SNAPSHOT only makes a snapshot
// under it; under READ COMMITTED every statement would see new data).
std::vector<std::string> SnapshotSessionStatements();

// `base` with `statements` appended to its init statements.
db::ConnectionOptions WithInitStatements(db::ConnectionOptions base, const std::vector<std::string>& statements);

struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds backoff{200};      // before the 2nd attempt, doubling
  std::chrono::milliseconds backoff_max{5000};
  // Lost or refused connections (the server restarting, a failover, a
  // network blip) are retried past max_attempts for this long, counted
  // from the first failure of the operation, so a server restart does not
  // end a long migration. Zero: attempts only.
  std::chrono::milliseconds reconnect_budget{0};
};

// A connection that is opened on first use and re-opened after it breaks,
// running operations with bounded retries of retryable errors (lock wait
// timeout, deadlock, lost connection, ...: db::IsRetryable).
class RetryingSession {
 public:
  // `retry_counter`, when not null, is incremented at every retry as it
  // happens (so progress readers on other threads see retries in flight);
  // it must outlive the session.
  RetryingSession(db::ConnectionOptions options, RetryPolicy policy, Clock* clock,
                  std::atomic<uint64_t>* retry_counter = nullptr);

  // Runs `op` until it succeeds, fails with a non-retryable error, the
  // attempts run out, or `stop` is requested (Aborted). After a failed
  // attempt on a live connection, ROLLBACK is sent (so an op may be a
  // multi-statement transaction). `what` names the work in logs and
  // errors. `op` must be safe to repeat.
  Status Run(std::string_view what, std::stop_token stop, const std::function<Status(db::Connection&)>& op);

  // The open connection (opening it if needed), e.g. for server_info().
  Result<db::Connection*> Get();

  // Attempts that failed and were retried, over the session's life.
  uint64_t retries() const { return retries_; }

 private:
  const db::ConnectionOptions options_;
  const RetryPolicy policy_;
  Clock* const clock_;
  std::atomic<uint64_t>* const retry_counter_;
  std::optional<db::Connection> conn_;
  uint64_t retries_ = 0;
};

}  // namespace osc::copy::internal
