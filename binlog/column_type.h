// Column types as they appear in TABLE_MAP events, and the per-column
// metadata the TABLE_MAP carries for each of them.
//
// Sources (ground truth):
//   MySQL:   include/field_types.h (enum enum_field_types),
//            libs/mysql/binlog/event/rows_event.h (Table_map_event, the
//            "column types" table with the metadata size of each type),
//            sql/field.cc (Field_*::save_field_metadata / do_save_field_metadata)
//   MariaDB: include/mysql_com.h (enum_field_types, incl. the compressed
//            column types 140/141), sql/field.h (Binlog_type_info),
//            plugin/type_inet (INET6 and UUID are logged as
//            STRING(16) with the binary collation, not as a type of their own)
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "binlog/format_description.h"
#include "common/bytes.h"
#include "common/column_type.h"
#include "common/result.h"

namespace osc::binlog {

// enum_field_types. The TABLE_MAP logs the *binlog* type of a column, which
// differs from what SHOW CREATE TABLE says in a few places:
//   - ENUM and SET are logged as kString; the real type is in the metadata.
//   - TEXT/BLOB of every size are logged as kBlob; the metadata gives the
//     size of the length prefix (1 TINY, 2 plain, 3 MEDIUM, 4 LONG).
//   - MariaDB's JSON is LONGTEXT, so it is logged as kBlob (text, not binary
//     JSON); MySQL's JSON is kJson (binary JSON).
//   - MariaDB INET6 and UUID are kString with max length 16, collation 63.
//   - MariaDB with mysql56_temporal_format=OFF (and MariaDB 5.3-10.0) logs
//     TIMESTAMP(n)/DATETIME(n)/TIME(n) with n > 0 as kTimestamp/kDateTime/
//     kTime with no metadata at all, in a "hires" format whose size depends
//     on n: see RowDecodeOptions::legacy_fsp.
using ColumnType = ::osc::ColumnType;

// "VARCHAR", "TIMESTAMP2", ...; "TYPE_<n>" for a code osc does not know.
std::string_view ColumnTypeName(ColumnType type);

// How a value of a column is laid out in a row image. Computed once per
// column when the TABLE_MAP is parsed so that row decoding is one switch.
enum class ValueLayout : uint8_t {
  kUnsupported,   // type osc cannot size (kDecimal, kTypedArray, unknown)
  kInt,           // fixed-size little-endian integer (fixed_size 1,2,3,4,8)
  kFloat,         // 4-byte IEEE float
  kDouble,        // 8-byte IEEE double
  kYear,          // 1 byte, 0 or year - 1900
  kDate,          // 3 bytes, day | month << 5 | year << 9
  kTimeOld,       // 3 bytes signed, [-]HHMMSS as a decimal number
  kDateTimeOld,   // 8 bytes, YYYYMMDDhhmmss as a decimal number
  kTimestampOld,  // 4 bytes, seconds since the epoch
  kTimestamp2,    // 4 bytes big-endian seconds + (fsp+1)/2 fraction bytes
  kDateTime2,     // 5 bytes big-endian packed + (fsp+1)/2 fraction bytes
  kTime2,         // 3 bytes big-endian packed + (fsp+1)/2 fraction bytes
  kNewDecimal,    // binary decimal, fixed size from precision and scale
  kBit,           // fixed_size bytes, big-endian
  kEnum,          // fixed_size (1, 2) little-endian index, 1-based
  kSet,           // fixed_size (1-4, 8) little-endian bitmask
  kVarLength,     // length prefix of length_size bytes, then the bytes
  kNullType,      // MYSQL_TYPE_NULL: no bytes
};

// Per-column metadata from the TABLE_MAP metadata block, decoded.
struct ColumnMeta {
  ColumnType type = ColumnType::kInvalid;       // as logged
  ColumnType real_type = ColumnType::kInvalid;  // kString's real type (kEnum,
                                                // kSet, kString); else == type
  ValueLayout layout = ValueLayout::kUnsupported;
  uint16_t raw = 0;          // metadata as written: byte0 | byte1 << 8
  uint8_t raw_size = 0;      // how many metadata bytes the type has (0-2)
  uint8_t fixed_size = 0;    // bytes of a fixed-size value (ints, temporal,
                             // decimal, BIT, ENUM, SET, FLOAT, DOUBLE)
  uint8_t length_size = 0;   // kVarLength: bytes of the length prefix (1-4)
  uint32_t max_length = 0;   // kVarchar/kVarString/kString: max bytes
  uint8_t precision = 0;     // kNewDecimal
  uint8_t scale = 0;         // kNewDecimal: digits after the point;
                             // temporal2 types: fractional-second precision
  uint16_t bits = 0;         // kBit: declared width in bits (1-64)
};

// Number of metadata bytes a TABLE_MAP writes for a logged type code: 0, 1
// or 2, or -1 for codes whose metadata size is variable (kTypedArray) or
// unknown (codes no server osc knows writes).
int MetadataSize(uint8_t type);

// Reads the metadata of one column of logged type `type` from `reader` (the
// TABLE_MAP metadata block, positioned at this column). Fails with
// kCorruption on values no server writes (a NEWDECIMAL with scale >
// precision, a BIT wider than 64, a FLOAT whose size is not 4, a STRING
// whose real type is not STRING/ENUM/SET) or when the block is too short,
// and with kNotSupported for type codes whose metadata size osc does not
// know (the rest of the block cannot be parsed then). A type osc can parse
// but not decode rows of gets layout kUnsupported: only rows that carry such
// a column fail.
Result<ColumnMeta> ReadColumnMeta(uint8_t type, ByteReader& reader);

// Size in bytes of a binary NEWDECIMAL(precision, scale), as the server's
// decimal_bin_size(). Precondition: scale <= precision <= 65 (81 accepted).
uint32_t DecimalBinarySize(uint8_t precision, uint8_t scale);

// The column-kind predicates the optional-metadata TLVs index by: a TLV
// such as SIGNEDNESS or COLUMN_CHARSET has one entry per column for which
// the predicate holds, in column order. The servers disagree on the edges:
//   numeric:   TINY SHORT INT24 LONG LONGLONG FLOAT DOUBLE NEWDECIMAL, and on
//              MariaDB also YEAR (its Field_year is a Field_tiny and keeps
//              its signedness; verified on 10.11: SIGNEDNESS has a bit
//              for YEAR).
//   character: STRING (real type STRING), VARCHAR, VAR_STRING, BLOB; MySQL 9
//              adds VECTOR (vector.binlog fixture); MariaDB adds GEOMETRY and
//              its compressed BLOB/VARCHAR (verified on 10.11).
//   enum/set:  STRING whose real type is ENUM or SET.
bool IsSignednessColumn(const ColumnMeta& meta, ServerFlavor flavor);
bool IsCharsetColumn(const ColumnMeta& meta, ServerFlavor flavor);
bool IsEnumOrSetColumn(const ColumnMeta& meta);

}  // namespace osc::binlog
