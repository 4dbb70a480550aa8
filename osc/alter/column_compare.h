// Is a new column definition the same stored type as the old column?
//
// Used for the column mapping ("which columns change type") and the
// INSTANT classification. Every answer errs towards "changed": a type or
// collation osc cannot prove equal counts as different.
#pragma once

#include <string>

#include "osc/alter/column_def.h"
#include "osc/alter/table_info.h"

namespace osc::alter {

// Character set and collation of a character column; empty when unknown.
struct ResolvedCollation {
  std::string charset;
  std::string collation;
};

// What a character type written in an ALTER ends up with, as the server
// decides: COLLATE x gives x (and its character set); CHARACTER SET y alone
// gives y with y's server-default collation, which osc does not know
// (collation left empty); neither gives the table defaults.
ResolvedCollation ResolveNewCollation(const DataType& type, const TableInfo& table);

struct TypeComparison {
  // The old column's COLUMN_TYPE could be parsed; if not, nothing else here
  // is meaningful and the type counts as changed.
  bool old_type_known = false;
  DataType old_type;
  // Same type name, arguments and signedness.
  bool same_storage = false;
  // Same character set and collation, proven; true when neither side is a
  // character type.
  bool same_collation = false;

  bool Unchanged() const { return old_type_known && same_storage && same_collation; }
};

TypeComparison CompareColumnType(const ColumnInfo& old_column, const DataType& new_type,
                                 const TableInfo& table);

}  // namespace osc::alter
