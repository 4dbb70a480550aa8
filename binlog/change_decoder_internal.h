// Internal to binlog/: the single-threaded part of ChangeStream, turning
// raw events into ChangeEvents (see change_stream.h for what comes out).
// Kept apart from the queue and thread so its rules read in one place.
//
// State it carries across events: the EventReader (recreated for every
// source connection, since each starts with its own ROTATE and
// FORMAT_DESCRIPTION), the TABLE_MAPs of followed tables, the ids of
// tables not followed, and the open transaction.
//
// Not thread-safe: owned by the reader thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "binlog/change_stream.h"
#include "binlog/event_reader.h"
#include "binlog/event_source.h"
#include "binlog/table_map.h"

namespace osc::binlog::internal {

class ChangeDecoder {
 public:
  // Receives each ChangeEvent; a non-OK return (e.g. stop while the queue
  // is full) ends Handle() with that status.
  using Emit = std::function<Status(ChangeEvent&&)>;

  ChangeDecoder(std::vector<TableName> tables, EventReaderOptions reader_options);

  // Decodes one raw event (and, for a TRANSACTION_PAYLOAD, every event in
  // it), emitting what it yields in order.
  Status Handle(const RawEvent& raw, const Emit& emit);

 private:
  struct Transaction {
    bool open = false;
    bool announced = false;  // kBegin emitted
    std::string gtid;
    uint32_t timestamp = 0;
    uint32_t server_id = 0;
    Checkpoint checkpoint;   // of its first event
  };

  Status HandleView(const EventView& view, const RawEvent& raw, const Emit& emit);
  Status OnQuery(const EventView& view, const RawEvent& raw, const Emit& emit);
  Status OnTableMap(const EventView& view);
  Status OnRows(const EventView& view, const RawEvent& raw, const Emit& emit);
  void OnTransactionStart(const EventView& view, const RawEvent& raw, std::string gtid);
  Status OnTransactionEnd(const EventView& view, const RawEvent& raw, uint64_t xid, const Emit& emit);
  // Emits `event`, announcing the open transaction first if needed.
  Status EmitInTransaction(ChangeEvent&& event, const Emit& emit);
  bool Follows(std::string_view schema, std::string_view table) const;
  uint8_t PostHeaderLength(uint8_t type) const;

  std::vector<TableName> tables_;
  EventReaderOptions reader_options_;
  std::optional<EventReader> reader_;
  uint64_t connection_ = 0;
  TableMapCache cache_;
  // Table ids whose latest TABLE_MAP named a table not followed.
  std::unordered_set<uint64_t> ignored_;
  Transaction transaction_;
  std::string file_;  // binlog file of the last event (for kRotate)
};

// The GTID of a GTID event as text (see ChangeEvent::gtid); empty for
// ANONYMOUS_GTID. kCorruption if the body is malformed.
Result<std::string> GtidText(const EventView& view);

// Schema and table name of a TABLE_MAP body, read without parsing the
// columns. Views point into `body`.
struct MappedName {
  std::string_view schema;
  std::string_view table;
};
Result<MappedName> PeekTableMapName(Bytes body, uint8_t post_header_len);

}  // namespace osc::binlog::internal
