#include "throttle/mdl_signal.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>

#include "common/numbers.h"
#include "db/errors.h"
#include "db/quoting.h"

namespace osc::throttle {
namespace {

using internal::CellText;

// The statement text shown in reasons (the brief asks for 100 characters;
// StatementExcerpt cuts at a UTF-8 boundary and hides secrets).
constexpr size_t kShownQueryBytes = 100;
// The fallback matches table names in this much of each statement.
constexpr int kMatchTextBytes = 4096;

int64_t CellInt(const db::Row& row, size_t i) {
  return ParseNumber<int64_t>(CellText(row, i)).value_or(0);  // 0 for NULL or garbage
}

bool IsIdentifierByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) || c == '_' || c == '$';
}

bool Contains(const std::vector<uint64_t>& ids, uint64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

bool SameTable(const TableRef& a, const TableRef& b) {
  return a.database == b.database && a.table == b.table;
}

std::string DescribeSession(const MdlSession& s) {
  std::string out = fmt::format("id {} {}@{} {}s", s.id, s.user, s.host, s.time_seconds);
  if (!s.table.table.empty()) out += fmt::format(" on {} {}", s.table.ToString(), s.lock_type);
  out += s.query.empty() ? std::string(" (idle)")
                         : ": " + db::StatementExcerpt(s.query, kShownQueryBytes);
  return out;
}

// "held by id 10 app@localhost SHARED_READ, ..." for the sessions holding a
// lock on `waiter`'s table, other than the waiter itself.
std::string Holders(const MdlReading& reading, const MdlSession& waiter) {
  std::string out;
  for (const MdlSession& h : reading.holding) {
    if (h.id == waiter.id || !SameTable(h.table, waiter.table)) continue;
    out += out.empty() ? " [held by " : ", ";
    out += fmt::format("id {} {}@{} {}", h.id, h.user, h.host, h.lock_type);
  }
  return out.empty() ? out : out + "]";
}

std::vector<std::string> WaiterReasons(const MdlReading& reading, const MdlOptions& options,
                                       const std::vector<uint64_t>& excluded, uint64_t* count) {
  std::vector<std::string> listed;
  std::vector<uint64_t> seen;  // a session waits for one lock at a time; list it once
  for (const MdlSession& w : reading.waiting) {
    if (Contains(excluded, w.id) || Contains(seen, w.id)) continue;
    seen.push_back(w.id);
    listed.push_back(DescribeSession(w) + Holders(reading, w));
  }
  *count = seen.size();
  if (*count <= options.max_waiters) return {};
  return listed;
}

std::vector<std::string> OldTransactionReasons(const MdlReading& reading, const MdlOptions& options,
                                               const std::vector<uint64_t>& excluded) {
  std::vector<std::string> out;
  for (const OldTransaction& t : reading.old_transactions) {
    if (Contains(excluded, t.id) || t.seconds < options.long_transaction.count()) continue;
    const auto held = std::find_if(reading.holding.begin(), reading.holding.end(),
                                   [&](const MdlSession& h) { return h.id == t.id; });
    if (held == reading.holding.end()) continue;
    out.push_back(fmt::format("transaction open {}s >= {}s holds a metadata lock: {}", t.seconds,
                              options.long_transaction.count(), DescribeSession(*held)));
  }
  return out;
}

std::string TableCondition(const std::vector<TableRef>& tables) {
  std::string out;
  for (const TableRef& t : tables) {
    if (!out.empty()) out += " OR ";
    out += fmt::format("(ml.OBJECT_SCHEMA = {} AND ml.OBJECT_NAME = {})",
                       db::QuoteStringLiteral(t.database), db::QuoteStringLiteral(t.table));
  }
  return "(" + out + ")";
}

Status ReadLocks(db::Connection& conn, const std::vector<TableRef>& tables, MdlReading* out) {
  const std::string sql = "SELECT th.PROCESSLIST_ID, p.USER, p.HOST, p.TIME, LEFT(p.INFO, " +
                          std::to_string(kMatchTextBytes) +
                          "), ml.OBJECT_SCHEMA, ml.OBJECT_NAME, ml.LOCK_TYPE, ml.LOCK_STATUS"
                          " FROM performance_schema.metadata_locks ml"
                          " JOIN performance_schema.threads th ON th.THREAD_ID = ml.OWNER_THREAD_ID"
                          " LEFT JOIN information_schema.PROCESSLIST p ON p.ID = th.PROCESSLIST_ID"
                          " WHERE ml.OBJECT_TYPE = 'TABLE' AND th.PROCESSLIST_ID IS NOT NULL AND " +
                          TableCondition(tables) + " ORDER BY th.PROCESSLIST_ID";
  OSC_ASSIGN_OR_RETURN(const db::QueryResult rows, conn.Query(sql));
  for (const db::Row& row : rows.rows) {
    MdlSession s{static_cast<uint64_t>(CellInt(row, 0)),
                 CellText(row, 1),
                 CellText(row, 2),
                 CellInt(row, 3),
                 CellText(row, 4),
                 TableRef{CellText(row, 5), CellText(row, 6)},
                 CellText(row, 7)};
    const std::string status = CellText(row, 8);
    if (status == "PENDING") {
      out->waiting.push_back(std::move(s));
    } else if (status == "GRANTED") {
      out->holding.push_back(std::move(s));
    }
  }
  return Status::Ok();
}

Status ReadOldTransactions(db::Connection& conn, std::chrono::seconds limit, MdlReading* out) {
  const std::string sql =
      "SELECT trx_mysql_thread_id, TIMESTAMPDIFF(SECOND, trx_started, NOW())"
      " FROM information_schema.INNODB_TRX WHERE trx_started <= NOW() - INTERVAL " +
      std::to_string(limit.count()) + " SECOND";
  OSC_ASSIGN_OR_RETURN(const db::QueryResult rows, conn.Query(sql));
  for (const db::Row& row : rows.rows) {
    out->old_transactions.push_back(
        OldTransaction{static_cast<uint64_t>(CellInt(row, 0)), CellInt(row, 1)});
  }
  return Status::Ok();
}

Status ReadProcesslistWaiters(db::Connection& conn, const std::vector<TableRef>& tables,
                              MdlReading* out) {
  const std::string sql = "SELECT ID, USER, HOST, TIME, LEFT(INFO, " +
                          std::to_string(kMatchTextBytes) +
                          ") FROM information_schema.PROCESSLIST"
                          " WHERE STATE = 'Waiting for table metadata lock' ORDER BY ID";
  OSC_ASSIGN_OR_RETURN(const db::QueryResult rows, conn.Query(sql));
  for (const db::Row& row : rows.rows) {
    MdlSession s{static_cast<uint64_t>(CellInt(row, 0)),
                 CellText(row, 1),
                 CellText(row, 2),
                 CellInt(row, 3),
                 CellText(row, 4),
                 TableRef{},
                 ""};
    const bool names_one = std::any_of(tables.begin(), tables.end(), [&](const TableRef& t) {
      return MentionsTable(s.query, t.table);
    });
    if (names_one) out->waiting.push_back(std::move(s));
  }
  return Status::Ok();
}

}  // namespace

std::string TableRef::ToString() const { return db::QuoteQualified(database, table); }

Status MdlOptions::Validate() const {
  if (long_transaction < std::chrono::seconds(1)) {
    return Status::InvalidArgument("the long-transaction limit must be at least 1 s");
  }
  return Status::Ok();
}

bool MentionsTable(std::string_view sql, std::string_view table) {
  if (table.empty()) return false;
  for (size_t pos = sql.find(table); pos != std::string_view::npos;
       pos = sql.find(table, pos + 1)) {
    const bool starts = pos == 0 || !IsIdentifierByte(sql[pos - 1]);
    const size_t end = pos + table.size();
    const bool ends = end == sql.size() || !IsIdentifierByte(sql[end]);
    if (starts && ends) return true;
  }
  return false;
}

Decision DecideMdl(const MdlReading& reading, const MdlOptions& options,
                   const std::vector<uint64_t>& excluded) {
  uint64_t waiters = 0;
  std::vector<std::string> reasons = WaiterReasons(reading, options, excluded, &waiters);
  std::string reason;
  if (!reasons.empty()) {
    reason = fmt::format("{} session(s) waiting for a metadata lock (max {}): ", waiters,
                         options.max_waiters);
    for (size_t i = 0; i < reasons.size(); ++i) reason += (i ? "; " : "") + reasons[i];
  }
  for (const std::string& r : OldTransactionReasons(reading, options, excluded)) {
    reason += (reason.empty() ? "" : "; ") + r;
  }
  Decision d = reason.empty() ? Decision::Go() : Decision::Throttle(std::move(reason));
  d.measured = static_cast<double>(waiters);
  d.limit = static_cast<double>(options.max_waiters);
  if (!reading.exact) {
    d.detail = "approximate: metadata locks read from PROCESSLIST states (" +
               reading.fallback_note + "); lock holders and long transactions are not checked";
  }
  return d;
}

Result<MdlInstrumentState> MdlInstrumentEnabled(db::Connection& conn) {
  Result<std::optional<std::string>> ps = conn.QueryScalar("SELECT @@GLOBAL.performance_schema");
  if (!ps.ok() && ps.status().server_errno() != db::errc::kUnknownSystemVariable) {
    return ps.status();
  }
  if (!ps.ok() || !ps->has_value() || (**ps != "1" && **ps != "ON")) {
    return MdlInstrumentState{false,
                              "performance_schema is OFF (it can only be enabled at server start)"};
  }
  Result<std::optional<std::string>> enabled = conn.QueryScalar(
      "SELECT ENABLED FROM performance_schema.setup_instruments"
      " WHERE NAME = 'wait/lock/metadata/sql/mdl'");
  if (!enabled.ok() && !enabled.status().IsNotFound()) return enabled.status();
  if (!enabled.ok() || !enabled->has_value() || **enabled != "YES") {
    return MdlInstrumentState{false,
                              "the performance_schema instrument wait/lock/metadata/sql/mdl is "
                              "disabled"};
  }
  return MdlInstrumentState{true, ""};
}

MdlSignal::MdlSignal(Clock* clock, db::ConnectionOptions primary, std::vector<TableRef> tables,
                     OwnSessions own_sessions, MdlOptions options)
    : tables_(std::move(tables)),
      own_sessions_(std::move(own_sessions)),
      options_(std::move(options)),
      session_(clock, std::move(primary)) {}

Result<std::unique_ptr<MdlSignal>> MdlSignal::Create(Clock* clock, db::ConnectionOptions primary,
                                                     std::vector<TableRef> tables,
                                                     OwnSessions own_sessions, MdlOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  OSC_RETURN_IF_ERROR(primary.Validate());
  if (tables.empty()) return Status::InvalidArgument("metadata-lock signal: no tables to watch");
  for (const TableRef& t : tables) {
    OSC_RETURN_IF_ERROR(db::ValidateIdentifier(t.database));
    OSC_RETURN_IF_ERROR(db::ValidateIdentifier(t.table));
  }
  return std::unique_ptr<MdlSignal>(new MdlSignal(clock, std::move(primary), std::move(tables),
                                                  std::move(own_sessions), std::move(options)));
}

Status MdlSignal::UpdateOptions(MdlOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  options_.Set(std::move(options));
  return Status::Ok();
}

Result<MdlReading> MdlSignal::Measure(db::Connection& conn, const MdlOptions& options) {
  MdlReading reading;
  // Checked every round, not once: the instrument can be switched at run
  // time, and a switched-off instrument leaves metadata_locks silently
  // empty, which must not read as "no waiters".
  OSC_ASSIGN_OR_RETURN(const MdlInstrumentState state, MdlInstrumentEnabled(conn));
  reading.exact = state.enabled;
  if (!state.enabled) {
    reading.fallback_note = state.why_not;
    OSC_RETURN_IF_ERROR(ReadProcesslistWaiters(conn, tables_, &reading));
    return reading;
  }
  OSC_RETURN_IF_ERROR(ReadLocks(conn, tables_, &reading));
  OSC_RETURN_IF_ERROR(ReadOldTransactions(conn, options.long_transaction, &reading));
  return reading;
}

Decision MdlSignal::Check(const CheckContext& ctx) {
  const std::shared_ptr<const MdlOptions> options = options_.Get();
  Result<db::Connection*> conn = session_.Get(ctx.deadline);
  if (!conn.ok()) {
    return Decision::Unavailable(
        fmt::format("cannot connect to {}: {}", session_.Describe(), conn.status().ToString()));
  }
  Result<MdlReading> reading = Measure(**conn, *options);
  if (!reading.ok()) {
    session_.AfterError();
    return Decision::Unavailable("cannot read metadata locks: " + reading.status().ToString());
  }
  std::vector<uint64_t> excluded = own_sessions_ ? own_sessions_() : std::vector<uint64_t>();
  excluded.push_back((*conn)->thread_id());
  return DecideMdl(*reading, *options, excluded);
}

}  // namespace osc::throttle
