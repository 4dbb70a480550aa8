// The SQL seam of the cut-over: everything osc::cutover says to the server
// goes through these two small interfaces, so every failure path (a lock
// timeout, a lost session, a RENAME that never gets to wait) can be
// produced by a fake in unit tests. Production: ConnectionExecutor
// (connection_executor.h) over db::Connection; tests: FakeExecutor
// (fake_executor.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "db/query_result.h"
#include "osc/cutover/blocker.h"

namespace osc::cutover {

// One server session. Session state (LOCK TABLES, SET SESSION) lives as
// long as the object; destroying it closes the session, which releases
// its locks on the server.
//
// Thread safety: one thread at a time (it may move between threads
// between calls). Errors carry the server errno as db::Connection's do; a
// lost connection makes broken() true and every later call fail.
class Session {
 public:
  virtual ~Session() = default;
  // Runs one statement, discarding any rows.
  virtual Status Execute(std::string_view sql) = 0;
  // Runs one statement and returns its rows.
  virtual Result<db::QueryResult> Query(std::string_view sql) = 0;
  // The server's id for this session (CONNECTION_ID()).
  virtual uint64_t id() const = 0;
  // True once the connection is known to be lost.
  virtual bool broken() const = 0;
};

enum class KillScope : uint8_t {
  kQuery,       // KILL QUERY: interrupt the running statement
  kConnection,  // KILL CONNECTION: end the session (its transaction rolls back)
};

// Opens sessions and looks at the server from the side.
//
// Thread safety: every method may be called from any thread (the heartbeat
// writer opens sessions while the cut-over runs).
class Executor {
 public:
  virtual ~Executor() = default;

  // A new session. `role` names its purpose in logs ("cutover-lock",
  // "heartbeat"); it has no effect on the server.
  virtual Result<std::unique_ptr<Session>> OpenSession(std::string_view role) = 0;

  // The PROCESSLIST row of session `id`, or nullopt when it does not exist.
  virtual Result<std::optional<ProcessInfo>> FindProcess(uint64_t id) = 0;

  // Sessions that may block a cut-over of query.table (see blocker.h).
  virtual Result<BlockerReport> ListBlockers(const BlockerQuery& query) = 0;

  // KILL QUERY / KILL CONNECTION `id`. NotFound when no such session exists
  // (it ended on its own).
  virtual Status Kill(uint64_t id, KillScope scope) = 0;
};

}  // namespace osc::cutover
