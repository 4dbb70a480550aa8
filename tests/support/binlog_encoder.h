// Test-only binlog encoder: writes events the way MySQL / MariaDB servers
// lay them out, so decoder tests can round-trip every event type without a
// server. It is written independently of the decoder (its own CRC32, its
// own integer encoders) so that a shared misunderstanding does not make a
// test pass; only the plain result structs of binlog/events.h are shared.
//
// Header-only use of binlog/ types: this library does not link osc_binlog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/events.h"
#include "binlog/format_description.h"
#include "common/bytes.h"

namespace osc::testing {

using Buffer = std::vector<uint8_t>;

// Bitwise CRC-32 (reflected 0xEDB88320), no tables, no zlib.
uint32_t ReferenceCrc32(Bytes data);

// MySQL packed (length-encoded) integer.
void PutPackedInt(Buffer& out, uint64_t value);
// mysql::serialization variable-length integers (unsigned and zigzag).
void PutVarlen(Buffer& out, uint64_t value);
void PutVarlenSigned(Buffer& out, int64_t value);
void PutLE(Buffer& out, uint64_t value, size_t bytes);
void PutBytes(Buffer& out, std::string_view s);

// Builds a binlog byte stream event by event. Tracks log_pos (end offset
// of each event) and whether events get a CRC32 trailer (from the last FDE).
class BinlogBuilder {
 public:
  // `with_magic`: start with fe 62 69 6e (a file) or not (a network stream).
  explicit BinlogBuilder(bool with_magic = true);

  // An FDE. `alg` kUndefined writes a pre-checksum FDE (no algorithm byte),
  // as MySQL < 5.6.1 does; pass a matching server_version. Post-header
  // lengths are the standard ones (MariaDB's if the version says MariaDB).
  BinlogBuilder& Fde(std::string_view server_version, binlog::ChecksumAlg alg, uint16_t flags = 0);
  // Any other event; `body` excludes header and trailer.
  BinlogBuilder& Event(uint8_t type, Bytes body, uint16_t flags = 0);
  // As Event(), but a CRC32 trailer is appended only if `crc` (ignores FDE).
  BinlogBuilder& RawEvent(uint8_t type, Bytes body, bool crc, uint16_t flags = 0);

  const Buffer& bytes() const { return bytes_; }
  // Offset of each event added, in order.
  const std::vector<size_t>& offsets() const { return offsets_; }
  bool crc32() const { return crc32_; }

 private:
  Buffer bytes_;
  std::vector<size_t> offsets_;
  bool crc32_ = false;
};

// A whole event (header + body + optional CRC32), log_pos given.
Buffer EncodeEvent(uint8_t type, Bytes body, bool crc32, uint32_t log_pos = 0, uint16_t flags = 0);

// Standard post-header lengths for an FDE of `flavor` (types 1..N).
std::vector<uint8_t> StandardPostHeaderLengths(bool mariadb);

// ---- bodies -----------------------------------------------------------------
Buffer QueryBody(const binlog::QueryEvent& e);
Buffer RotateBody(uint64_t position, std::string_view file);
Buffer XidBody(uint64_t xid);
Buffer IntvarBody(uint8_t type, uint64_t value);
Buffer IncidentBody(uint16_t type, std::string_view message);
Buffer RowsQueryBody(std::string_view query);
Buffer HeartbeatV2Body(std::string_view file, std::optional<uint64_t> position);
// GTID / ANONYMOUS_GTID: optional fields are written when set, in the
// order servers appended them; a later one set implies the earlier ones.
Buffer GtidBody(const binlog::GtidEvent& e);
Buffer GtidTaggedBody(const binlog::GtidEvent& e);
Buffer PreviousGtidsBody(const binlog::PreviousGtidsEvent& e);
Buffer MariaGtidBody(const binlog::MariaGtidEvent& e);
Buffer MariaGtidListBody(const binlog::MariaGtidListEvent& e);
Buffer BinlogCheckpointBody(std::string_view file);
Buffer StartEncryptionBody(const binlog::StartEncryptionEvent& e);
// TRANSACTION_PAYLOAD: TLV header then `payload` (already compressed).
Buffer TransactionPayloadBody(uint8_t compression, Bytes payload,
                              std::optional<uint64_t> uncompressed_size);
// MariaDB compressed block: header byte + big-endian length + `deflated`
// (zlib output of `uncompressed_size` bytes, produced by the caller).
Buffer MariaCompressedBlock(uint32_t uncompressed_size, Bytes deflated);

}  // namespace osc::testing
