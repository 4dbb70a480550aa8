// The column type codes of the MySQL/MariaDB protocol: enum_field_types
// (MySQL include/field_types.h, MariaDB include/mysql_com.h). The same
// numbers describe result-set columns (db/) and the column types a binlog
// TABLE_MAP logs (binlog/; see binlog/column_type.h for how the logged type
// differs from the declared one), so both modules share this one list.
// db/connection.cc checks a sample of it against the client library.
//
// Thread safety: a plain enum.
#pragma once

#include <cstdint>

namespace osc {

enum class ColumnType : uint8_t {
  kDecimal = 0,  // pre-5.0 DECIMAL; never written by a row-based server
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,
  kDateTime = 12,
  kYear = 13,
  kNewDate = 14,  // internal; never in a binlog
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kTypedArray = 20,  // MySQL internal (multi-valued index replication)
  kMariaBlobCompressed = 140,     // MariaDB column compression (10.3+)
  kMariaVarcharCompressed = 141,  // MariaDB column compression (10.3+)
  kVector = 242,  // MySQL 9.0
  kInvalid = 243,
  kBool = 244,  // placeholder in MySQL, never stored
  kJson = 245,
  kNewDecimal = 246,
  kEnum = 247,  // only as the real type inside kString metadata
  kSet = 248,   // only as the real type inside kString metadata
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

}  // namespace osc
