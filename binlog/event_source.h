// EventSource: where raw binlog events come from, one at a time, with the
// position of each, and the positions a consumer resumes from.
//
// Backends: ServerEventSource (server_event_source.h, a binlog dump that
// reconnects by itself) and FakeEventSource (fake_event_source.h, in-memory
// for tests). The decoder (EventReader, ChangeStream) sits on top and never
// knows which one it reads.
//
// Positions. Every event handed out carries a Checkpoint: the place to
// resume from so that nothing after the event is lost and nothing up to it
// is delivered again. Resuming is only safe at a transaction boundary (the
// TABLE_MAP events a rows event needs, and the GTID that names the
// transaction, come earlier in the same transaction), so a checkpoint taken
// inside a transaction points back to the transaction's first event and
// records how far into it the consumer got.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>
#include <string_view>

#include "binlog/format_description.h"
#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

// A byte offset in a named binlog file: where an event starts, or where the
// next one will (an event's log_pos).
struct BinlogPosition {
  std::string file;
  uint64_t offset = 0;

  friend bool operator==(const BinlogPosition&, const BinlogPosition&) = default;
  // "mariadb-bin.000007:1234".
  std::string ToString() const;
};

struct Checkpoint {
  // Where a new dump starts: the first event of the transaction open after
  // the event (its GTID event, or BEGIN on servers without GTIDs), or the
  // end of the event when no transaction is open.
  BinlogPosition restart;
  // End of the last event handled, in restart.file. Equal to
  // restart.offset at a transaction boundary; beyond it inside one.
  uint64_t handled = 0;

  bool at_boundary() const { return handled == restart.offset; }
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
  // "mariadb-bin.000007:1234" at a boundary, else
  // "mariadb-bin.000007:1234+567" (transaction start + bytes handled).
  std::string ToString() const;
};

// One event as a source hands it out.
struct RawEvent {
  // The whole event as stored in the binlog: header, body and, when the
  // FORMAT_DESCRIPTION in force says so, the CRC32 trailer. Valid until the
  // next call to the source (or its destruction); copy what you keep.
  Bytes data;
  // Where to resume after this event (see Checkpoint). For the artificial
  // events a server sends at the start of a dump (ROTATE, FDE, GTID_LIST)
  // and for re-sent context events (see `redelivered`), the checkpoint of
  // the last event that moved the position.
  Checkpoint checkpoint;
  // True for an event the source sends again after resuming inside a
  // transaction, because later events of the transaction need it as
  // context: its FORMAT_DESCRIPTION, GTID or BEGIN, and TABLE_MAP events.
  // A consumer that saw it before may ignore it; one that starts fresh
  // from a checkpoint must use it. Effects (rows, statements) are never
  // delivered twice.
  bool redelivered = false;
  // Counts connections: increments every time the source (re)connects. A
  // decoder starts afresh when it changes (the server begins every dump
  // with an artificial ROTATE and the file's FORMAT_DESCRIPTION).
  uint64_t connection = 0;
  // Checksum of the events that come before the first FORMAT_DESCRIPTION
  // of this connection (EventReaderOptions::checksum_before_format).
  ChecksumAlg checksum_before_format = ChecksumAlg::kOff;
};

class EventSource {
 public:
  virtual ~EventSource() = default;

  // Blocks until the next event is available and returns it. Returns
  // Aborted when `stop` is requested (a blocked wait returns promptly).
  // Other errors are final: the source returns the same error from then on.
  virtual Result<RawEvent> Next(std::stop_token stop) = 0;

  // The consumer has fully handled the events up to the one `checkpoint`
  // came with. After a reconnect the source delivers only what follows
  // (plus context events, marked redelivered). Without acknowledgments a
  // reconnect re-delivers everything since the source started. Checkpoints
  // must come from this source's own events, in order; an older one than
  // the last is ignored. Call from the thread that calls Next().
  virtual void Acknowledge(const Checkpoint& checkpoint) = 0;
};

}  // namespace osc::binlog
