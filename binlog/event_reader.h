// EventReader: turns a byte stream of binlog events into EventViews.
//
// It frames events by their declared size, tracks the current
// FORMAT_DESCRIPTION (an FDE in the middle of the stream replaces it),
// verifies and strips CRC32 trailers, unpacks TRANSACTION_PAYLOAD events
// into their inner events, hands out MariaDB compressed events already
// uncompressed, and skips events of unknown types that carry
// LOG_EVENT_IGNORABLE_F (as the server does). It never touches a
// connection or a file: feed it bytes.
//
// Two ways to feed it:
//  - a buffer (a file, or any stream) starting at an event boundary:
//      while (true) {
//        OSC_ASSIGN_OR_RETURN(auto step, reader.Next(buf.subspan(off)));
//        off += step.consumed;
//        if (step.kind == EventReader::Step::kNeedMore) break;  // read more
//        Handle(step.event);
//      }
//  - one whole event per call, as a replication packet delivers them:
//      OSC_ASSIGN_OR_RETURN(EventView ev, reader.ReadPacket(packet));
//      Handle(ev);
//      while (reader.has_pending()) { ... Next({}) ... }  // payload contents
//
// "Need more bytes" is a normal Step; bad bytes are a kCorruption Status.
// After any error the reader is stuck: every later call returns that error
// (a byte stream cannot be resynchronised after a bad event; reconnect or
// reopen with a fresh reader).
//
// Memory: one event's declared size above max_event_size, or a declared
// uncompressed size above max_uncompressed_size, is rejected before any
// allocation. Payload contents are split lazily, one inner event per call.
//
// Thread safety: none; one reader per stream, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/payload.h"
#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

struct EventReaderOptions {
  // Checksum algorithm of events that arrive before the first FDE. A
  // network stream starts with an artificial ROTATE that already carries a
  // CRC32 when the client set @master_binlog_checksum to CRC32; set this to
  // what was negotiated. Files always start with their FDE.
  ChecksumAlg checksum_before_format = ChecksumAlg::kOff;
  // Verify CRC32 trailers when the FDE says CRC32 (trailers are stripped
  // either way). Turning it off only makes sense for benchmarks.
  bool verify_checksums = true;
  // Largest event accepted (declared event_size). The server's own ceiling
  // is max_allowed_packet / slave_max_allowed_packet, at most 1 GiB.
  uint64_t max_event_size = uint64_t{1} << 30;
  // Largest decompressed TRANSACTION_PAYLOAD or MariaDB compressed event.
  uint64_t max_uncompressed_size = uint64_t{1} << 30;
  // Unknown event types without LOG_EVENT_IGNORABLE_F: by default an error
  // (kNotSupported), because skipping an event the server considers
  // mandatory could silently drop changes. When true they are returned like
  // any other event and the caller decides.
  bool pass_unknown_events = false;
  // A file must start with its FDE: when true, any other first event is
  // kCorruption (BinlogFileReader sets it). Otherwise only ROTATE and
  // HEARTBEAT may precede the first FDE (a network stream opens with an
  // artificial ROTATE); any other event before it is kCorruption, since
  // without an FDE its checksum and layout are unknown.
  bool format_description_first = false;
  // Offset of the first byte fed to the reader (4 for a file read after
  // its magic); EventView::offset and error messages count from here.
  uint64_t start_offset = 0;

  Status Validate() const;
};

class EventReader {
 public:
  explicit EventReader(EventReaderOptions options = {});

  struct Step {
    enum Kind { kEvent, kNeedMore };
    Kind kind = kNeedMore;
    EventView event;      // kEvent only
    // Bytes of the input used by this call, for both kinds (skipped
    // ignorable events are consumed even when the call then needs more).
    // Inner events of a payload consume nothing.
    size_t consumed = 0;
    // kNeedMore: the next call's input (starting at the first unconsumed
    // byte) must hold at least this many bytes to make progress.
    size_t need = 0;
  };

  // Returns the next event: first any pending inner event of the last
  // TRANSACTION_PAYLOAD (input is then ignored), otherwise the event at the
  // start of `input`. EventView::body points into `input` unless the view
  // owns its storage (see event_header.h).
  Result<Step> Next(Bytes input);

  // For sources that deliver exactly one event per buffer (replication
  // packets without the leading OK byte). kCorruption if `packet` is not
  // exactly one event; kFailedPrecondition while has_pending(). Ignorable
  // unknown events come back as errors here only if malformed; a skipped
  // one yields kNotFound so the caller simply fetches the next packet.
  Result<EventView> ReadPacket(Bytes packet);

  // True while inner events of a TRANSACTION_PAYLOAD remain to be returned.
  bool has_pending() const { return pending_ != nullptr; }

  // The FDE in force; DefaultV4(checksum_before_format) before the first.
  const FormatDescription& format() const { return format_; }
  bool has_format() const { return has_format_; }

  // Stream offset of the next byte the reader expects.
  uint64_t offset() const { return offset_; }
  // Unknown events skipped because they carried LOG_EVENT_IGNORABLE_F.
  uint64_t skipped_events() const { return skipped_; }

 private:
  struct Pending;  // unread inner events of a TRANSACTION_PAYLOAD

  // Turns one framed event into a view; `skip` is set for an ignorable
  // unknown event, which is then counted and not returned.
  Result<EventView> Process(Bytes event, bool* skip);
  Result<EventView> ProcessFormatDescription(Bytes event, const EventHeader& header);
  // Verifies and strips the checksum trailer and cuts off the common header.
  Result<EventView> Frame(Bytes event, const EventHeader& header, uint64_t at);
  // Event types the reader transforms: MariaDB compressed events are
  // uncompressed in place, a TRANSACTION_PAYLOAD queues its inner events,
  // START_ENCRYPTION marks the rest of the stream unreadable.
  Status Expand(EventView* view, size_t header_and_trailer);
  Status StartPayload(const EventView& outer);
  // The next inner event worth returning (ignorable unknown ones skipped),
  // or nullopt once the payload is drained.
  Result<std::optional<EventView>> NextPending();
  Result<EventView> NextInner();
  Status Fail(Status status);  // records a sticky error

  EventReaderOptions options_;
  FormatDescription format_;
  bool has_format_ = false;
  bool encrypted_ = false;  // a START_ENCRYPTION was seen: what follows is ciphertext
  uint64_t offset_ = 0;
  uint64_t skipped_ = 0;
  Status error_;  // sticky
  std::shared_ptr<Pending> pending_;
};

}  // namespace osc::binlog
