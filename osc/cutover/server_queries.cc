#include "osc/cutover/server_queries.h"

#include <algorithm>
#include <utility>

#include "common/numbers.h"
#include "db/errors.h"
#include "db/quoting.h"

namespace osc::cutover {
namespace {

// Every query below selects the PROCESSLIST columns first, in this order,
// so one parser reads them all.
constexpr std::string_view kProcessColumns =
    "p.ID, p.USER, p.HOST, p.DB, p.COMMAND, p.TIME, p.STATE, LEFT(p.INFO, 200)";
constexpr size_t kProcessColumnCount = 8;

// Statements are matched against this much of their text. Longer texts
// (multi-megabyte bulk inserts) are not worth shipping; a table named only
// after the first 4 KiB is missed, which the header admits for text matching.
constexpr int kMatchTextBytes = 4096;

std::string CellText(const db::Row& row, size_t i) {
  return i < row.size() && row[i].has_value() ? *row[i] : std::string();
}

int64_t CellInt(const db::Row& row, size_t i) {
  return ParseNumber<int64_t>(CellText(row, i)).value_or(0);  // 0 for NULL or garbage
}

ProcessInfo ProcessFromRow(const db::Row& row) {
  ProcessInfo p;
  p.id = static_cast<uint64_t>(CellInt(row, 0));
  p.user = CellText(row, 1);
  p.host = CellText(row, 2);
  p.db = CellText(row, 3);
  p.command = CellText(row, 4);
  p.time_seconds = CellInt(row, 5);
  p.state = CellText(row, 6);
  p.query = CellText(row, 7);
  return p;
}

bool Excluded(const BlockerQuery& query, uint64_t own_id, uint64_t id) {
  return id == own_id || std::find(query.exclude_ids.begin(), query.exclude_ids.end(), id) !=
                             query.exclude_ids.end();
}

Status AddLongTransactions(Session& session, const BlockerQuery& query, BlockerReport* report) {
  const std::string sql = std::string("SELECT ") + std::string(kProcessColumns) +
                          ", TIMESTAMPDIFF(SECOND, t.trx_started, NOW())"
                          " FROM information_schema.INNODB_TRX t"
                          " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                          " WHERE t.trx_started <= NOW() - INTERVAL " +
                          std::to_string(query.long_transaction_threshold.count()) +
                          " SECOND ORDER BY t.trx_started";
  OSC_ASSIGN_OR_RETURN(db::QueryResult rows, session.Query(sql));
  for (const db::Row& row : rows.rows) {
    Blocker b{BlockerKind::kLongTransaction, ProcessFromRow(row), CellInt(row, kProcessColumnCount),
              "", ""};
    if (!Excluded(query, session.id(), b.process.id)) report->blockers.push_back(std::move(b));
  }
  return Status::Ok();
}

Status AddQueriesOnTable(Session& session, const BlockerQuery& query, BlockerReport* report) {
  // LOCATE narrows the rows on the server; MentionsTable then demands a
  // whole-identifier match (LOCATE would also match "_t_osc_new" for "t").
  const std::string sql = std::string("SELECT ") + std::string(kProcessColumns) +
                          ", LEFT(p.INFO, " + std::to_string(kMatchTextBytes) +
                          ") FROM information_schema.PROCESSLIST p"
                          " WHERE p.INFO IS NOT NULL AND p.COMMAND NOT IN ('Sleep', 'Daemon')"
                          " AND LOCATE(" +
                          db::QuoteStringLiteral(query.table) + ", p.INFO) > 0 ORDER BY p.ID";
  OSC_ASSIGN_OR_RETURN(db::QueryResult rows, session.Query(sql));
  for (const db::Row& row : rows.rows) {
    if (!MentionsTable(CellText(row, kProcessColumnCount), query.table)) continue;
    Blocker b{BlockerKind::kQueryOnTable, ProcessFromRow(row), 0, "", ""};
    if (!Excluded(query, session.id(), b.process.id)) report->blockers.push_back(std::move(b));
  }
  return Status::Ok();
}

// Usable means: performance_schema is on and the MDL instrument is enabled
// (SERVER-FACTS: MariaDB ships it disabled, and then metadata_locks is
// silently empty, which would read as "no blockers").
bool MetadataLocksUsable(Session& session, std::string* why) {
  auto ps = session.Query("SELECT @@performance_schema");
  if (!ps.ok() || ps->rows.empty() || CellText(ps->rows[0], 0) != "1") {
    *why = ps.ok() ? "performance_schema is OFF (it can only be enabled at server start)"
                   : "cannot read @@performance_schema: " + ps.status().ToString();
    return false;
  }
  auto instrument = session.Query(
      "SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = "
      "'wait/lock/metadata/sql/mdl'");
  if (!instrument.ok()) {
    *why = "cannot read performance_schema.setup_instruments: " + instrument.status().ToString();
    return false;
  }
  if (instrument->rows.empty() || CellText(instrument->rows[0], 0) != "YES") {
    *why = "the wait/lock/metadata/sql/mdl instrument is disabled";
    return false;
  }
  return true;
}

Status AddMetadataLocks(Session& session, const BlockerQuery& query, BlockerReport* report) {
  const std::string sql =
      std::string("SELECT ") + std::string(kProcessColumns) +
      ", ml.LOCK_TYPE, ml.LOCK_STATUS, th.PROCESSLIST_ID"
      " FROM performance_schema.metadata_locks ml"
      " JOIN performance_schema.threads th ON th.THREAD_ID = ml.OWNER_THREAD_ID"
      " LEFT JOIN information_schema.PROCESSLIST p ON p.ID = th.PROCESSLIST_ID"
      " WHERE ml.OBJECT_TYPE = 'TABLE' AND ml.OBJECT_SCHEMA = " +
      db::QuoteStringLiteral(query.database) +
      " AND ml.OBJECT_NAME = " + db::QuoteStringLiteral(query.table) +
      " AND th.PROCESSLIST_ID IS NOT NULL ORDER BY ml.LOCK_STATUS, th.PROCESSLIST_ID";
  OSC_ASSIGN_OR_RETURN(db::QueryResult rows, session.Query(sql));
  for (const db::Row& row : rows.rows) {
    Blocker b{BlockerKind::kMetadataLock, ProcessFromRow(row), 0,
              CellText(row, kProcessColumnCount), CellText(row, kProcessColumnCount + 1)};
    // The session may have ended between the two tables' snapshots; the
    // threads row still names it.
    b.process.id = static_cast<uint64_t>(CellInt(row, kProcessColumnCount + 2));
    if (!Excluded(query, session.id(), b.process.id)) report->blockers.push_back(std::move(b));
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<ProcessInfo>> QueryProcess(Session& session, uint64_t id) {
  const std::string sql =
      std::string("SELECT ") + std::string(kProcessColumns) +
      " FROM information_schema.PROCESSLIST p WHERE p.ID = " + std::to_string(id);
  OSC_ASSIGN_OR_RETURN(db::QueryResult rows, session.Query(sql));
  if (rows.rows.empty()) return std::optional<ProcessInfo>();
  return std::optional<ProcessInfo>(ProcessFromRow(rows.rows[0]));
}

Result<BlockerReport> QueryBlockers(Session& session, const BlockerQuery& query) {
  BlockerReport report;
  OSC_RETURN_IF_ERROR(
      AddLongTransactions(session, query, &report).WithContext("listing long transactions"));
  OSC_RETURN_IF_ERROR(
      AddQueriesOnTable(session, query, &report).WithContext("listing queries on the table"));
  report.metadata_locks_usable = MetadataLocksUsable(session, &report.metadata_locks_note);
  if (report.metadata_locks_usable) {
    Status s = AddMetadataLocks(session, query, &report);
    if (!s.ok()) {
      report.metadata_locks_usable = false;
      report.metadata_locks_note =
          "reading performance_schema.metadata_locks failed: " + s.ToString();
    }
  }
  return report;
}

Result<std::optional<std::string>> ShowCreateTable(Session& session, std::string_view database,
                                                   std::string_view table) {
  auto rows = session.Query("SHOW CREATE TABLE " + db::QuoteQualified(database, table));
  if (!rows.ok()) {
    if (rows.status().server_errno() == db::errc::kNoSuchTable) return std::optional<std::string>();
    return rows.status();
  }
  if (rows->rows.empty() || rows->rows[0].size() < 2 || !rows->rows[0][1].has_value()) {
    return Status::Internal("SHOW CREATE TABLE " + db::QuoteQualified(database, table) +
                            " returned no statement");
  }
  return std::optional<std::string>(*rows->rows[0][1]);
}

std::string NormalizeCreateTable(std::string_view create_table) {
  std::string out(create_table);
  // "CREATE TABLE `name` (": the name is a backquoted identifier (doubled
  // backquotes inside) or, with sql_quote_show_create=0, a bare word.
  constexpr std::string_view kPrefix = "CREATE TABLE ";
  if (out.compare(0, kPrefix.size(), kPrefix) == 0) {
    size_t end = kPrefix.size();
    if (end < out.size() && out[end] == '`') {
      for (++end; end < out.size(); ++end) {
        if (out[end] != '`') continue;
        if (end + 1 < out.size() && out[end + 1] == '`') {
          ++end;
          continue;
        }
        ++end;
        break;
      }
    } else {
      end = std::min(out.find(' ', end), out.size());
    }
    out.replace(kPrefix.size(), end - kPrefix.size(), "<table>");
  }
  // Table options follow the line that closes the column list.
  const size_t options = out.rfind("\n)");
  const size_t from = options == std::string::npos ? 0 : options;
  const size_t ai = out.find(" AUTO_INCREMENT=", from);
  if (ai != std::string::npos) {
    size_t end = ai + std::string_view(" AUTO_INCREMENT=").size();
    while (end < out.size() && out[end] >= '0' && out[end] <= '9') ++end;
    out.erase(ai, end - ai);
  }
  return out;
}

}  // namespace osc::cutover
