// Column data types and column definitions, parsed from tokens.
//
// The parser reads the grammar of MySQL 8.0 and MariaDB 10.11 column
// definitions well enough to answer the questions osc asks: is the stored
// type the same as before, does the definition add an index or a
// constraint, is the column generated, what kind of DEFAULT does it have.
// It does not validate: attributes it does not model are skipped and
// listed in `other_attributes`, and the server checks the syntax when the
// rendered ALTER runs on the shadow table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "osc/alter/sql_lexer.h"

namespace osc::alter {

// A data type, normalized so that two spellings of the same stored type
// compare equal: "INTEGER(11)" and "int", "DEC(5)" and "decimal(5,0)",
// "BOOL" and "tinyint", "CHAR" and "char(1)".
struct DataType {
  // Canonical lower-case name: int, bigint, decimal, varchar, enum, ...
  std::string name;
  // Lengths and precisions as written (digits); ENUM/SET members with
  // quoting undone. Integer display widths are dropped (they do not change
  // storage) unless ZEROFILL is set.
  std::vector<std::string> args;
  bool is_unsigned = false;
  bool zerofill = false;
  // Character set named by the definition (CHARACTER SET, ASCII, UNICODE,
  // NATIONAL), lower-case with the alias utf8 resolved to utf8mb3. Empty
  // when the definition does not name one.
  std::string charset;
  // Collation named by COLLATE (normalized like `charset`), or empty.
  std::string collation;
  // The BINARY attribute of a character type (CHAR(10) BINARY): the
  // binary collation of its character set.
  bool binary_collation = false;

  // Same stored type: name, arguments and signedness. Character set and
  // collation are compared separately (see column_compare.h).
  bool SameStorage(const DataType& other) const;
  // char, varchar, the text types, enum and set: types with a collation.
  bool IsCharacterType() const;
  // binary, varbinary and the blob types.
  bool IsBinaryStringType() const;
};

enum class DefaultKind : uint8_t {
  kNone,          // no DEFAULT clause
  kConstant,      // a literal: 'x', 5, -1.5, NULL, TRUE, _utf8mb4'x', DATE '...'
  kTimeFunction,  // CURRENT_TIMESTAMP / NOW() / LOCALTIME... (same for all rows)
  kExpression,    // anything else, e.g. (RAND()) or UUID(): evaluated per row
};

enum class Generated : uint8_t { kNo, kVirtual, kStored };

struct ColumnDefinition {
  DataType type;
  // Explicit NULL / NOT NULL; nullopt when neither is written (the column
  // is then nullable unless it is part of a PRIMARY KEY).
  std::optional<bool> nullable;
  DefaultKind default_kind = DefaultKind::kNone;
  Generated generated = Generated::kNo;
  bool auto_increment = false;
  bool on_update = false;       // ON UPDATE CURRENT_TIMESTAMP
  bool primary_key = false;     // inline PRIMARY KEY (or bare KEY)
  bool unique_key = false;      // inline UNIQUE [KEY]
  bool has_check = false;       // inline CHECK (...)
  bool has_references = false;  // inline REFERENCES t(c)
  bool has_comment = false;
  std::optional<bool> invisible;  // INVISIBLE / VISIBLE
  // Upper-cased leading keyword of each attribute that was skipped without
  // being modelled (COLUMN_FORMAT, STORAGE, SRID, COMPRESSED, ...).
  std::vector<std::string> other_attributes;

  // NOT NULL written, or implied by PRIMARY KEY.
  bool IsNotNull() const { return (nullable.has_value() && !*nullable) || primary_key; }
  // Adds an index or constraint besides the column itself.
  bool AddsIndexOrConstraint() const {
    return primary_key || unique_key || has_check || has_references;
  }
};

// Parses a data type starting at tokens[*pos] and advances *pos past it
// (name, optional "(args)", and the type-level attributes UNSIGNED,
// ZEROFILL, BINARY, CHARACTER SET, COLLATE...). InvalidArgument if there is
// no type there.
Result<DataType> ParseDataType(TokenSpan tokens, size_t* pos);

// Parses a whole column definition (everything after the column name,
// without FIRST/AFTER). InvalidArgument if it does not start with a type
// or has unbalanced parentheses.
Result<ColumnDefinition> ParseColumnDefinition(TokenSpan tokens);

// Parses information_schema.COLUMNS.COLUMN_TYPE text ("int(10) unsigned").
Result<DataType> ParseColumnType(std::string_view column_type);

// Index just past the ")" matching the "(" at tokens[open]; InvalidArgument
// if it is not closed.
Result<size_t> SkipParenGroup(TokenSpan tokens, size_t open);

}  // namespace osc::alter
