// TABLE_MAP event (type 19): maps a table id to a table definition for the
// row events that follow, and a small cache of the latest map per id.
//
// Body layout (MySQL libs/mysql/binlog/event/rows_event.cpp
// Table_map_event::Table_map_event; MariaDB sql/log_event.cc):
//   post-header: table_id (6 bytes; 4 when the FDE's post-header length for
//                TABLE_MAP is 6, servers before 5.1.4) | flags u16
//   schema length (packed int) | schema | NUL
//   table length (packed int)  | table  | NUL
//   column count (packed int)  | column type u8 [count]
//   metadata length (packed int) | metadata (0-2 bytes per column, see
//                                  column_type.h)
//   null bitmap [(count + 7) / 8], bit i (LSB first) = column i nullable
//   optional metadata: TLVs (type u8 | length packed int | value) until the
//   end of the body (binlog_row_metadata=MINIMAL or FULL; MariaDB 10.5+)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "binlog/column_type.h"
#include "binlog/format_description.h"
#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

// Optional metadata field types (rows_event.h Optional_metadata_field_type).
enum class OptionalMetadataType : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
  kVectorDimensionality = 13,
};

enum class Signedness : uint8_t { kUnknown, kSigned, kUnsigned };

// One column of a mapped table. Fields from optional metadata hold their
// "unknown" value when the server did not log them.
struct Column {
  ColumnMeta meta;
  bool nullable = true;
  // SIGNEDNESS (numeric columns; on MariaDB also YEAR).
  Signedness signedness = Signedness::kUnknown;
  // Collation id from DEFAULT_CHARSET/COLUMN_CHARSET (character columns) or
  // ENUM_AND_SET_*_CHARSET (ENUM/SET); 0 when unknown. 63 is binary.
  uint32_t collation = 0;
  std::string_view name;                     // COLUMN_NAME; empty if unknown
  std::vector<std::string_view> enum_values; // ENUM_STR_VALUE or SET_STR_VALUE
  std::optional<uint32_t> geometry_type;     // GEOMETRY_TYPE (0 GEOMETRY, 1 POINT, ...)
  std::optional<uint32_t> vector_dimensions; // VECTOR_DIMENSIONALITY
  std::optional<bool> visible;               // COLUMN_VISIBILITY
};

struct PrimaryKeyPart {
  uint32_t column = 0;
  uint32_t prefix = 0;  // 0: the whole column
};

// A parsed TABLE_MAP. Immutable once built and shared through
// shared_ptr<const TableMap>, so a row decoder can keep the map it started
// with while the cache moves on to a newer one. Views (names, ENUM strings)
// point into the map's own copy of the event body.
//
// Thread safety: immutable; any number of threads may read one map.
class TableMap {
 public:
  // Parses a TABLE_MAP body (bytes after the common header, no checksum
  // trailer). `post_header_len` is the FDE's value for type 19 (8, or 6 for
  // servers before 5.1.4). `flavor` decides how the optional-metadata TLVs
  // are indexed (see IsSignednessColumn/IsCharsetColumn).
  //
  // Fails with kCorruption when the body is truncated or inconsistent (names
  // or lists running past the end, a metadata block whose length does not
  // match the column types, a TLV longer than the body), and with
  // kNotSupported for a column type whose metadata size osc does not know.
  // A TLV that is well-formed but does not fit the columns (e.g. more
  // SIGNEDNESS bits than numeric columns, a column index out of range) is
  // ignored, so the affected fields stay unknown, and noted in warnings():
  // the consumer falls back to the schema it read from the server, exactly
  // as for a server logging no optional metadata.
  static Result<std::shared_ptr<const TableMap>> Parse(Bytes body, uint8_t post_header_len,
                                                       ServerFlavor flavor = ServerFlavor::kMySql);

  TableMap(const TableMap&) = delete;
  TableMap& operator=(const TableMap&) = delete;

  uint64_t table_id() const { return table_id_; }
  uint16_t flags() const { return flags_; }
  std::string_view schema() const { return schema_; }
  std::string_view table() const { return table_; }
  ServerFlavor flavor() const { return flavor_; }
  std::span<const Column> columns() const { return columns_; }
  size_t column_count() const { return columns_.size(); }
  // Primary key parts from SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX, in
  // key order; empty when not logged (or the table has none).
  const std::vector<PrimaryKeyPart>& primary_key() const { return primary_key_; }
  // Number of kJson columns (PARTIAL_UPDATE_ROWS has one bit per JSON column).
  size_t json_column_count() const { return json_column_count_; }
  // Bit (1 << type) set for each optional-metadata TLV type present.
  uint32_t optional_metadata_mask() const { return tlv_mask_; }
  bool HasOptionalMetadata(OptionalMetadataType t) const {
    return (tlv_mask_ >> static_cast<uint8_t>(t)) & 1;
  }
  // Why a TLV was ignored; empty normally.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The body this map was parsed from.
  Bytes body() const { return Bytes(body_.data(), body_.size()); }

 private:
  friend class TableMapParser;
  TableMap() = default;

  std::vector<uint8_t> body_;
  uint64_t table_id_ = 0;
  uint16_t flags_ = 0;
  ServerFlavor flavor_ = ServerFlavor::kMySql;
  std::string_view schema_;
  std::string_view table_;
  std::vector<Column> columns_;
  std::vector<PrimaryKeyPart> primary_key_;
  size_t json_column_count_ = 0;
  uint32_t tlv_mask_ = 0;
  std::vector<std::string> warnings_;
};

// The latest TABLE_MAP per table id. Table ids are reassigned when a table
// is altered, flushed or the server restarts, so a rows event must always be
// decoded with the map that most recently preceded it: Update() replaces
// any older map of the same id.
//
// A server writes the TABLE_MAP of every table a statement touches before
// that statement's row events, so dropping entries is always safe: the
// cache forgets everything when it reaches `max_entries` distinct ids, which
// bounds its memory on streams that see many table ids over time.
//
// Not thread-safe: owned by the single binlog reader thread.
class TableMapCache {
 public:
  explicit TableMapCache(ServerFlavor flavor = ServerFlavor::kMySql, size_t max_entries = 4096)
      : flavor_(flavor), max_entries_(max_entries) {}

  // Parses a TABLE_MAP body and makes it the current map of its table id.
  // When the body is byte-identical to the current map of that id (the
  // common case: the same table written by many transactions), the existing
  // map is returned and nothing is parsed. On error the cache is unchanged.
  Result<std::shared_ptr<const TableMap>> Update(Bytes body, uint8_t post_header_len);

  // The current map of `table_id`, or nullptr if none was seen.
  std::shared_ptr<const TableMap> Find(uint64_t table_id) const;

  void set_flavor(ServerFlavor flavor) { flavor_ = flavor; }
  void Clear() { maps_.clear(); }
  size_t size() const { return maps_.size(); }

 private:
  ServerFlavor flavor_;
  size_t max_entries_;
  std::unordered_map<uint64_t, std::shared_ptr<const TableMap>> maps_;
};

// Reads the table id of a TABLE_MAP or rows event post-header (4 bytes when
// post_header_len is 6, else 6 bytes). Fails with kCorruption when short.
Result<uint64_t> ReadTableId(Bytes body, uint8_t post_header_len);

}  // namespace osc::binlog
