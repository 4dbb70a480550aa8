#include "osc/copy/key_range.h"

#include <cassert>
#include <string>

#include "db/errors.h"
#include "db/quoting.h"

namespace osc::copy {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

bool AllOf(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool IsIntegerText(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  return !s.empty() && AllOf(s, IsDigit);
}

bool IsDecimalText(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  const size_t dot = s.find('.');
  if (dot == std::string_view::npos) return !s.empty() && AllOf(s, IsDigit);
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = s.substr(dot + 1);
  return !whole.empty() && !frac.empty() && AllOf(whole, IsDigit) && AllOf(frac, IsDigit);
}

bool IsFloatChar(char c) { return IsDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }
// Dates, times and datetimes print as digits with '-', ':', '.' and one
// space; TIME may be negative.
bool IsTemporalChar(char c) { return IsDigit(c) || c == '-' || c == ':' || c == '.' || c == ' '; }

bool IsCharsetNameChar(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || c == '_'; }

bool IsPlainName(std::string_view s) { return !s.empty() && s.size() <= 64 && AllOf(s, IsCharsetNameChar); }

// The pieces around the hex digits of a string literal of `column`.
std::string HexPrefix(const KeyColumn& column) {
  return column.kind == KeyKind::kText ? "_" + column.charset + " X'" : std::string("_binary X'");
}
std::string HexSuffix(const KeyColumn& column) {
  return column.kind == KeyKind::kText ? "' COLLATE " + column.collation : std::string("'");
}

bool IsHexLiteral(const KeyColumn& column, std::string_view literal) {
  const std::string prefix = HexPrefix(column);
  const std::string suffix = HexSuffix(column);
  if (literal.size() < prefix.size() + suffix.size()) return false;
  if (literal.substr(0, prefix.size()) != prefix) return false;
  if (literal.substr(literal.size() - suffix.size()) != suffix) return false;
  const std::string_view hex = literal.substr(prefix.size(), literal.size() - prefix.size() - suffix.size());
  return hex.size() % 2 == 0 && AllOf(hex, IsHexDigit);
}

bool IsLiteralOfKind(const KeyColumn& column, std::string_view literal) {
  switch (column.kind) {
    case KeyKind::kInteger:
      return IsIntegerText(literal);
    case KeyKind::kDecimal:
      return IsDecimalText(literal);
    case KeyKind::kFloat:
      return !literal.empty() && AllOf(literal, IsFloatChar);
    case KeyKind::kOrdinal:
      return !literal.empty() && AllOf(literal, IsDigit);
    case KeyKind::kTemporal:
      return literal.size() >= 3 && literal.front() == '\'' && literal.back() == '\'' &&
             AllOf(literal.substr(1, literal.size() - 2), IsTemporalChar);
    case KeyKind::kText:
    case KeyKind::kBinary:
      return IsHexLiteral(column, literal);
  }
  return false;
}

Result<KeyKind> KindOfType(std::string_view data_type) {
  static constexpr std::string_view kIntegers[] = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint",
                                                   "year"};
  for (std::string_view t : kIntegers) {
    if (data_type == t) return KeyKind::kInteger;
  }
  if (data_type == "decimal" || data_type == "numeric") return KeyKind::kDecimal;
  if (data_type == "float" || data_type == "double" || data_type == "real") return KeyKind::kFloat;
  if (data_type == "date" || data_type == "time" || data_type == "datetime" || data_type == "timestamp") {
    return KeyKind::kTemporal;
  }
  if (data_type == "char" || data_type == "varchar") return KeyKind::kText;
  if (data_type == "binary" || data_type == "varbinary") return KeyKind::kBinary;
  if (data_type == "enum" || data_type == "set" || data_type == "bit") return KeyKind::kOrdinal;
  return Status::NotSupported("a key column of type " + std::string(data_type) + " cannot be chunked");
}

// "`a` OP v" for key column `i`.
std::string Compare(const KeySpec& key, const KeyValue& value, size_t i, std::string_view op) {
  return db::QuoteIdentifier(key.columns[i].name) + " " + std::string(op) + " " + value[i];
}

// key > value (strict) or key >= value, for `greater`; < / <= otherwise.
std::string RenderSide(const KeySpec& key, const Bound& bound, bool greater) {
  assert(bound.value.size() == key.columns.size());
  const std::string strict = greater ? ">" : "<";
  const size_t n = key.columns.size();
  if (n == 1) return Compare(key, bound.value, 0, bound.inclusive ? strict + "=" : strict);
  // Leading column first, so the index scan is bounded even by optimisers
  // that do not turn the OR below into ranges.
  std::string out = Compare(key, bound.value, 0, strict + "=") + " AND (";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += " OR ";
    out += "(";
    for (size_t j = 0; j < i; ++j) out += Compare(key, bound.value, j, "=") + " AND ";
    const bool last = i + 1 == n;
    out += Compare(key, bound.value, i, last && bound.inclusive ? strict + "=" : strict);
    out += ")";
  }
  return out + ")";
}

std::string DescribeValue(const KeyValue& value) {
  std::string out = "(";
  for (size_t i = 0; i < value.size(); ++i) {
    if (i > 0) out += ", ";
    out += value[i];
  }
  return out + ")";
}

}  // namespace

std::string_view ToString(KeyKind kind) {
  switch (kind) {
    case KeyKind::kInteger: return "integer";
    case KeyKind::kDecimal: return "decimal";
    case KeyKind::kFloat: return "float";
    case KeyKind::kTemporal: return "temporal";
    case KeyKind::kText: return "text";
    case KeyKind::kBinary: return "binary";
    case KeyKind::kOrdinal: return "ordinal";
  }
  return "unknown";
}

Result<KeySpec> MakeKeySpec(const schema::TableSchema& table, const schema::ChunkKey& key) {
  if (key.columns.empty() || key.columns.size() != key.old_column_indexes.size()) {
    return Status::InvalidArgument("chunk key " + key.index_name + " has no usable column list");
  }
  KeySpec spec;
  spec.index_name = key.index_name;
  spec.shadow_index_name = key.shadow_index_name.empty() ? key.index_name : key.shadow_index_name;
  for (size_t i = 0; i < key.columns.size(); ++i) {
    const size_t index = key.old_column_indexes[i];
    if (index >= table.columns.size()) {
      return Status::InvalidArgument("chunk key column " + key.columns[i] + " is not a column of " + table.name);
    }
    const schema::Column& column = table.columns[index];
    OSC_ASSIGN_OR_RETURN(const KeyKind kind, KindOfType(column.data_type));
    KeyColumn kc{column.name, kind, "", ""};
    if (kind == KeyKind::kText) {
      // Both names end up in SQL text: only plain names may pass.
      if (!IsPlainName(column.charset) || !IsPlainName(column.collation)) {
        return Status::InvalidArgument("key column " + column.name + " has no usable character set/collation");
      }
      kc.charset = column.charset;
      kc.collation = column.collation;
    }
    spec.columns.push_back(std::move(kc));
  }
  return spec;
}

Bound Flip(const Bound& bound) { return Bound{bound.value, !bound.inclusive}; }

Status ValidateKeyValue(const KeySpec& key, const KeyValue& value) {
  if (value.size() != key.columns.size()) {
    return Status::InvalidArgument("a key value has " + std::to_string(value.size()) + " parts; the key has " +
                                   std::to_string(key.columns.size()) + " columns");
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (!IsLiteralOfKind(key.columns[i], value[i])) {
      return Status::InvalidArgument("not a " + std::string(ToString(key.columns[i].kind)) +
                                     " key literal for column " + key.columns[i].name);
    }
  }
  return Status::Ok();
}

Status ValidateRange(const KeySpec& key, const KeyRange& range) {
  if (range.lower) OSC_RETURN_IF_ERROR(ValidateKeyValue(key, range.lower->value));
  if (range.upper) OSC_RETURN_IF_ERROR(ValidateKeyValue(key, range.upper->value));
  return Status::Ok();
}

std::string KeySelectList(const KeySpec& key) {
  std::string out;
  for (const KeyColumn& c : key.columns) {
    if (!out.empty()) out += ", ";
    const std::string name = db::QuoteIdentifier(c.name);
    switch (c.kind) {
      case KeyKind::kText:
      case KeyKind::kBinary:
        // HEX works on the stored bytes in the column's own character set,
        // and its ASCII answer survives any connection character set.
        out += "HEX(" + name + ")";
        break;
      case KeyKind::kOrdinal:
        out += name + "+0";
        break;
      default:
        out += name;
        break;
    }
  }
  return out;
}

std::string KeyOrderBy(const KeySpec& key, bool descending) {
  std::string out;
  for (const KeyColumn& c : key.columns) {
    if (!out.empty()) out += ", ";
    out += db::QuoteIdentifier(c.name);
    if (descending) out += " DESC";
  }
  return out;
}

Result<KeyValue> KeyValueFromRow(const KeySpec& key, const db::Row& row, size_t first) {
  if (row.size() < first + key.columns.size()) {
    return Status::Corruption("the key query returned " + std::to_string(row.size()) + " columns");
  }
  KeyValue value;
  value.reserve(key.columns.size());
  for (size_t i = 0; i < key.columns.size(); ++i) {
    const KeyColumn& column = key.columns[i];
    const db::Cell& cell = row[first + i];
    if (!cell) return Status::Corruption("key column " + column.name + " is NULL; chunk key columns are NOT NULL");
    std::string literal;
    switch (column.kind) {
      case KeyKind::kText:
      case KeyKind::kBinary:
        literal = HexPrefix(column) + *cell + HexSuffix(column);
        break;
      case KeyKind::kTemporal:
        literal = "'" + *cell + "'";
        break;
      default:
        literal = *cell;
        break;
    }
    if (!IsLiteralOfKind(column, literal)) {
      return Status::Corruption("unexpected text for " + std::string(ToString(column.kind)) + " key column " +
                                column.name + ": " + db::StatementExcerpt(*cell, 80));
    }
    value.push_back(std::move(literal));
  }
  return value;
}

std::string RenderLower(const KeySpec& key, const Bound& lower) { return RenderSide(key, lower, true); }

std::string RenderUpper(const KeySpec& key, const Bound& upper) { return RenderSide(key, upper, false); }

std::string RenderRange(const KeySpec& key, const KeyRange& range) {
  std::string out;
  if (range.lower) out = "(" + RenderLower(key, *range.lower) + ")";
  if (range.upper) {
    if (!out.empty()) out += " AND ";
    out += "(" + RenderUpper(key, *range.upper) + ")";
  }
  return out;
}

std::string DescribeRange(const KeyRange& range) {
  std::string out;
  if (range.lower) out = DescribeValue(range.lower->value) + (range.lower->inclusive ? " <= " : " < ");
  out += "key";
  if (range.upper) out += std::string(range.upper->inclusive ? " <= " : " < ") + DescribeValue(range.upper->value);
  if (!range.lower && !range.upper) out += " (whole table)";
  return out;
}

}  // namespace osc::copy
