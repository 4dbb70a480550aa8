// Test binlogs for the event source and change stream tests: a MariaDB
// 10.11-shaped file built event by event (on tests/support's independent
// encoder), plus tiny TABLE_MAP / WRITE_ROWS_V1 bodies for a one-INT-column
// table. Header-only: tests/binlog only globs *_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/event_type.h"
#include "binlog/events.h"
#include "tests/support/binlog_encoder.h"

namespace osc::testing {

inline constexpr std::string_view kMariaVersion = "10.11.19-MariaDB-log";

// TABLE_MAP body (post-header 8) for `schema`.`table` (id INT).
inline Buffer IntTableMapBody(uint64_t table_id, std::string_view schema, std::string_view table) {
  Buffer b;
  PutLE(b, table_id, 6);
  PutLE(b, 1, 2);  // flags
  b.push_back(static_cast<uint8_t>(schema.size()));
  PutBytes(b, schema);
  b.push_back(0);
  b.push_back(static_cast<uint8_t>(table.size()));
  PutBytes(b, table);
  b.push_back(0);
  b.push_back(1);     // one column
  b.push_back(3);     // MYSQL_TYPE_LONG
  b.push_back(0);     // no metadata bytes
  b.push_back(0x01);  // nullable
  return b;
}

// WRITE_ROWS_V1 body: one INT per row.
inline Buffer IntWriteRowsBody(uint64_t table_id, const std::vector<int32_t>& values) {
  Buffer b;
  PutLE(b, table_id, 6);
  PutLE(b, 1, 2);     // STMT_END_F
  b.push_back(1);     // column count
  b.push_back(0x01);  // column present
  for (int32_t v : values) {
    b.push_back(0x00);  // not NULL
    PutLE(b, static_cast<uint32_t>(v), 4);
  }
  return b;
}

// A binlog file built event by event; remembers each event's bytes and
// offsets. Starts with the magic and a MariaDB FDE.
class TestBinlog {
 public:
  explicit TestBinlog(std::string name, bool crc32 = true) : name_(std::move(name)), builder_(true) {
    builder_.Fde(kMariaVersion, crc32 ? binlog::ChecksumAlg::kCrc32 : binlog::ChecksumAlg::kOff);
  }

  TestBinlog& Add(binlog::EventType type, const Buffer& body, uint16_t flags = 0) {
    builder_.Event(static_cast<uint8_t>(type), body, flags);
    return *this;
  }
  TestBinlog& Gtid(uint64_t seq, bool standalone = false) {
    binlog::MariaGtidEvent g;
    g.seq_no = seq;
    g.flags2 = standalone ? binlog::kMariaGtidStandalone : binlog::kMariaGtidTransactional;
    return Add(binlog::EventType::kMariaGtid, MariaGtidBody(g));
  }
  TestBinlog& Query(std::string_view text, std::string_view db = "app") {
    binlog::QueryEvent q;
    q.db = db;
    q.query = text;
    return Add(binlog::EventType::kQuery, QueryBody(q));
  }
  TestBinlog& TableMap(uint64_t id, std::string_view schema, std::string_view table) {
    return Add(binlog::EventType::kTableMap, IntTableMapBody(id, schema, table));
  }
  TestBinlog& Rows(uint64_t id, const std::vector<int32_t>& values) {
    return Add(binlog::EventType::kWriteRowsV1, IntWriteRowsBody(id, values));
  }
  TestBinlog& Xid(uint64_t xid) { return Add(binlog::EventType::kXid, XidBody(xid)); }
  TestBinlog& Rotate(std::string_view next) { return Add(binlog::EventType::kRotate, RotateBody(4, next)); }

  const std::string& name() const { return name_; }
  bool crc32() const { return builder_.crc32(); }
  size_t size() const { return builder_.offsets().size(); }
  uint64_t start(size_t i) const { return builder_.offsets()[i]; }
  uint64_t end(size_t i) const { return i + 1 < size() ? start(i + 1) : builder_.bytes().size(); }
  Buffer event(size_t i) const {
    const Buffer& b = builder_.bytes();
    return Buffer(b.begin() + static_cast<std::ptrdiff_t>(start(i)), b.begin() + static_cast<std::ptrdiff_t>(end(i)));
  }
  // Index of the event starting at `offset`, or size() if none.
  size_t IndexAt(uint64_t offset) const {
    for (size_t i = 0; i < size(); ++i) {
      if (start(i) >= offset) return i;
    }
    return size();
  }

 private:
  std::string name_;
  BinlogBuilder builder_;
};

// The artificial ROTATE a server starts a dump with.
inline Buffer ArtificialRotate(std::string_view file, uint64_t position, bool crc32) {
  return EncodeEvent(static_cast<uint8_t>(binlog::EventType::kRotate), RotateBody(position, file), crc32, 0,
                     binlog::kFlagArtificial);
}

// A MariaDB heartbeat: the file name as body, the position as log_pos.
inline Buffer Heartbeat(std::string_view file, uint32_t position, bool crc32) {
  Buffer body;
  PutBytes(body, file);
  return EncodeEvent(static_cast<uint8_t>(binlog::EventType::kHeartbeat), body, crc32, position,
                     binlog::kFlagArtificial);
}

}  // namespace osc::testing
