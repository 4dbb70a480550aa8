#include "osc/cutover/connection_executor.h"

#include <string>

#include "common/logging.h"
#include "osc/cutover/server_queries.h"

namespace osc::cutover {
namespace {

// ER_NO_SUCH_THREAD ("Unknown thread id: %lu"), MariaDB and MySQL alike;
// include/mysqld_error.h in both servers' sources.
constexpr uint32_t kNoSuchThread = 1094;

}  // namespace

Result<std::unique_ptr<Session>> ConnectionExecutor::OpenSession(std::string_view role) {
  auto conn = db::Connection::Open(options_);
  if (!conn.ok()) return conn.status().WithContext("opening the " + std::string(role) + " session");
  auto session = std::make_unique<ConnectionSession>(std::move(*conn));
  spdlog::debug("cut-over: opened {} session (connection id {})", role, session->id());
  return std::unique_ptr<Session>(std::move(session));
}

Result<Session*> ConnectionExecutor::MonitorLocked() {
  if (monitor_ && !monitor_->broken()) return monitor_.get();
  monitor_.reset();
  OSC_ASSIGN_OR_RETURN(monitor_, OpenSession("monitor"));
  return monitor_.get();
}

Result<std::optional<ProcessInfo>> ConnectionExecutor::FindProcess(uint64_t id) {
  std::lock_guard lock(mu_);
  OSC_ASSIGN_OR_RETURN(Session * monitor, MonitorLocked());
  return QueryProcess(*monitor, id);
}

Result<BlockerReport> ConnectionExecutor::ListBlockers(const BlockerQuery& query) {
  std::lock_guard lock(mu_);
  OSC_ASSIGN_OR_RETURN(Session * monitor, MonitorLocked());
  return QueryBlockers(*monitor, query);
}

Status ConnectionExecutor::Kill(uint64_t id, KillScope scope) {
  std::lock_guard lock(mu_);
  OSC_ASSIGN_OR_RETURN(Session * monitor, MonitorLocked());
  const std::string sql =
      std::string(scope == KillScope::kQuery ? "KILL QUERY " : "KILL CONNECTION ") +
      std::to_string(id);
  Status s = monitor->Execute(sql);
  if (s.server_errno() == kNoSuchThread) {
    return Status::NotFound("session " + std::to_string(id) + " no longer exists");
  }
  return s;
}

}  // namespace osc::cutover
