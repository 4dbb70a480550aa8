// PositionTracker: positions and transaction boundaries through raw events,
// i.e. the checkpoints every event source hands out.
#include <gtest/gtest.h>

#include "binlog/position_tracker.h"
#include "tests/binlog/event_source_test_util.h"

namespace osc::binlog {
namespace {

using osc::testing::ArtificialRotate;
using osc::testing::Buffer;
using osc::testing::Heartbeat;
using osc::testing::TestBinlog;

// Feeds events [0, n) of `log` as a dump from offset 4 would: an artificial
// ROTATE first, then the file.
PositionTracker TrackFromStart(const TestBinlog& log) {
  PositionTracker t({"", 0}, log.crc32() ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff);
  EXPECT_TRUE(t.Observe(ArtificialRotate(log.name(), 4, log.crc32())).ok());
  return t;
}

TEST(PositionTrackerTest, CheckpointsPointBackToTheGtidInsideATransactionAndForwardAfterIt) {
  TestBinlog log("bin.000001");
  log.Gtid(10).TableMap(5, "app", "t").Rows(5, {1}).Xid(77).Gtid(11);
  PositionTracker t = TrackFromStart(log);
  EXPECT_EQ(t.checkpoint().restart, (BinlogPosition{"bin.000001", 4}));

  ASSERT_TRUE(t.Observe(log.event(0)).ok());  // FDE
  EXPECT_TRUE(t.checkpoint().at_boundary());
  EXPECT_EQ(t.next().offset, log.end(0));

  for (size_t i = 1; i <= 3; ++i) {  // GTID, TABLE_MAP, rows
    auto o = t.Observe(log.event(i));
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_TRUE(o->positioned);
    EXPECT_EQ(o->start, log.start(i));
    EXPECT_EQ(o->end, log.end(i));
    EXPECT_TRUE(t.in_transaction());
    EXPECT_EQ(t.checkpoint().restart.offset, log.start(1)) << "resume at the GTID";
    EXPECT_EQ(t.checkpoint().handled, log.end(i));
  }
  ASSERT_TRUE(t.Observe(log.event(4)).ok());  // XID
  EXPECT_FALSE(t.in_transaction());
  EXPECT_EQ(t.checkpoint().restart.offset, log.end(4));
  EXPECT_TRUE(t.checkpoint().at_boundary());
  EXPECT_EQ(t.checkpoint().ToString(), "bin.000001:" + std::to_string(log.end(4)));
}

TEST(PositionTrackerTest, ContextEventsAreMarkedAndEffectsAreNot) {
  TestBinlog log("bin.000001");
  log.Gtid(1).TableMap(5, "app", "t").Rows(5, {1}).Xid(1);
  PositionTracker t = TrackFromStart(log);
  const bool expected[] = {true, true, true, false, false};  // FDE GTID MAP rows XID
  for (size_t i = 0; i < log.size(); ++i) {
    auto o = t.Observe(log.event(i));
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->context, expected[i]) << i;
  }
}

TEST(PositionTrackerTest, AStandaloneGroupEndsWithItsStatement) {
  TestBinlog log("bin.000001");
  log.Gtid(3, /*standalone=*/true).Query("ALTER TABLE t ADD COLUMN c INT");
  PositionTracker t = TrackFromStart(log);
  ASSERT_TRUE(t.Observe(log.event(0)).ok());
  ASSERT_TRUE(t.Observe(log.event(1)).ok());
  EXPECT_TRUE(t.in_transaction());
  ASSERT_TRUE(t.Observe(log.event(2)).ok());
  EXPECT_FALSE(t.in_transaction());
  EXPECT_TRUE(t.checkpoint().at_boundary());
}

TEST(PositionTrackerTest, BeginAndCommitQueriesDelimitGroupsWithoutGtids) {
  TestBinlog log("bin.000001");
  log.Query("BEGIN").TableMap(5, "app", "t").Rows(5, {1}).Query("COMMIT");
  PositionTracker t = TrackFromStart(log);
  for (size_t i = 0; i < 3; ++i) ASSERT_TRUE(t.Observe(log.event(i)).ok());
  EXPECT_TRUE(t.in_transaction());
  EXPECT_EQ(t.checkpoint().restart.offset, log.start(1)) << "resume at BEGIN";
  ASSERT_TRUE(t.Observe(log.event(3)).ok());
  ASSERT_TRUE(t.Observe(log.event(4)).ok());
  EXPECT_FALSE(t.in_transaction());
}

TEST(PositionTrackerTest, StatementsInsideABegunTransactionDoNotEndIt) {
  TestBinlog log("bin.000001");
  log.Gtid(1).Query("INSERT INTO t VALUES (1)").Query("SAVEPOINT a").Xid(9);
  PositionTracker t = TrackFromStart(log);
  for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(t.Observe(log.event(i)).ok());
  EXPECT_TRUE(t.in_transaction()) << "a non-standalone MariaDB group ends at its XID";
  ASSERT_TRUE(t.Observe(log.event(4)).ok());
  EXPECT_FALSE(t.in_transaction());
}

TEST(PositionTrackerTest, RotateMovesToTheNextFile) {
  TestBinlog log("bin.000001");
  log.Gtid(1).Xid(1).Rotate("bin.000002");
  PositionTracker t = TrackFromStart(log);
  for (size_t i = 0; i < log.size(); ++i) ASSERT_TRUE(t.Observe(log.event(i)).ok());
  EXPECT_EQ(t.next(), (BinlogPosition{"bin.000002", 4}));
  EXPECT_TRUE(t.checkpoint().at_boundary());
}

TEST(PositionTrackerTest, ArtificialAndRepeatedFormatDescriptionsDoNotMoveThePosition) {
  TestBinlog log("bin.000001");
  log.Gtid(1).Xid(1);
  // A dump started after the XID: ROTATE to there, then the file's FDE
  // (whose own log_pos lies before the start position).
  PositionTracker t({"", 0}, ChecksumAlg::kCrc32);
  ASSERT_TRUE(t.Observe(ArtificialRotate(log.name(), log.end(2), true)).ok());
  auto fde = t.Observe(log.event(0));
  ASSERT_TRUE(fde.ok());
  EXPECT_FALSE(fde->positioned);
  EXPECT_EQ(t.next(), (BinlogPosition{"bin.000001", log.end(2)}));
}

TEST(PositionTrackerTest, HeartbeatsBetweenTransactionsCarryTheServersPosition) {
  PositionTracker t({"", 0}, ChecksumAlg::kCrc32);
  ASSERT_TRUE(t.Observe(ArtificialRotate("bin.000003", 400, true)).ok());
  auto o = t.Observe(Heartbeat("bin.000003", 1200, true));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->heartbeat);
  EXPECT_FALSE(o->positioned);
  EXPECT_EQ(t.next(), (BinlogPosition{"bin.000003", 1200}));
}

TEST(PositionTrackerTest, AMalformedEventIsCorruptionAndChangesNothing) {
  TestBinlog log("bin.000001");
  log.Gtid(1).Query("BEGIN");
  PositionTracker t = TrackFromStart(log);
  ASSERT_TRUE(t.Observe(log.event(0)).ok());
  const Checkpoint before = t.checkpoint();
  Buffer truncated = log.event(1);
  truncated.resize(truncated.size() - 1);
  EXPECT_TRUE(t.Observe(truncated).status().IsCorruption()) << "size no longer matches the header";
  Buffer bad_query = log.event(2);
  bad_query[19 + 8] = 200;  // db_len beyond the body
  // (the CRC is not checked here; the body no longer parses)
  EXPECT_TRUE(t.Observe(bad_query).status().IsCorruption());
  EXPECT_EQ(t.checkpoint(), before);
  EXPECT_FALSE(t.in_transaction());
}

}  // namespace
}  // namespace osc::binlog
