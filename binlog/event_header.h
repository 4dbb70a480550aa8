// The v4 common event header and EventView, the unit the binlog decoder
// hands out: one parsed header plus the event body as a byte view.
//
// Layout (MySQL libbinlogevents/include/binlog_event.h, "Binary_log_event"
// common header; MariaDB sql/log_event.h, LOG_EVENT_HEADER_LEN):
//   offset 0  timestamp   u32  seconds since the epoch
//   offset 4  type        u8   EventType
//   offset 5  server_id   u32
//   offset 9  event_size  u32  header + body + checksum trailer
//   offset 13 log_pos     u32  position of the NEXT event in the source file
//                              (0 for artificial events and inside payloads)
//   offset 17 flags       u16  LOG_EVENT_*_F
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "binlog/event_type.h"
#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

inline constexpr size_t kTimestampOffset = 0;
inline constexpr size_t kTypeOffset = 4;
inline constexpr size_t kServerIdOffset = 5;
inline constexpr size_t kEventSizeOffset = 9;
inline constexpr size_t kLogPosOffset = 13;
inline constexpr size_t kFlagsOffset = 17;
static_assert(kFlagsOffset + 2 == kEventHeaderLength, "v4 header is 19 bytes");

struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;  // an EventType value; unknown values are kept as-is
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t log_pos = 0;
  uint16_t flags = 0;

  bool IsIgnorable() const { return (flags & kFlagIgnorable) != 0; }
  bool IsArtificial() const { return (flags & kFlagArtificial) != 0; }
};

// Parses the first 19 bytes of `data`. Fails with kCorruption if `data` is
// shorter than 19 bytes or the declared event_size is below 19 (no event can
// be smaller than its own header). Does not check event_size against
// data.size(): framing is the reader's job.
Result<EventHeader> ParseEventHeader(Bytes data);

// Writes `header` in wire format into out[0..19).
void EncodeEventHeader(const EventHeader& header, uint8_t* out);

// One event as the decoder hands it out.
//
// `body` is everything after the common header (19 bytes in every v4 binlog;
// FormatDescription::common_header_length in general) with the CRC32 trailer
// removed. For FORMAT_DESCRIPTION events the checksum-algorithm byte and
// trailer are removed too (the parsed result is EventReader::format()).
//
// Lifetime: `body` points either into the buffer the caller passed to the
// reader (storage == nullptr: valid only as long as that buffer), or into
// `storage`, which the view co-owns (decompressed TRANSACTION_PAYLOAD inner
// events and MariaDB compressed events): such views stay valid however long
// they are kept. Copying an EventView is cheap; it never copies the body.
//
// Thread safety: an immutable value; copies may move between threads.
struct EventView {
  EventHeader header;
  Bytes body;
  // Offset of the event's first byte in the byte stream fed to the reader
  // (for a file: the file offset). Inner events of a TRANSACTION_PAYLOAD
  // report the offset of the payload event that carried them.
  uint64_t offset = 0;
  // The type as it appeared on the wire. Differs from header.type only for
  // MariaDB compressed events, which are handed out already uncompressed as
  // their plain equivalent (e.g. 166 MARIA_WRITE_ROWS_COMPRESSED_V1 -> 23).
  uint8_t wire_type = 0;
  // True for events unpacked from a TRANSACTION_PAYLOAD (type 40).
  bool in_payload = false;
  // Owner of the bytes `body` points into, when the reader produced them.
  std::shared_ptr<const std::vector<uint8_t>> storage;

  EventType type() const { return static_cast<EventType>(header.type); }
};

}  // namespace osc::binlog
