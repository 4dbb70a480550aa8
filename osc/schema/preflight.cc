#include "osc/schema/preflight.h"

#include <algorithm>
#include <utility>

#include "db/quoting.h"
#include "db/variables.h"
#include "osc/schema/inspect.h"
#include "osc/schema/preflight_internal.h"

namespace osc::schema {
namespace {

using internal::Ok;
using internal::QuotedList;
using internal::Refusal;
using internal::Warning;

Finding CheckTableKind(const TableSchema& t) {
  const std::string name = db::QuoteQualified(t.schema, t.name);
  if (t.in_system_schema) {
    return Refusal("table", name + " belongs to a system schema, which osc never changes",
                   "change system tables only through the server's own statements");
  }
  if (t.kind != TableKind::kBaseTable) {
    std::string fix = "migrate the underlying base table instead";
    if (t.kind == TableKind::kSystemVersioned) {
      fix = "run a native ALTER TABLE: osc's copy would lose the row history of system versioning";
    } else if (t.kind == TableKind::kTemporary) {
      fix = "temporary tables exist only in their own session; ALTER them there";
    }
    return Refusal("table", name + " is a " + std::string(ToString(t.kind)) + ", not a base table", fix);
  }
  if (t.engine != "InnoDB") {
    return Refusal("table", name + " uses the " + (t.engine.empty() ? std::string("unknown") : t.engine) +
                                " storage engine; osc needs InnoDB (row locks for the copy, transactions for the "
                                "applier, atomic RENAME for the cut-over)",
                   "convert the table with ALTER TABLE ... ENGINE=InnoDB first (a native, blocking ALTER)");
  }
  if (t.partitioned) {
    return Warning("table", name + " is partitioned; the shadow table copies its partitioning (CREATE TABLE ... LIKE)",
                   "do not add, drop or reorganize partitions of this table while osc runs");
  }
  return Ok("table", name + ": InnoDB base table, " + std::to_string(t.columns.size()) + " columns, " +
                         std::to_string(t.indexes.size()) + " indexes");
}

std::string DescribeForeignKey(const ForeignKey& fk) {
  return db::QuoteIdentifier(fk.name) + " on " + db::QuoteQualified(fk.schema, fk.table) + " referencing " +
         db::QuoteQualified(fk.referenced_schema, fk.referenced_table);
}

Finding CheckForeignKeys(const TableSchema& t) {
  if (t.foreign_keys.empty() && t.referencing_foreign_keys.empty()) return Ok("foreign_keys", "none");
  std::vector<std::string> parts;
  for (const ForeignKey& fk : t.foreign_keys) parts.push_back(DescribeForeignKey(fk));
  for (const ForeignKey& fk : t.referencing_foreign_keys) parts.push_back(DescribeForeignKey(fk));
  std::string message = "foreign keys on or referencing the table: ";
  for (size_t i = 0; i < parts.size(); ++i) message += (i ? "; " : "") + parts[i];
  message +=
      ". osc cannot keep them right across the swap: CREATE TABLE ... LIKE does not copy a table's own foreign "
      "keys, and child tables' constraints follow the original table when it is renamed away";
  return Refusal("foreign_keys", message,
                 "drop the foreign keys for the migration and recreate them afterwards, or use a native ALTER");
}

Finding CheckTriggers(const TableSchema& t, bool can_see_triggers) {
  if (!t.triggers.empty()) {
    std::vector<std::string> names;
    for (const Trigger& trigger : t.triggers) names.push_back(trigger.name);
    return Refusal("triggers",
                   "the table has triggers " + QuotedList(names) +
                       "; they would stay with the old table at the swap, and the new table would have none",
                   "drop the triggers for the migration and recreate them on the new table afterwards, or use a "
                   "native ALTER");
  }
  if (!can_see_triggers) {
    return Warning("triggers",
                   "none visible, but this account lacks the TRIGGER privilege, without which the server hides "
                   "triggers from information_schema",
                   "check SHOW TRIGGERS as an administrator, or GRANT TRIGGER on the schema to osc's account");
  }
  return Ok("triggers", "none");
}

// Parses --alter with the server's sql_mode and maps it onto the columns.
Status PlanAlter(db::Connection& conn, const migration::MigrationOptions& options, PreflightReport* r) {
  OSC_ASSIGN_OR_RETURN(std::optional<std::string> sql_mode, db::GetGlobalVariable(conn, "sql_mode"));
  alter::SqlMode mode;
  if (sql_mode) {
    mode.ansi_quotes = sql_mode->find("ANSI_QUOTES") != std::string::npos;
    mode.no_backslash_escapes = sql_mode->find("NO_BACKSLASH_ESCAPES") != std::string::npos;
  }
  Result<alter::AlterPlan> plan = alter::ParseAlter(options.alter, mode);
  if (!plan.ok()) {
    r->findings.push_back(Refusal("alter", std::string(plan.status().message()),
                                  "change --alter; osc takes the clauses that follow ALTER TABLE <table>"));
    return Status::Ok();
  }
  const alter::TableInfo info = ToAlterTableInfo(*r->table_schema);
  Result<alter::ColumnMapping> mapping = alter::ComputeColumnMapping(*plan, info);
  if (!mapping.ok()) {
    r->findings.push_back(Refusal("alter", std::string(mapping.status().message()),
                                  "change --alter to match the table's columns"));
    return Status::Ok();
  }
  const db::ServerInfo& s = conn.server_info();
  const alter::ServerVersion version{s.IsMariaDB() ? alter::Flavor::kMariaDb : alter::Flavor::kMySql,
                                     static_cast<uint32_t>(std::max(s.major, 0)),
                                     static_cast<uint32_t>(std::max(s.minor, 0)),
                                     static_cast<uint32_t>(std::max(s.patch, 0))};
  r->algorithms = alter::ClassifyAlter(*plan, info, version);
  r->findings.push_back(Ok("alter", std::to_string(plan->clauses.size()) + " clause(s): " + plan->ShadowAlterText()));
  std::string verdict = "a native ALTER would run as " + std::string(alter::ToString(r->algorithms->overall));
  if (r->algorithms->IsInstant()) {
    verdict += "; osc's copy is unnecessary: run the ALTER natively or pass --attempt-instant-ddl";
  }
  r->findings.push_back(Ok("algorithm", verdict));
  r->plan = std::move(plan).value();
  r->mapping = std::move(mapping).value();
  return Status::Ok();
}

// The copy inserts with ON DUPLICATE KEY UPDATE (a no-op), so a row that
// duplicates another on a NEW unique key is skipped where a native ALTER
// would fail; the checksum is what notices.
void CheckAddedUniqueKeys(const alter::AlterPlan& plan, const migration::MigrationOptions& options,
                          PreflightReport* r) {
  std::vector<std::string> added;
  for (const alter::AlterClause& c : plan.clauses) {
    const bool unique_index = c.kind == alter::ClauseKind::kAddIndex && c.index_kind == alter::IndexKind::kUnique;
    const bool unique_column = c.definition && (c.definition->unique_key || c.definition->primary_key);
    if (unique_index || unique_column || c.kind == alter::ClauseKind::kAddPrimaryKey) added.push_back(c.text);
  }
  if (added.empty()) return;
  std::string message = "the ALTER adds a unique key ('" + added.front() + "'" +
                        (added.size() > 1 ? " and " + std::to_string(added.size() - 1) + " more" : "") +
                        "); rows that duplicate each other on it cannot all be copied";
  message += options.checksum.enabled ? ", and the checksum would then fail the migration before the swap"
                                      : ", and with --skip-checksum the extra rows would be silently lost";
  r->findings.push_back(Warning("unique_keys", message,
                                "check for duplicates first (SELECT cols, COUNT(*) ... GROUP BY cols HAVING "
                                "COUNT(*) > 1)" +
                                    std::string(options.checksum.enabled ? "" : " and do not use --skip-checksum")));
}

void CheckChunkKey(PreflightReport* r) {
  Result<ChunkKey> key = ChooseChunkKey(*r->table_schema, *r->plan, *r->mapping);
  if (!key.ok()) {
    r->findings.push_back(Refusal("chunk_key", std::string(key.status().message()),
                                  "keep the primary key (or a NOT NULL unique key) unchanged by this ALTER, or add "
                                  "one in a separate migration first"));
    return;
  }
  std::vector<std::string> quoted;
  for (const std::string& c : key->columns) quoted.push_back(db::QuoteIdentifier(c));
  std::string message = (key->primary ? "PRIMARY KEY (" : "UNIQUE KEY " + db::QuoteIdentifier(key->index_name) + " (");
  for (size_t i = 0; i < quoted.size(); ++i) message += (i ? ", " : "") + quoted[i];
  message += ")";
  for (const std::string& why : key->passed_over) message += "; " + why;
  r->findings.push_back(Ok("chunk_key", message));
  r->chunk_key = std::move(key).value();
}

// Inspects the table; NotFound and friends become the "table" finding.
Status Inspect(db::Connection& conn, const migration::MigrationOptions& options, PreflightReport* r) {
  Result<TableSchema> t = InspectTable(conn, options.database, options.table);
  if (t.ok()) {
    r->table_schema = std::move(t).value();
    return Status::Ok();
  }
  const Status& s = t.status();
  if (s.IsServerError() || s.IsAborted() || s.IsTimeout()) return s;
  const std::string fix = s.IsNotFound() ? "check --database and --table (names are case-sensitive); the account "
                                           "must have privileges on the table to see it"
                                         : "check --database and --table";
  r->findings.push_back(Refusal("table", std::string(s.message()), fix));
  return Status::Ok();
}

}  // namespace

bool PreflightReport::CanRun() const {
  return std::none_of(findings.begin(), findings.end(),
                      [](const Finding& f) { return f.severity == Severity::kFatal; });
}

const Finding* PreflightReport::Find(std::string_view name) const {
  for (const Finding& f : findings) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool PreflightReport::CopyInsertsTakeTurns(const TableSchema& shadow) const {
  const Finding* mode = Find("autoinc_lock_mode");
  if (mode == nullptr || mode->severity != Severity::kWarning) return false;
  return std::any_of(shadow.columns.begin(), shadow.columns.end(),
                     [](const Column& c) { return c.auto_increment; });
}

Result<PreflightReport> RunPreflight(db::Connection& conn, const migration::MigrationOptions& options,
                                     const PreflightEnv& env) {
  PreflightReport r;
  r.database = options.database;
  r.table = options.table;
  r.server = conn.server_info().ToString();
  r.endpoint = conn.description();
  OSC_ASSIGN_OR_RETURN(const migration::ServerSettings settings, migration::ReadServerSettings(conn));
  for (Finding& f : migration::EvaluateServer(settings).findings) r.findings.push_back(std::move(f));
  OSC_ASSIGN_OR_RETURN(const internal::AccountPrivileges privileges,
                       internal::ReadPrivileges(conn, options.database));
  r.findings.push_back(internal::PrivilegeFinding(privileges));

  Result<HelperTableNames> helpers = HelperNamesFor(options.table);
  if (helpers.ok()) {
    r.findings.push_back(Ok("helper_names", helpers->shadow + ", " + helpers->changelog + ", " + helpers->old));
    r.helpers = std::move(helpers).value();
  } else {
    r.findings.push_back(Refusal("helper_names", std::string(helpers.status().message()),
                                 "rename the table to a shorter name, or use a native ALTER"));
  }
  OSC_RETURN_IF_ERROR(Inspect(conn, options, &r));
  if (!r.table_schema) return r;
  const TableSchema& t = *r.table_schema;
  r.findings.push_back(CheckTableKind(t));
  if (t.kind != TableKind::kBaseTable) return r;

  OSC_RETURN_IF_ERROR(PlanAlter(conn, options, &r));
  if (r.plan) {
    CheckAddedUniqueKeys(*r.plan, options, &r);
    CheckChunkKey(&r);
  }
  r.findings.push_back(CheckForeignKeys(t));
  r.findings.push_back(CheckTriggers(t, privileges.check.can_see_triggers));
  if (r.helpers) {
    OSC_ASSIGN_OR_RETURN(Finding leftovers, internal::CheckLeftovers(conn, options.database, *r.helpers));
    r.findings.push_back(std::move(leftovers));
  }
  OSC_ASSIGN_OR_RETURN(Finding disk, internal::CheckDiskSpace(conn, t.TotalBytes(), t.data_bytes, env));
  r.findings.push_back(std::move(disk));
  const uint64_t rate = std::max<uint64_t>(env.copy_bytes_per_second, 1);
  r.estimate = CopyEstimate{t.estimated_rows, t.TotalBytes(),
                            std::chrono::seconds(std::max<uint64_t>(1, t.TotalBytes() / rate))};
  r.findings.push_back(internal::CheckCopyDuration(settings, *r.estimate));
  return r;
}

}  // namespace osc::schema
