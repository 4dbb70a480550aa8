// Binlog event type codes and v4 header layout, for MySQL 5.6-9.x and
// MariaDB 10.x.
//
// Sources (ground truth):
//   MySQL:   libbinlogevents/include/binlog_event.h (enum Log_event_type),
//            https://github.com/mysql/mysql-server/blob/8.0/libbinlogevents/include/binlog_event.h
//   MariaDB: sql/log_event.h (enum Log_event_type, codes >= 160),
//            https://github.com/MariaDB/server/blob/10.11/sql/log_event.h
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace osc::binlog {

enum class EventType : uint8_t {
  kUnknown = 0,
  kStartV3 = 1,
  kQuery = 2,
  kStop = 3,
  kRotate = 4,
  kIntvar = 5,
  kSlave = 7,
  kAppendBlock = 9,
  kDeleteFile = 11,
  kRand = 13,
  kUserVar = 14,
  kFormatDescription = 15,
  kXid = 16,
  kBeginLoadQuery = 17,
  kExecuteLoadQuery = 18,
  kTableMap = 19,
  kPreGaWriteRows = 20,
  kPreGaUpdateRows = 21,
  kPreGaDeleteRows = 22,
  kWriteRowsV1 = 23,
  kUpdateRowsV1 = 24,
  kDeleteRowsV1 = 25,
  kIncident = 26,
  kHeartbeat = 27,
  kIgnorable = 28,
  kRowsQuery = 29,
  kWriteRowsV2 = 30,
  kUpdateRowsV2 = 31,
  kDeleteRowsV2 = 32,
  kGtid = 33,
  kAnonymousGtid = 34,
  kPreviousGtids = 35,
  kTransactionContext = 36,
  kViewChange = 37,
  kXaPrepare = 38,
  kPartialUpdateRows = 39,
  kTransactionPayload = 40,
  kHeartbeatV2 = 41,
  kGtidTagged = 42,
  // MariaDB (sql/log_event.h: "New MySQL/Sun events are to be added right
  // above this comment", then MariaDB events start at 160).
  kMariaAnnotateRows = 160,
  kMariaBinlogCheckpoint = 161,
  kMariaGtid = 162,
  kMariaGtidList = 163,
  kMariaStartEncryption = 164,
  kMariaQueryCompressed = 165,
  kMariaWriteRowsCompressedV1 = 166,
  kMariaUpdateRowsCompressedV1 = 167,
  kMariaDeleteRowsCompressedV1 = 168,
  kMariaWriteRowsCompressed = 169,
  kMariaUpdateRowsCompressed = 170,
  kMariaDeleteRowsCompressed = 171,
};

// Human name such as "WRITE_ROWS_V2" or "MARIA_GTID"; "TYPE_?" if unknown.
std::string_view EventTypeName(uint8_t type);

// True for every code listed in EventType (MySQL 0-42, MariaDB 160-171).
// The reader skips unknown events only when they carry kFlagIgnorable.
bool IsKnownEventType(uint8_t type);

// v4 common header: timestamp(4) type(1) server_id(4) event_size(4)
// log_pos(4) flags(2).
inline constexpr size_t kEventHeaderLength = 19;
static_assert(kEventHeaderLength == 4 + 1 + 4 + 4 + 4 + 2);
// Binlog files start with these four bytes.
inline constexpr uint8_t kBinlogMagic[4] = {0xfe, 0x62, 0x69, 0x6e};
inline constexpr size_t kChecksumLength = 4;  // CRC32 trailer when enabled

// Common-header flags (binlog_event.h LOG_EVENT_*_F).
inline constexpr uint16_t kFlagBinlogInUse = 0x1;   // LOG_EVENT_BINLOG_IN_USE_F
inline constexpr uint16_t kFlagArtificial = 0x20;   // LOG_EVENT_ARTIFICIAL_F
inline constexpr uint16_t kFlagRelayLog = 0x40;     // LOG_EVENT_RELAY_LOG_F
inline constexpr uint16_t kFlagIgnorable = 0x80;    // LOG_EVENT_IGNORABLE_F

}  // namespace osc::binlog
