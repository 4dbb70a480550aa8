// PositionTracker: follows the binlog position and the transaction
// boundaries through a sequence of raw events, so an event source can tell
// each event's Checkpoint and where to resume after a reconnect. Used by
// the EventSource backends (server_event_source.cc, fake_event_source.cc).
//
// What moves the position:
//  - ROTATE (artificial at the start of a dump, or real at the end of a
//    file): the next events come from `next_file` at `position`.
//  - any other event with a non-zero log_pos and without
//    LOG_EVENT_ARTIFICIAL_F: it occupied [log_pos - event_size, log_pos).
//  - HEARTBEAT between transactions: the server's current file and log_pos
//    (a heartbeat follows the events the server skipped or filtered).
// Events with log_pos 0 or the artificial flag (the FORMAT_DESCRIPTION and
// fake GTID_LIST a dump starts with) leave it where it is.
//
// Transactions (what may not be split by a resume):
//  - start: MariaDB GTID (162), MySQL GTID/ANONYMOUS_GTID/GTID_TAGGED
//    (33, 34, 42), or QUERY "BEGIN"/"XA START ..." outside a transaction.
//  - end: XID (16), XA_PREPARE (38), QUERY "COMMIT" or "ROLLBACK"; and for
//    a group without BEGIN (a MariaDB GTID with FL_STANDALONE, or a MySQL
//    GTID followed by a statement other than BEGIN: DDL), the first QUERY.
//  A ROTATE never falls inside a transaction; one ends any open state.
//
// It decodes just enough to do this (FORMAT_DESCRIPTION for the checksum,
// ROTATE, HEARTBEAT, QUERY text, MariaDB GTID flags), with the binlog
// module's own parsers. Not thread-safe.
#pragma once

#include <cstdint>

#include "binlog/event_header.h"
#include "binlog/event_source.h"
#include "binlog/format_description.h"
#include "common/bytes.h"
#include "common/result.h"

namespace osc::binlog {

class PositionTracker {
 public:
  // What Observe() learned about one event.
  struct Observation {
    uint8_t type = 0;
    // True when the event has a real position in the file (see above);
    // then it occupied [start, end).
    bool positioned = false;
    uint64_t start = 0;
    uint64_t end = 0;
    // True for events a consumer needs as context for later events of the
    // same transaction: FORMAT_DESCRIPTION, ROTATE, GTIDs, BEGIN and
    // TABLE_MAP. Everything else is an effect or bookkeeping.
    bool context = false;
    bool heartbeat = false;
  };

  // `start`: where the dump was asked to start (file may be empty for a
  // GTID start; the server's first ROTATE names it). `checksum_before_format`
  // as negotiated for the connection.
  PositionTracker(BinlogPosition start, ChecksumAlg checksum_before_format);

  // A new connection starts at `start`, at a transaction boundary: forgets
  // the open transaction and the FORMAT_DESCRIPTION in force.
  void Reset(BinlogPosition start, ChecksumAlg checksum_before_format);

  // Observes the next event (whole: header, body, trailer). kCorruption
  // when it is malformed in a way that makes the position unknowable (bad
  // header, size mismatch, log_pos before the event's own size, an
  // unparseable FDE/ROTATE/QUERY/GTID); the tracker is then unchanged.
  Result<Observation> Observe(Bytes event);

  // Where the next event starts.
  const BinlogPosition& next() const { return next_; }
  bool in_transaction() const { return in_transaction_; }
  // The checkpoint after the last observed event (see event_source.h).
  Checkpoint checkpoint() const;

 private:
  struct Effect;
  Result<Effect> ClassifyEffect(const EventHeader& h, Bytes body, uint8_t query_post_header) const;
  void Apply(const Effect& e, uint64_t start);
  Result<Observation> ObserveRotate(const EventHeader& h, Bytes body, Observation o);
  Result<Observation> ObserveHeartbeat(const EventHeader& h, Bytes body, Observation o);
  void BeginTransaction(uint64_t start, bool standalone, bool began, bool mysql_gtid);

  BinlogPosition next_;
  ChecksumAlg alg_ = ChecksumAlg::kOff;
  uint8_t query_post_header_ = 13;
  bool in_transaction_ = false;
  uint64_t transaction_start_ = 0;
  bool standalone_ = false;   // MariaDB FL_STANDALONE group: ends at its QUERY
  bool began_ = false;        // a BEGIN was seen in the open transaction
  bool mysql_gtid_ = false;   // opened by a MySQL GTID (DDL has no BEGIN)
};

}  // namespace osc::binlog
