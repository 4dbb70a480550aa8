// MdlSignal: pauses the row copy while application sessions queue for a
// metadata lock on the migrated table (or a table tied to it by a foreign
// key), and while an old transaction holds a metadata lock on one of them.
//
// Why: a session waiting for an exclusive metadata lock (an ALTER, a
// RENAME, a DROP) makes every later query on the table queue behind it
// (SERVER-FACTS "Metadata locks": the pile-up). osc's own chunk reads and
// writes join that queue; pausing the copy keeps osc from adding to it and
// leaves room for the operator. A long transaction holding a metadata lock
// on the table is the usual cause of such a pile-up and would also block
// osc's cut-over.
//
// Sources, chosen at every check:
//   exact   performance_schema.metadata_locks (PENDING = waiting, GRANTED =
//           holding) joined to performance_schema.threads for the session id
//           and information_schema.PROCESSLIST for user, host, time and query.
//           Needs performance_schema=ON (start-up only) and the
//           wait/lock/metadata/sql/mdl instrument enabled (off by default on
//           MariaDB; MdlInstrumentEnabled() tells, so osc can warn once).
//   approximate (fallback)  information_schema.PROCESSLIST sessions whose
//           State is "Waiting for table metadata lock" and whose statement
//           text names one of the tables as a whole word. APPROXIMATE: a
//           statement through a view, or naming the table only after the
//           first 4 KiB, is missed; a statement naming a same-named table in
//           another database, or the name inside a string, is counted. Who
//           holds the lock is unknown, and long transactions cannot be tied
//           to the tables, so that check is skipped (the decision's detail
//           says so).
//
// Decisions (sessions osc itself uses are never counted: the caller's
// callback lists them, plus the signal's own connection):
//   waiters > max_waiters            kThrottle naming each waiter (id,
//                                    user@host, seconds, first 100 bytes of
//                                    its statement) and, with the exact
//                                    source, the sessions holding a lock on
//                                    the same table
//   a transaction open >= long_transaction holding a granted metadata lock
//   on a watched table (exact source only)  kThrottle naming it
//   the server cannot be queried      Unavailable
// measured = the number of waiters; limit = max_waiters.
//
// Privileges: PROCESS (to see other users' PROCESSLIST rows and
// information_schema.INNODB_TRX) and SELECT on performance_schema.
//
// Measuring (SQL) and deciding (DecideMdl) are separate so the decision is
// unit-tested without a server.
//
// Thread safety: Check() from the throttler's thread; UpdateOptions() and
// options() from any thread. The own-sessions callback is called from the
// throttler's thread and must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/connection.h"
#include "db/connection_options.h"
#include "throttle/live_settings.h"
#include "throttle/signal.h"
#include "throttle/sql_session_internal.h"

namespace osc::throttle {

struct TableRef {
  std::string database;
  std::string table;
  std::string ToString() const;  // `db`.`table`, quoted
};

// One session seen waiting for or holding a metadata lock.
struct MdlSession {
  uint64_t id = 0;  // connection id (PROCESSLIST ID)
  std::string user;
  std::string host;
  int64_t time_seconds = 0;  // PROCESSLIST TIME: seconds in the current state
  std::string query;         // statement text (a prefix); empty when idle
  TableRef table;            // the locked table; empty for the fallback source
  std::string lock_type;     // "EXCLUSIVE", "SHARED_READ", ...; empty for the fallback
};

// An InnoDB transaction open at least the configured time.
struct OldTransaction {
  uint64_t id = 0;  // trx_mysql_thread_id
  int64_t seconds = 0;
};

struct MdlReading {
  // True: from performance_schema (exact); false: the PROCESSLIST fallback.
  bool exact = false;
  std::string fallback_note;  // why the fallback was used
  std::vector<MdlSession> waiting;
  std::vector<MdlSession> holding;               // exact source only
  std::vector<OldTransaction> old_transactions;  // exact source only
};

struct MdlOptions {
  // Pause while more sessions than this wait for a metadata lock on the
  // tables. 0 (the default): any waiter pauses the copy; a higher value
  // tolerates brief waits of a busy application at the price of letting a
  // pile-up grow that much first.
  uint64_t max_waiters = 0;
  // Pause while a transaction this old holds a metadata lock on the tables.
  // 60 s: well above ordinary application transactions, well below the
  // point where an idle open transaction becomes an operational problem.
  std::chrono::seconds long_transaction{60};

  // InvalidArgument unless long_transaction >= 1 s.
  Status Validate() const;
};

// True when `sql` names `table` as a whole identifier: not preceded or
// followed by [A-Za-z0-9_$] or a non-ASCII byte, so "t" matches "FROM t" and
// "`d`.`t`" but not "_t_new" or "tt". Exact bytes. Pure.
bool MentionsTable(std::string_view sql, std::string_view table);

// The decision over `reading`; sessions in `excluded` are ignored
// everywhere. Pure.
Decision DecideMdl(const MdlReading& reading, const MdlOptions& options,
                   const std::vector<uint64_t>& excluded);

// Whether performance_schema can show metadata locks on this server.
struct MdlInstrumentState {
  bool enabled = false;
  std::string why_not;  // when !enabled: what is off
};
Result<MdlInstrumentState> MdlInstrumentEnabled(db::Connection& conn);

class MdlSignal final : public Signal {
 public:
  // Connection ids of osc's own sessions, at the time of the call.
  using OwnSessions = std::function<std::vector<uint64_t>()>;

  // `clock` must outlive the signal. `tables`: the migrated table and its
  // FK-related tables (at least one). `own_sessions` may be empty (no
  // exclusions besides the signal's own connection). InvalidArgument when
  // anything does not validate.
  static Result<std::unique_ptr<MdlSignal>> Create(Clock* clock, db::ConnectionOptions primary,
                                                   std::vector<TableRef> tables,
                                                   OwnSessions own_sessions, MdlOptions options);

  std::string_view name() const override { return "metadata-lock"; }
  Decision Check(const CheckContext& ctx) override;

  Status UpdateOptions(MdlOptions options);
  std::shared_ptr<const MdlOptions> options() const { return options_.Get(); }

 private:
  MdlSignal(Clock* clock, db::ConnectionOptions primary, std::vector<TableRef> tables,
            OwnSessions own_sessions, MdlOptions options);

  Result<MdlReading> Measure(db::Connection& conn, const MdlOptions& options);

  const std::vector<TableRef> tables_;
  const OwnSessions own_sessions_;
  LiveSettings<MdlOptions> options_;
  internal::SqlSession session_;  // Check() thread only
};

}  // namespace osc::throttle
