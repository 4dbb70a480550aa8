#include "binlog/change_decoder_internal.h"

#include <cctype>
#include <utility>

#include "binlog/event_type.h"
#include "binlog/events.h"

namespace osc::binlog::internal {
namespace {

// Bound on remembered ignored table ids. Clearing it is always safe at a
// transaction start: a server writes the TABLE_MAP of every table a
// statement touches before the statement's rows events.
constexpr size_t kMaxIgnoredTableIds = 4096;
// Longest schema or table name a server accepts (NAME_LEN, 64 characters
// of up to 4 bytes).
constexpr uint64_t kMaxNameBytes = 256;

bool Is(uint8_t type, EventType t) { return type == static_cast<uint8_t>(t); }

bool IsWord(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
  }
  return text.size() == word.size() || text[word.size()] == ' ';
}

ChangeEvent Make(ChangeKind kind, const EventView& view, const RawEvent& raw) {
  ChangeEvent e;
  e.kind = kind;
  e.checkpoint = raw.checkpoint;
  e.timestamp = view.header.timestamp;
  e.server_id = view.header.server_id;
  return e;
}

}  // namespace

Result<std::string> GtidText(const EventView& view) {
  if (Is(view.header.type, EventType::kMariaGtid)) {
    OSC_ASSIGN_OR_RETURN(const MariaGtidEvent g, ParseMariaGtid(view.body));
    return std::to_string(g.domain_id) + "-" + std::to_string(view.header.server_id) + "-" +
           std::to_string(g.seq_no);
  }
  OSC_ASSIGN_OR_RETURN(const GtidEvent g, ParseGtid(view.body, view.header.type));
  if (Is(view.header.type, EventType::kAnonymousGtid)) return std::string();
  std::string out = FormatUuid(g.sid);
  if (!g.tag.empty()) out += ":" + g.tag;
  return out + ":" + std::to_string(g.gno);
}

Result<MappedName> PeekTableMapName(Bytes body, uint8_t post_header_len) {
  // Same layout TableMap::Parse reads: post-header, then each name as a
  // packed length, the bytes and a NUL.
  ByteReader r(body);
  r.Skip(post_header_len);
  MappedName out;
  for (std::string_view* name : {&out.schema, &out.table}) {
    const uint64_t n = r.PackedInt();
    if (n > kMaxNameBytes) r.Fail();
    *name = r.TakeString(static_cast<size_t>(n));
    if (r.U8() != 0) r.Fail();
  }
  if (!r.ok()) return Status::Corruption("TABLE_MAP: truncated schema or table name");
  return out;
}

ChangeDecoder::ChangeDecoder(std::vector<TableName> tables, EventReaderOptions reader_options)
    : tables_(std::move(tables)), reader_options_(reader_options) {}

bool ChangeDecoder::Follows(std::string_view schema, std::string_view table) const {
  for (const TableName& t : tables_) {
    if (t.schema == schema && t.table == table) return true;
  }
  return false;
}

uint8_t ChangeDecoder::PostHeaderLength(uint8_t type) const { return reader_->format().PostHeaderLength(type); }

Status ChangeDecoder::Handle(const RawEvent& raw, const Emit& emit) {
  if (!reader_ || raw.connection != connection_) {
    // A new connection starts with its own ROTATE and FORMAT_DESCRIPTION,
    // checksummed as negotiated for it.
    EventReaderOptions options = reader_options_;
    options.checksum_before_format = raw.checksum_before_format;
    reader_.emplace(options);
    connection_ = raw.connection;
  }
  auto view = reader_->ReadPacket(raw.data);
  if (!view.ok()) {
    if (view.status().IsNotFound()) return Status::Ok();  // an ignorable unknown event
    return view.status().WithContext("binlog at " + raw.checkpoint.ToString());
  }
  OSC_RETURN_IF_ERROR(HandleView(*view, raw, emit));
  while (reader_->has_pending()) {  // the events inside a TRANSACTION_PAYLOAD
    OSC_ASSIGN_OR_RETURN(EventReader::Step step, reader_->Next(Bytes()));
    if (step.kind != EventReader::Step::kEvent) break;
    OSC_RETURN_IF_ERROR(HandleView(step.event, raw, emit));
  }
  // A group without a commit event (DDL) ends with its statement: the
  // source's position tracker knows, the checkpoint says so.
  if (transaction_.open && raw.checkpoint.at_boundary() && !raw.redelivered) {
    return OnTransactionEnd(*view, raw, 0, emit);
  }
  return Status::Ok();
}

Status ChangeDecoder::HandleView(const EventView& view, const RawEvent& raw, const Emit& emit) {
  const uint8_t type = view.header.type;
  if (Is(type, EventType::kFormatDescription)) {
    cache_.set_flavor(reader_->format().flavor);
  } else if (Is(type, EventType::kRotate)) {
    if (raw.checkpoint.restart.file != file_) {
      file_ = raw.checkpoint.restart.file;
      return emit(Make(ChangeKind::kRotate, view, raw));
    }
  } else if (Is(type, EventType::kHeartbeat) || Is(type, EventType::kHeartbeatV2)) {
    ChangeEvent e = Make(ChangeKind::kHeartbeat, view, raw);
    e.timestamp = 0;  // heartbeats carry no meaningful time
    return emit(std::move(e));
  } else if (Is(type, EventType::kMariaGtid) || Is(type, EventType::kGtid) ||
             Is(type, EventType::kAnonymousGtid) || Is(type, EventType::kGtidTagged)) {
    OSC_ASSIGN_OR_RETURN(std::string gtid, GtidText(view));
    OnTransactionStart(view, raw, std::move(gtid));
  } else if (Is(type, EventType::kQuery)) {
    return OnQuery(view, raw, emit);
  } else if (Is(type, EventType::kXid)) {
    OSC_ASSIGN_OR_RETURN(const XidEvent x, ParseXid(view.body));
    return OnTransactionEnd(view, raw, x.xid, emit);
  } else if (Is(type, EventType::kXaPrepare)) {
    return OnTransactionEnd(view, raw, 0, emit);
  } else if (Is(type, EventType::kTableMap)) {
    return OnTableMap(view);
  } else if (IsRowsEventType(type)) {
    return OnRows(view, raw, emit);
  } else if (Is(type, EventType::kIncident)) {
    auto incident = ParseIncident(view.body);
    return Status::FailedPrecondition(
        "the server logged an INCIDENT at " + raw.checkpoint.ToString() + " (it may have lost changes: " +
        std::string(incident.ok() ? incident->message : "unreadable message") + "); the stream cannot go on");
  }
  return Status::Ok();
}

Status ChangeDecoder::OnQuery(const EventView& view, const RawEvent& raw, const Emit& emit) {
  OSC_ASSIGN_OR_RETURN(const QueryEvent q, ParseQuery(view.body, PostHeaderLength(view.header.type)));
  if (IsWord(q.query, "BEGIN") || IsWord(q.query, "XA START")) {
    // With GTIDs the GTID event opened the transaction already.
    if (!transaction_.open) OnTransactionStart(view, raw, std::string());
    return Status::Ok();
  }
  if (IsWord(q.query, "COMMIT") || IsWord(q.query, "ROLLBACK")) return OnTransactionEnd(view, raw, 0, emit);
  if (raw.redelivered) return Status::Ok();
  ChangeEvent e = Make(ChangeKind::kQuery, view, raw);
  e.database = std::string(q.db);
  e.query = std::string(q.query);
  return EmitInTransaction(std::move(e), emit);
}

Status ChangeDecoder::OnTableMap(const EventView& view) {
  const uint8_t ph = PostHeaderLength(view.header.type);
  OSC_ASSIGN_OR_RETURN(const uint64_t id, ReadTableId(view.body, ph));
  OSC_ASSIGN_OR_RETURN(const MappedName name, PeekTableMapName(view.body, ph));
  if (!Follows(name.schema, name.table)) {
    ignored_.insert(id);
    return Status::Ok();
  }
  ignored_.erase(id);
  return cache_.Update(view.body, ph).status();
}

Status ChangeDecoder::OnRows(const EventView& view, const RawEvent& raw, const Emit& emit) {
  const uint8_t type = view.header.type;
  const uint8_t ph = PostHeaderLength(type);
  OSC_ASSIGN_OR_RETURN(const uint64_t id, ReadTableId(view.body, ph));
  if (ignored_.count(id) != 0) return Status::Ok();  // the cheap path for other tables
  std::shared_ptr<const TableMap> map = cache_.Find(id);
  if (map == nullptr) {
    return Status::Corruption("rows event for table id " + std::to_string(id) +
                              " without a preceding TABLE_MAP at " + raw.checkpoint.ToString());
  }
  // Keep the bytes: share the reader's buffer when the body lives in one
  // (decompressed events), else copy the body out of the source's buffer.
  std::shared_ptr<const std::vector<uint8_t>> storage = view.storage;
  Bytes body = view.body;
  if (storage == nullptr) {
    storage = std::make_shared<const std::vector<uint8_t>>(view.body.begin(), view.body.end());
    body = Bytes(*storage);
  }
  OSC_ASSIGN_OR_RETURN(RowsEvent rows, ParseRowsEvent(type, body, ph));
  ChangeEvent e = Make(ChangeKind::kRows, view, raw);
  e.rows.emplace(std::move(storage), rows, std::move(map));
  return EmitInTransaction(std::move(e), emit);
}

void ChangeDecoder::OnTransactionStart(const EventView& view, const RawEvent& raw, std::string gtid) {
  // Re-sent after a resume inside a transaction we are still in.
  if (raw.redelivered && transaction_.open) return;
  if (ignored_.size() > kMaxIgnoredTableIds) ignored_.clear();
  transaction_ = Transaction{};
  transaction_.open = true;
  transaction_.gtid = std::move(gtid);
  transaction_.timestamp = view.header.timestamp;
  transaction_.server_id = view.header.server_id;
  transaction_.checkpoint = raw.checkpoint;
}

Status ChangeDecoder::OnTransactionEnd(const EventView& view, const RawEvent& raw, uint64_t xid,
                                       const Emit& emit) {
  const bool announced = transaction_.open && transaction_.announced;
  transaction_ = Transaction{};
  if (!announced) return Status::Ok();
  ChangeEvent e = Make(ChangeKind::kCommit, view, raw);
  e.xid = xid;
  return emit(std::move(e));
}

Status ChangeDecoder::EmitInTransaction(ChangeEvent&& event, const Emit& emit) {
  if (transaction_.open && !transaction_.announced) {
    ChangeEvent begin;
    begin.kind = ChangeKind::kBegin;
    begin.checkpoint = transaction_.checkpoint;
    begin.timestamp = transaction_.timestamp;
    begin.server_id = transaction_.server_id;
    begin.gtid = transaction_.gtid;
    transaction_.announced = true;
    OSC_RETURN_IF_ERROR(emit(std::move(begin)));
  }
  return emit(std::move(event));
}

}  // namespace osc::binlog::internal
