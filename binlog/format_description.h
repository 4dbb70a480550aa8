// FORMAT_DESCRIPTION event (type 15): how every later event of a binlog is
// laid out: common header length, post-header length per event type and the
// checksum algorithm.
//
// Body layout (MySQL libbinlogevents control_events.cpp
// Format_description_event; MariaDB sql/log_event.cc
// Format_description_log_event):
//   binlog_version u16 | server_version char[50] (NUL padded) |
//   create_timestamp u32 | common_header_length u8 |
//   post_header_length u8[N] (index = type - 1) |
//   [checksum_alg u8 | crc32 u32]   <- only on checksum-aware servers
//
// Whether the last five bytes are the algorithm byte and checksum is decided
// by the server version written in the event, not by the event's length: a
// MySQL server from 5.6.1 on or a MariaDB server from 5.3.0 on writes them
// (MySQL binlog_event.cpp Log_event_footer::get_checksum_alg and
// checksum_version_product; MariaDB log_event.cc get_checksum_alg and
// checksum_version_split_{mysql,mariadb}). A server is MariaDB when the text
// after the numeric version contains "MariaDB" or "-maria-".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

// binlog_checksum algorithm (binlog_event.h enum_binlog_checksum_alg).
enum class ChecksumAlg : uint8_t {
  kOff = 0,
  kCrc32 = 1,
  kUndefined = 255,  // BINLOG_CHECKSUM_ALG_UNDEF: pre-checksum server
};

enum class ServerFlavor : uint8_t { kMySql, kMariaDb };

// Offsets inside the FDE body (binlog_event.h ST_*_OFFSET).
inline constexpr size_t kFdeBinlogVersionOffset = 0;
inline constexpr size_t kFdeServerVersionOffset = 2;
inline constexpr size_t kFdeServerVersionLength = 50;  // ST_SERVER_VER_LEN
inline constexpr size_t kFdeCreateTimestampOffset = 52;
inline constexpr size_t kFdeCommonHeaderLengthOffset = 56;
inline constexpr size_t kFdePostHeaderLengthsOffset = 57;
static_assert(kFdeCreateTimestampOffset == kFdeServerVersionOffset + kFdeServerVersionLength);
static_assert(kFdePostHeaderLengthsOffset == kFdeCommonHeaderLengthOffset + 1);
inline constexpr size_t kChecksumAlgLength = 1;  // BINLOG_CHECKSUM_ALG_DESC_LEN

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;           // up to the first NUL
  std::array<uint8_t, 3> version_split{};  // {X, Y, Z} of "X.Y.Z..."; all 0 if unparseable
  ServerFlavor flavor = ServerFlavor::kMySql;
  uint32_t create_timestamp = 0;
  uint8_t common_header_length = 19;
  std::vector<uint8_t> post_header_lengths;  // [type - 1]
  // True when this FDE carries the checksum-algorithm byte (and therefore a
  // 4-byte trailer of its own), i.e. it comes from a checksum-aware server.
  bool has_checksum_alg = false;
  // Algorithm of every event that follows this FDE (and of the FDE itself
  // when kCrc32). kUndefined when has_checksum_alg is false.
  ChecksumAlg checksum_alg = ChecksumAlg::kUndefined;

  // Post-header length the server declared for `type`, or 0 for a type the
  // array does not cover (type 0 or beyond the array).
  uint8_t PostHeaderLength(uint8_t type) const;

  // True when events after this FDE end with a 4-byte CRC32 trailer.
  bool ChecksumsEnabled() const { return checksum_alg == ChecksumAlg::kCrc32; }

  // (X * 256 + Y) * 256 + Z, the servers' own version_product().
  uint32_t VersionProduct() const;

  // The description assumed before any FDE has been seen (a network stream
  // starts with an artificial ROTATE): binlog v4, 19-byte header and the
  // post-header lengths of MySQL 8.x / MariaDB 10.x for every known type.
  // `alg` is the checksum setting negotiated with the server.
  static FormatDescription DefaultV4(ChecksumAlg alg);
};

// Parses a FORMAT_DESCRIPTION event. `event` is the whole event as stored:
// 19-byte common header, body and, for checksum-aware servers, the
// algorithm byte and checksum trailer. Fails with kCorruption on bad bytes
// (too short, common header length < 19, algorithm byte not 0 or 1) and with
// kNotSupported for binlog versions other than 4. Does not verify the CRC
// (see checksum.h, VerifyEventChecksum).
Result<FormatDescription> ParseFormatDescription(Bytes event);

// Splits "X.Y.Zsuffix" the way the servers do (do_server_version_split):
// {X, Y, Z}, or {0, 0, 0} if a number is > 255 or X is not followed by '.'.
std::array<uint8_t, 3> SplitServerVersion(std::string_view version);

}  // namespace osc::binlog
