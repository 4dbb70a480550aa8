// Parsing the user's --alter text ("ADD COLUMN x INT, ADD INDEX (y)", the
// part after ALTER TABLE <name>) into classified clauses.
//
// ParseAlter tokenizes (sql_lexer.h), splits at commas outside parentheses,
// and classifies each clause. Clauses osc cannot run through a shadow
// table are refused with a message saying what to do instead:
//   - ALGORITHM= / LOCK=          InvalidArgument: osc chooses how to apply
//   - RENAME [TO|AS] new_name     InvalidArgument: osc renames at cut-over
//   - partitioning clauses        NotSupported
//   - system versioning, periods, ENABLE/DISABLE KEYS, tablespace import
//                                 NotSupported
//   - anything unrecognised       NotSupported, quoting the clause
// A parenthesised ADD (col, col) list becomes one ADD COLUMN clause per
// column, and space-separated table options one clause per option, so the
// result is one clause per change.
//
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "osc/alter/column_def.h"
#include "osc/alter/sql_lexer.h"

namespace osc::alter {

enum class ClauseKind : uint8_t {
  // Columns.
  kAddColumn,
  kDropColumn,
  kChangeColumn,         // CHANGE old new definition
  kModifyColumn,         // MODIFY name definition
  kRenameColumn,         // RENAME COLUMN old TO new
  kSetColumnDefault,     // ALTER COLUMN c SET DEFAULT v
  kDropColumnDefault,    // ALTER COLUMN c DROP DEFAULT
  kSetColumnVisibility,  // ALTER COLUMN c SET VISIBLE|INVISIBLE (MySQL)
  // Indexes and constraints.
  kAddIndex,  // INDEX, KEY, UNIQUE, FULLTEXT, SPATIAL (see index_kind)
  kAddPrimaryKey,
  kAddForeignKey,
  kAddCheck,
  kDropIndex,
  kDropPrimaryKey,
  kDropForeignKey,
  kDropCheck,       // DROP CHECK name (MySQL)
  kDropConstraint,  // DROP CONSTRAINT name: a CHECK, UNIQUE or FOREIGN KEY
  kRenameIndex,
  kAlterIndexVisibility,        // ALTER INDEX i [IN]VISIBLE / [NOT] IGNORED
  kAlterConstraintEnforcement,  // ALTER CHECK|CONSTRAINT c [NOT] ENFORCED
  // Table.
  kConvertCharset,  // CONVERT TO CHARACTER SET
  kTableCharset,    // [DEFAULT] CHARACTER SET / COLLATE (new columns only)
  kEngine,
  kTableComment,
  kRowFormat,
  kKeyBlockSize,
  kAutoIncrement,
  kTableOption,  // any other table option (STATS_PERSISTENT=1, ...)
  kForce,
  kOrderBy,
};
std::string_view ToString(ClauseKind kind);

enum class IndexKind : uint8_t { kPlain, kUnique, kFulltext, kSpatial };

struct ColumnPosition {
  enum class Kind : uint8_t { kNone, kFirst, kAfter };
  Kind kind = Kind::kNone;
  std::string after;  // kAfter: the column (by its name in the new table)
};

struct AlterClause {
  ClauseKind kind = ClauseKind::kForce;
  // This clause as SQL, with comments removed and whitespace collapsed,
  // led by canonical keywords ("ADD COLUMN", "DROP INDEX", ...); the
  // user's identifiers, types and expressions are kept as written.
  std::string text;
  // Column clauses: the column's name (for CHANGE and RENAME COLUMN the
  // old name), unquoted.
  std::string column;
  // CHANGE and RENAME COLUMN: the new name.
  std::string new_column;
  // ADD COLUMN, CHANGE, MODIFY.
  std::optional<ColumnDefinition> definition;
  ColumnPosition position;
  // MariaDB's IF EXISTS / IF NOT EXISTS.
  bool if_exists = false;
  bool if_not_exists = false;
  // kAddIndex only.
  IndexKind index_kind = IndexKind::kPlain;
  // Index/constraint name (empty if the user gave none); for kTableOption
  // the upper-cased option name.
  std::string name;
  // RENAME INDEX: the new index name.
  std::string new_name;
  // Table options: the value (ENGINE=InnoDB gives "InnoDB"). Visibility
  // and enforcement clauses: the upper-cased keyword(s), e.g. "INVISIBLE",
  // "NOT ENFORCED".
  std::string value;
};

struct AlterPlan {
  std::vector<AlterClause> clauses;

  // The clause list to run as "ALTER TABLE <shadow> " + this: every
  // clause's text joined by ", ". The session must use the SqlMode the
  // text was parsed with.
  std::string ShadowAlterText() const;
};

// Parses and classifies `alter`. Errors: InvalidArgument for malformed or
// refused text, NotSupported for clauses osc cannot migrate (see above).
// A single trailing ';' is accepted.
Result<AlterPlan> ParseAlter(std::string_view alter, const SqlMode& mode = {});

}  // namespace osc::alter
