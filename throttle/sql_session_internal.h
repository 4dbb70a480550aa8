// SqlSession: the one lazily opened, self-healing connection an SQL-backed
// throttle signal keeps to one server. Internal to throttle/.
//
// Why a helper: every SQL signal needs the same three things. (1) Open on
// first use and again after the session broke (lost connection, read
// timeout), never on every check: a throttle check runs twice a second and a
// connect costs the server a thread and an authentication. (2) Bound every
// wait by the check's deadline: the client library's timeouts have
// one-second resolution, so the session is opened with connect/read/write
// timeouts of the remaining budget rounded up (at least 1 s). A check that
// overruns therefore fails with 2013 instead of hanging the throttler.
// (3) No reconnect inside a call: Connection never reconnects silently; the
// session is dropped and the next check opens a new one.
//
// A client-side read timeout does not stop the statement on the server. The
// statements the signals run are tiny catalogue reads, except a user's
// --throttle-query, whose cost the user owns.
//
// Thread safety: none; one signal's Check() thread uses it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/result.h"
#include "db/connection.h"
#include "db/connection_options.h"

namespace osc::throttle::internal {

class SqlSession {
 public:
  // `clock` must outlive the session. `options`' timeouts are replaced at
  // each open by the check budget.
  SqlSession(Clock* clock, db::ConnectionOptions options)
      : clock_(clock), options_(std::move(options)) {}

  // The open connection, opening it first if needed (bounded by
  // `deadline`). Timeout when the deadline has already passed. The pointer
  // is valid until the next Get() or Drop().
  Result<db::Connection*> Get(Clock::SteadyTime deadline);

  // Call after a failed statement: drops the connection if it is broken
  // (lost, timed out) so the next Get() reopens it. Keeps it otherwise
  // (a syntax error leaves the session usable).
  void AfterError();
  // Closes the connection (if any).
  void Drop() { conn_.reset(); }

  const db::ConnectionOptions& options() const { return options_; }
  // options().Describe(): "user@host:port" for reasons and logs.
  std::string Describe() const { return options_.Describe(); }

 private:
  Clock* const clock_;
  db::ConnectionOptions options_;
  std::optional<db::Connection> conn_;
};

// The remaining budget until `deadline`, rounded up to whole seconds and at
// least one (the client library's resolution and minimum).
std::chrono::seconds TimeoutFor(Clock::SteadyTime now, Clock::SteadyTime deadline);

// Text of cell `i` of `row`; "" for NULL or a missing cell.
std::string CellText(const db::Row& row, size_t i);

}  // namespace osc::throttle::internal
