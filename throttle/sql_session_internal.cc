#include "throttle/sql_session_internal.h"

#include <algorithm>

namespace osc::throttle::internal {

std::chrono::seconds TimeoutFor(Clock::SteadyTime now, Clock::SteadyTime deadline) {
  if (deadline <= now) return std::chrono::seconds(1);
  const auto remaining = std::chrono::ceil<std::chrono::seconds>(deadline - now);
  return std::max(remaining, std::chrono::seconds(1));
}

Result<db::Connection*> SqlSession::Get(Clock::SteadyTime deadline) {
  if (conn_ && !conn_->broken()) return &*conn_;
  conn_.reset();
  const Clock::SteadyTime now = clock_->Now();
  if (now >= deadline) {
    return Status::Timeout("no time left in this check to connect to " + Describe());
  }
  // The timeouts are fixed for the session's lifetime; the check budget is
  // the same every round (ThrottlerOptions::check_timeout), so the value
  // taken at open stays right until an operator changes it, and a broken
  // session picks up the new value on reopen.
  db::ConnectionOptions options = options_;
  const std::chrono::seconds timeout = TimeoutFor(now, deadline);
  options.connect_timeout = timeout;
  options.read_timeout = timeout;
  options.write_timeout = timeout;
  Result<db::Connection> opened = db::Connection::Open(options);
  if (!opened.ok()) return opened.status();
  conn_.emplace(std::move(*opened));
  return &*conn_;
}

void SqlSession::AfterError() {
  if (conn_ && conn_->broken()) conn_.reset();
}

std::string CellText(const db::Row& row, size_t i) {
  return i < row.size() && row[i].has_value() ? *row[i] : std::string();
}

}  // namespace osc::throttle::internal
