// The production Executor: sessions are db::Connections opened with the
// migration's connection options; processlist reads, blocker lists and
// KILLs run on one monitor connection of its own, opened on first use and
// re-opened after it breaks.
//
// The options' read_timeout bounds every statement, including the RENAME
// that waits on a metadata lock: keep it above the cut-over lock timeout
// (the defaults, 60 s and 3 s, are).
//
// Thread safety: every method may be called from any thread; the monitor
// connection is used under one mutex.
#pragma once

#include <memory>
#include <mutex>

#include "db/connection.h"
#include "db/connection_options.h"
#include "osc/cutover/executor.h"

namespace osc::cutover {

// A Session over one db::Connection (which it owns).
class ConnectionSession final : public Session {
 public:
  explicit ConnectionSession(db::Connection conn) : conn_(std::move(conn)) {}

  Status Execute(std::string_view sql) override { return conn_.Execute(sql); }
  Result<db::QueryResult> Query(std::string_view sql) override { return conn_.Query(sql); }
  uint64_t id() const override { return conn_.thread_id(); }
  bool broken() const override { return conn_.broken(); }

 private:
  db::Connection conn_;
};

class ConnectionExecutor final : public Executor {
 public:
  explicit ConnectionExecutor(db::ConnectionOptions options) : options_(std::move(options)) {}

  Result<std::unique_ptr<Session>> OpenSession(std::string_view role) override;
  Result<std::optional<ProcessInfo>> FindProcess(uint64_t id) override;
  Result<BlockerReport> ListBlockers(const BlockerQuery& query) override;
  Status Kill(uint64_t id, KillScope scope) override;

 private:
  // The monitor session, opened if absent or broken. Requires mu_.
  Result<Session*> MonitorLocked();

  const db::ConnectionOptions options_;
  std::mutex mu_;
  std::unique_ptr<Session> monitor_;  // guarded by mu_
};

}  // namespace osc::cutover
