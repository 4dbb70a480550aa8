// The column mapping from the original table to the shadow table.
//
// Given the original table's columns and the parsed ALTER, this says for
// every column of the new table where its value comes from: an old column
// (possibly renamed, moved or retyped) or nowhere (an added column, which
// takes its default). The row copier builds
//   INSERT INTO shadow (<new names of CopiedColumns>)
//   SELECT <old names of CopiedColumns> FROM original ...
// from it, and the binlog applier turns an old-table row image (values by
// old column index) into new-table values with `old_to_new`.
//
// Semantics follow the server's ALTER TABLE (mysql_prepare_alter_table in
// sql/sql_table.cc of both servers): DROP, CHANGE, MODIFY, RENAME COLUMN
// and ALTER COLUMN name columns of the ORIGINAL table; FIRST/AFTER place a
// column in the NEW table, processed in clause order after all unpositioned
// changes, and AFTER names a column by its new name. Column names compare
// case-insensitively (identifier.h).
//
// Errors (InvalidArgument), each naming the clause:
//   - a column that does not exist (unless IF EXISTS: the clause is then a
//     no-op, as on MariaDB), or an AFTER target that does not exist;
//   - two clauses on the same original column (DROP then MODIFY, CHANGE
//     twice, MODIFY plus ALTER COLUMN...), which the server rejects or
//     applies in a surprising order;
//   - two columns with the same name in the new table (added twice, or
//     renamed onto an existing column);
//   - dropping every column.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "osc/alter/alter_parser.h"
#include "osc/alter/table_info.h"

namespace osc::alter {

struct MappedColumn {
  // Name in the new table.
  std::string name;
  // Index into TableInfo::columns of the column the value comes from;
  // nullopt for an added column.
  std::optional<size_t> source;
  // The name differs from the source column's name (by bytes: a case-only
  // CHANGE is a rename too).
  bool renamed = false;
  // CHANGE or MODIFY gave the column a new definition.
  bool redefined = false;
  // The stored type, character set or collation differs from the source
  // column's, or osc could not prove it equal. The server converts the
  // value on INSERT ... SELECT; the checksum must compare converted values.
  bool type_changed = false;
  // Computed by the server (GENERATED ... AS): osc never writes it.
  bool generated = false;
};

struct ColumnMapping {
  // The new table's columns, in order.
  std::vector<MappedColumn> columns;
  // For each original column (by index): its index in `columns`, or
  // nullopt if it is dropped.
  std::vector<std::optional<size_t>> old_to_new;
  // Original column indexes that are dropped, ascending.
  std::vector<size_t> dropped;

  struct CopiedColumn {
    size_t old_index;
    size_t new_index;
  };
  // The columns osc copies: every new column that has a source and is not
  // generated, in new-table order.
  std::vector<CopiedColumn> CopiedColumns() const;
  // The surviving original columns keep their relative order.
  bool OldOrderPreserved() const;
  // Every added column comes after all surviving original columns.
  bool AddedOnlyAtEnd() const;
};

Result<ColumnMapping> ComputeColumnMapping(const AlterPlan& plan, const TableInfo& table);

}  // namespace osc::alter
