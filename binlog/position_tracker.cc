#include "binlog/position_tracker.h"

#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "binlog/events.h"

namespace osc::binlog {
namespace {

constexpr uint8_t kRotatePostHeaderLength = 8;  // ROTATE_HEADER_LEN: position u64

bool Is(uint8_t type, EventType t) { return type == static_cast<uint8_t>(t); }

// ASCII case-insensitive prefix test. Servers write these statements in
// upper case, but a client's own "begin" reaches the binlog as typed only
// in statement format; be lenient.
bool StartsWithWord(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
  }
  return text.size() == word.size() || text[word.size()] == ' ';
}

bool IsBeginStatement(std::string_view q) { return StartsWithWord(q, "BEGIN") || StartsWithWord(q, "XA START"); }
bool IsEndStatement(std::string_view q) { return StartsWithWord(q, "COMMIT") || StartsWithWord(q, "ROLLBACK"); }

bool IsGtid(uint8_t type) {
  return Is(type, EventType::kMariaGtid) || Is(type, EventType::kGtid) || Is(type, EventType::kAnonymousGtid) ||
         Is(type, EventType::kGtidTagged);
}

Status Malformed(const Status& s, uint8_t type) {
  return Status::Corruption("cannot follow the binlog position through a " + std::string(EventTypeName(type)) +
                            " event: " + std::string(s.message()));
}

}  // namespace

PositionTracker::PositionTracker(BinlogPosition start, ChecksumAlg checksum_before_format) {
  Reset(std::move(start), checksum_before_format);
}

void PositionTracker::Reset(BinlogPosition start, ChecksumAlg checksum_before_format) {
  next_ = std::move(start);
  alg_ = checksum_before_format;
  query_post_header_ = kQueryPostHeaderLength;
  in_transaction_ = false;
  transaction_start_ = 0;
  standalone_ = began_ = mysql_gtid_ = false;
}

Checkpoint PositionTracker::checkpoint() const {
  Checkpoint c;
  c.restart.file = next_.file;
  c.restart.offset = in_transaction_ ? transaction_start_ : next_.offset;
  c.handled = next_.offset;
  return c;
}

void PositionTracker::BeginTransaction(uint64_t start, bool standalone, bool began, bool mysql_gtid) {
  in_transaction_ = true;
  transaction_start_ = start;
  standalone_ = standalone;
  began_ = began;
  mysql_gtid_ = mysql_gtid;
}

// What one event means for transaction boundaries, decided before any
// state changes (parsing may still fail up to here).
struct PositionTracker::Effect {
  enum Kind { kNone, kGtid, kBegin, kEnd, kStatement } kind = kNone;
  bool standalone = false;  // kGtid: MariaDB FL_STANDALONE
  bool mysql = false;       // kGtid: a MySQL GTID event
};

Result<PositionTracker::Effect> PositionTracker::ClassifyEffect(const EventHeader& h, Bytes body,
                                                                uint8_t query_post_header) const {
  Effect e;
  if (Is(h.type, EventType::kMariaGtid)) {
    auto g = ParseMariaGtid(body);
    if (!g.ok()) return Malformed(g.status(), h.type);
    e.kind = Effect::kGtid;
    e.standalone = g->standalone();
  } else if (IsGtid(h.type)) {
    e.kind = Effect::kGtid;
    e.mysql = true;
  } else if (Is(h.type, EventType::kQuery)) {
    auto q = ParseQuery(body, query_post_header);
    if (!q.ok()) return Malformed(q.status(), h.type);
    e.kind = IsBeginStatement(q->query) ? Effect::kBegin
             : IsEndStatement(q->query) ? Effect::kEnd
                                        : Effect::kStatement;
  } else if (Is(h.type, EventType::kXid) || Is(h.type, EventType::kXaPrepare)) {
    e.kind = Effect::kEnd;
  }
  return e;
}

void PositionTracker::Apply(const Effect& e, uint64_t start) {
  switch (e.kind) {
    case Effect::kGtid:
      BeginTransaction(start, e.standalone, false, e.mysql);
      break;
    case Effect::kBegin:
      if (!in_transaction_) BeginTransaction(start, false, true, false);
      began_ = true;
      break;
    case Effect::kEnd:
      in_transaction_ = false;
      break;
    case Effect::kStatement:
      // A group without BEGIN is one statement long (DDL).
      if (in_transaction_ && (standalone_ || (mysql_gtid_ && !began_))) in_transaction_ = false;
      break;
    case Effect::kNone:
      break;
  }
}

Result<PositionTracker::Observation> PositionTracker::ObserveRotate(const EventHeader& h, Bytes body,
                                                                    Observation o) {
  auto r = ParseRotate(body, kRotatePostHeaderLength);
  if (!r.ok()) return Malformed(r.status(), h.type);
  next_ = BinlogPosition{std::string(r->next_file), r->position};
  in_transaction_ = false;
  o.context = true;
  return o;
}

Result<PositionTracker::Observation> PositionTracker::ObserveHeartbeat(const EventHeader& h, Bytes body,
                                                                       Observation o) {
  auto hb = Is(h.type, EventType::kHeartbeat) ? ParseHeartbeatV1(body, h.log_pos) : ParseHeartbeatV2(body);
  if (!hb.ok()) return Malformed(hb.status(), h.type);
  o.heartbeat = true;
  // Between transactions the heartbeat's coordinates are where the server
  // is; inside one (it cannot really happen: a transaction reaches the
  // binlog whole) they would cut it, so they are not taken.
  if (!in_transaction_ && !hb->log_file.empty() && hb->position && *hb->position >= 4) {
    next_ = BinlogPosition{std::string(hb->log_file), *hb->position};
  }
  return o;
}

Result<PositionTracker::Observation> PositionTracker::Observe(Bytes event) {
  OSC_ASSIGN_OR_RETURN(const EventHeader h, ParseEventHeader(event));
  if (h.event_size != event.size()) {
    return Status::Corruption("event of " + std::to_string(event.size()) + " bytes declares " +
                              std::to_string(h.event_size));
  }
  Observation o;
  o.type = h.type;
  const bool is_fde = Is(h.type, EventType::kFormatDescription);
  ChecksumAlg alg = alg_;
  uint8_t query_post_header = query_post_header_;
  if (is_fde) {
    auto fd = ParseFormatDescription(event);
    if (!fd.ok()) return Malformed(fd.status(), h.type);
    alg = fd->has_checksum_alg ? fd->checksum_alg : ChecksumAlg::kOff;
    query_post_header = fd->PostHeaderLength(static_cast<uint8_t>(EventType::kQuery));
    o.context = true;
  }
  const size_t trailer = !is_fde && alg == ChecksumAlg::kCrc32 ? kChecksumLength : 0;
  if (event.size() < kEventHeaderLength + trailer) return Status::Corruption("event shorter than header + CRC");
  const Bytes body = event.subspan(kEventHeaderLength, event.size() - kEventHeaderLength - trailer);
  if (Is(h.type, EventType::kRotate)) return ObserveRotate(h, body, o);
  if (Is(h.type, EventType::kHeartbeat) || Is(h.type, EventType::kHeartbeatV2)) return ObserveHeartbeat(h, body, o);

  OSC_ASSIGN_OR_RETURN(const Effect effect, ClassifyEffect(h, body, query_post_header));
  const bool positioned = h.log_pos != 0 && !h.IsArtificial();
  if (positioned && h.log_pos < h.event_size) {
    return Status::Corruption("log_pos " + std::to_string(h.log_pos) + " is before the event's own " +
                              std::to_string(h.event_size) + " bytes");
  }
  // Nothing fails from here on: commit the state.
  alg_ = alg;
  query_post_header_ = query_post_header;
  // A FORMAT_DESCRIPTION re-sent at the start of a dump that begins later
  // in the file must not move the position back to 4 (MariaDB clears its
  // log_pos; older servers may not).
  if (!positioned || (is_fde && h.log_pos <= next_.offset)) return o;
  o.positioned = true;
  o.start = h.log_pos - h.event_size;
  o.end = h.log_pos;
  next_.offset = h.log_pos;
  Apply(effect, o.start);
  o.context = o.context || Is(h.type, EventType::kTableMap) || effect.kind == Effect::kGtid ||
              effect.kind == Effect::kBegin;
  return o;
}

}  // namespace osc::binlog
