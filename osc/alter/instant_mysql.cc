// INSTANT/INPLACE/COPY rules for MySQL 8.0 and later.
//
// Ground truth: Reference Manual 8.0, "Online DDL Operations" (the tables
// for column, index, foreign key and table operations, quoted in the
// reasons below), and storage/innobase/handler/handler0alter.cc:
// INNOBASE_INSTANT_ALLOWED (column rename, virtual and stored column
// add/drop/reorder) and INNOBASE_INPLACE_IGNORE (column DEFAULT, column
// and index visibility, CHECK constraints), innobase_support_instant()
// (a pure reorder is not instant; a renamed column referenced by a foreign
// key is not renamed instantly) and the 64 row-version limit of 8.0.29.
#include <string>
#include <vector>

#include "osc/alter/instant_internal.h"

namespace osc::alter::internal {
namespace {

// "Instantly added or dropped columns create a new row version. Up to 64
// row versions are permitted" (MySQL 8.0.29 release notes).
constexpr uint32_t kMaxRowVersions = 64;

bool InstantAddDropBlocked(const ClassifyContext& ctx, std::string* why) {
  if (ctx.table.row_format == RowFormat::kCompressed) {
    *why = "instant ADD/DROP COLUMN is not supported for ROW_FORMAT=COMPRESSED";
    return true;
  }
  if (ctx.table.has_fulltext_index) {
    *why = "instant ADD/DROP COLUMN is not supported for tables with a FULLTEXT index";
    return true;
  }
  if (ctx.server.AtLeast(8, 0, 29) && ctx.table.total_row_versions >= kMaxRowVersions) {
    *why = "the table has reached 64 row versions; the next ADD/DROP COLUMN rebuilds it";
    return true;
  }
  return false;
}

ClauseAlgorithm AddColumn(const AlterClause& clause, const ClassifyContext& ctx) {
  const ColumnDefinition& def = *clause.definition;
  if (def.has_check || def.has_references) {
    return Verdict(Algorithm::kCopy, "the new column carries a CHECK or REFERENCES constraint");
  }
  if (def.generated == Generated::kStored)
    return Verdict(Algorithm::kCopy, "\"Adding a STORED column\": In Place No");
  if (def.default_kind == DefaultKind::kExpression) {
    return Verdict(Algorithm::kCopy,
                   "a DEFAULT expression evaluated per row is not documented as in place");
  }
  if (!def.other_attributes.empty()) {
    return Verdict(Algorithm::kCopy,
                   def.other_attributes.front() + " is not modelled by osc; assuming COPY");
  }
  if (def.primary_key || def.unique_key)
    return Verdict(Algorithm::kInplace, "the new column's index must be built");
  if (def.auto_increment) {
    return Verdict(Algorithm::kInplace,
                   "\"Adding an auto-increment column\": Instant No, In Place Yes (rebuild)");
  }
  if (def.generated == Generated::kVirtual) {
    return Verdict(Algorithm::kInstant, "\"Adding a VIRTUAL column\": Instant Yes");
  }
  if (!ctx.server.AtLeast(8, 0, 12)) {
    return Verdict(Algorithm::kInplace,
                   "instant ADD COLUMN needs MySQL 8.0.12; before, the table is rebuilt");
  }
  std::string why;
  if (InstantAddDropBlocked(ctx, &why)) return Verdict(Algorithm::kInplace, why);
  if (!ctx.mapping.AddedOnlyAtEnd() && !ctx.server.AtLeast(8, 0, 29)) {
    return Verdict(Algorithm::kInplace,
                   "before MySQL 8.0.29 only a last column is added instantly");
  }
  return Verdict(Algorithm::kInstant, "instant ADD COLUMN (8.0.12; any position since 8.0.29)");
}

ClauseAlgorithm DropColumn(const AlterClause& clause, const ClassifyContext& ctx) {
  const std::optional<size_t> index = FindColumn(ctx.table, clause.column);
  if (!index) return Verdict(Algorithm::kCopy, "no such column");
  if (!ctx.server.AtLeast(8, 0, 29)) {
    return Verdict(Algorithm::kInplace,
                   "instant DROP COLUMN needs MySQL 8.0.29; before, the table is rebuilt");
  }
  if (ctx.table.columns[*index].indexed) {
    return Verdict(Algorithm::kInplace, "the column is part of an index, which has to change too");
  }
  std::string why;
  if (InstantAddDropBlocked(ctx, &why)) return Verdict(Algorithm::kInplace, why);
  return Verdict(Algorithm::kInstant, "instant DROP COLUMN (8.0.29)");
}

// Rename: instant since 8.0.28 unless another table's foreign key
// references the column (osc only knows "references this table").
std::optional<ClauseAlgorithm> RenameBlocked(const ClassifyContext& ctx) {
  if (!ctx.server.AtLeast(8, 0, 28)) {
    return Verdict(Algorithm::kInplace, "\"Renaming a column\" is instant only since MySQL 8.0.28");
  }
  if (ctx.table.referenced_by_foreign_keys) {
    return Verdict(Algorithm::kInplace,
                   "a column referenced by a foreign key is not renamed instantly");
  }
  return std::nullopt;
}

ClauseAlgorithm TypeChange(const ColumnChange& ch) {
  if (ch.members_appended) {
    return Verdict(Algorithm::kInstant,
                   "\"Modifying the definition of an ENUM or SET column\" by appending members");
  }
  if (!ch.varchar_extension) {
    return Verdict(Algorithm::kCopy, "\"Changing the column data type\" from '" + ch.old_type_text +
                                         "': In Place No");
  }
  if (ch.old_bytes == 0) {
    return Verdict(Algorithm::kCopy,
                   "unknown character set: cannot tell whether the VARCHAR length prefix grows");
  }
  const bool same_prefix =
      (ch.old_bytes <= 255 && ch.new_bytes <= 255) || (ch.old_bytes >= 256 && ch.new_bytes >= 256);
  const std::string sizes =
      std::to_string(ch.old_bytes) + " to " + std::to_string(ch.new_bytes) + " bytes";
  if (same_prefix) {
    return Verdict(Algorithm::kInplace,
                   "\"Extending VARCHAR column size\" (" + sizes + "): In Place Yes, Instant No");
  }
  return Verdict(Algorithm::kCopy,
                 "VARCHAR from " + sizes + " changes the length prefix from 1 to 2 bytes");
}

ClauseAlgorithm ChangeColumn(const AlterClause& clause, const ClassifyContext& ctx) {
  if (!FindColumn(ctx.table, clause.column)) return Verdict(Algorithm::kCopy, "no such column");
  const ColumnChange ch = AnalyzeColumnChange(clause, ctx);
  if (!ch.blocker.empty()) return Verdict(Algorithm::kCopy, "the new definition has " + ch.blocker);
  if (!ch.known)
    return Verdict(Algorithm::kCopy, "cannot parse the current type '" + ch.old_type_text + "'");
  ClauseAlgorithm verdict =
      Verdict(Algorithm::kInstant, "only metadata (DEFAULT, COMMENT, same type) changes");
  auto raise = [&verdict](ClauseAlgorithm other) {
    if (other.algorithm >= verdict.algorithm) verdict = std::move(other);
  };
  if (!ch.same_type) raise(TypeChange(ch));
  if (ch.becomes_nullable || ch.becomes_not_null) {
    raise(Verdict(Algorithm::kInplace,
                  "\"Making a column NULL/NOT NULL\": In Place Yes, rebuilds the table"));
  }
  if (ch.moves)
    raise(
        Verdict(Algorithm::kInplace, "\"Reordering columns\": Instant No, In Place Yes (rebuild)"));
  if (ch.renames) {
    if (std::optional<ClauseAlgorithm> blocked = RenameBlocked(ctx)) raise(std::move(*blocked));
  }
  return verdict;
}

std::optional<ClauseAlgorithm> ConstraintOrIndex(const AlterClause& clause,
                                                 const ClassifyContext& ctx) {
  switch (clause.kind) {
    case ClauseKind::kDropForeignKey:
      return Verdict(Algorithm::kInplace,
                     "\"Dropping a foreign key constraint\": Instant No, In Place Yes");
    case ClauseKind::kDropCheck:
      if (!ctx.server.AtLeast(8, 0, 19))
        return Verdict(Algorithm::kCopy, "DROP CHECK needs MySQL 8.0.19");
      return Verdict(Algorithm::kInstant, "dropping a CHECK constraint is metadata only");
    case ClauseKind::kDropConstraint:
      if (!ctx.server.AtLeast(8, 0, 19))
        return Verdict(Algorithm::kCopy, "DROP CONSTRAINT needs MySQL 8.0.19");
      return Verdict(Algorithm::kInplace,
                     "instant for a CHECK, in place for a FOREIGN KEY or UNIQUE key; osc does "
                     "not know which this is");
    case ClauseKind::kRenameIndex:
      return Verdict(Algorithm::kInplace,
                     "\"Renaming an index\": Instant No, In Place Yes (metadata only)");
    case ClauseKind::kAlterIndexVisibility:
      if (clause.value == "VISIBLE" || clause.value == "INVISIBLE") {
        return Verdict(Algorithm::kInstant, "index visibility is metadata only");
      }
      return Verdict(Algorithm::kCopy,
                     "MySQL has no '" + clause.value + "' for indexes; the server will reject it");
    case ClauseKind::kAlterConstraintEnforcement:
      if (clause.value == "NOT ENFORCED" && ctx.server.AtLeast(8, 0, 16)) {
        return Verdict(Algorithm::kInstant, "suspending a CHECK constraint is metadata only");
      }
      return Verdict(Algorithm::kCopy,
                     "enforcing a CHECK constraint validates every row; assuming COPY");
    default:
      return std::nullopt;
  }
}

ClauseAlgorithm TableClause(const AlterClause& clause) {
  switch (clause.kind) {
    case ClauseKind::kTableCharset:
      return Verdict(Algorithm::kInplace,
                     "\"Specifying a character set\": In Place Yes (rebuilds if it differs)");
    case ClauseKind::kTableComment:
      return Verdict(Algorithm::kInplace,
                     "table options other than ROW_FORMAT/KEY_BLOCK_SIZE change in place "
                     "without a rebuild, but not instantly");
    case ClauseKind::kAutoIncrement:
      return Verdict(Algorithm::kInplace,
                     "\"Changing the auto-increment value\": Instant No, In Place Yes");
    case ClauseKind::kTableOption:
      if (clause.name == "STATS_PERSISTENT" || clause.name == "STATS_AUTO_RECALC" ||
          clause.name == "STATS_SAMPLE_PAGES") {
        return Verdict(Algorithm::kInplace,
                       "\"Setting persistent table statistics options\": In Place Yes");
      }
      return Verdict(Algorithm::kCopy,
                     "osc does not classify table option " + clause.name + "; assuming COPY");
    default:
      return Verdict(Algorithm::kCopy, "not classified by osc; assuming COPY");
  }
}

}  // namespace

ClauseAlgorithm ClassifyMySql(const AlterClause& clause, const ClassifyContext& ctx) {
  if (clause.if_exists || clause.if_not_exists) {
    return Verdict(Algorithm::kCopy,
                   "IF [NOT] EXISTS is MariaDB syntax; MySQL will reject the ALTER");
  }
  if (std::optional<ClauseAlgorithm> verdict = ConstraintOrIndex(clause, ctx)) return *verdict;
  switch (clause.kind) {
    case ClauseKind::kAddColumn:
      return AddColumn(clause, ctx);
    case ClauseKind::kDropColumn:
      return DropColumn(clause, ctx);
    case ClauseKind::kChangeColumn:
    case ClauseKind::kModifyColumn:
      return ChangeColumn(clause, ctx);
    case ClauseKind::kRenameColumn:
      if (!ctx.server.AtLeast(8, 0, 3))
        return Verdict(Algorithm::kCopy, "RENAME COLUMN needs MySQL 8.0.3");
      if (std::optional<ClauseAlgorithm> blocked = RenameBlocked(ctx)) return *blocked;
      return Verdict(Algorithm::kInstant, "\"Renaming a column\": Instant Yes (8.0.28)");
    case ClauseKind::kSetColumnDefault:
    case ClauseKind::kDropColumnDefault:
      return Verdict(Algorithm::kInstant,
                     "\"Setting/Dropping the column default value\": Instant Yes");
    case ClauseKind::kSetColumnVisibility:
      if (!ctx.server.AtLeast(8, 0, 23)) {
        return Verdict(Algorithm::kCopy,
                       "ALTER COLUMN ... SET VISIBLE/INVISIBLE needs MySQL 8.0.23");
      }
      return Verdict(Algorithm::kInstant, "column visibility is metadata only");
    default:
      return TableClause(clause);
  }
}

}  // namespace osc::alter::internal
