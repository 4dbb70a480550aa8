#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "common/logging.h"
#include "db/errors.h"
#include "osc/copy/session_internal.h"

namespace osc::copy::internal {
namespace {

// CONCAT_WS skips the NULL that NULLIF makes of an empty global mode, so
// no leading comma; the server drops a duplicate mode name by itself.
constexpr const char* kSqlMode =
    "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@GLOBAL.sql_mode, ''), 'NO_AUTO_VALUE_ON_ZERO')";

}  // namespace

std::vector<std::string> WriterSessionStatements(std::chrono::seconds lock_wait) {
  const std::string seconds = std::to_string(std::max<int64_t>(1, lock_wait.count()));
  return {
      kSqlMode,
      "SET SESSION time_zone = '+00:00'",
      "SET SESSION foreign_key_checks = 0",
      "SET SESSION unique_checks = 1",
      "SET SESSION innodb_lock_wait_timeout = " + seconds,
      "SET SESSION lock_wait_timeout = " + seconds,
      "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
      "SET SESSION autocommit = 1",
  };
}

std::vector<std::string> SnapshotSessionStatements() {
  return {
      kSqlMode,
      "SET SESSION time_zone = '+00:00'",
      "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
  };
}

db::ConnectionOptions WithInitStatements(db::ConnectionOptions base, const std::vector<std::string>& statements) {
  base.init_statements.insert(base.init_statements.end(), statements.begin(), statements.end());
  return base;
}

RetryingSession::RetryingSession(db::ConnectionOptions options, RetryPolicy policy, Clock* clock,
                                 std::atomic<uint64_t>* retry_counter)
    : options_(std::move(options)), policy_(policy), clock_(clock), retry_counter_(retry_counter) {}

Result<db::Connection*> RetryingSession::Get() {
  if (conn_ && !conn_->broken()) return &*conn_;
  conn_.reset();
  OSC_ASSIGN_OR_RETURN(db::Connection c, db::Connection::Open(options_));
  conn_.emplace(std::move(c));
  return &*conn_;
}

namespace {

// Errors that say the server went away or is not taking connections (yet),
// as opposed to a contended lock: worth waiting out for longer.
bool IsConnectionTrouble(uint32_t server_errno) {
  switch (db::Classify(server_errno)) {
    case db::ErrorClass::kConnectionLost:
    case db::ErrorClass::kCannotConnect:
    case db::ErrorClass::kTooManyConnections:
      return true;
    default:
      return false;
  }
}

}  // namespace

Status RetryingSession::Run(std::string_view what, std::stop_token stop,
                            const std::function<Status(db::Connection&)>& op) {
  std::chrono::milliseconds backoff = policy_.backoff;
  const int attempts = std::max(1, policy_.max_attempts);
  std::optional<Clock::SteadyTime> first_failure;
  Status last;
  for (int attempt = 1;; ++attempt) {
    if (stop.stop_requested()) return Status::Aborted(std::string(what) + ": stopped");
    Result<db::Connection*> conn = Get();
    last = conn.ok() ? op(**conn) : conn.status();
    if (last.ok()) return last;
    if (conn.ok() && !(*conn)->broken()) {
      // Ends whatever transaction the op left open; on a lock wait timeout
      // InnoDB rolls back only the statement, not the transaction.
      (void)(*conn)->Execute("ROLLBACK");
    }
    if (!last.IsServerError() || !db::IsRetryable(last.server_errno())) return last.WithContext(what);
    const auto now = clock_->Now();
    if (!first_failure) first_failure = now;
    const bool within_budget =
        IsConnectionTrouble(last.server_errno()) && now - *first_failure < policy_.reconnect_budget;
    if (attempt >= attempts && !within_budget) {
      return last.WithContext(std::string(what) + " (gave up after " + std::to_string(attempt) + " attempts)");
    }
    ++retries_;
    if (retry_counter_ != nullptr) retry_counter_->fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("{}: attempt {} failed, retrying in {} ms: {}", what, attempt, backoff.count(), last.ToString());
    if (!clock_->SleepFor(backoff, stop)) return Status::Aborted(std::string(what) + ": stopped");
    backoff = std::min(backoff * 2, policy_.backoff_max);
  }
}

}  // namespace osc::copy::internal
