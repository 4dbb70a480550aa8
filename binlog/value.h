// One column value of a decoded row image, and the conversions a consumer
// needs to turn it into an exact SQL literal.
//
// A Value is small (40 bytes), trivially copyable and allocation-free:
// numbers and temporal fields are held inline; strings, BLOBs, binary
// decimals, binary JSON, BIT, GEOMETRY and VECTOR bytes are views into the
// rows event body (`raw`), valid as long as that body is. Conversions that
// need new text (a decimal string, JSON text, a decompressed MariaDB
// column) are done on demand by the functions below, so decoding a row
// never allocates.
//
// Exactness: nothing is converted through a double. Integers keep their
// stored bits (see Value::bits); FLOAT/DOUBLE keep the IEEE value; DECIMAL
// keeps its binary form and prints digit by digit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/column_type.h"
#include "binlog/json_binary.h"
#include "binlog/table_map.h"
#include "binlog/temporal.h"
#include "common/result.h"

namespace osc::binlog {

enum class ValueKind : uint8_t {
  kAbsent,      // column not in this row image (binlog_row_image=MINIMAL/NOBLOB)
  kNull,        // SQL NULL
  kInt,         // TINY..LONGLONG: bits, width, signedness
  kFloat,       // FLOAT: f32
  kDouble,      // DOUBLE: f64
  kDecimal,     // NEWDECIMAL: raw = binary decimal; precision/scale
  kYear,        // YEAR: bits = the year (0 for the zero year)
  kDate,        // DATE: temporal
  kTime,        // TIME, TIME2, MariaDB hires TIME: temporal, scale = fsp
  kDateTime,    // DATETIME, DATETIME2, MariaDB hires DATETIME: temporal
  kTimestamp,   // TIMESTAMP, TIMESTAMP2, hires: bits = epoch seconds,
                // temporal.micros = microseconds
  kString,      // CHAR/VARCHAR/BINARY/VARBINARY/TEXT/BLOB, INET6, UUID:
                // raw = the bytes (collation in the TableMap column)
  kEnum,        // bits = 1-based index (0 = the '' error value)
  kSet,         // bits = member bitmask, bit 0 = first member
  kBit,         // raw = big-endian bytes; bits = the same as an integer
  kJson,        // MySQL JSON: raw = binary JSON (JsonBinaryToText)
  kJsonDiff,    // PARTIAL_UPDATE_ROWS: raw = diff vector (ParseJsonDiffs);
                // not a document: apply the diffs (JSON_REPLACE/INSERT/
                // REMOVE at each path) or have the server log full
                // documents with binlog_row_value_options=''
  kGeometry,    // raw = 4-byte SRID + WKB
  kVector,      // MySQL VECTOR: raw = little-endian float32 array
  kCompressed,  // MariaDB COMPRESSED column: raw = stored form
                // (DecompressMariaDbColumn)
  kNullType,    // MYSQL_TYPE_NULL column: no value
};

std::string_view ValueKindName(ValueKind kind);

struct Value {
  ValueKind kind = ValueKind::kAbsent;
  ColumnType type = ColumnType::kInvalid;  // real type of the column
  // kInt: stored size in bytes (1, 2, 3, 4, 8). kDecimal: precision.
  uint8_t width = 0;
  // kDecimal: scale. kTime/kDateTime/kTimestamp: fractional digits the
  // column declares (0-6); FormatTemporal prints that many.
  uint8_t scale = 0;
  // kInt: from the TABLE_MAP's SIGNEDNESS TLV when logged, else kUnknown.
  Signedness signedness = Signedness::kUnknown;
  // kInt: the stored bits, zero-extended from `width` bytes (so an unknown
  // signedness loses nothing; see AsInt64/AsUint64). kYear, kEnum, kSet,
  // kBit, kTimestamp: see ValueKind.
  uint64_t bits = 0;
  union {
    double f64;
    float f32;
  };
  Temporal temporal;     // kDate, kTime, kDateTime; kTimestamp: micros only
  std::string_view raw;  // value bytes in the event (no length prefix)

  Value() : f64(0) {}

  bool present() const { return kind != ValueKind::kAbsent; }
  bool is_null() const { return kind == ValueKind::kNull; }

  // kInt: the value read as signed (sign-extended from `width`) or as
  // unsigned. Use the one the column's definition says; `signedness` tells
  // when the server logged it.
  int64_t AsInt64() const {
    const unsigned shift = 64 - 8u * width;
    return width == 0 ? 0 : static_cast<int64_t>(bits << shift) >> shift;
  }
  uint64_t AsUint64() const { return bits; }
  // kInt: AsInt64 unless the column is known to be unsigned.
  bool IsUnsignedInt() const { return signedness == Signedness::kUnsigned; }
};
static_assert(sizeof(Value) <= 64);

// Exact text of a kDecimal value, e.g. "-0.01" (decimal.h FormatDecimal).
Result<std::string> FormatDecimal(const Value& v);

// Text a server accepts for a temporal value, without quotes:
//   kDate      "2024-01-02"             kYear  "2024" ("0000" for zero)
//   kDateTime  "2024-01-02 03:04:05.123456" (scale digits of fraction)
//   kTime      "-838:59:59.000000"
//   kTimestamp the UTC date and time, "2024-01-02 03:04:05.123"; the zero
//              timestamp (0 seconds, 0 micros) is "0000-00-00 00:00:00". A
//              consumer writing it must use time_zone='+00:00' on its
//              session, or FROM_UNIXTIME(<bits>.<micros>) instead.
// Fails with kInvalidArgument for other kinds.
Result<std::string> FormatTemporal(const Value& v);

// Text of an integer value the way the server prints it: signed unless
// `as_unsigned` (pass the column's known signedness; default: what the
// TABLE_MAP logged, signed if unknown).
std::string FormatInt(const Value& v, bool as_unsigned);
std::string FormatInt(const Value& v);

// Shortest text that reads back as the same float/double ("1.5", "-0",
// "1e+300"); kFloat values are printed as float32.
Result<std::string> FormatFloat(const Value& v);

// MySQL JSON (kJson) as text; see json_binary.h.
Result<std::string> FormatJson(const Value& v, const JsonTextOptions& options = {});

// The original bytes of a MariaDB compressed column (sql/field_comp.cc):
// header byte 0 = stored as is; else 0x80 | (0x08 if raw deflate, without
// zlib header) | n, followed by the original length in n big-endian bytes and
// the compressed data. Fails with kCorruption on a bad header or stream, and
// when the data inflates to a length other than the declared one.
// `max_length` bounds the output (a corrupt header cannot make it allocate
// more).
Result<std::string> DecompressMariaDbColumn(std::string_view stored, size_t max_length = 1u << 30);

}  // namespace osc::binlog
