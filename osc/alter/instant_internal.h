// Internals of ClassifyAlter shared by instant.cc (dispatch, column change
// analysis) and the per-server rule files. Internal to osc/alter/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "osc/alter/alter_parser.h"
#include "osc/alter/column_mapping.h"
#include "osc/alter/instant.h"
#include "osc/alter/table_info.h"

namespace osc::alter::internal {

struct ClassifyContext {
  const AlterPlan& plan;
  const TableInfo& table;
  const ServerVersion& server;
  const ColumnMapping& mapping;
  bool adds_primary_key = false;  // some clause adds a PRIMARY KEY
};

inline ClauseAlgorithm Verdict(Algorithm algorithm, std::string reason) {
  return ClauseAlgorithm{algorithm, std::move(reason)};
}

// How a CHANGE/MODIFY definition differs from the column it replaces.
struct ColumnChange {
  // The original column exists and its COLUMN_TYPE could be parsed.
  bool known = false;
  // Type, length, signedness, character set and collation all unchanged.
  bool same_type = false;
  // VARCHAR(n) -> VARCHAR(m>n) or VARBINARY likewise, same collation.
  bool varchar_extension = false;
  // Maximum byte lengths of a VARCHAR extension; 0 when the character
  // set's bytes per character are unknown.
  uint32_t old_bytes = 0;
  uint32_t new_bytes = 0;
  // ENUM/SET members appended at the end, same storage size and collation.
  bool members_appended = false;
  bool becomes_nullable = false;
  bool becomes_not_null = false;
  bool renames = false;
  // The clause moves the column (FIRST/AFTER) and the original column
  // order is not preserved.
  bool moves = false;
  // Set when an attribute of the new definition rules out anything but a
  // copy or rebuild, e.g. "AUTO_INCREMENT"; empty otherwise.
  std::string blocker;
  std::string old_type_text;  // for reasons
};

ColumnChange AnalyzeColumnChange(const AlterClause& clause, const ClassifyContext& ctx);

// Index of the original column named `name`, if any.
std::optional<size_t> FindColumn(const TableInfo& table, std::string_view name);

ClauseAlgorithm ClassifyMariaDb(const AlterClause& clause, const ClassifyContext& ctx);
ClauseAlgorithm ClassifyMySql(const AlterClause& clause, const ClassifyContext& ctx);

// Rules that do not depend on the server flavour (indexes, rebuilds,
// conversions); nullopt when the flavour rules must decide.
std::optional<ClauseAlgorithm> ClassifyCommon(const AlterClause& clause,
                                              const ClassifyContext& ctx);

}  // namespace osc::alter::internal
