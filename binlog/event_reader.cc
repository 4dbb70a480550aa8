#include "binlog/event_reader.h"

#include <string>

#include "binlog/checksum.h"
#include "binlog/event_type.h"

namespace osc::binlog {
namespace {

std::string At(uint64_t offset, const EventHeader& h) {
  return " at offset " + std::to_string(offset) + " (" + std::string(EventTypeName(h.type)) +
         ", log_pos " + std::to_string(h.log_pos) + ")";
}

bool Is(uint8_t type, EventType t) { return type == static_cast<uint8_t>(t); }

}  // namespace

struct EventReader::Pending {
  SharedBuffer storage;  // the uncompressed payload
  size_t pos = 0;        // next inner event
  uint64_t outer_offset = 0;
  uint32_t outer_log_pos = 0;
};

Status EventReaderOptions::Validate() const {
  if (max_event_size < kEventHeaderLength) return Status::InvalidArgument("max_event_size below 19");
  if (checksum_before_format != ChecksumAlg::kOff && checksum_before_format != ChecksumAlg::kCrc32) {
    return Status::InvalidArgument("checksum_before_format must be kOff or kCrc32");
  }
  return Status::Ok();
}

EventReader::EventReader(EventReaderOptions options)
    : options_(options),
      format_(FormatDescription::DefaultV4(options.checksum_before_format)),
      offset_(options.start_offset) {
  if (Status s = options_.Validate(); !s.ok()) error_ = s;
}

Status EventReader::Fail(Status status) {
  error_ = status;
  return status;
}

Result<EventReader::Step> EventReader::Next(Bytes input) {
  if (!error_.ok()) return error_;
  Step step;
  if (pending_) {
    OSC_ASSIGN_OR_RETURN(std::optional<EventView> inner, NextPending());
    if (inner) {
      step.kind = Step::kEvent;
      step.event = std::move(*inner);
      return step;
    }
  }
  while (true) {
    const Bytes rest = input.subspan(step.consumed);
    if (rest.size() < kEventHeaderLength) {
      step.need = kEventHeaderLength;
      return step;
    }
    const uint64_t at = offset_;
    auto header = ParseEventHeader(rest);
    if (!header.ok()) return Fail(header.status().WithContext("event at offset " + std::to_string(at)));
    if (header->event_size > options_.max_event_size) {
      return Fail(Status::Corruption("event declares " + std::to_string(header->event_size) +
                                     " bytes, more than the limit of " +
                                     std::to_string(options_.max_event_size) + At(at, *header)));
    }
    if (rest.size() < header->event_size) {
      step.need = header->event_size;
      return step;
    }
    bool skip = false;
    auto view = Process(rest.first(header->event_size), &skip);
    if (!view.ok()) return view.status();
    step.consumed += header->event_size;
    if (skip) continue;
    step.kind = Step::kEvent;
    step.event = std::move(view).value();
    return step;
  }
}

Result<EventView> EventReader::ReadPacket(Bytes packet) {
  if (!error_.ok()) return error_;
  if (pending_) return Status::FailedPrecondition("ReadPacket while payload events are pending");
  auto header = ParseEventHeader(packet);
  if (!header.ok()) return Fail(header.status().WithContext("packet at offset " + std::to_string(offset_)));
  if (header->event_size != packet.size()) {
    return Fail(Status::Corruption("packet of " + std::to_string(packet.size()) + " bytes holds an event of " +
                                   std::to_string(header->event_size) + At(offset_, *header)));
  }
  OSC_ASSIGN_OR_RETURN(Step step, Next(packet));
  if (step.kind == Step::kNeedMore) return Status::NotFound("ignorable unknown event skipped");
  return std::move(step.event);
}

Result<EventView> EventReader::Process(Bytes event, bool* skip) {
  OSC_ASSIGN_OR_RETURN(const EventHeader h, ParseEventHeader(event));
  const uint64_t at = offset_;
  offset_ += h.event_size;
  if (encrypted_) {
    return Fail(Status::NotSupported("encrypted binlog (START_ENCRYPTION seen); event" + At(at, h)));
  }
  if (Is(h.type, EventType::kFormatDescription)) return ProcessFormatDescription(event, h);
  if (!has_format_) {
    const bool allowed = !options_.format_description_first &&
                         (Is(h.type, EventType::kRotate) || Is(h.type, EventType::kHeartbeat) ||
                          Is(h.type, EventType::kHeartbeatV2));
    if (!allowed) return Fail(Status::Corruption("event before the FORMAT_DESCRIPTION" + At(at, h)));
  }
  OSC_ASSIGN_OR_RETURN(EventView view, Frame(event, h, at));
  if (!IsKnownEventType(h.type)) {
    // As the server does (Log_event::read_log_event): an unknown event may
    // be skipped only if its writer marked it ignorable.
    if (h.IsIgnorable()) {
      ++skipped_;
      *skip = true;
    } else if (!options_.pass_unknown_events) {
      return Fail(Status::NotSupported("unknown event type " + std::to_string(h.type) +
                                       " without LOG_EVENT_IGNORABLE_F" + At(at, h)));
    }
    return view;
  }
  OSC_RETURN_IF_ERROR(Expand(&view, event.size() - view.body.size()));
  return view;
}

Result<EventView> EventReader::Frame(Bytes event, const EventHeader& h, uint64_t at) {
  Bytes content = event;
  if (format_.ChecksumsEnabled()) {
    if (event.size() < kEventHeaderLength + kChecksumLength) {
      return Fail(Status::Corruption("event too short for its CRC32 trailer" + At(at, h)));
    }
    if (options_.verify_checksums) {
      if (Status s = VerifyEventChecksum(event, at); !s.ok()) return Fail(s);
    }
    content = event.first(event.size() - kChecksumLength);
  }
  if (content.size() < format_.common_header_length) {
    return Fail(Status::Corruption("event shorter than the common header" + At(at, h)));
  }
  EventView view;
  view.header = h;
  view.body = content.subspan(format_.common_header_length);
  view.offset = at;
  view.wire_type = h.type;
  return view;
}

Status EventReader::Expand(EventView* view, size_t header_and_trailer) {
  const EventHeader& h = view->header;
  if (IsMariaCompressedType(h.type)) {
    auto body = UncompressMariaEvent(h.type, view->body, format_.PostHeaderLength(h.type),
                                     options_.max_uncompressed_size);
    if (!body.ok()) return Fail(body.status().WithContext("event" + At(view->offset, h)));
    view->storage = *body;
    view->body = Bytes(*view->storage);
    view->header.type = MariaUncompressedType(h.type);
    // What the server's own conversion writes: the new total size.
    view->header.event_size = static_cast<uint32_t>(header_and_trailer + view->body.size());
  } else if (Is(h.type, EventType::kTransactionPayload)) {
    if (Status s = StartPayload(*view); !s.ok()) return Fail(s.WithContext("event" + At(view->offset, h)));
  } else if (Is(h.type, EventType::kMariaStartEncryption)) {
    encrypted_ = true;
  }
  return Status::Ok();
}

Result<EventView> EventReader::ProcessFormatDescription(Bytes event, const EventHeader& h) {
  const uint64_t at = offset_ - h.event_size;
  auto fd = ParseFormatDescription(event);
  if (!fd.ok()) return Fail(fd.status().WithContext("FORMAT_DESCRIPTION at offset " + std::to_string(at)));
  // A checksum-aware server always writes a real CRC32 for its FDE, even
  // with binlog_checksum=NONE (binlog_event.cpp: "Zero indicates the binlog
  // file is checksum-free *except* the FD-event"; true of every alg-0
  // fixture: MySQL 5.6.4, 5.7.20, MariaDB 10.0.15/10.0.17). So verify it
  // whenever the algorithm byte is there, whatever the previous FDE said.
  if (fd->has_checksum_alg && options_.verify_checksums) {
    if (Status s = VerifyEventChecksum(event, at); !s.ok()) return Fail(s);
  }
  const size_t trailer = fd->has_checksum_alg ? kChecksumAlgLength + kChecksumLength : 0;
  EventView view;
  view.header = h;
  view.body = event.subspan(kEventHeaderLength, event.size() - kEventHeaderLength - trailer);
  view.offset = at;
  view.wire_type = h.type;
  format_ = std::move(fd).value();
  has_format_ = true;
  return view;
}

Status EventReader::StartPayload(const EventView& outer) {
  OSC_ASSIGN_OR_RETURN(const TransactionPayloadEvent payload, ParseTransactionPayload(outer.body));
  OSC_ASSIGN_OR_RETURN(SharedBuffer storage,
                       DecompressTransactionPayload(payload, options_.max_uncompressed_size));
  if (storage->empty()) return Status::Ok();
  auto pending = std::make_shared<Pending>();
  pending->storage = std::move(storage);
  pending->outer_offset = outer.offset;
  pending->outer_log_pos = outer.header.log_pos;
  pending_ = std::move(pending);
  return Status::Ok();
}

Result<std::optional<EventView>> EventReader::NextPending() {
  while (pending_) {
    OSC_ASSIGN_OR_RETURN(EventView view, NextInner());
    if (!IsKnownEventType(view.header.type) && view.header.IsIgnorable()) {
      ++skipped_;
      continue;
    }
    return std::optional<EventView>(std::move(view));
  }
  return std::optional<EventView>();
}

Result<EventView> EventReader::NextInner() {
  Pending& p = *pending_;
  const Bytes rest = Bytes(*p.storage).subspan(p.pos);
  const std::string where = " inside the TRANSACTION_PAYLOAD at offset " + std::to_string(p.outer_offset) +
                            " (inner byte " + std::to_string(p.pos) + ")";
  auto header = ParseEventHeader(rest);
  if (!header.ok()) return Fail(header.status().WithContext("event" + where));
  const EventHeader& h = *header;
  if (h.event_size > rest.size()) return Fail(Status::Corruption("inner event overruns its payload" + where));
  // Inner events carry no checksum (the payload as a whole is covered by
  // the outer event's CRC); a nested FDE or payload would be nonsense.
  if (Is(h.type, EventType::kFormatDescription) || Is(h.type, EventType::kTransactionPayload) ||
      IsMariaCompressedType(h.type)) {
    return Fail(Status::Corruption(std::string(EventTypeName(h.type)) + " cannot appear" + where));
  }
  if (h.event_size < format_.common_header_length) {
    return Fail(Status::Corruption("inner event shorter than the common header" + where));
  }
  if (!IsKnownEventType(h.type) && !h.IsIgnorable() && !options_.pass_unknown_events) {
    return Fail(Status::NotSupported("unknown event type " + std::to_string(h.type) + where));
  }
  EventView view;
  view.header = h;
  view.body = rest.subspan(format_.common_header_length, h.event_size - format_.common_header_length);
  view.offset = p.outer_offset;
  view.wire_type = h.type;
  view.in_payload = true;
  view.storage = p.storage;
  p.pos += h.event_size;
  if (p.pos == p.storage->size()) pending_.reset();
  return view;
}

}  // namespace osc::binlog
