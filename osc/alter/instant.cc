// ClassifyAlter: dispatch, the rules both servers share, and the analysis
// of CHANGE/MODIFY definitions. Flavour rules: instant_mariadb.cc and
// instant_mysql.cc.
#include "osc/alter/instant.h"

#include <algorithm>

#include "common/numbers.h"
#include "osc/alter/charset.h"
#include "osc/alter/column_compare.h"
#include "osc/alter/identifier.h"
#include "osc/alter/instant_internal.h"

namespace osc::alter {
namespace internal {
namespace {

std::optional<uint32_t> ParseU32(std::string_view s) { return ParseNumber<uint32_t>(s); }

// Bytes InnoDB stores per ENUM/SET value (the server's pack_length):
// ENUM 1 byte up to 255 members, else 2; SET one bit per member, in 1, 2,
// 3, 4 or 8 bytes.
uint32_t MemberStorageBytes(const DataType& type) {
  const size_t n = type.args.size();
  if (type.name == "enum") return n <= 255 ? 1 : 2;
  const size_t bytes = (n + 7) / 8;
  return bytes > 4 ? 8 : static_cast<uint32_t>(bytes);
}

// An attribute of the new definition that osc does not compare with the
// current one, or that by itself needs more than a metadata change.
std::string Blocker(const ColumnDefinition& def, const ColumnInfo& old) {
  if (def.auto_increment) return "AUTO_INCREMENT";
  if (def.primary_key || def.unique_key) return "an inline PRIMARY KEY/UNIQUE index";
  if (def.has_check) return "an inline CHECK constraint";
  if (def.has_references) return "an inline REFERENCES clause";
  if (def.generated != Generated::kNo || old.generated) return "a generated column";
  if (def.on_update) return "ON UPDATE (osc does not know the current setting)";
  if (def.invisible) return "VISIBLE/INVISIBLE (osc does not know the current setting)";
  if (!def.other_attributes.empty()) return def.other_attributes.front() + " (not modelled by osc)";
  return "";
}

void DetectExtension(const DataType& o, const DataType& n, const ColumnInfo& old,
                     ColumnChange* change) {
  if (o.name != n.name || o.is_unsigned != n.is_unsigned || o.zerofill != n.zerofill) return;
  if ((o.name == "varchar" || o.name == "varbinary") && o.args.size() == 1 && n.args.size() == 1) {
    const std::optional<uint32_t> old_len = ParseU32(o.args[0]);
    const std::optional<uint32_t> new_len = ParseU32(n.args[0]);
    if (!old_len || !new_len || *new_len <= *old_len) return;
    change->varchar_extension = true;
    const uint32_t mbmaxlen = o.name == "varbinary" ? 1 : MaxBytesPerChar(old.charset);
    change->old_bytes = *old_len * mbmaxlen;
    change->new_bytes = *new_len * mbmaxlen;
  }
  if ((o.name == "enum" || o.name == "set") && n.args.size() > o.args.size() &&
      std::equal(o.args.begin(), o.args.end(), n.args.begin()) &&
      MemberStorageBytes(o) == MemberStorageBytes(n)) {
    change->members_appended = true;
  }
}

std::optional<ClauseAlgorithm> ClassifyIndexClause(const AlterClause& clause,
                                                   const ClassifyContext& ctx) {
  switch (clause.kind) {
    case ClauseKind::kAddIndex:
      if (clause.index_kind == IndexKind::kFulltext) {
        return Verdict(Algorithm::kInplace,
                       "building a FULLTEXT index reads the whole table (the first one "
                       "also rebuilds it to add FTS_DOC_ID)");
      }
      return Verdict(Algorithm::kInplace, "building an index reads the whole table; never instant");
    case ClauseKind::kAddPrimaryKey:
      return Verdict(Algorithm::kInplace, "adding a primary key rebuilds the clustered index");
    case ClauseKind::kAddForeignKey:
      return Verdict(Algorithm::kCopy,
                     "ADD FOREIGN KEY runs in place only with foreign_key_checks=0; with the "
                     "default checks on, the server copies the table");
    case ClauseKind::kAddCheck:
      // MariaDB: ALTER_ADD_CHECK_CONSTRAINT is in none of InnoDB's in-place
      // sets, so the server copies to validate rows. MySQL: not documented
      // in the online DDL tables; assumed the same (safe side).
      return Verdict(Algorithm::kCopy,
                     "adding a CHECK constraint validates every row through a table copy");
    case ClauseKind::kDropIndex:
      return Verdict(Algorithm::kInplace,
                     "dropping an index is in place (no rebuild) but not instant");
    case ClauseKind::kDropPrimaryKey:
      if (ctx.adds_primary_key)
        return Verdict(Algorithm::kInplace, "replacing the primary key rebuilds the table");
      return Verdict(Algorithm::kCopy,
                     "dropping the primary key without adding another needs a table copy");
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<size_t> FindColumn(const TableInfo& table, std::string_view name) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (SameIdentifier(table.columns[i].name, name)) return i;
  }
  return std::nullopt;
}

ColumnChange AnalyzeColumnChange(const AlterClause& clause, const ClassifyContext& ctx) {
  ColumnChange change;
  const std::optional<size_t> index = FindColumn(ctx.table, clause.column);
  if (!index || !clause.definition) return change;
  const ColumnInfo& old = ctx.table.columns[*index];
  const ColumnDefinition& def = *clause.definition;
  change.old_type_text = old.type;
  change.blocker = Blocker(def, old);
  const TypeComparison cmp = CompareColumnType(old, def.type, ctx.table);
  change.known = cmp.old_type_known;
  change.same_type = cmp.Unchanged();
  if (change.known && !change.same_type && cmp.same_collation)
    DetectExtension(cmp.old_type, def.type, old, &change);
  const bool new_nullable = !def.IsNotNull();
  change.becomes_nullable = new_nullable && !old.nullable;
  change.becomes_not_null = !new_nullable && old.nullable;
  change.renames = clause.kind == ClauseKind::kChangeColumn && clause.new_column != old.name;
  change.moves =
      clause.position.kind != ColumnPosition::Kind::kNone && !ctx.mapping.OldOrderPreserved();
  return change;
}

std::optional<ClauseAlgorithm> ClassifyCommon(const AlterClause& clause,
                                              const ClassifyContext& ctx) {
  if (std::optional<ClauseAlgorithm> index = ClassifyIndexClause(clause, ctx)) return index;
  switch (clause.kind) {
    case ClauseKind::kConvertCharset:
      return Verdict(Algorithm::kCopy, "CONVERT TO CHARACTER SET rewrites every character column");
    case ClauseKind::kRowFormat:
    case ClauseKind::kKeyBlockSize:
      return Verdict(Algorithm::kInplace,
                     "changing ROW_FORMAT or KEY_BLOCK_SIZE rebuilds the table");
    case ClauseKind::kForce:
      return Verdict(Algorithm::kInplace, "FORCE rebuilds the table");
    case ClauseKind::kEngine:
      if (SameIdentifier(clause.value, "InnoDB")) {
        return Verdict(Algorithm::kInplace, "ENGINE=InnoDB on an InnoDB table rebuilds it");
      }
      return Verdict(Algorithm::kCopy, "changing the storage engine copies the table");
    case ClauseKind::kOrderBy:
      return Verdict(Algorithm::kCopy,
                     "ORDER BY needs a table copy (and InnoDB keeps rows in primary key order)");
    default:
      return std::nullopt;
  }
}

}  // namespace internal

std::string_view ToString(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kInstant:
      return "INSTANT";
    case Algorithm::kInplace:
      return "INPLACE";
    case Algorithm::kCopy:
      return "COPY";
  }
  return "unknown";
}

ServerVersion ToServerVersion(const db::ServerInfo& info) {
  auto part = [](int v) { return v < 0 ? 0u : static_cast<uint32_t>(v); };
  ServerVersion version;
  version.flavor = info.IsMariaDB() ? Flavor::kMariaDb : Flavor::kMySql;
  version.major = part(info.major);
  version.minor = part(info.minor);
  version.patch = part(info.patch);
  return version;
}

AlgorithmReport ClassifyAlter(const AlterPlan& plan, const TableInfo& table,
                              const ServerVersion& server) {
  AlgorithmReport report;
  const Result<ColumnMapping> mapping = ComputeColumnMapping(plan, table);
  if (!mapping.ok()) {
    report.note = "the column mapping failed (" + std::string(mapping.status().message()) +
                  "); assuming COPY";
    for (size_t i = 0; i < plan.clauses.size(); ++i) {
      report.clauses.push_back({Algorithm::kCopy, "not classified: the column mapping failed"});
    }
    return report;
  }
  internal::ClassifyContext ctx{plan, table, server, *mapping};
  ctx.adds_primary_key =
      std::any_of(plan.clauses.begin(), plan.clauses.end(),
                  [](const AlterClause& c) { return c.kind == ClauseKind::kAddPrimaryKey; });
  // ALGORITHM=INSTANT exists since MariaDB 10.3 (instant ADD COLUMN 10.3.2)
  // and MySQL 8.0.12; before that a metadata-only change is "in place".
  const bool has_instant =
      server.flavor == Flavor::kMariaDb ? server.AtLeast(10, 3, 0) : server.AtLeast(8, 0, 12);
  report.overall = Algorithm::kInstant;
  for (const AlterClause& clause : plan.clauses) {
    std::optional<ClauseAlgorithm> verdict = internal::ClassifyCommon(clause, ctx);
    if (!verdict) {
      verdict = server.flavor == Flavor::kMariaDb ? internal::ClassifyMariaDb(clause, ctx)
                                                  : internal::ClassifyMySql(clause, ctx);
    }
    if (verdict->algorithm == Algorithm::kInstant && !has_instant) {
      verdict->algorithm = Algorithm::kInplace;
      verdict->reason +=
          " (no data is touched, but this server version has no ALGORITHM=INSTANT and calls it "
          "INPLACE)";
    }
    report.overall = std::max(report.overall, verdict->algorithm);
    report.clauses.push_back(std::move(*verdict));
  }
  return report;
}

}  // namespace osc::alter
