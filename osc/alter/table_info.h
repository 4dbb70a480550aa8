// What the ALTER planner needs to know about the table being migrated.
//
// Plain values, filled by the table inspector from information_schema
// (COLUMNS, TABLES, STATISTICS). Every field says where it comes from; a
// field left at its default makes the INSTANT classification more cautious
// only where the comment says so, so fill them all in production.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace osc::alter {

struct ColumnInfo {
  // COLUMNS.COLUMN_NAME.
  std::string name;
  // COLUMNS.COLUMN_TYPE, e.g. "varchar(64)", "int(10) unsigned",
  // "enum('a','b')". Parsed with the same grammar as the user's definitions.
  std::string type;
  // COLUMNS.CHARACTER_SET_NAME and COLLATION_NAME; empty for non-string
  // columns. Empty on a string column means "unknown": any change that
  // depends on it is then classified as a copy.
  std::string charset;
  std::string collation;
  // COLUMNS.IS_NULLABLE = 'YES'.
  bool nullable = true;
  // COLUMNS.EXTRA contains "VIRTUAL GENERATED"/"STORED GENERATED"
  // (MySQL) or COLUMNS.IS_GENERATED = 'ALWAYS' (MariaDB). Generated columns
  // are computed by the server and never written by osc.
  bool generated = false;
  // The column is part of at least one index (STATISTICS). Dropping an
  // indexed column changes an index, which is never instant.
  bool indexed = false;
};

// InnoDB row format (TABLES.ROW_FORMAT). The instant rules differ for
// REDUNDANT and COMPRESSED.
enum class RowFormat : uint8_t { kRedundant, kCompact, kDynamic, kCompressed };

struct TableInfo {
  // In table order (ORDINAL_POSITION).
  std::vector<ColumnInfo> columns;
  // TABLES.TABLE_COLLATION and its character set: what a string column
  // gets when the user's definition names neither. Empty means unknown.
  std::string default_charset;
  std::string default_collation;
  // DYNAMIC is innodb_default_row_format on both servers since MariaDB 10.2
  // and MySQL 5.7.
  RowFormat row_format = RowFormat::kDynamic;
  // The table has a FULLTEXT index (so InnoDB keeps a hidden FTS_DOC_ID
  // column, which rules out instant ADD/DROP/reorder on both servers).
  bool has_fulltext_index = false;
  // MySQL 8.0.29+: INFORMATION_SCHEMA.INNODB_TABLES.TOTAL_ROW_VERSIONS.
  // Instant ADD/DROP COLUMN stops at 64 row versions. Ignored for MariaDB.
  uint32_t total_row_versions = 0;
  // Some other table has a foreign key referencing this table. MySQL does
  // not rename a referenced column instantly.
  bool referenced_by_foreign_keys = false;
};

}  // namespace osc::alter
