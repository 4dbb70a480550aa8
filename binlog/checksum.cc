#include "binlog/checksum.h"

#include <zlib.h>

#include <cstdio>
#include <limits>
#include <string>

#include "binlog/event_header.h"
#include "binlog/event_type.h"

namespace osc::binlog {

uint32_t Crc32(Bytes data, uint32_t crc) {
  // zlib takes uInt lengths; feed huge buffers in slices.
  uLong value = crc;
  const uint8_t* p = data.data();
  size_t left = data.size();
  constexpr size_t kMaxSlice = std::numeric_limits<uInt>::max();
  while (left > 0) {
    const size_t n = left < kMaxSlice ? left : kMaxSlice;
    value = crc32(value, p, static_cast<uInt>(n));
    p += n;
    left -= n;
  }
  return static_cast<uint32_t>(value);
}

uint32_t ComputeEventChecksum(Bytes event) {
  if (event.size() < kEventHeaderLength) return Crc32(event);
  const bool is_fde = event[kTypeOffset] == static_cast<uint8_t>(EventType::kFormatDescription);
  if (!is_fde || (event[kFlagsOffset] & kFlagBinlogInUse) == 0) return Crc32(event);
  // Checksum the FDE as if the in-use bit were clear, without touching the
  // caller's (possibly read-only) buffer.
  const uint8_t patched_flags = static_cast<uint8_t>(event[kFlagsOffset] & ~kFlagBinlogInUse);
  uint32_t crc = Crc32(event.first(kFlagsOffset));
  crc = Crc32(Bytes(&patched_flags, 1), crc);
  return Crc32(event.subspan(kFlagsOffset + 1), crc);
}

Status VerifyEventChecksum(Bytes event, uint64_t offset) {
  if (event.size() < kEventHeaderLength + kChecksumLength) {
    return Status::Corruption("event at offset " + std::to_string(offset) +
                              " is too short to carry a CRC32 trailer");
  }
  const size_t payload = event.size() - kChecksumLength;
  const uint32_t stored = LoadLE32(event.data() + payload);
  const uint32_t computed = ComputeEventChecksum(event.first(payload));
  if (stored == computed) return Status::Ok();
  char text[96];
  std::snprintf(text, sizeof(text), "CRC32 mismatch (stored %08x, computed %08x)", stored, computed);
  return Status::Corruption("event at offset " + std::to_string(offset) + " (type " +
                            std::string(EventTypeName(event[kTypeOffset])) + ", log_pos " +
                            std::to_string(LoadLE32(event.data() + kLogPosOffset)) + "): " + text);
}

}  // namespace osc::binlog
