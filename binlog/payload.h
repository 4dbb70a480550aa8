// Compressed event containers:
//  - MySQL 8.0.20+ TRANSACTION_PAYLOAD (type 40, binlog_transaction_compression
//    =ON): a TLV header then a zstd stream (or raw bytes) holding the whole
//    transaction as back-to-back events without checksums.
//  - MariaDB 10.2+ compressed events (log_bin_compress=ON): QUERY_COMPRESSED
//    (165) and the six *_ROWS_COMPRESSED types (166-171), whose statement
//    text or row data is zlib-compressed behind a one-byte header.
//
// Memory is bounded by the sizes the events declare, and those are checked
// against a caller-given limit before anything is allocated: a hostile or
// corrupt size cannot make the process allocate more than the limit.
//
// Sources: MySQL libbinlogevents control_events.h (Transaction_payload_event),
// codecs/binary.cpp (Transaction_payload::decode), compression/base.h
// (type ZSTD = 0, NONE = 255); MariaDB sql/log_event.cc (binlog_buf_compress,
// binlog_get_uncompress_len, binlog_buf_uncompress, query_event_uncompress,
// row_log_event_uncompress).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

using Buffer = std::vector<uint8_t>;
using SharedBuffer = std::shared_ptr<const Buffer>;

// ---- TRANSACTION_PAYLOAD ----------------------------------------------------
// TLV field ids (codecs/binary.h Transaction_payload::fields).
inline constexpr uint64_t kPayloadHeaderEndMark = 0;
inline constexpr uint64_t kPayloadSizeField = 1;
inline constexpr uint64_t kPayloadCompressionTypeField = 2;
inline constexpr uint64_t kPayloadUncompressedSizeField = 3;
inline constexpr uint8_t kPayloadCompressionZstd = 0;
inline constexpr uint8_t kPayloadCompressionNone = 255;

struct TransactionPayloadEvent {
  uint8_t compression_type = kPayloadCompressionNone;
  uint64_t payload_size = 0;
  std::optional<uint64_t> uncompressed_size;  // informational per MySQL; always written for zstd
  Bytes payload;  // `payload_size` bytes after the TLV header (points into the body)
};

// Parses the TLV header. kCorruption when a field is truncated, the end
// mark is missing, payload size or compression type is absent, the payload
// size exceeds the rest of the body, or the compression type is unknown.
Result<TransactionPayloadEvent> ParseTransactionPayload(Bytes body);

// The uncompressed events of `event`. Never allocates more than
// min(declared uncompressed size, max_size) bytes; kCorruption when the
// declared size exceeds `max_size`, the stream is not valid zstd, or it
// does not decompress to exactly the declared size.
Result<SharedBuffer> DecompressTransactionPayload(const TransactionPayloadEvent& event,
                                                  uint64_t max_size);

// ---- MariaDB compressed events ----------------------------------------------
// True for types 165-171.
bool IsMariaCompressedType(uint8_t type);
// 165 -> 2 (QUERY), 166/167/168 -> 23/24/25, 169/170/171 -> 30/31/32;
// any other type is returned unchanged.
uint8_t MariaUncompressedType(uint8_t type);

// Rebuilds the body of a MariaDB compressed event (`body` without checksum,
// `post_header_len` from the FDE for the compressed type) as the body of the
// equivalent uncompressed event: everything before the compressed part is
// copied, the compressed part is replaced by its inflated bytes. kCorruption
// on a malformed header or zlib stream, or when the inflated size differs
// from the declared one; the declared size is checked against `max_size`
// before allocation.
Result<SharedBuffer> UncompressMariaEvent(uint8_t type, Bytes body, uint8_t post_header_len,
                                          uint64_t max_size);

// The one-byte header + big-endian length that precedes a MariaDB
// compressed block (exposed for tests): bit 7 set, bits 4-6 the algorithm
// (0 = zlib), bits 0-2 the number of length bytes (1-4).
struct MariaCompressedHeader {
  uint32_t uncompressed_length = 0;
  size_t header_length = 0;  // 1 + number of length bytes
};
Result<MariaCompressedHeader> ParseMariaCompressedHeader(Bytes block);

}  // namespace osc::binlog
