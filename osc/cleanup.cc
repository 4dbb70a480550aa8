#include "osc/cleanup.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "common/numbers.h"
#include "db/quoting.h"
#include "osc/cutover/changelog.h"
#include "osc/schema/names.h"

namespace osc::migration {
namespace {

// The changelog layout cutover::Changelog::CreateTable makes (changelog.h
// documents it as a contract with the applier). Checked by DATA_TYPE, not
// COLUMN_TYPE, because MariaDB writes "bigint(20) unsigned" where MySQL 8.0
// writes "bigint unsigned". The live test creates a changelog through
// Changelog itself, so a change there that this list misses fails a test.
struct ExpectedColumn {
  std::string_view name;
  std::string_view data_type;
  bool is_unsigned;
};
constexpr ExpectedColumn kChangelogColumns[] = {
    {"id", "bigint", true},
    {"kind", "varchar", false},
    {"value", "text", false},
    {"updated_at", "timestamp", false},
};
constexpr std::string_view kChangelogCommentPrefix = "osc changelog";

std::string Qualified(const std::string& database, const std::string& table) {
  return db::QuoteQualified(database, table);
}

std::string DropStatement(const std::string& database, const std::string& table) {
  return "DROP TABLE " + Qualified(database, table) + ";";
}

std::optional<std::string>* TypeSlot(HelperObservation* o, const std::string& name) {
  if (name == o->names.shadow) return &o->shadow_type;
  if (name == o->names.changelog) return &o->changelog_type;
  if (name == o->names.old) return &o->old_type;
  return nullptr;
}

// Fills the TABLE_TYPEs and the changelog's comment. information_schema
// compares names case-insensitively (on most file systems' settings), so
// rows are matched exactly here: a table `_T_osc_log` is not `_t_osc_log`'s.
Status ReadHelperTables(db::Connection& conn, HelperObservation* o) {
  const std::string schema = db::QuoteStringLiteral(o->database);
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult schemas,
      conn.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
                 schema));
  o->database_exists = false;
  for (const db::Row& row : schemas.rows) {
    if (!row.empty() && row[0] == o->database) o->database_exists = true;
  }
  if (!o->database_exists) return Status::Ok();
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult tables,
      conn.Query("SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT FROM information_schema.TABLES "
                 "WHERE TABLE_SCHEMA = " +
                 schema + " AND TABLE_NAME IN (" + db::QuoteStringLiteral(o->names.shadow) + ", " +
                 db::QuoteStringLiteral(o->names.changelog) + ", " +
                 db::QuoteStringLiteral(o->names.old) + ")"));
  for (const db::Row& row : tables.rows) {
    if (row.size() < 3 || !row[0]) continue;
    std::optional<std::string>* slot = TypeSlot(o, *row[0]);
    if (slot == nullptr) continue;
    *slot = row[1].value_or("");
    if (*row[0] == o->names.changelog) o->changelog_comment = row[2].value_or("");
  }
  return Status::Ok();
}

Status ReadChangelogColumns(db::Connection& conn, HelperObservation* o) {
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult cols,
      conn.Query("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS WHERE "
                 "TABLE_SCHEMA = " +
                 db::QuoteStringLiteral(o->database) + " AND TABLE_NAME = " +
                 db::QuoteStringLiteral(o->names.changelog) + " ORDER BY ORDINAL_POSITION"));
  for (const db::Row& row : cols.rows) {
    if (row.size() < 3) continue;
    o->changelog_columns.push_back(
        ColumnShape{row[0].value_or(""), row[1].value_or(""), row[2].value_or("")});
  }
  return Status::Ok();
}

// The age is computed by the server from its own clock and the rows'
// updated_at (NOW(6) at each write), so the clocks of this host and of the
// host that ran osc do not matter.
Status ReadChangelogAge(db::Connection& conn, HelperObservation* o) {
  OSC_ASSIGN_OR_RETURN(
      std::optional<std::string> age,
      conn.QueryScalar("SELECT TIMESTAMPDIFF(MICROSECOND, MAX(updated_at), NOW(6)) FROM " +
                       Qualified(o->database, o->names.changelog)));
  if (!age) return Status::Ok();
  const std::optional<int64_t> micros = ParseNumber<int64_t>(*age);
  if (!micros) return Status::Internal("unexpected changelog age from the server: '" + *age + "'");
  o->changelog_age = std::chrono::microseconds(*micros);
  OSC_ASSIGN_OR_RETURN(std::optional<std::string> state,
                       conn.QueryScalar("SELECT value FROM " + Qualified(o->database, o->names.changelog) +
                                        " WHERE id = " + std::to_string(static_cast<uint64_t>(cutover::RowId::kState))));
  o->changelog_state = state;
  return Status::Ok();
}

std::string FormatSeconds(std::chrono::microseconds age) {
  const int64_t tenths = age.count() / 100000;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

Status CheckIsBaseTable(const HelperObservation& o, const std::string& name,
                        const std::optional<std::string>& type) {
  if (!type || *type == "BASE TABLE") return Status::Ok();
  return Status::FailedPrecondition(
      Qualified(o.database, name) + " is a " + *type +
      ", not a table osc creates; osc drops nothing. Check what it is and remove it "
      "yourself if it is not needed");
}

// The refusals about the changelog: not osc's layout, or recently written.
Status CheckChangelog(const HelperObservation& o, const CleanupOptions& options) {
  const std::string log = Qualified(o.database, o.names.changelog);
  if (auto mismatch = ChangelogLayoutMismatch(o.changelog_columns, o.changelog_comment)) {
    return Status::FailedPrecondition(
        log + " does not look like osc's changelog (" + *mismatch +
        "); it may be a table of yours with that name, so osc drops nothing. "
        "If it is osc's after all, drop the helper tables by hand");
  }
  if (!o.stopped_cleanly() && o.changelog_age && *o.changelog_age < options.active_window) {
    return Status::FailedPrecondition(
        "an osc run on " + Qualified(o.database, o.table) + " looks active: its changelog " + log +
        " was written " + FormatSeconds(std::max(*o.changelog_age, std::chrono::microseconds(0))) +
        " ago (less than " + std::to_string(options.active_window.count()) +
        " s); stop that run first (it removes its own helper tables), or retry once its changelog "
        "is " +
        std::to_string(options.active_window.count()) + " s old");
  }
  return Status::Ok();
}

}  // namespace

std::optional<std::string> ChangelogLayoutMismatch(const std::vector<ColumnShape>& columns,
                                                   std::string_view comment) {
  constexpr size_t kExpected = std::size(kChangelogColumns);
  if (columns.size() != kExpected) {
    return std::to_string(columns.size()) + " columns where osc's has " + std::to_string(kExpected);
  }
  for (size_t i = 0; i < kExpected; ++i) {
    const ExpectedColumn& want = kChangelogColumns[i];
    const ColumnShape& have = columns[i];
    const bool is_unsigned = have.column_type.find("unsigned") != std::string::npos;
    if (have.name != want.name || have.data_type != want.data_type ||
        is_unsigned != want.is_unsigned) {
      return "column " + std::to_string(i + 1) + " is " + db::QuoteIdentifier(have.name) + " " +
             have.column_type + " where osc's is `" + std::string(want.name) + "` " +
             std::string(want.data_type) + (want.is_unsigned ? " unsigned" : "");
    }
  }
  if (comment.substr(0, kChangelogCommentPrefix.size()) != kChangelogCommentPrefix) {
    return "its table comment does not start with '" + std::string(kChangelogCommentPrefix) + "'";
  }
  return std::nullopt;
}

bool HelperObservation::stopped_cleanly() const {
  return changelog_state && changelog_state->starts_with(cutover::kStoppedState);
}

Result<HelperObservation> ObserveHelpers(db::Connection& conn, const CleanupOptions& options) {
  OSC_RETURN_IF_ERROR(db::ValidateIdentifier(options.database).WithContext("--database"));
  HelperObservation o;
  o.database = options.database;
  o.table = options.table;
  OSC_ASSIGN_OR_RETURN(o.names, schema::HelperNamesFor(options.table));
  OSC_RETURN_IF_ERROR(ReadHelperTables(conn, &o));
  if (o.changelog_type != "BASE TABLE") return o;
  OSC_RETURN_IF_ERROR(ReadChangelogColumns(conn, &o));
  // Only a table with osc's layout has an updated_at worth reading.
  if (!ChangelogLayoutMismatch(o.changelog_columns, o.changelog_comment)) {
    OSC_RETURN_IF_ERROR(ReadChangelogAge(conn, &o));
  }
  return o;
}

Result<CleanupPlan> PlanCleanup(const HelperObservation& o, const CleanupOptions& options) {
  if (!o.database_exists) {
    return Status::FailedPrecondition(
        "database " + db::QuoteIdentifier(o.database) +
        " does not exist (names are case-sensitive); check --database");
  }
  OSC_RETURN_IF_ERROR(CheckIsBaseTable(o, o.names.shadow, o.shadow_type));
  OSC_RETURN_IF_ERROR(CheckIsBaseTable(o, o.names.changelog, o.changelog_type));
  OSC_RETURN_IF_ERROR(CheckIsBaseTable(o, o.names.old, o.old_type));
  if (o.changelog_type) OSC_RETURN_IF_ERROR(CheckChangelog(o, options));
  if (o.shadow_type && !o.changelog_type) {
    return Status::FailedPrecondition(Qualified(o.database, o.names.shadow) +
                                      " exists without osc's changelog " +
                                      Qualified(o.database, o.names.changelog) +
                                      ", so osc cannot tell it made it and drops nothing. If it is "
                                      "a leftover of osc (a run killed while "
                                      "creating its tables), drop it yourself: " +
                                      DropStatement(o.database, o.names.shadow));
  }
  CleanupPlan plan{o.database, o.table, {}};
  if (schema::IsUnconfirmedSwap({o.shadow_type.has_value(), o.changelog_type.has_value(), o.old_type.has_value(),
                                  o.changelog_state})) {
    // Only a person comparing the two tables can tell whether the old one
    // is the only copy of some change, so both stay; asked to drop the old
    // table, the whole cleanup is refused (a script must not read exit 0 as
    // "dropped").
    const std::string old_name = Qualified(o.database, o.names.old);
    const bool incomplete = o.changelog_state && o.changelog_state->starts_with(cutover::kSwapIncompleteState);
    const std::string why =
        incomplete ? "the run that swapped it out found changes that the new table " +
                         Qualified(o.database, o.table) + " lacks (cut-over incomplete)"
                   : "the run that swapped it out did not confirm that every change made during the swap reached "
                     "the new table " +
                         Qualified(o.database, o.table) + " (it stopped first, or its binlog check did not finish)";
    const std::string drop_both = DropStatement(o.database, o.names.old) + " " +
                                  DropStatement(o.database, o.names.changelog);
    const std::string advice = ", so it may hold the only copy of some changes; compare the two tables and copy "
                               "what is missing, then drop it and the changelog by hand: " +
                               drop_both;
    if (options.drop_old) {
      return Status::FailedPrecondition("not dropping " + old_name + " (--ok-to-drop-table): " + why + advice);
    }
    plan.steps.push_back({o.names.old, HelperFate::kKeep, why + advice});
    plan.steps.push_back({o.names.changelog, HelperFate::kKeep,
                          "it records that " + old_name + " may hold changes the new table lacks; drop it with " +
                              old_name + ": " + drop_both});
    return plan;
  }
  if (o.shadow_type) plan.steps.push_back({o.names.shadow, HelperFate::kDrop, ""});
  if (o.old_type) {
    if (options.drop_old) {
      plan.steps.push_back({o.names.old, HelperFate::kDrop, ""});
    } else {
      plan.steps.push_back({o.names.old, HelperFate::kKeep,
                            "it may hold the table's data from before a completed migration; drop "
                            "it with --ok-to-drop-table "
                            "or " +
                                DropStatement(o.database, o.names.old)});
    }
  }
  // Last: while the changelog exists, a rerun after a failed drop still
  // has the proof that the shadow is osc's.
  if (o.changelog_type) plan.steps.push_back({o.names.changelog, HelperFate::kDrop, ""});
  return plan;
}

Status ExecuteCleanup(db::Connection& conn, const CleanupPlan& plan,
                      std::vector<std::string>* dropped, int lock_wait_timeout) {
  // A helper can be in use only by a run the checks missed; bounded, a
  // DROP waiting for its metadata lock gives up instead of hanging.
  OSC_RETURN_IF_ERROR(
      conn.Execute("SET SESSION lock_wait_timeout = " + std::to_string(lock_wait_timeout)));
  for (const HelperStep& step : plan.steps) {
    if (step.fate != HelperFate::kDrop) continue;
    // IF EXISTS: a table removed since ObserveHelpers (by hand, or by a
    // concurrent cleanup) is the state we want, not an error.
    Status s = conn.Execute("DROP TABLE IF EXISTS " + Qualified(plan.database, step.table));
    if (!s.ok()) return s.WithContext("DROP TABLE " + Qualified(plan.database, step.table));
    dropped->push_back(step.table);
  }
  return Status::Ok();
}

std::string RenderCleanup(const CleanupPlan& plan, const std::vector<std::string>& dropped) {
  if (plan.steps.empty()) {
    return "nothing to clean up: no helper tables of " + Qualified(plan.database, plan.table) +
           "\n";
  }
  std::string out;
  for (const HelperStep& step : plan.steps) {
    const std::string name = Qualified(plan.database, step.table);
    if (step.fate == HelperFate::kKeep) {
      out += "kept:    " + name + ": " + step.reason + "\n";
    } else if (std::find(dropped.begin(), dropped.end(), step.table) != dropped.end()) {
      out += "dropped: " + name + "\n";
    } else {
      out += "not dropped: " + name + "\n";
    }
  }
  return out;
}

Status CleanupHelpers(db::Connection& conn, const CleanupOptions& options, CleanupPlan* plan,
                      std::vector<std::string>* dropped) {
  OSC_ASSIGN_OR_RETURN(HelperObservation observed, ObserveHelpers(conn, options));
  OSC_ASSIGN_OR_RETURN(*plan, PlanCleanup(observed, options));
  return ExecuteCleanup(conn, *plan, dropped);
}

}  // namespace osc::migration
