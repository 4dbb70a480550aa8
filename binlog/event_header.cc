#include "binlog/event_header.h"

namespace osc::binlog {

Result<EventHeader> ParseEventHeader(Bytes data) {
  if (data.size() < kEventHeaderLength) {
    return Status::Corruption("event header needs 19 bytes, have " + std::to_string(data.size()));
  }
  EventHeader h;
  const uint8_t* p = data.data();
  h.timestamp = LoadLE32(p + kTimestampOffset);
  h.type = p[kTypeOffset];
  h.server_id = LoadLE32(p + kServerIdOffset);
  h.event_size = LoadLE32(p + kEventSizeOffset);
  h.log_pos = LoadLE32(p + kLogPosOffset);
  h.flags = LoadLE16(p + kFlagsOffset);
  if (h.event_size < kEventHeaderLength) {
    return Status::Corruption("event_size " + std::to_string(h.event_size) +
                              " is smaller than the 19-byte header");
  }
  return h;
}

void EncodeEventHeader(const EventHeader& header, uint8_t* out) {
  StoreLE32(out + kTimestampOffset, header.timestamp);
  out[kTypeOffset] = header.type;
  StoreLE32(out + kServerIdOffset, header.server_id);
  StoreLE32(out + kEventSizeOffset, header.event_size);
  StoreLE32(out + kLogPosOffset, header.log_pos);
  StoreLE16(out + kFlagsOffset, header.flags);
}

}  // namespace osc::binlog
