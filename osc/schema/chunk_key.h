// Choosing the key osc copies by and applies binlog changes by.
//
// The copier walks the original table in ranges of this key, and the
// applier identifies a row of the shadow table by it (DELETE ... WHERE key
// IN, REPLACE INTO). Both only work if the key
//   - is unique and NOT NULL in the original table (a NULL or duplicate
//     would make one "key" stand for several rows), and
//   - means the same thing in the shadow table: same columns, none
//     dropped, renamed or retyped by the ALTER (a new type or collation
//     changes ordering and equality), and still a UNIQUE index there.
// Candidates, in order of preference: the PRIMARY KEY; then UNIQUE indexes
// whose columns are all NOT NULL, fewest columns first (cheaper range
// predicates), then table order. Not usable, besides the above: prefix
// key parts (`KEY (c(10))` orders by the prefix only), functional key
// parts, virtual generated columns, and non-BTREE indexes (MariaDB's HASH
// "long unique" keys cannot be scanned in key order).
//
// Thread safety: pure functions over values.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"
#include "osc/alter/alter_parser.h"
#include "osc/alter/column_mapping.h"
#include "osc/schema/table_schema.h"

namespace osc::schema {

struct ChunkKey {
  // The index in the original table ("PRIMARY" for the primary key), for
  // FORCE INDEX.
  std::string index_name;
  // Its name in the shadow table (differs after RENAME INDEX).
  std::string shadow_index_name;
  bool primary = false;
  // Key columns in key order: names (same in both tables), positions in
  // TableSchema::columns and in ColumnMapping::columns.
  std::vector<std::string> columns;
  std::vector<size_t> old_column_indexes;
  std::vector<size_t> new_column_indexes;
  // Better candidates that were rejected, each "<index> <why>", e.g.
  // "PRIMARY KEY is dropped by 'DROP PRIMARY KEY'", for the plan.
  std::vector<std::string> passed_over;
};

// Picks the chunk key for migrating `table` with `plan`, whose column
// mapping is `mapping` (ComputeColumnMapping(plan, ToAlterTableInfo(table))).
// FailedPrecondition when no index qualifies, with a message that starts
// "no primary key or NOT NULL unique key shared by the table before and
// after the ALTER" and then names every candidate index and why it was
// rejected, so the user can see what to change.
Result<ChunkKey> ChooseChunkKey(const TableSchema& table, const alter::AlterPlan& plan,
                                const alter::ColumnMapping& mapping);

}  // namespace osc::schema
