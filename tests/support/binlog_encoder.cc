#include "tests/support/binlog_encoder.h"

#include <algorithm>

namespace osc::testing {

using binlog::ChecksumAlg;

uint32_t ReferenceCrc32(Bytes data) {
  uint32_t crc = 0xffffffffu;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutLE(Buffer& out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void PutBytes(Buffer& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }

void PutPackedInt(Buffer& out, uint64_t value) {
  if (value < 251) {
    out.push_back(static_cast<uint8_t>(value));
  } else if (value < (1u << 16)) {
    out.push_back(252);
    PutLE(out, value, 2);
  } else if (value < (1u << 24)) {
    out.push_back(253);
    PutLE(out, value, 3);
  } else {
    out.push_back(254);
    PutLE(out, value, 8);
  }
}

void PutVarlen(Buffer& out, uint64_t value) {
  // k bytes carry 7k value bits for k <= 8; 9 bytes carry all 64.
  size_t bits = 0;
  for (uint64_t v = value; v != 0; v >>= 1) ++bits;
  size_t k = 1;
  while (k < 9 && 7 * k < bits) ++k;
  if (k == 9) {
    out.push_back(0xff);
    PutLE(out, value, 8);
    return;
  }
  const uint8_t marker = static_cast<uint8_t>((1u << (k - 1)) - 1);  // k-1 ones, then a zero
  out.push_back(static_cast<uint8_t>(marker | static_cast<uint8_t>(value << k)));
  PutLE(out, value >> (8 - k), k - 1);
}

void PutVarlenSigned(Buffer& out, int64_t value) {
  const uint64_t u = value < 0 ? ((static_cast<uint64_t>(-(value + 1)) << 1) | 1)
                               : (static_cast<uint64_t>(value) << 1);
  PutVarlen(out, u);
}

Buffer EncodeEvent(uint8_t type, Bytes body, bool crc32, uint32_t log_pos, uint16_t flags) {
  Buffer out;
  const size_t size = 19 + body.size() + (crc32 ? 4 : 0);
  PutLE(out, 1700000000, 4);
  out.push_back(type);
  PutLE(out, 7, 4);  // server_id
  PutLE(out, size, 4);
  PutLE(out, log_pos, 4);
  PutLE(out, flags, 2);
  out.insert(out.end(), body.begin(), body.end());
  if (crc32) PutLE(out, ReferenceCrc32(out), 4);
  return out;
}

std::vector<uint8_t> StandardPostHeaderLengths(bool mariadb) {
  // MySQL 8.0/9.x for types 1..42; MariaDB 10.x adds 160..171.
  std::vector<uint8_t> v = {0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 98, 0, 4, 26, 8, 0, 0,
                            0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 40, 0, 0};
  if (mariadb) {
    v.resize(171, 0);
    const uint8_t maria[12] = {0, 4, 19, 4, 0, 13, 8, 8, 8, 10, 10, 10};
    std::copy(maria, maria + 12, v.begin() + 159);
  }
  return v;
}

BinlogBuilder::BinlogBuilder(bool with_magic) {
  if (with_magic) bytes_ = {0xfe, 0x62, 0x69, 0x6e};
}

BinlogBuilder& BinlogBuilder::Fde(std::string_view server_version, ChecksumAlg alg, uint16_t flags) {
  Buffer body;
  PutLE(body, 4, 2);
  Buffer version(50, 0);
  std::copy_n(server_version.begin(), std::min<size_t>(49, server_version.size()), version.begin());
  body.insert(body.end(), version.begin(), version.end());
  PutLE(body, 1700000000, 4);
  body.push_back(19);
  const bool mariadb = server_version.find("MariaDB") != std::string_view::npos;
  const auto lengths = StandardPostHeaderLengths(mariadb);
  body.insert(body.end(), lengths.begin(), lengths.end());
  const bool has_alg = alg != ChecksumAlg::kUndefined;
  if (has_alg) body.push_back(static_cast<uint8_t>(alg));
  offsets_.push_back(bytes_.size());
  const size_t end = bytes_.size() + 19 + body.size() + (has_alg ? 4 : 0);
  // The server checksums the FDE with LOG_EVENT_BINLOG_IN_USE_F clear.
  Buffer event = EncodeEvent(15, body, false, static_cast<uint32_t>(end), static_cast<uint16_t>(flags & ~1u));
  StoreLE32(event.data() + 9, static_cast<uint32_t>(event.size() + (has_alg ? 4 : 0)));
  if (has_alg) {
    // With checksums off the server still writes a real CRC for the FDE.
    PutLE(event, ReferenceCrc32(event), 4);
  }
  StoreLE16(event.data() + 17, flags);
  bytes_.insert(bytes_.end(), event.begin(), event.end());
  crc32_ = alg == ChecksumAlg::kCrc32;
  return *this;
}

BinlogBuilder& BinlogBuilder::Event(uint8_t type, Bytes body, uint16_t flags) {
  return RawEvent(type, body, crc32_, flags);
}

BinlogBuilder& BinlogBuilder::RawEvent(uint8_t type, Bytes body, bool crc, uint16_t flags) {
  offsets_.push_back(bytes_.size());
  const size_t end = bytes_.size() + 19 + body.size() + (crc ? 4 : 0);
  Buffer event = EncodeEvent(type, body, crc, static_cast<uint32_t>(end), flags);
  bytes_.insert(bytes_.end(), event.begin(), event.end());
  return *this;
}

Buffer QueryBody(const binlog::QueryEvent& e) {
  Buffer b;
  PutLE(b, e.thread_id, 4);
  PutLE(b, e.exec_time, 4);
  b.push_back(static_cast<uint8_t>(e.db.size()));
  PutLE(b, e.error_code, 2);
  PutLE(b, e.status_vars.size(), 2);
  b.insert(b.end(), e.status_vars.begin(), e.status_vars.end());
  PutBytes(b, e.db);
  b.push_back(0);
  PutBytes(b, e.query);
  return b;
}

Buffer RotateBody(uint64_t position, std::string_view file) {
  Buffer b;
  PutLE(b, position, 8);
  PutBytes(b, file);
  return b;
}

Buffer XidBody(uint64_t xid) {
  Buffer b;
  PutLE(b, xid, 8);
  return b;
}

Buffer IntvarBody(uint8_t type, uint64_t value) {
  Buffer b{type};
  PutLE(b, value, 8);
  return b;
}

Buffer IncidentBody(uint16_t type, std::string_view message) {
  Buffer b;
  PutLE(b, type, 2);
  b.push_back(static_cast<uint8_t>(message.size()));
  PutBytes(b, message);
  return b;
}

Buffer RowsQueryBody(std::string_view query) {
  Buffer b{static_cast<uint8_t>(std::min<size_t>(255, query.size()))};
  PutBytes(b, query);
  return b;
}

Buffer HeartbeatV2Body(std::string_view file, std::optional<uint64_t> position) {
  Buffer b;
  PutPackedInt(b, 1);
  PutPackedInt(b, file.size());
  PutBytes(b, file);
  if (position) {
    Buffer value;
    PutPackedInt(value, *position);
    PutPackedInt(b, 2);
    PutPackedInt(b, value.size());
    b.insert(b.end(), value.begin(), value.end());
  }
  PutPackedInt(b, 0);
  return b;
}

Buffer GtidBody(const binlog::GtidEvent& e) {
  Buffer b{e.flags};
  b.insert(b.end(), e.sid.begin(), e.sid.end());
  PutLE(b, static_cast<uint64_t>(e.gno), 8);
  if (!e.last_committed) return b;
  b.push_back(2);
  PutLE(b, static_cast<uint64_t>(*e.last_committed), 8);
  PutLE(b, static_cast<uint64_t>(e.sequence_number.value_or(0)), 8);
  if (!e.immediate_commit_timestamp) return b;
  const uint64_t imm = *e.immediate_commit_timestamp;
  const uint64_t orig = e.original_commit_timestamp.value_or(imm);
  PutLE(b, imm | (orig != imm ? uint64_t{1} << 55 : 0), 7);
  if (orig != imm) PutLE(b, orig, 7);
  if (!e.transaction_length) return b;
  PutPackedInt(b, *e.transaction_length);
  if (!e.immediate_server_version) return b;
  const uint32_t iv = *e.immediate_server_version;
  const uint32_t ov = e.original_server_version.value_or(iv);
  PutLE(b, iv | (ov != iv ? uint32_t{1} << 31 : 0), 4);
  if (ov != iv) PutLE(b, ov, 4);
  if (e.commit_group_ticket) PutLE(b, *e.commit_group_ticket, 8);
  return b;
}

Buffer GtidTaggedBody(const binlog::GtidEvent& e) {
  Buffer fields;
  auto field = [&](uint64_t id) { PutVarlen(fields, id); };
  field(0), PutVarlen(fields, e.flags);
  field(1);
  for (uint8_t byte : e.sid) PutVarlen(fields, byte);
  field(2), PutVarlenSigned(fields, e.gno);
  field(3), PutVarlen(fields, e.tag.size()), PutBytes(fields, e.tag);
  field(4), PutVarlenSigned(fields, e.last_committed.value_or(0));
  field(5), PutVarlenSigned(fields, e.sequence_number.value_or(0));
  const uint64_t imm = e.immediate_commit_timestamp.value_or(0);
  field(6), PutVarlen(fields, imm);
  if (e.original_commit_timestamp && *e.original_commit_timestamp != imm) {
    field(7), PutVarlen(fields, *e.original_commit_timestamp);  // omitted when equal
  }
  field(8), PutVarlen(fields, e.transaction_length.value_or(0));
  const uint32_t iv = e.immediate_server_version.value_or(0);
  field(9), PutVarlen(fields, iv);
  if (e.original_server_version && *e.original_server_version != iv) {
    field(10), PutVarlen(fields, *e.original_server_version);
  }
  if (e.commit_group_ticket) field(11), PutVarlen(fields, *e.commit_group_ticket);
  // Header: format version, total size (counted from the first byte, so
  // it includes itself), last non-ignorable field id.
  Buffer tail;
  PutVarlen(tail, 0);  // last non-ignorable field
  tail.insert(tail.end(), fields.begin(), fields.end());
  Buffer b;
  PutVarlen(b, 1);
  size_t total = 1 + 1 + tail.size();
  Buffer size;
  PutVarlen(size, total);
  if (size.size() > 1) {
    size.clear();
    PutVarlen(size, total + 1);
    total += 1;
  }
  b.insert(b.end(), size.begin(), size.end());
  b.insert(b.end(), tail.begin(), tail.end());
  return b;
}

Buffer PreviousGtidsBody(const binlog::PreviousGtidsEvent& e) {
  Buffer b;
  const uint64_t n = e.entries.size();
  PutLE(b, e.tagged_format ? ((uint64_t{1} << 56) | (n << 8) | 1) : n, 8);
  for (const auto& entry : e.entries) {
    b.insert(b.end(), entry.sid.begin(), entry.sid.end());
    if (e.tagged_format) PutVarlen(b, entry.tag.size()), PutBytes(b, entry.tag);
    PutLE(b, entry.intervals.size(), 8);
    for (const auto& iv : entry.intervals) {
      PutLE(b, static_cast<uint64_t>(iv.start), 8);
      PutLE(b, static_cast<uint64_t>(iv.end), 8);
    }
  }
  return b;
}

Buffer MariaGtidBody(const binlog::MariaGtidEvent& e) {
  Buffer b;
  PutLE(b, e.seq_no, 8);
  PutLE(b, e.domain_id, 4);
  b.push_back(e.flags2);
  if (e.commit_id) PutLE(b, *e.commit_id, 8);
  if (e.xid) {
    PutLE(b, e.xid->format_id, 4);
    b.push_back(e.xid->gtrid_length);
    b.push_back(e.xid->bqual_length);
    b.insert(b.end(), e.xid->data.begin(), e.xid->data.end());
  }
  if (e.flags_extra != 0) {
    b.push_back(e.flags_extra);
    if (e.flags_extra & 1) b.push_back(e.extra_engines);
    if (e.start_alter_seq_no) PutLE(b, *e.start_alter_seq_no, 8);
  }
  if (b.size() < 19) b.resize(19, 0);  // zero padding up to GTID_HEADER_LEN
  return b;
}

Buffer MariaGtidListBody(const binlog::MariaGtidListEvent& e) {
  Buffer b;
  PutLE(b, e.gtids.size() | (uint64_t{e.flags} << 28), 4);
  for (const auto& g : e.gtids) {
    PutLE(b, g.domain_id, 4);
    PutLE(b, g.server_id, 4);
    PutLE(b, g.seq_no, 8);
  }
  return b;
}

Buffer BinlogCheckpointBody(std::string_view file) {
  Buffer b;
  PutLE(b, file.size(), 4);
  PutBytes(b, file);
  return b;
}

Buffer StartEncryptionBody(const binlog::StartEncryptionEvent& e) {
  Buffer b{e.scheme};
  PutLE(b, e.key_version, 4);
  b.insert(b.end(), e.nonce.begin(), e.nonce.end());
  return b;
}

Buffer TransactionPayloadBody(uint8_t compression, Bytes payload,
                              std::optional<uint64_t> uncompressed_size) {
  Buffer b;
  auto field = [&b](uint64_t type, uint64_t value) {
    Buffer v;
    PutPackedInt(v, value);
    PutPackedInt(b, type);
    PutPackedInt(b, v.size());
    b.insert(b.end(), v.begin(), v.end());
  };
  field(2, compression);
  if (uncompressed_size) field(3, *uncompressed_size);
  field(1, payload.size());
  PutPackedInt(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Buffer MariaCompressedBlock(uint32_t uncompressed_size, Bytes deflated) {
  size_t lenlen = 1;
  while (lenlen < 4 && (uncompressed_size >> (8 * lenlen)) != 0) ++lenlen;
  Buffer b{static_cast<uint8_t>(0x80 | lenlen)};
  for (size_t i = lenlen; i-- > 0;) b.push_back(static_cast<uint8_t>(uncompressed_size >> (8 * i)));
  b.insert(b.end(), deflated.begin(), deflated.end());
  return b;
}

}  // namespace osc::testing
