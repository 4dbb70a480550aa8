// Rows events: WRITE/UPDATE/DELETE_ROWS v1 (23-25: MySQL 5.1-5.5, MariaDB
// always), v2 (30-32: MySQL 5.6+) and PARTIAL_UPDATE_ROWS (39: MySQL 8.0
// with binlog_row_value_options=PARTIAL_JSON), decoded row by row.
//
// Body layout (MySQL libs/mysql/binlog/event/rows_event.cpp Rows_event;
// row images: sql/rpl_record.cc pack_row/unpack_row, sql/log_event.cc
// print_verbose_one_row):
//   post-header: table_id (6 bytes; 4 if the FDE's post-header length is 6)
//                | flags u16 | v2 only: extra-data length u16 (counting its
//                own 2 bytes) | extra data (NDB info, partition ids)
//   column count (packed int)
//   present-columns bitmap [(count + 7) / 8] (before image for UPDATE and
//                DELETE, the after image for WRITE)
//   UPDATE/PARTIAL_UPDATE only: after-image present-columns bitmap
//   rows until the end of the body; a row is one image (WRITE: after,
//   DELETE: before) or two (UPDATE: before then after). An image is:
//     [PARTIAL_UPDATE after image only: value_options (packed int); if bit
//      0 (PARTIAL_JSON_UPDATES) is set, a bitmap with one bit per JSON
//      column of the table, present or not, saying which carry a diff]
//     null bitmap over the *present* columns only [(present + 7) / 8]
//     the values of the present, non-NULL columns in column order.
//   Bitmaps are LSB first. Unused bits of a null bitmap may be set (MariaDB
//   sets them) and are ignored.
//
// Memory: a RowDecoder holds views into the event body and decodes one row
// per Next() call into a caller-owned Row whose vectors are reused, so
// decoding an event of any size allocates nothing after the first row.
//
// Thread safety: a RowsEvent is an immutable view; a RowDecoder is used by
// one thread at a time (it may move between threads). The TableMap it holds
// is immutable and may be shared.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "binlog/table_map.h"
#include "binlog/value.h"
#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

enum class RowsKind : uint8_t { kWrite, kUpdate, kDelete };

// Rows event flags (rows_event.h enum_flag).
inline constexpr uint16_t kRowsFlagStmtEnd = 0x1;           // last event of the statement
inline constexpr uint16_t kRowsFlagNoForeignKeyChecks = 0x2;
inline constexpr uint16_t kRowsFlagRelaxedUniqueChecks = 0x4;
inline constexpr uint16_t kRowsFlagCompleteRows = 0x8;

// MySQL and MariaDB refuse tables with more columns (MAX_FIELDS).
inline constexpr uint32_t kMaxColumns = 4096;

// True for 23-25, 30-32 and 39 (the plain types; a MariaDB compressed rows
// event must be decompressed and re-typed by the reader first).
bool IsRowsEventType(uint8_t type);

// The parsed header of a rows event. Views point into the body passed to
// ParseRowsEvent, which must outlive this struct and any RowDecoder.
struct RowsEvent {
  uint8_t type = 0;
  RowsKind kind = RowsKind::kWrite;
  uint8_t version = 1;   // 1 for 23-25, 2 for 30-32 and 39
  bool partial = false;  // PARTIAL_UPDATE_ROWS (39)
  uint64_t table_id = 0;
  uint16_t flags = 0;
  Bytes extra_data;      // v2 extra row info, without its length; usually empty
  uint32_t column_count = 0;
  Bytes before_columns;  // present bitmap of the before image (UPDATE, DELETE)
  Bytes after_columns;   // present bitmap of the after image (WRITE, UPDATE)
  Bytes rows;            // the row images

  bool stmt_end() const { return (flags & kRowsFlagStmtEnd) != 0; }
  bool has_before() const { return kind != RowsKind::kWrite; }
  bool has_after() const { return kind != RowsKind::kDelete; }
};

// Parses the header of a rows event body (after the common header, no
// checksum trailer). `post_header_len` is the FDE's value for `type`.
// Fails with kInvalidArgument for a type that is not a rows event and with
// kCorruption on a truncated header, a column count of 0 or above 4096, or
// an extra-data length below 2 or past the end.
Result<RowsEvent> ParseRowsEvent(uint8_t type, Bytes body, uint8_t post_header_len);

struct RowDecodeOptions {
  // Fractional-second precision by column index for temporal columns that
  // the TABLE_MAP logs without metadata (TIMESTAMP 7, DATETIME 12, TIME 11).
  // MariaDB writes TIMESTAMP(n)/DATETIME(n)/TIME(n) with n > 0 that way when
  // mysql56_temporal_format=OFF (and always before 10.1): the value size
  // depends on n, which only the table definition knows. Missing entries
  // and 0 mean the classic fsp-0 format. Ignored for all other types.
  std::span<const uint8_t> legacy_fsp;
};

// One decoded row. `before` is filled for UPDATE and DELETE, `after` for
// WRITE and UPDATE, each with one Value per table column (kAbsent for
// columns not in the image); the other vector is left empty. Values view the
// event body: copy what must outlive it.
struct Row {
  std::vector<Value> before;
  std::vector<Value> after;
};

class RowDecoder {
 public:
  // Prepares to decode `event` with `map` (the TABLE_MAP the cache holds for
  // event.table_id). Fails with kInvalidArgument if the map is null or is
  // for another table id, and with kCorruption if the column counts differ.
  static Result<RowDecoder> Create(const RowsEvent& event, std::shared_ptr<const TableMap> map,
                                   const RowDecodeOptions& options = {});

  // Decodes the next row into *row. Returns true when a row was decoded,
  // false when the event has no more rows. Fails with kCorruption when a
  // value runs past the end of the event or holds bytes no server writes,
  // and with kNotSupported for a present column of a type osc cannot decode;
  // after a failure every later call fails the same way.
  //
  // Views in the values point into the event body.
  Result<bool> Next(Row* row);

  uint64_t rows_decoded() const { return rows_decoded_; }
  const RowsEvent& event() const { return event_; }
  const TableMap& table_map() const { return *map_; }

  // Per-column decoding recipe, precomputed from the TABLE_MAP (internal).
  struct Plan {
    ValueLayout layout = ValueLayout::kUnsupported;
    ValueKind kind = ValueKind::kNull;
    ColumnType type = ColumnType::kInvalid;
    uint8_t size = 0;         // fixed size, or length-prefix size for kVarLength
    uint8_t width = 0;        // Value::width
    uint8_t scale = 0;        // Value::scale
    uint8_t legacy_fsp = 0;   // MariaDB hires format when > 0
    Signedness signedness = Signedness::kUnknown;
    uint32_t max_length = 0;  // bound on a kVarLength value (0: none)
    int32_t json_index = -1;  // position among the table's JSON columns
  };

 private:
  RowDecoder(const RowsEvent& event, std::shared_ptr<const TableMap> map);
  bool DecodeImage(bool after_image, std::vector<Value>* out);
  bool DecodeValue(const Plan& plan, bool partial_json, Value* v);
  Status Fail(std::string what);

  RowsEvent event_;
  std::shared_ptr<const TableMap> map_;
  std::vector<Plan> plans_;
  std::vector<uint32_t> before_present_;  // present column indexes
  std::vector<uint32_t> after_present_;
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
  uint32_t current_column_ = 0;
  uint64_t rows_decoded_ = 0;
  Status error_;
  // The Row last filled: absent values only need writing once per Row.
  const Row* last_row_ = nullptr;
};

}  // namespace osc::binlog
