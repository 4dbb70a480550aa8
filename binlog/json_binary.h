// MySQL binary JSON (the storage format of JSON columns, logged as is in row
// events) to JSON text, and the JSON diff vectors of PARTIAL_UPDATE_ROWS
// events.
//
// Binary format (MySQL sql-common/json_binary.h, the format comment at the
// top): one type byte, then the value. Objects and arrays come in a small
// (2-byte counts and offsets) and a large (4-byte) variant: element count,
// total size, then for objects one (key offset, 2-byte key length) entry per
// member, then one (type byte, offset-or-inlined-value) entry per element.
// Offsets are relative to the start of the container (after its type
// byte). Literals and 16-bit integers (and 32-bit ones in large containers)
// are inlined in the entry. Strings carry a variable-length length (7 bits
// per byte, least significant first, high bit = more). Opaque values carry
// the MySQL field type of the value, a variable-length length and the bytes.
//
// MariaDB has no binary JSON: its JSON is LONGTEXT and arrives as text in a
// BLOB column.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace osc::binlog {

struct JsonTextOptions {
  // How an opaque DECIMAL inside a JSON document is printed. false (the
  // default): as a JSON number, the way MySQL itself prints it
  // (SELECT CAST(1.50 AS JSON) gives 1.50), so CAST(text AS JSON) on the
  // target gives a number again (a double: opaque types do not survive a
  // round trip through text). true: as a quoted string ("1.50"), the way some
  // CDC libraries render it (the fixture README's json-opaque expectations).
  bool quote_decimals = false;
};

// Renders a binary JSON document as JSON text in MySQL's own style:
// {"a": 1, "b": [true, null]} (", " and ": " separators, members in stored
// order), strings escaped per RFC 8259 (non-ASCII kept as UTF-8), doubles in
// the shortest form that round-trips (with ".0" added to integral values so
// they stay doubles), opaque values as MySQL prints them: DATE
// "2012-03-18", DATETIME/TIMESTAMP "2012-03-18 11:30:45.000000", TIME
// "87:31:46.654321", DECIMAL per `options`, any other type
// "base64:type<N>:<base64>". An empty document (a JSON column added with
// ALTER TABLE to a table with rows) is rendered as null.
//
// Fails with kCorruption on a malformed document (offsets or lengths out of
// bounds, unknown type bytes, nesting deeper than 150, NaN/Inf doubles).
Result<std::string> JsonBinaryToText(std::string_view doc, const JsonTextOptions& options = {});
Status AppendJsonText(std::string_view doc, const JsonTextOptions& options, std::string* out);

// One logical change of a partial JSON update (MySQL sql/json_diff.h,
// enum_json_diff_operation and Json_diff_vector::write_binary).
enum class JsonDiffOp : uint8_t { kReplace = 0, kInsert = 1, kRemove = 2 };
std::string_view JsonDiffOpName(JsonDiffOp op);  // "REPLACE", ...

struct JsonDiff {
  JsonDiffOp op = JsonDiffOp::kReplace;
  std::string_view path;   // JSON path text, e.g. "$.age" or "$[2]"
  std::string_view value;  // binary JSON of the new value; empty for kRemove
};

// Splits a diff vector (the value of a JSON column whose partial bit is set
// in a PARTIAL_UPDATE_ROWS after image): repeated (op u8, path length
// packed int, path, [value length packed int, binary JSON value]). Views
// point into `diff_vector`. Fails with kCorruption on truncation or an
// unknown operation.
Result<std::vector<JsonDiff>> ParseJsonDiffs(std::string_view diff_vector);

}  // namespace osc::binlog
