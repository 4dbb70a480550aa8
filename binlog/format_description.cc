#include "binlog/format_description.h"

#include <cstring>
#include <string>
#include <string_view>

#include "binlog/event_header.h"
#include "binlog/event_type.h"

namespace osc::binlog {
namespace {

// First versions that write the checksum-algorithm byte in their FDE:
// MySQL 5.6.1 (binlog_event.h checksum_version_split) and MariaDB 5.3.0
// (log_event.cc checksum_version_split_mariadb).
constexpr uint32_t kMySqlChecksumVersion = (5u * 256 + 6) * 256 + 1;
constexpr uint32_t kMariaDbChecksumVersion = (5u * 256 + 3) * 256 + 0;

// The smallest legal FDE body: everything up to and including the common
// header length byte (binlog v4 "START_V3_HEADER_LEN + 1").
constexpr size_t kFdeMinBody = kFdePostHeaderLengthsOffset;
static_assert(kFdeMinBody == 57);

ServerFlavor DetectFlavor(std::string_view version) {
  // MariaDB checks the text after the numeric part; "5.5.5-10.x-MariaDB"
  // (the version MariaDB reports to old clients) still matches.
  if (version.find("MariaDB") != std::string_view::npos ||
      version.find("-maria-") != std::string_view::npos) {
    return ServerFlavor::kMariaDb;
  }
  return ServerFlavor::kMySql;
}

// Parses the decimal number at s[*pos] like strtoul does (an empty run of
// digits reads as 0 and does not advance). Returns false above 255, which
// the servers treat as an unparseable version.
bool ParseVersionNumber(std::string_view s, size_t* pos, uint8_t* out) {
  uint32_t value = 0;
  size_t i = *pos;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    value = value * 10 + static_cast<uint32_t>(s[i] - '0');
    if (value > 255) return false;
    ++i;
  }
  *out = static_cast<uint8_t>(value);
  *pos = i;
  return true;
}

}  // namespace

std::array<uint8_t, 3> SplitServerVersion(std::string_view version) {
  std::array<uint8_t, 3> split{};
  size_t pos = 0;
  for (size_t i = 0; i < 3; ++i) {
    uint8_t number = 0;
    if (!ParseVersionNumber(version, &pos, &number)) return {0, 0, 0};
    const bool dot_follows = pos < version.size() && version[pos] == '.';
    if (i == 0 && !dot_follows) return {0, 0, 0};
    split[i] = number;
    if (dot_follows) ++pos;
  }
  return split;
}

uint8_t FormatDescription::PostHeaderLength(uint8_t type) const {
  if (type == 0 || type > post_header_lengths.size()) return 0;
  return post_header_lengths[type - 1u];
}

uint32_t FormatDescription::VersionProduct() const {
  return (static_cast<uint32_t>(version_split[0]) * 256 + version_split[1]) * 256 +
         version_split[2];
}

FormatDescription FormatDescription::DefaultV4(ChecksumAlg alg) {
  FormatDescription fd;
  fd.binlog_version = 4;
  fd.common_header_length = static_cast<uint8_t>(kEventHeaderLength);
  fd.checksum_alg = alg;
  fd.has_checksum_alg = alg != ChecksumAlg::kUndefined;
  // Types 1..42 as written by MySQL 8.0.32 / 9.x (read from the fixture
  // FDEs; control_events.cpp Format_description_event constructor), then
  // MariaDB 160..171 (sql/log_event.h *_HEADER_LEN).
  static constexpr uint8_t kMySql[42] = {
      0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 98, 0, 4, 26, 8, 0, 0,
      0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0, 0};
  static constexpr uint8_t kMariaDb[12] = {0, 4, 19, 4, 0, 13, 8, 8, 8, 10, 10, 10};
  static_assert(sizeof(kMySql) == static_cast<size_t>(EventType::kGtidTagged));
  static_assert(sizeof(kMariaDb) ==
                static_cast<size_t>(EventType::kMariaDeleteRowsCompressed) -
                    static_cast<size_t>(EventType::kMariaAnnotateRows) + 1);
  fd.post_header_lengths.assign(static_cast<size_t>(EventType::kMariaDeleteRowsCompressed), 0);
  std::memcpy(fd.post_header_lengths.data(), kMySql, sizeof(kMySql));
  std::memcpy(fd.post_header_lengths.data() + static_cast<size_t>(EventType::kMariaAnnotateRows) - 1,
              kMariaDb, sizeof(kMariaDb));
  return fd;
}

Result<FormatDescription> ParseFormatDescription(Bytes event) {
  OSC_ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(event));
  if (header.event_size != event.size()) {
    return Status::Corruption("FORMAT_DESCRIPTION event_size " + std::to_string(header.event_size) +
                              " does not match its " + std::to_string(event.size()) + " bytes");
  }
  // An FDE always has a 19-byte common header, whatever it announces for the
  // events after it (binlog_event.h: "FORMAT_DESCRIPTION ... FROZEN").
  const Bytes body = event.subspan(kEventHeaderLength);
  if (body.size() < kFdeMinBody) {
    return Status::Corruption("FORMAT_DESCRIPTION body of " + std::to_string(body.size()) +
                              " bytes is shorter than 57");
  }
  FormatDescription fd;
  fd.binlog_version = LoadLE16(body.data() + kFdeBinlogVersionOffset);
  if (fd.binlog_version != 4) {
    return Status::NotSupported("binlog version " + std::to_string(fd.binlog_version) +
                                " (only v4, MySQL 5.0+ / MariaDB, is supported)");
  }
  const char* version = reinterpret_cast<const char*>(body.data() + kFdeServerVersionOffset);
  fd.server_version.assign(version, strnlen(version, kFdeServerVersionLength));
  fd.version_split = SplitServerVersion(fd.server_version);
  fd.flavor = DetectFlavor(fd.server_version);
  // The version string alone decides whether this FDE (and every event
  // after it) carries a checksum, and a damaged version cannot be caught by
  // that checksum if it makes the server look older than 5.6.1. The server
  // rejects an unparseable version (Format_description_event::
  // version_is_valid); binlog v4 itself starts with 5.0, so "4.x" is just
  // as impossible. Both are treated as corruption.
  if (fd.version_split == std::array<uint8_t, 3>{0, 0, 0}) {
    return Status::Corruption("FORMAT_DESCRIPTION server version '" + fd.server_version + "' is unparseable");
  }
  if (fd.version_split[0] < 5) {
    return Status::Corruption("FORMAT_DESCRIPTION of binlog v4 claims server version '" +
                              fd.server_version + "' (v4 starts with 5.0)");
  }
  fd.create_timestamp = LoadLE32(body.data() + kFdeCreateTimestampOffset);
  fd.common_header_length = body[kFdeCommonHeaderLengthOffset];
  if (fd.common_header_length < kEventHeaderLength) {
    return Status::Corruption("FORMAT_DESCRIPTION announces a common header of " +
                              std::to_string(fd.common_header_length) + " bytes (< 19)");
  }
  const uint32_t checksum_version =
      fd.flavor == ServerFlavor::kMariaDb ? kMariaDbChecksumVersion : kMySqlChecksumVersion;
  fd.has_checksum_alg = fd.VersionProduct() >= checksum_version;
  size_t array_end = body.size();
  if (fd.has_checksum_alg) {
    if (body.size() < kFdeMinBody + kChecksumAlgLength + kChecksumLength) {
      return Status::Corruption("FORMAT_DESCRIPTION of " + fd.server_version +
                                " is too short to hold its checksum algorithm and trailer");
    }
    array_end = body.size() - kChecksumLength - kChecksumAlgLength;
    const uint8_t alg = body[array_end];
    if (alg != static_cast<uint8_t>(ChecksumAlg::kOff) &&
        alg != static_cast<uint8_t>(ChecksumAlg::kCrc32)) {
      return Status::Corruption("FORMAT_DESCRIPTION checksum algorithm " + std::to_string(alg) +
                                " is neither 0 (off) nor 1 (CRC32)");
    }
    fd.checksum_alg = static_cast<ChecksumAlg>(alg);
  }
  fd.post_header_lengths.assign(body.begin() + kFdePostHeaderLengthsOffset,
                                body.begin() + static_cast<std::ptrdiff_t>(array_end));
  return fd;
}

}  // namespace osc::binlog
