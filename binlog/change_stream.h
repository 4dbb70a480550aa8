// ChangeStream: the decoded change feed a consumer (the applier) reads.
//
//   EventSource --raw events--> reader thread: EventReader, TableMapCache,
//   transaction tracking --ChangeEvents--> bounded queue --> Next()
//
// What comes out, in binlog order:
//  - kRows: a rows event of one of the tables asked for. Rows events of
//    other tables are skipped after reading their table id, without
//    decoding anything else; their TABLE_MAPs are not even parsed beyond
//    the names.
//  - kQuery: every QUERY event except the transaction control statements
//    (BEGIN, COMMIT, ROLLBACK, XA START): DDL, and DML logged as
//    statements. osc watches these for DDL on its table.
//  - kBegin / kCommit: the transaction around the events above. A
//    transaction is announced only when it contains one (a busy server's
//    other traffic costs no queue slots), and every kBegin is followed by
//    exactly one kCommit: at XID, COMMIT, ROLLBACK (only non-transactional
//    changes reach the binlog then, and they stay), XA PREPARE, or after
//    the statement of a group that has no commit event (DDL).
//  - kHeartbeat: the server is alive and idle at checkpoint.
//  - kRotate: the stream moved to another binlog file.
// Every event carries the Checkpoint to resume from once it is handled;
// at_boundary() tells whether it is outside a transaction.
//
// Threading: Start() launches one reader thread, owned by the stream and
// joined by Stop() or the destructor. It is the queue's only producer, so
// order is kept. When the queue is full (queue_capacity events) the reader
// waits, so a slow consumer holds the binlog reader back instead of
// growing memory: at most queue_capacity events (each at most the
// EventReader's max_event_size) are held. The stop token given to the
// reader reaches the source's blocking network read.
//
// Errors: the first error (source, decoder, an INCIDENT event, a rows event
// without its TABLE_MAP) stops the reader and is sticky: Next() returns the
// events queued before it, then the error, forever.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/event_reader.h"
#include "binlog/event_source.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "common/result.h"

namespace osc::binlog {

// A table to follow. Compared byte for byte with the TABLE_MAP's names, as
// the server compares names with lower_case_table_names=0 (Linux default):
// give them as the server stores them.
struct TableName {
  std::string schema;
  std::string table;
  friend bool operator==(const TableName&, const TableName&) = default;
};

enum class ChangeKind : uint8_t { kBegin, kRows, kQuery, kCommit, kHeartbeat, kRotate };
std::string_view ToString(ChangeKind kind);

// One rows event of a followed table. It co-owns the event's bytes and its
// TABLE_MAP, so it stays valid however long it is kept; copying it is cheap
// (shared, immutable).
class RowsChange {
 public:
  RowsChange(std::shared_ptr<const std::vector<uint8_t>> storage, RowsEvent event,
             std::shared_ptr<const TableMap> table);

  RowsKind kind() const { return event_.kind; }
  const RowsEvent& event() const { return event_; }
  // The TABLE_MAP in force for the event (table ids are reassigned over
  // time: this is the one that preceded it).
  const TableMap& table() const { return *table_; }
  const std::shared_ptr<const TableMap>& table_map() const { return table_; }

  // A decoder over the event's rows. It points into this RowsChange's
  // bytes: keep the RowsChange alive while using it. `options` carries
  // what only the table definition knows (legacy temporal precision).
  Result<RowDecoder> Decoder(const RowDecodeOptions& options = {}) const;

 private:
  std::shared_ptr<const std::vector<uint8_t>> storage_;
  RowsEvent event_;
  std::shared_ptr<const TableMap> table_;
};

struct ChangeEvent {
  ChangeKind kind = ChangeKind::kHeartbeat;
  // Where to resume once this event is handled (see event_source.h).
  Checkpoint checkpoint;
  // From the event header: when the server wrote it (seconds since the
  // epoch; 0 for heartbeats) and which server did.
  uint32_t timestamp = 0;
  uint32_t server_id = 0;

  // kBegin: the transaction's GTID: "domain-server-seq" (MariaDB),
  // "uuid:gno" or "uuid:tag:gno" (MySQL); empty without one.
  std::string gtid;
  // kRows.
  std::optional<RowsChange> rows;
  // kQuery: the default database (USE) and the statement.
  std::string database;
  std::string query;
  // kCommit: the XID when an XID event ended the transaction, else 0.
  uint64_t xid = 0;
};

struct ChangeStreamOptions {
  // Rows events of these tables are decoded and delivered; all others are
  // skipped. Empty: no rows events at all (queries and transactions only).
  std::vector<TableName> tables;
  // Events the reader may decode ahead of the consumer. Larger smooths out
  // bursts; smaller bounds memory: queue_capacity x the largest event.
  // MariaDB splits rows events at binlog_row_event_max_size (8 KiB by
  // default) unless one row is larger, so the default holds ~8 MiB in
  // practice; reader.max_event_size is the hard ceiling per event.
  size_t queue_capacity = 1024;
  // Decoder settings (max_event_size, checksum verification, ...).
  // checksum_before_format is taken from each source connection.
  EventReaderOptions reader;
  // How often a blocked wait (full queue, empty queue) re-checks for a
  // stop request: the upper bound on how long a stop takes to be noticed
  // there. The source's network read is interrupted at once regardless.
  std::chrono::milliseconds poll_interval{50};

  Status Validate() const;
};

class ChangeStream {
 public:
  // Validates the options and starts the reader thread on `source`, which
  // the stream then owns (and destroys after the thread has ended).
  static Result<std::unique_ptr<ChangeStream>> Start(std::unique_ptr<EventSource> source,
                                                     ChangeStreamOptions options);

  // Stops and joins the reader.
  ~ChangeStream();
  ChangeStream(const ChangeStream&) = delete;
  ChangeStream& operator=(const ChangeStream&) = delete;

  // The next event, waiting as long as it takes. Aborted when `stop` is
  // requested. After the reader ended: the events still queued, then its
  // error (or Aborted if it was stopped). One consumer thread at a time.
  Result<ChangeEvent> Next(std::stop_token stop = {});
  // As Next(), but gives up after `timeout` and returns nullopt (so a
  // consumer can flush a batch when the stream goes quiet).
  Result<std::optional<ChangeEvent>> NextFor(std::chrono::milliseconds timeout, std::stop_token stop = {});

  // Asks the reader to stop (returns at once; the destructor joins).
  void Stop();
  // Events decoded and waiting for the consumer (approximate while the
  // reader runs).
  size_t backlog() const;
  // OK while the reader runs or after a requested stop; its error after it
  // failed.
  Status status() const;

 private:
  struct Impl;
  explicit ChangeStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace osc::binlog
