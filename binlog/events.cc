#include "binlog/events.h"

#include <bit>
#include <cstdio>
#include <limits>
#include <string>

namespace osc::binlog {
namespace {

Status Bad(std::string_view event, std::string_view why) {
  std::string msg(event);
  msg += ": ";
  msg += why;
  return Status::Corruption(msg);
}

// FN_REFLEN: the servers never write a file name this long.
constexpr size_t kMaxFileNameLength = 512;

Result<std::string_view> FileName(std::string_view event, Bytes bytes) {
  if (bytes.empty()) return Bad(event, "empty file name");
  if (bytes.size() >= kMaxFileNameLength) return Bad(event, "file name longer than 511 bytes");
  return AsStringView(bytes);
}

}  // namespace

Result<QueryEvent> ParseQuery(Bytes body, uint8_t post_header_len) {
  if (post_header_len < kQueryPostHeaderLength) {
    return Bad("QUERY", "post-header length " + std::to_string(post_header_len) + " < 13");
  }
  ByteReader r(body);
  QueryEvent q;
  q.thread_id = r.U32();
  q.exec_time = r.U32();
  const uint8_t db_len = r.U8();
  q.error_code = r.U16();
  const uint16_t status_len = r.U16();
  r.Skip(post_header_len - kQueryPostHeaderLength);
  q.status_vars = r.Take(status_len);
  q.db = r.TakeString(db_len);
  r.Skip(1);  // the NUL the server writes after the database name
  if (!r.ok()) return Bad("QUERY", "status variables or database name run past the body");
  q.query = AsStringView(r.rest());
  return q;
}

Result<RotateEvent> ParseRotate(Bytes body, uint8_t post_header_len) {
  ByteReader r(body);
  RotateEvent e;
  // control_events.cpp Rotate_event: without a post-header the position is
  // implicitly 4 (the first event after the magic).
  e.position = post_header_len == 0 ? 4 : r.U64();
  if (post_header_len > kRotateHeaderLen) r.Skip(post_header_len - kRotateHeaderLen);
  if (!r.ok()) return Bad("ROTATE", "body shorter than its post-header");
  OSC_ASSIGN_OR_RETURN(e.next_file, FileName("ROTATE", r.rest()));
  return e;
}

Result<XidEvent> ParseXid(Bytes body) {
  ByteReader r(body);
  XidEvent e{r.U64()};
  if (!r.ok()) return Bad("XID", "body shorter than 8 bytes");
  return e;
}

Result<IntvarEvent> ParseIntvar(Bytes body) {
  ByteReader r(body);
  IntvarEvent e;
  e.type = r.U8();
  e.value = r.U64();
  if (!r.ok()) return Bad("INTVAR", "body shorter than 9 bytes");
  return e;
}

Result<IncidentEvent> ParseIncident(Bytes body) {
  ByteReader r(body);
  IncidentEvent e;
  e.type = r.U16();
  const uint8_t len = r.U8();
  e.message = r.TakeString(len);
  if (!r.ok()) return Bad("INCIDENT", "message runs past the body");
  return e;
}

Result<RowsQueryEvent> ParseRowsQuery(Bytes body) {
  if (body.empty()) return Bad("ROWS_QUERY", "empty body");
  return RowsQueryEvent{AsStringView(body.subspan(1))};
}

Result<HeartbeatEvent> ParseHeartbeatV1(Bytes body, uint32_t header_log_pos) {
  HeartbeatEvent e;
  OSC_ASSIGN_OR_RETURN(e.log_file, FileName("HEARTBEAT", body));
  e.position = header_log_pos;
  return e;
}

Result<HeartbeatEvent> ParseHeartbeatV2(Bytes body) {
  // codecs/binary.cpp Heartbeat::decode: field ids 0 end, 1 file name,
  // 2 position (itself a packed int inside the field); others are skipped.
  ByteReader r(body);
  HeartbeatEvent e;
  while (!r.empty()) {
    const uint64_t type = r.PackedInt();
    if (!r.ok()) break;
    if (type == 0) break;
    const uint64_t length = r.PackedInt();
    if (!r.ok() || length > r.remaining()) return Bad("HEARTBEAT_V2", "field runs past the body");
    ByteReader field(r.Take(static_cast<size_t>(length)));
    if (type == 1) {
      OSC_ASSIGN_OR_RETURN(e.log_file, FileName("HEARTBEAT_V2", field.rest()));
    } else if (type == 2) {
      e.position = field.PackedInt();
      if (!field.ok() || !field.empty()) return Bad("HEARTBEAT_V2", "malformed position field");
    }
  }
  if (!r.ok()) return Bad("HEARTBEAT_V2", "truncated field header");
  return e;
}

std::string FormatUuid(const Uuid& uuid) {
  char text[37];
  char* p = text;
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
    std::snprintf(p, 3, "%02x", uuid[i]);
    p += 2;
  }
  return std::string(text, 36);
}

// ---- MySQL GTIDs -----------------------------------------------------------

namespace {

// mysql::serialization variable-length unsigned integer
// (libs/mysql/serialization/variable_length_integers.h): the number of
// trailing one bits of the first byte, plus one, is the byte count (1-9);
// the value follows the terminating zero bit, little-endian. Returns 0 and
// fails the reader on truncation.
uint64_t Varlen(ByteReader& r) {
  if (!r.Has(1)) return 0;
  const uint8_t first = r.rest()[0];
  const int n = std::countr_one(first) + 1;
  const Bytes bytes = r.Take(static_cast<size_t>(n));
  if (!r.ok()) return 0;
  if (n == 1) return first >> 1;
  uint64_t rest = LoadLEN(bytes.data() + 1, static_cast<size_t>(n - 1));
  // With 9 bytes the first byte holds no value bits at all.
  rest <<= (8 - n + ((n + 7) >> 4));
  return (n >= 8 ? 0 : static_cast<uint64_t>(first >> n)) | rest;
}

// Signed variant: the sign is the lowest bit, the magnitude (minus one for
// negatives) the rest.
int64_t VarlenSigned(ByteReader& r) {
  const uint64_t u = Varlen(r);
  return static_cast<int64_t>((u >> 1) ^ (0 - (u & 1)));
}

// A value that must fit `max`; fails the reader otherwise.
uint64_t VarlenMax(ByteReader& r, uint64_t max) {
  const uint64_t v = Varlen(r);
  if (v > max) r.Fail();
  return v;
}

constexpr size_t kMaxTagLength = 32;  // mysql::gtid::tag_max_length

std::string VarlenString(ByteReader& r, size_t max_length) {
  const uint64_t len = Varlen(r);
  if (len > max_length) {
    r.Fail();
    return {};
  }
  return std::string(r.TakeString(static_cast<size_t>(len)));
}

constexpr int64_t kGnoEnd = std::numeric_limits<int64_t>::max();  // GNO_END

Status CheckGno(int64_t gno) {
  if (gno < 1 || gno >= kGnoEnd) return Bad("GTID", "gno " + std::to_string(gno) + " out of range");
  return Status::Ok();
}

// Optional tail of GTID/ANONYMOUS_GTID after gno, in the order the servers
// appended the fields (5.7.4, 8.0.1, 8.0.2, 8.0.14, 8.0.33).
Status ParseGtidTail(ByteReader& r, GtidEvent* e) {
  constexpr uint8_t kLogicalTimestampTypecode = 2;
  if (r.remaining() < 17 || r.rest()[0] != kLogicalTimestampTypecode) return Status::Ok();
  r.Skip(1);
  e->last_committed = static_cast<int64_t>(r.U64());
  e->sequence_number = static_cast<int64_t>(r.U64());
  constexpr size_t kTimestampBytes = 7;
  constexpr uint64_t kOriginalFollows = uint64_t{1} << 55;
  if (r.remaining() < kTimestampBytes) return Status::Ok();
  uint64_t immediate = r.UN(kTimestampBytes);
  uint64_t original = immediate;
  if (immediate & kOriginalFollows) {
    immediate &= ~kOriginalFollows;
    original = r.UN(kTimestampBytes);
  }
  e->immediate_commit_timestamp = immediate;
  e->original_commit_timestamp = original;
  if (r.empty()) return r.ok() ? Status::Ok() : Bad("GTID", "original commit timestamp truncated");
  e->transaction_length = r.PackedInt();
  if (!r.ok()) return Bad("GTID", "transaction length truncated");
  constexpr uint32_t kOriginalVersionFollows = uint32_t{1} << 31;
  if (r.remaining() < 4) return Status::Ok();
  uint32_t version = r.U32();
  uint32_t original_version = version;
  if (version & kOriginalVersionFollows) {
    version &= ~kOriginalVersionFollows;
    original_version = r.U32();
  }
  e->immediate_server_version = version;
  e->original_server_version = original_version;
  if (r.remaining() >= 8) e->commit_group_ticket = r.U64();
  if (!r.ok()) return Bad("GTID", "original server version truncated");
  return Status::Ok();
}

Result<GtidEvent> ParseUntaggedGtid(Bytes body, bool anonymous) {
  ByteReader r(body);
  GtidEvent e;
  e.flags = r.U8();
  const Bytes sid = r.Take(e.sid.size());
  e.gno = static_cast<int64_t>(r.U64());
  if (!r.ok()) return Bad("GTID", "body shorter than " + std::to_string(kGtidMinBody) + " bytes");
  std::copy(sid.begin(), sid.end(), e.sid.begin());
  if (!anonymous) OSC_RETURN_IF_ERROR(CheckGno(e.gno));
  OSC_RETURN_IF_ERROR(ParseGtidTail(r, &e));
  return e;
}

// Reads one field of the GTID_TAGGED message; `id` is its field number in
// Gtid_event::define_fields() (control_events.h).
void ReadTaggedField(ByteReader& r, uint64_t id, GtidEvent* e) {
  switch (id) {
    case 0: e->flags = static_cast<uint8_t>(VarlenMax(r, 0xff)); break;
    case 1:  // fixed array of 16 varlen bytes
      for (uint8_t& b : e->sid) b = static_cast<uint8_t>(VarlenMax(r, 0xff));
      break;
    case 2: e->gno = VarlenSigned(r); break;
    case 3: e->tag = VarlenString(r, kMaxTagLength); break;
    case 4: e->last_committed = VarlenSigned(r); break;
    case 5: e->sequence_number = VarlenSigned(r); break;
    case 6: e->immediate_commit_timestamp = Varlen(r); break;
    case 7: e->original_commit_timestamp = Varlen(r); break;
    case 8: e->transaction_length = Varlen(r); break;
    case 9: e->immediate_server_version = static_cast<uint32_t>(VarlenMax(r, 0xffffffff)); break;
    case 10: e->original_server_version = static_cast<uint32_t>(VarlenMax(r, 0xffffffff)); break;
    case 11: e->commit_group_ticket = Varlen(r); break;
  }
}

// GTID_TAGGED (MySQL 8.3+): a mysql::serialization message (libs/mysql/
// serialization/readme.md): format version, message size (counted from the
// message start), last non-ignorable field id, then (field id, value) pairs
// in increasing id order; absent ids were omitted by the encoder.
Result<GtidEvent> ParseTaggedGtid(Bytes body) {
  ByteReader head(body);
  Varlen(head);  // serialization format version
  const uint64_t size = Varlen(head);
  if (!head.ok() || size > body.size() || size < body.size() - head.remaining()) {
    return Bad("GTID_TAGGED", "message size does not fit the body");
  }
  ByteReader r(body.first(static_cast<size_t>(size)));
  r.Skip(body.size() - head.remaining());
  const uint64_t last_non_ignorable = Varlen(r);
  constexpr uint64_t kLastKnownField = 11;
  GtidEvent e;
  bool have_sid = false, have_gno = false;
  for (uint64_t id = 0; id <= kLastKnownField && r.ok() && !r.empty(); ++id) {
    ByteReader peek = r;
    const uint64_t found = Varlen(peek);
    if (!peek.ok() || found < id) return Bad("GTID_TAGGED", "field ids out of order");
    if (found != id) continue;  // omitted by the encoder
    r = peek;
    ReadTaggedField(r, id, &e);
    have_sid |= id == 1;
    have_gno |= id == 2;
  }
  if (!r.ok()) return Bad("GTID_TAGGED", "field runs past the message");
  if (!have_sid || !have_gno) return Bad("GTID_TAGGED", "sid or gno missing");
  if (last_non_ignorable > kLastKnownField) {
    return Status::NotSupported("GTID_TAGGED carries mandatory field " +
                                std::to_string(last_non_ignorable) + " unknown to osc");
  }
  if (!e.original_commit_timestamp) e.original_commit_timestamp = e.immediate_commit_timestamp;
  if (!e.original_server_version) e.original_server_version = e.immediate_server_version;
  OSC_RETURN_IF_ERROR(CheckGno(e.gno));
  return e;
}

}  // namespace

Result<GtidEvent> ParseGtid(Bytes body, uint8_t type) {
  switch (type) {
    case 33: return ParseUntaggedGtid(body, /*anonymous=*/false);
    case 34: return ParseUntaggedGtid(body, /*anonymous=*/true);
    case 42: return ParseTaggedGtid(body);
    default: return Status::InvalidArgument("ParseGtid: type " + std::to_string(type) + " is not a GTID event");
  }
}

Result<PreviousGtidsEvent> ParsePreviousGtids(Bytes body) {
  // Gtid_set::encode (rpl_gtid_set.cc): the first u64 holds the format in
  // its top byte; untagged: n_sids in the low 56 bits; tagged: format byte
  // repeated in the low 8 bits and n_sids in bits 8..55.
  ByteReader r(body);
  const uint64_t word = r.U64();
  if (!r.ok()) return Bad("PREVIOUS_GTIDS", "body shorter than 8 bytes");
  PreviousGtidsEvent e;
  const uint64_t format = word >> 56;
  uint64_t n_sids = 0;
  if (format == 0) {
    n_sids = word & ((uint64_t{1} << 56) - 1);
  } else if (format == 1 && (word & 0xff) == 1) {
    e.tagged_format = true;
    n_sids = (word >> 8) & ((uint64_t{1} << 48) - 1);
  } else {
    return Bad("PREVIOUS_GTIDS", "unknown GTID set format");
  }
  constexpr size_t kMinEntry = 16 + 8;
  if (n_sids > r.remaining() / kMinEntry) return Bad("PREVIOUS_GTIDS", "sid count exceeds the body");
  e.entries.resize(static_cast<size_t>(n_sids));
  for (GtidSetEntry& entry : e.entries) {
    const Bytes sid = r.Take(entry.sid.size());
    if (r.ok()) std::copy(sid.begin(), sid.end(), entry.sid.begin());
    if (e.tagged_format) entry.tag = VarlenString(r, kMaxTagLength);
    const uint64_t n_intervals = r.U64();
    if (!r.ok() || n_intervals > r.remaining() / 16) return Bad("PREVIOUS_GTIDS", "interval count exceeds the body");
    entry.intervals.resize(static_cast<size_t>(n_intervals));
    for (GtidInterval& iv : entry.intervals) {
      iv.start = static_cast<int64_t>(r.U64());
      iv.end = static_cast<int64_t>(r.U64());
      if (iv.start < 1 || iv.end <= iv.start) return Bad("PREVIOUS_GTIDS", "empty or negative interval");
    }
  }
  if (!r.ok() || !r.empty()) return Bad("PREVIOUS_GTIDS", "set does not end where the body ends");
  return e;
}

// ---- MariaDB ---------------------------------------------------------------

Result<MariaGtidEvent> ParseMariaGtid(Bytes body) {
  if (body.size() < kMariaGtidPostHeaderLength) return Bad("MARIA_GTID", "body shorter than 19 bytes");
  ByteReader r(body);
  MariaGtidEvent e;
  e.seq_no = r.U64();
  e.domain_id = r.U32();
  e.flags2 = r.U8();
  // log_event.cc Gtid_log_event(const uchar*...): commit id, then XA xid,
  // then (10.8+) an extra-flags byte if anything is left. Without a commit
  // id the six padding bytes are zero, so the extra flags read as 0.
  if (e.flags2 & kMariaGtidGroupCommitId) e.commit_id = r.U64();
  if (e.flags2 & (kMariaGtidPreparedXa | kMariaGtidCompletedXa)) {
    MariaXid xid;
    xid.format_id = r.U32();
    xid.gtrid_length = r.U8();
    xid.bqual_length = r.U8();
    // XIDDATASIZE: gtrid and bqual are at most 64 bytes each.
    if (xid.gtrid_length > 64 || xid.bqual_length > 64) return Bad("MARIA_GTID", "XA id too long");
    xid.data = r.Take(size_t{xid.gtrid_length} + xid.bqual_length);
    e.xid = xid;
  }
  if (r.ok() && !r.empty()) {
    e.flags_extra = r.U8();
    if (e.flags_extra & kMariaGtidExtraMultiEngine) e.extra_engines = r.U8();
    if (e.flags_extra & (kMariaGtidExtraCommitAlter | kMariaGtidExtraRollbackAlter)) {
      e.start_alter_seq_no = r.U64();
    }
  }
  if (!r.ok()) return Bad("MARIA_GTID", "optional fields run past the body");
  return e;
}

Result<MariaGtidListEvent> ParseMariaGtidList(Bytes body) {
  ByteReader r(body);
  const uint32_t word = r.U32();
  if (!r.ok()) return Bad("MARIA_GTID_LIST", "body shorter than 4 bytes");
  constexpr uint32_t kCountMask = (1u << 28) - 1;
  const uint32_t count = word & kCountMask;
  constexpr size_t kEntrySize = 4 + 4 + 8;
  if (count > r.remaining() / kEntrySize) return Bad("MARIA_GTID_LIST", "count exceeds the body");
  MariaGtidListEvent e;
  e.flags = static_cast<uint8_t>(word >> 28);
  e.gtids.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    MariaGtid g;
    g.domain_id = r.U32();
    g.server_id = r.U32();
    g.seq_no = r.U64();
    e.gtids.push_back(g);
  }
  return e;
}

Result<BinlogCheckpointEvent> ParseBinlogCheckpoint(Bytes body) {
  ByteReader r(body);
  const uint32_t len = r.U32();
  const Bytes name = r.Take(len);
  if (!r.ok()) return Bad("MARIA_BINLOG_CHECKPOINT", "file name runs past the body");
  BinlogCheckpointEvent e;
  OSC_ASSIGN_OR_RETURN(e.file, FileName("MARIA_BINLOG_CHECKPOINT", name));
  return e;
}

Result<AnnotateRowsEvent> ParseAnnotateRows(Bytes body) {
  return AnnotateRowsEvent{AsStringView(body)};
}

Result<StartEncryptionEvent> ParseStartEncryption(Bytes body) {
  ByteReader r(body);
  StartEncryptionEvent e;
  e.scheme = r.U8();
  e.key_version = r.U32();
  const Bytes nonce = r.Take(e.nonce.size());
  if (!r.ok()) return Bad("MARIA_START_ENCRYPTION", "body shorter than 17 bytes");
  std::copy(nonce.begin(), nonce.end(), e.nonce.begin());
  return e;
}

}  // namespace osc::binlog
