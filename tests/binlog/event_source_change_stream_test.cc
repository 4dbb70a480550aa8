// ChangeStream over a FakeEventSource: what is delivered (followed tables
// only, transactions announced only around delivered events, queries,
// heartbeats, rotates), the bounded queue, stopping, and sticky errors.
#include <gtest/gtest.h>

#include <thread>

#include "binlog/change_decoder_internal.h"
#include "binlog/change_stream.h"
#include "binlog/fake_event_source.h"
#include "tests/binlog/event_source_test_util.h"

namespace osc::binlog {
namespace {

using osc::testing::ArtificialRotate;
using osc::testing::Buffer;
using osc::testing::Heartbeat;
using osc::testing::TestBinlog;

constexpr std::chrono::seconds kWait{10};

struct Fixture {
  FakeEventSource* source = nullptr;  // owned by the stream
  std::unique_ptr<ChangeStream> stream;
};

Fixture StartOn(const TestBinlog& log, std::vector<TableName> tables, size_t capacity = 64) {
  auto source = std::make_unique<FakeEventSource>(BinlogPosition{log.name(), 4}, ChecksumAlg::kCrc32);
  Fixture f;
  f.source = source.get();
  source->Push(ArtificialRotate(log.name(), 4, true));
  for (size_t i = 0; i < log.size(); ++i) source->Push(log.event(i));
  ChangeStreamOptions options;
  options.tables = std::move(tables);
  options.queue_capacity = capacity;
  auto stream = ChangeStream::Start(std::move(source), std::move(options));
  EXPECT_TRUE(stream.ok()) << stream.status().ToString();
  if (stream.ok()) f.stream = std::move(*stream);
  return f;
}

// Takes events until `n` arrived (fails the test on error or timeout).
std::vector<ChangeEvent> Take(ChangeStream& stream, size_t n) {
  std::vector<ChangeEvent> out;
  while (out.size() < n) {
    auto e = stream.NextFor(kWait);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    if (!e.ok() || !e->has_value()) {
      ADD_FAILURE() << "only " << out.size() << " of " << n << " events";
      break;
    }
    out.push_back(std::move(**e));
  }
  return out;
}

std::vector<int32_t> RowValues(const ChangeEvent& e) {
  std::vector<int32_t> out;
  auto decoder = e.rows->Decoder();
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  if (!decoder.ok()) return out;
  Row row;
  while (true) {
    auto more = decoder->Next(&row);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.push_back(static_cast<int32_t>(row.after[0].AsInt64()));
  }
  return out;
}

std::vector<ChangeKind> Kinds(const std::vector<ChangeEvent>& events) {
  std::vector<ChangeKind> out;
  for (const ChangeEvent& e : events) out.push_back(e.kind);
  return out;
}

TEST(ChangeStreamTest, DeliversRowsOfFollowedTablesInsideAnnouncedTransactions) {
  TestBinlog log("bin.000001");
  log.Gtid(5).TableMap(7, "app", "t").Rows(7, {1, 2}).TableMap(8, "app", "other").Rows(8, {9}).Xid(42);
  Fixture f = StartOn(log, {{"app", "t"}});
  std::vector<ChangeEvent> got = Take(*f.stream, 4);
  EXPECT_EQ(Kinds(got), (std::vector<ChangeKind>{ChangeKind::kRotate, ChangeKind::kBegin, ChangeKind::kRows,
                                                 ChangeKind::kCommit}));
  EXPECT_EQ(got[0].checkpoint.restart.file, "bin.000001");
  EXPECT_EQ(got[1].gtid, "0-7-5");  // domain-server-seq; the test encoder's server id is 7
  EXPECT_EQ(got[1].checkpoint.restart.offset, log.start(1));
  EXPECT_FALSE(got[1].checkpoint.at_boundary());
  EXPECT_EQ(got[2].rows->table().table(), "t");
  EXPECT_EQ(got[2].rows->kind(), RowsKind::kWrite);
  EXPECT_EQ(RowValues(got[2]), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(got[3].xid, 42u);
  EXPECT_TRUE(got[3].checkpoint.at_boundary());
  EXPECT_EQ(got[3].checkpoint.handled, log.end(6));
}

TEST(ChangeStreamTest, SkipsOtherTablesWithoutDecodingTheirRows) {
  TestBinlog log("bin.000001");
  Buffer garbage = osc::testing::IntWriteRowsBody(8, {1});
  garbage.resize(garbage.size() - 3);  // would fail to decode
  log.Gtid(1).TableMap(8, "app", "other").Add(EventType::kWriteRowsV1, garbage).Xid(1);
  log.Gtid(2).TableMap(7, "app", "t").Rows(7, {3}).Xid(2);
  Fixture f = StartOn(log, {{"app", "t"}});
  std::vector<ChangeEvent> got = Take(*f.stream, 4);
  EXPECT_EQ(Kinds(got), (std::vector<ChangeKind>{ChangeKind::kRotate, ChangeKind::kBegin, ChangeKind::kRows,
                                                 ChangeKind::kCommit}))
      << "the other table's transaction is not announced at all";
  EXPECT_EQ(got[1].gtid, "0-7-2");
  EXPECT_EQ(RowValues(got[2]), (std::vector<int32_t>{3}));
  EXPECT_TRUE(f.stream->status().ok());
}

TEST(ChangeStreamTest, FollowsTheLatestTableMapWhenATableIdIsReused) {
  TestBinlog log("bin.000001");
  log.Gtid(1).TableMap(7, "app", "t").Rows(7, {1}).Xid(1);
  log.Gtid(2).TableMap(7, "app", "other").Rows(7, {2}).Xid(2);  // id 7 reassigned
  log.Gtid(3).TableMap(9, "app", "t").Rows(9, {3}).Xid(3);      // t under a new id
  Fixture f = StartOn(log, {{"app", "t"}});
  std::vector<ChangeEvent> got = Take(*f.stream, 7);
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(RowValues(got[2]), (std::vector<int32_t>{1}));
  EXPECT_EQ(got[4].kind, ChangeKind::kBegin);
  EXPECT_EQ(got[4].gtid, "0-7-3");
  EXPECT_EQ(RowValues(got[5]), (std::vector<int32_t>{3}));
}

TEST(ChangeStreamTest, ExposesStatementsAndClosesGroupsThatHaveNoCommitEvent) {
  TestBinlog log("bin.000001");
  log.Gtid(1, /*standalone=*/true).Query("ALTER TABLE t ADD COLUMN c INT", "app");
  log.Gtid(2).Query("INSERT INTO t VALUES (1)").Xid(2);
  Fixture f = StartOn(log, {});
  std::vector<ChangeEvent> got = Take(*f.stream, 7);
  EXPECT_EQ(Kinds(got), (std::vector<ChangeKind>{ChangeKind::kRotate, ChangeKind::kBegin, ChangeKind::kQuery,
                                                 ChangeKind::kCommit, ChangeKind::kBegin, ChangeKind::kQuery,
                                                 ChangeKind::kCommit}));
  EXPECT_EQ(got[2].query, "ALTER TABLE t ADD COLUMN c INT");
  EXPECT_EQ(got[2].database, "app");
  EXPECT_TRUE(got[2].checkpoint.at_boundary());
  EXPECT_EQ(got[3].xid, 0u);
  EXPECT_EQ(got[6].xid, 2u);
}

TEST(ChangeStreamTest, ReportsHeartbeatsAndFileChanges) {
  TestBinlog log("bin.000001");
  log.Gtid(1).Xid(1).Rotate("bin.000002");
  Fixture f = StartOn(log, {});
  TestBinlog next("bin.000002");
  f.source->Push(next.event(0));
  f.source->Push(Heartbeat("bin.000002", static_cast<uint32_t>(next.end(0)), true));
  std::vector<ChangeEvent> got = Take(*f.stream, 3);
  EXPECT_EQ(Kinds(got), (std::vector<ChangeKind>{ChangeKind::kRotate, ChangeKind::kRotate, ChangeKind::kHeartbeat}));
  EXPECT_EQ(got[1].checkpoint.restart, (BinlogPosition{"bin.000002", 4}));
  EXPECT_EQ(got[2].checkpoint.restart, (BinlogPosition{"bin.000002", next.end(0)}));
}

TEST(ChangeStreamTest, AcknowledgesEachEventToTheSourceOnceQueued) {
  TestBinlog log("bin.000001");
  log.Gtid(1).TableMap(7, "app", "t").Rows(7, {1}).Xid(1);
  Fixture f = StartOn(log, {{"app", "t"}});
  Take(*f.stream, 4);
  for (int i = 0; i < 1000 && f.source->delivered() < log.size() + 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::optional<Checkpoint> acked;
  for (int i = 0; i < 1000; ++i) {
    acked = f.source->acknowledged();
    if (acked && acked->handled == log.end(4)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(acked.has_value());
  EXPECT_EQ(acked->handled, log.end(4));
  EXPECT_TRUE(acked->at_boundary());
}

TEST(ChangeStreamTest, AFullQueueHoldsTheReaderBack) {
  TestBinlog log("bin.000001");
  for (int i = 0; i < 40; ++i) log.Gtid(static_cast<uint64_t>(i + 1)).Query("INSERT INTO t VALUES (1)").Xid(1);
  Fixture f = StartOn(log, {}, /*capacity=*/4);
  // Give the reader time to run ahead as far as it can.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const uint64_t delivered = f.source->delivered();
  EXPECT_LE(f.stream->backlog(), 4u);
  // 4 queued events plus the one being pushed: at most a few raw events in.
  EXPECT_LE(delivered, 8u);
  std::vector<ChangeEvent> got = Take(*f.stream, 1 + 40 * 3);
  ASSERT_EQ(got.size(), 121u);
  for (size_t i = 1; i < got.size(); ++i) EXPECT_GE(got[i].checkpoint.handled, got[i - 1].checkpoint.handled);
}

TEST(ChangeStreamTest, ARowsEventWithoutItsTableMapIsAStickyErrorAfterTheEventsBeforeIt) {
  TestBinlog log("bin.000001");
  // Id 7 stays mapped across transactions; id 99 never was.
  log.Gtid(1).TableMap(7, "app", "t").Rows(7, {1}).Xid(1).Gtid(2).Rows(7, {2});
  Buffer orphan = osc::testing::EncodeEvent(static_cast<uint8_t>(EventType::kWriteRowsV1),
                                            osc::testing::IntWriteRowsBody(99, {5}), true,
                                            static_cast<uint32_t>(log.end(log.size() - 1) + 40));
  Fixture f = StartOn(log, {{"app", "t"}});
  f.source->Push(orphan);
  std::vector<ChangeEvent> got = Take(*f.stream, 6);  // ROTATE BEGIN ROWS COMMIT BEGIN ROWS, then the orphan
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(RowValues(got[5]), (std::vector<int32_t>{2}));
  auto e = f.stream->Next();
  ASSERT_FALSE(e.ok());
  EXPECT_TRUE(e.status().IsCorruption()) << e.status().ToString();
  EXPECT_NE(e.status().message().find("table id 99"), std::string_view::npos);
  EXPECT_TRUE(f.stream->Next().status().IsCorruption()) << "sticky";
  EXPECT_TRUE(f.stream->status().IsCorruption());
}

TEST(ChangeStreamTest, ASourceErrorReachesTheConsumerAfterQueuedEvents) {
  TestBinlog log("bin.000001");
  log.Gtid(1).Query("CREATE TABLE x (a INT)");
  Fixture f = StartOn(log, {});
  f.source->PushError(Status::ServerError(1236, "purged (test)"));
  std::vector<ChangeEvent> got = Take(*f.stream, 3);
  EXPECT_EQ(got.size(), 3u);
  // The standalone-looking statement stays open (no standalone flag); the
  // error follows the events queued before it.
  auto e = f.stream->Next();
  EXPECT_EQ(e.status().server_errno(), 1236u);
}

TEST(ChangeStreamTest, StopEndsAWaitingConsumerAndTheDestructorJoinsABlockedReader) {
  TestBinlog log("bin.000001");
  Fixture f = StartOn(log, {});
  Take(*f.stream, 1);  // ROTATE; the fake source now blocks like an idle server
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop.request_stop();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto e = f.stream->Next(stop.get_token());
  stopper.join();
  EXPECT_TRUE(e.status().IsAborted()) << e.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  f.stream->Stop();
  EXPECT_TRUE(f.stream->Next().status().IsAborted()) << "after Stop(), once drained";
  EXPECT_TRUE(f.stream->status().ok()) << "a requested stop is not an error";
  f.stream.reset();  // joins; must not hang
}

TEST(ChangeStreamTest, RejectsBadOptions) {
  ChangeStreamOptions o;
  o.queue_capacity = 0;
  EXPECT_TRUE(ChangeStream::Start(std::make_unique<FakeEventSource>(), o).status().IsInvalidArgument());
  o = ChangeStreamOptions{};
  o.tables = {{"", "t"}};
  EXPECT_TRUE(ChangeStream::Start(std::make_unique<FakeEventSource>(), o).status().IsInvalidArgument());
  EXPECT_TRUE(ChangeStream::Start(nullptr, ChangeStreamOptions{}).status().IsInvalidArgument());
}

TEST(ChangeDecoderTest, PeeksTableMapNamesAndRejectsTruncatedOnes) {
  const Buffer body = osc::testing::IntTableMapBody(3, "schema_a", "table_b");
  auto name = internal::PeekTableMapName(body, 8);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->schema, "schema_a");
  EXPECT_EQ(name->table, "table_b");
  for (size_t n = 8; n < 8 + 1 + 8 + 1 + 1 + 7 + 1; ++n) {
    EXPECT_TRUE(internal::PeekTableMapName(Bytes(body.data(), n), 8).status().IsCorruption()) << n;
  }
}

}  // namespace
}  // namespace osc::binlog
