// Test-only encoders for TABLE_MAP bodies, rows event bodies, column values
// and MySQL binary JSON. They follow the servers' *write* side
// (Field_*::pack, decimal2bin, my_*_packed_to_binary, json_binary.cc
// serialize, MariaDB Field_*_hires::store), independently of the decoder in
// binlog/, so a round trip checks the decoder against the format rather
// than against itself.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osc::testing {

using ByteVec = std::vector<uint8_t>;

// ---- TABLE_MAP -------------------------------------------------------------

struct ColumnSpec {
  uint8_t type = 0;
  ByteVec meta;  // the metadata bytes exactly as the server writes them
  bool nullable = true;
};

// Column specs by SQL type (metadata as the server writes it).
ColumnSpec IntCol(uint8_t type);                        // TINY/SHORT/INT24/LONG/LONGLONG
ColumnSpec FloatCol();                                  // meta 4
ColumnSpec DoubleCol();                                 // meta 8
ColumnSpec DecimalCol(uint8_t precision, uint8_t scale);
ColumnSpec VarcharCol(uint16_t max_bytes, uint8_t type = 15);
ColumnSpec CharCol(uint16_t max_bytes);                 // STRING with the fold
ColumnSpec EnumCol(uint8_t pack_length);                // STRING, real type ENUM
ColumnSpec SetCol(uint8_t pack_length);                 // STRING, real type SET
ColumnSpec BlobCol(uint8_t pack_length, uint8_t type = 252);  // also JSON/GEOMETRY/VECTOR
ColumnSpec BitCol(uint16_t bits);
ColumnSpec Temporal2Col(uint8_t type, uint8_t fsp);     // TIMESTAMP2/DATETIME2/TIME2
ColumnSpec PlainCol(uint8_t type);                      // no metadata (DATE, YEAR, ...)

// Optional-metadata TLV payload helpers.
ByteVec PackedInt(uint64_t v);
ByteVec MsbBitmap(const std::vector<bool>& bits);  // SIGNEDNESS / VISIBILITY order
ByteVec LenencStrings(const std::vector<std::string>& strings);

class TableMapBuilder {
 public:
  TableMapBuilder(uint64_t table_id, std::string schema, std::string table)
      : table_id_(table_id), schema_(std::move(schema)), table_(std::move(table)) {}
  TableMapBuilder& Add(ColumnSpec column);
  TableMapBuilder& Tlv(uint8_t type, const ByteVec& value);
  TableMapBuilder& Flags(uint16_t flags) { flags_ = flags; return *this; }
  // The body (after the common header). post_header_len 8 or 6.
  ByteVec Body(uint8_t post_header_len = 8) const;

 private:
  uint64_t table_id_;
  std::string schema_, table_;
  uint16_t flags_ = 1;
  std::vector<ColumnSpec> columns_;
  ByteVec tlvs_;
};

// ---- values ---------------------------------------------------------------

// One cell of a row image: NULL, or the packed bytes of the value.
struct Cell {
  bool null = false;
  ByteVec bytes;
};
Cell Null();
Cell Raw(ByteVec bytes);
Cell Int(uint64_t bits, int width);            // little-endian, `width` bytes
Cell Float(float f);
Cell Double(double d);
Cell Decimal(std::string_view text, uint8_t precision, uint8_t scale);  // "-12.50"
Cell Year(int year);                           // 0 or 1901-2155
Cell Date(int year, int month, int day);
Cell TimeOld(bool negative, int hour, int minute, int second);
Cell DateTimeOld(int year, int month, int day, int hour, int minute, int second);
Cell TimestampOld(uint32_t seconds);
Cell Timestamp2(uint32_t seconds, uint32_t micros, uint8_t fsp);
Cell DateTime2(int year, int month, int day, int hour, int minute, int second, uint32_t micros,
               uint8_t fsp);
Cell Time2(bool negative, int hour, int minute, int second, uint32_t micros, uint8_t fsp);
Cell MariaTimestampHires(uint32_t seconds, uint32_t micros, uint8_t fsp);
Cell MariaDateTimeHires(int year, int month, int day, int hour, int minute, int second,
                        uint32_t micros, uint8_t fsp);
Cell MariaTimeHires(bool negative, int hour, int minute, int second, uint32_t micros, uint8_t fsp);
Cell Var(std::string_view bytes, int length_size);  // length prefix + bytes
Cell Bit(uint64_t value, int bytes);                 // big-endian
// Packed bytes of a binary decimal (no Cell), e.g. for opaque JSON.
ByteVec DecimalBinary(std::string_view text, uint8_t precision, uint8_t scale);

// ---- rows events ----------------------------------------------------------

class RowsEventBuilder {
 public:
  // `type` 23-25, 30-32 or 39. Bitmaps: present columns (LSB first) of the
  // before image (UPDATE/DELETE) and after image (WRITE/UPDATE).
  RowsEventBuilder(uint8_t type, uint64_t table_id, uint32_t column_count);
  RowsEventBuilder& Flags(uint16_t flags) { flags_ = flags; return *this; }
  RowsEventBuilder& ExtraData(ByteVec extra) { extra_ = std::move(extra); return *this; }
  RowsEventBuilder& Before(std::vector<bool> present) { before_ = std::move(present); return *this; }
  RowsEventBuilder& After(std::vector<bool> present) { after_ = std::move(present); return *this; }
  // Appends one image: the cells of the present columns, in column order.
  RowsEventBuilder& Image(const std::vector<Cell>& cells);
  // PARTIAL_UPDATE_ROWS after image with value_options and partial bits
  // (one per JSON column of the table; ignored unless options & 1).
  RowsEventBuilder& PartialImage(uint64_t value_options, const std::vector<bool>& partial_bits,
                                 const std::vector<Cell>& cells);
  // `unused_null_bits_set`: fill the unused bits of null bitmaps with 1, as
  // MariaDB does.
  RowsEventBuilder& UnusedNullBitsSet(bool set) { unused_set_ = set; return *this; }
  ByteVec Body(uint8_t post_header_len = 0) const;  // 0: 8 for v1, 10 for v2

 private:
  uint8_t type_;
  uint64_t table_id_;
  uint32_t column_count_;
  uint16_t flags_ = 1;
  bool unused_set_ = false;
  ByteVec extra_;
  std::vector<bool> before_, after_;
  ByteVec rows_;
};

// ---- MySQL binary JSON ----------------------------------------------------

struct Json {
  enum class Kind { kNull, kTrue, kFalse, kInt, kUint, kDouble, kString, kOpaque, kArray, kObject };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s;            // kString, kOpaque data
  uint8_t opaque_type = 0;  // kOpaque: MySQL field type
  std::vector<Json> items;  // kArray
  std::vector<std::pair<std::string, Json>> members;  // kObject

  static Json Null() { return Json{}; }
  static Json Bool(bool b) { Json j; j.kind = b ? Kind::kTrue : Kind::kFalse; return j; }
  static Json I(int64_t v) { Json j; j.kind = Kind::kInt; j.i = v; return j; }
  static Json U(uint64_t v) { Json j; j.kind = Kind::kUint; j.u = v; return j; }
  static Json D(double v) { Json j; j.kind = Kind::kDouble; j.d = v; return j; }
  static Json S(std::string v) { Json j; j.kind = Kind::kString; j.s = std::move(v); return j; }
  static Json Opaque(uint8_t type, std::string data) {
    Json j; j.kind = Kind::kOpaque; j.opaque_type = type; j.s = std::move(data); return j;
  }
  static Json Array(std::vector<Json> v) { Json j; j.kind = Kind::kArray; j.items = std::move(v); return j; }
  static Json Object(std::vector<std::pair<std::string, Json>> m) {
    Json j; j.kind = Kind::kObject; j.members = std::move(m); return j;
  }
};

// Serializes like json_binary.cc: smallest integer type that holds the
// value, small containers unless `large` (or the small format overflows).
ByteVec EncodeJson(const Json& value, bool large = false);

// One diff of a JSON diff vector: op 0 REPLACE, 1 INSERT, 2 REMOVE.
ByteVec EncodeJsonDiff(uint8_t op, std::string_view path, const ByteVec& value);

}  // namespace osc::testing
