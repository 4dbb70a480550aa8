// TableSchema: everything osc knows about the table it migrates, as plain
// values read from information_schema and SHOW CREATE TABLE (inspect.h).
//
// The planner, the chunk-key choice, the preflight checks and the plan text
// all read this; nothing here talks to a server. Tests build values by hand.
//
// Thread safety: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "osc/alter/table_info.h"

namespace osc::schema {

// What kind of object the name refers to (TABLES.TABLE_TYPE). Only
// kBaseTable can be migrated.
enum class TableKind : uint8_t {
  kBaseTable,        // 'BASE TABLE'
  kView,             // 'VIEW'
  kSystemView,       // 'SYSTEM VIEW' (information_schema, performance_schema)
  kSequence,         // 'SEQUENCE' (MariaDB)
  kSystemVersioned,  // 'SYSTEM VERSIONED' (MariaDB WITH SYSTEM VERSIONING)
  kTemporary,        // 'TEMPORARY' (MariaDB 11.2+ lists the session's own)
  kOther,            // anything else the server may add
};
std::string_view ToString(TableKind kind);

enum class GeneratedKind : uint8_t { kNone, kVirtual, kStored };

struct Column {
  // COLUMNS.COLUMN_NAME, exactly.
  std::string name;
  // COLUMNS.DATA_TYPE, lower-cased: "int", "varchar", "enum".
  std::string data_type;
  // COLUMNS.COLUMN_TYPE as the server prints it: "int(10) unsigned",
  // "varchar(64)", "enum('a','b')".
  std::string column_type;
  bool is_unsigned = false;  // COLUMN_TYPE has the UNSIGNED attribute
  bool nullable = true;      // IS_NULLABLE = 'YES'
  // COLUMNS.COLUMN_DEFAULT as the server prints it, nullopt for SQL NULL.
  // The format differs by flavour: MariaDB 10.2.7+ prints an SQL
  // expression (string literals quoted, an explicit NULL default as the
  // word NULL, nullopt only when there is no default); MySQL prints the bare
  // value and nullopt for both "no default" and "DEFAULT NULL". Shown in
  // plans, never pasted into SQL.
  std::optional<std::string> default_value;
  GeneratedKind generated = GeneratedKind::kNone;
  // GENERATION_EXPRESSION; empty unless generated.
  std::string generation_expression;
  bool auto_increment = false;  // EXTRA contains auto_increment
  // CHARACTER_SET_NAME / COLLATION_NAME; empty for non-string columns.
  std::string charset;
  std::string collation;
  // ENUM/SET member names, in definition order, with the server's quoting
  // undone (see ParseEnumMembers). Empty for other types.
  std::vector<std::string> members;

  bool IsGenerated() const { return generated != GeneratedKind::kNone; }
};

enum class IndexKind : uint8_t { kBtree, kFulltext, kSpatial, kHash, kOther };
std::string_view ToString(IndexKind kind);

struct IndexColumn {
  // STATISTICS.COLUMN_NAME; empty for a functional key part (MySQL 8.0.13+
  // `INDEX ((expr))`), whose text is then in `expression`.
  std::string name;
  std::string expression;
  // STATISTICS.SUB_PART: the prefix length of a partial key part
  // (`KEY (name(10))`), nullopt for the whole column.
  std::optional<uint32_t> prefix_length;
  bool nullable = false;  // STATISTICS.NULLABLE = 'YES'
};

struct Index {
  std::string name;  // "PRIMARY" for the primary key
  bool primary = false;
  bool unique = false;  // NON_UNIQUE = 0 (the primary key is unique too)
  // STATISTICS.INDEX_TYPE. MariaDB reports HASH for a UNIQUE key on a BLOB
  // or long column ("long unique"), which is enforced through a hidden hash
  // column and cannot be range-scanned in key order.
  IndexKind kind = IndexKind::kBtree;
  std::vector<IndexColumn> columns;  // in key order (SEQ_IN_INDEX)
};

// A foreign key in which this table takes part, on either side.
struct ForeignKey {
  std::string name;  // CONSTRAINT_NAME
  // The table holding the constraint (the child) and its columns.
  std::string schema;
  std::string table;
  std::vector<std::string> columns;
  // The table it references (the parent) and its columns.
  std::string referenced_schema;
  std::string referenced_table;
  std::vector<std::string> referenced_columns;
  std::string on_update;  // REFERENTIAL_CONSTRAINTS.UPDATE_RULE ("CASCADE", ...)
  std::string on_delete;  // REFERENTIAL_CONSTRAINTS.DELETE_RULE
};

struct Trigger {
  std::string name;    // TRIGGER_NAME
  std::string timing;  // ACTION_TIMING: BEFORE / AFTER
  std::string event;   // EVENT_MANIPULATION: INSERT / UPDATE / DELETE
};

struct TableSchema {
  std::string schema;  // TABLE_SCHEMA, exactly as stored
  std::string name;    // TABLE_NAME, exactly as stored
  TableKind kind = TableKind::kBaseTable;
  // The table lives in a schema that belongs to the server itself (mysql,
  // information_schema, performance_schema, sys).
  bool in_system_schema = false;
  std::string engine;      // TABLES.ENGINE ("InnoDB"); empty for views
  std::string row_format;  // TABLES.ROW_FORMAT as printed ("Dynamic")
  // TABLES.TABLE_ROWS: an estimate for InnoDB (from index statistics, often
  // off by tens of percent), 0 when unknown.
  uint64_t estimated_rows = 0;
  uint64_t data_bytes = 0;   // TABLES.DATA_LENGTH (clustered index)
  uint64_t index_bytes = 0;  // TABLES.INDEX_LENGTH (secondary indexes)
  std::string default_collation;  // TABLES.TABLE_COLLATION
  std::string default_charset;    // the character set of that collation
  // TABLES.CREATE_OPTIONS contains "partitioned".
  bool partitioned = false;

  std::vector<Column> columns;  // in table order (ORDINAL_POSITION)
  // Indexes in STATISTICS order with the primary key (if any) first.
  std::vector<Index> indexes;
  // Constraints on this table referencing a parent, and constraints on
  // other tables (children) referencing this one. A self-reference appears
  // in both lists.
  std::vector<ForeignKey> foreign_keys;
  std::vector<ForeignKey> referencing_foreign_keys;
  std::vector<Trigger> triggers;
  // SHOW CREATE TABLE output (second column), for the plan and for logs.
  // Empty for views (not read: it needs SHOW VIEW).
  std::string create_statement;

  // The column named `name` (case-insensitively, as the server compares
  // column names), or nullptr.
  const Column* FindColumn(std::string_view column_name) const;
  std::optional<size_t> ColumnIndex(std::string_view column_name) const;
  const Index* PrimaryKey() const;
  uint64_t TotalBytes() const { return data_bytes + index_bytes; }
};

// The member names of an ENUM or SET COLUMN_TYPE, e.g.
//   enum('a''b','c,d','x\\y')  ->  {"a'b", "c,d", "x\y"}
// The server prints each member between single quotes with a quote doubled
// and \0, \n, \r and the backslash escaped by a backslash (append_unescaped
// in sql/sql_show.cc); both escapes are undone here, and every other byte
// (commas, tabs, double quotes, UTF-8) is kept as is. InvalidArgument if
// `column_type` is not an enum(...)/set(...) of quoted members.
Result<std::vector<std::string>> ParseEnumMembers(std::string_view column_type);

// The subset of `schema` that the ALTER planner (osc/alter) needs.
alter::TableInfo ToAlterTableInfo(const TableSchema& schema);

}  // namespace osc::schema
