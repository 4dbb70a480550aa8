// A result set read from the server: column metadata and rows of raw cells.
//
// Cells are the server's text-protocol bytes, exactly (binary-safe: lengths
// come from the protocol, so embedded NULs survive), or nullopt for SQL
// NULL. Numbers arrive as decimal text, temporal values as their text form.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/column_type.h"

namespace osc::db {

// Column type codes of the client/server protocol (common/column_type.h).
using ColumnType = ::osc::ColumnType;

// Character set number 63: the "binary" pseudo charset of BLOB, BINARY,
// VARBINARY columns and of numbers.
inline constexpr uint32_t kBinaryCharsetNumber = 63;

struct Column {
  std::string name;  // the column's name or alias in the result
  ColumnType type = ColumnType::kNull;
  uint32_t charset_number = 0;  // collation id of the value bytes
  bool is_unsigned = false;
  bool is_nullable = true;
  // True for binary strings (charset 63); text columns are false.
  bool IsBinary() const { return charset_number == kBinaryCharsetNumber; }
};

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

struct QueryResult {
  std::vector<Column> columns;  // empty for statements without a result set
  std::vector<Row> rows;        // each row has columns.size() cells

  // Position of the column named `name` (ASCII case-insensitive, as the
  // server compares column names), or nullopt.
  std::optional<size_t> ColumnIndex(std::string_view name) const;
};

}  // namespace osc::db
