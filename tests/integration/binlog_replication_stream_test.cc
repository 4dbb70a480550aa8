// db::ReplicationStream against the sandbox primary: what a dump delivers,
// heartbeats on an idle stream, cancelling a blocked read, and the errors
// the server gives (duplicate replica id).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "binlog/checksum.h"
#include "binlog/event_header.h"
#include "binlog/event_type.h"
#include "binlog/events.h"
#include "db/connection.h"
#include "db/errors.h"
#include "db/replication_stream.h"
#include "tests/integration/binlog_live_util.h"

namespace osc {
namespace {

using binlog::EventType;
using testing::CurrentBinlogPosition;
using testing::UniqueServerId;

db::ReplicationOptions DumpOptions(const db::ConnectionOptions& conn, const binlog::BinlogPosition& at) {
  db::ReplicationOptions o;
  o.connection = conn;
  o.connection.read_timeout = std::chrono::seconds(5);
  o.server_id = UniqueServerId();
  o.start.file = at.file;
  o.start.position = at.offset;
  o.heartbeat_period = std::chrono::milliseconds(300);
  return o;
}

uint8_t TypeOf(Bytes event) { return event[binlog::kTypeOffset]; }

TEST(BinlogReplicationStreamTest, DeliversTheEventsOfACommitWithTheirChecksums) {
  OSC_REQUIRE_SANDBOX(conn_options);
  auto conn = db::Connection::Open(conn_options);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE(conn->Execute("CREATE DATABASE IF NOT EXISTS osc_binlog_test").ok());
  ASSERT_TRUE(conn->Execute("CREATE OR REPLACE TABLE osc_binlog_test.rs_basic (id INT PRIMARY KEY)").ok());
  auto start = CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  ASSERT_TRUE(conn->Execute("INSERT INTO osc_binlog_test.rs_basic VALUES (1)").ok());

  auto stream = db::ReplicationStream::Open(DumpOptions(conn_options, *start));
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  EXPECT_TRUE(stream->negotiated_crc32());  // the sandbox runs binlog_checksum=CRC32

  // The dump starts with an artificial ROTATE naming the file and position.
  auto first = stream->Fetch();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto h = binlog::ParseEventHeader(*first);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->type, static_cast<uint8_t>(EventType::kRotate));
  EXPECT_EQ(h->log_pos, 0u);
  EXPECT_EQ(h->event_size, first->size());
  auto rotate = binlog::ParseRotate(first->subspan(19, first->size() - 19 - 4), 8);
  ASSERT_TRUE(rotate.ok());
  EXPECT_EQ(rotate->next_file, start->file);
  EXPECT_EQ(rotate->position, start->offset);
  EXPECT_TRUE(binlog::VerifyEventChecksum(*first, 0).ok());

  // Then the file's FDE, then the transaction: GTID ... XID, each event
  // sized as it says, CRC32-trailed, and positioned in order after start.
  // Not end to end: the server skips what this client did not ask for
  // (the ANNOTATE_ROWS before the TABLE_MAP), leaving gaps.
  bool saw_fde = false, saw_gtid = false, saw_rows = false;
  uint64_t expected_start = start->offset;
  for (int i = 0; i < 20; ++i) {
    auto ev = stream->Fetch();
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    auto header = binlog::ParseEventHeader(*ev);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header->event_size, ev->size());
    EXPECT_TRUE(binlog::VerifyEventChecksum(*ev, 0).ok()) << binlog::EventTypeName(header->type);
    const uint8_t type = TypeOf(*ev);
    if (type == static_cast<uint8_t>(EventType::kFormatDescription)) {
      saw_fde = true;
      EXPECT_EQ(header->log_pos, 0u) << "an FDE re-sent mid-file must not carry a position";
      continue;
    }
    if (header->log_pos == 0) continue;  // artificial (GTID_LIST, ...)
    EXPECT_GE(header->log_pos - header->event_size, expected_start) << binlog::EventTypeName(type);
    expected_start = header->log_pos;
    saw_gtid |= type == static_cast<uint8_t>(EventType::kMariaGtid);
    saw_rows |= type == static_cast<uint8_t>(EventType::kWriteRowsV1);
    if (type == static_cast<uint8_t>(EventType::kXid)) break;
  }
  EXPECT_TRUE(saw_fde);
  EXPECT_TRUE(saw_gtid) << "@mariadb_slave_capability=4 should give GTID events, not BEGIN";
  EXPECT_TRUE(saw_rows);
}

TEST(BinlogReplicationStreamTest, IdleStreamStaysAliveOnHeartbeatsPastTheReadTimeout) {
  OSC_REQUIRE_SANDBOX(conn_options);
  auto conn = db::Connection::Open(conn_options);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto start = CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok());
  db::ReplicationOptions options = DumpOptions(conn_options, *start);
  options.connection.read_timeout = std::chrono::seconds(1);
  options.heartbeat_period = std::chrono::milliseconds(200);
  auto stream = db::ReplicationStream::Open(options);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  int heartbeats = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2500);
  while (std::chrono::steady_clock::now() < until) {
    auto ev = stream->Fetch();
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    if (TypeOf(*ev) != static_cast<uint8_t>(EventType::kHeartbeat)) continue;
    ++heartbeats;
    // A heartbeat names the server's current file and position: where an
    // idle reader is.
    auto header = binlog::ParseEventHeader(*ev);
    ASSERT_TRUE(header.ok());
    auto hb = binlog::ParseHeartbeatV1(ev->subspan(19, ev->size() - 23), header->log_pos);
    ASSERT_TRUE(hb.ok());
    EXPECT_EQ(hb->log_file, start->file);
    EXPECT_EQ(hb->position.value_or(0), start->offset);
  }
  EXPECT_GE(heartbeats, 5) << "2.5 s at a 200 ms period";
}

TEST(BinlogReplicationStreamTest, CancelEndsABlockedFetchAtOnce) {
  OSC_REQUIRE_SANDBOX(conn_options);
  auto conn = db::Connection::Open(conn_options);
  ASSERT_TRUE(conn.ok());
  auto start = CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok());
  db::ReplicationOptions options = DumpOptions(conn_options, *start);
  options.connection.read_timeout = std::chrono::seconds(60);
  options.heartbeat_period = std::chrono::seconds(30);
  auto stream = db::ReplicationStream::Open(options);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  // Drain what the dump starts with (ROTATE, FDE), until the read blocks.
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(stream->Fetch().ok());
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stream->Cancel();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto ev = stream->Fetch();
  const auto waited = std::chrono::steady_clock::now() - t0;
  canceller.join();
  ASSERT_FALSE(ev.ok());
  EXPECT_TRUE(db::IsStreamRetryable(ev.status())) << ev.status().ToString();
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_FALSE(stream->Fetch().ok()) << "a cancelled stream stays finished";
}

TEST(BinlogReplicationStreamTest, ASecondClientWithTheSameServerIdEndsTheFirst) {
  OSC_REQUIRE_SANDBOX(conn_options);
  auto conn = db::Connection::Open(conn_options);
  ASSERT_TRUE(conn.ok());
  auto start = CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok());
  db::ReplicationOptions options = DumpOptions(conn_options, *start);
  auto first = db::ReplicationStream::Open(options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(first->Fetch().ok());
  auto second = db::ReplicationStream::Open(options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(second->Fetch().ok());
  // The first one's next read (after at most a heartbeat) fails.
  Status failed;
  for (int i = 0; i < 50 && failed.ok(); ++i) {
    auto ev = first->Fetch();
    if (!ev.ok()) failed = ev.status();
  }
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.IsServerError()) << failed.ToString();
}

TEST(BinlogReplicationStreamTest, RejectsItsOwnServerIdAndBadOptions) {
  OSC_REQUIRE_SANDBOX(conn_options);
  auto conn = db::Connection::Open(conn_options);
  ASSERT_TRUE(conn.ok());
  auto id = conn->QueryScalar("SELECT @@server_id");
  ASSERT_TRUE(id.ok() && id->has_value());
  auto start = CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok());
  db::ReplicationOptions options = DumpOptions(conn_options, *start);
  options.server_id = static_cast<uint32_t>(std::stoul(**id));
  EXPECT_TRUE(db::ReplicationStream::Open(options).status().IsInvalidArgument());
  options.server_id = UniqueServerId();
  options.start.gtid = "0-1-1'; DROP TABLE x; --";
  EXPECT_TRUE(db::ReplicationStream::Open(options).status().IsInvalidArgument());
  options.start.gtid.clear();
  options.heartbeat_period = std::chrono::seconds(10);  // not below the read timeout
  EXPECT_TRUE(db::ReplicationStream::Open(options).status().IsInvalidArgument());
}

}  // namespace
}  // namespace osc
