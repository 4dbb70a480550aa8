// ServerEventSource's reconnect and resume logic, against a fake server
// that serves in-memory binlog files the way MariaDB does (artificial
// ROTATE, the file's FDE, then events; ROTATE into the next file) and drops
// connections or refuses them on cue.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "binlog/event_header.h"
#include "binlog/server_event_source.h"
#include "common/fake_clock.h"
#include "db/errors.h"
#include "tests/binlog/event_source_test_util.h"

namespace osc::binlog {
namespace {

using osc::testing::ArtificialRotate;
using osc::testing::Buffer;
using osc::testing::TestBinlog;

Status Lost() { return Status::ServerError(db::errc::kClientServerLost, "lost connection (test)"); }

struct FakeServer {
  std::map<std::string, TestBinlog> files;
  // Events each connection delivers before it drops (-1: never drops).
  std::vector<int> drop_after;
  // Errors the next connection attempts fail with, in order.
  std::vector<Status> refuse;
  std::vector<DumpRequest> requests;  // every attempt, in order
  size_t connections = 0;

  PacketStreamFactory Factory();
};

class FakeConnection final : public PacketStream {
 public:
  FakeConnection(const FakeServer& server, const DumpRequest& r, int drop_after)
      : server_(server), drop_after_(drop_after) {
    auto it = server_.files.find(r.position.file);
    if (it == server_.files.end()) {
      purged_ = true;
      return;
    }
    const bool crc = it->second.crc32();
    out_.push_back(ArtificialRotate(r.position.file, r.position.offset, crc));
    Buffer fde = it->second.event(0);
    if (r.position.offset > 4) StoreLE32(fde.data() + kLogPosOffset, 0);  // MariaDB clears it
    out_.push_back(fde);
    Queue(it->second, std::max<size_t>(1, it->second.IndexAt(r.position.offset)));
  }

  Result<Bytes> Fetch() override {
    if (purged_) return Status::ServerError(1236, "Could not find first log file name in binary log index file");
    if (drop_after_ == 0) return Lost();
    if (drop_after_ > 0) --drop_after_;
    if (next_ == out_.size()) {  // idle: block until cancelled, like a quiet server
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return cancelled_; });
      return Lost();
    }
    current_ = out_[next_++];
    if (current_[kTypeOffset] == static_cast<uint8_t>(EventType::kRotate) && next_ == out_.size()) {
      // A ROTATE at the end of a file: the server goes on with the next.
      auto it = server_.files.find(rotate_to_);
      if (it != server_.files.end()) {
        out_.push_back(it->second.event(0));
        Queue(it->second, 1);
      }
    }
    return Bytes(current_);
  }
  void Cancel() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }
  bool negotiated_crc32() const override { return true; }

 private:
  void Queue(const TestBinlog& log, size_t from) {
    for (size_t i = from; i < log.size(); ++i) out_.push_back(log.event(i));
    rotate_to_.clear();
    for (const auto& [name, f] : server_.files) {
      if (name > log.name() && rotate_to_.empty()) rotate_to_ = name;
    }
  }

  const FakeServer& server_;
  int drop_after_;
  bool purged_ = false;
  std::vector<Buffer> out_;
  size_t next_ = 0;
  Buffer current_;
  std::string rotate_to_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
};

PacketStreamFactory FakeServer::Factory() {
  return [this](const DumpRequest& r) -> Result<std::unique_ptr<PacketStream>> {
    requests.push_back(r);
    if (!refuse.empty()) {
      Status s = refuse.front();
      refuse.erase(refuse.begin());
      return s;
    }
    const int drop = connections < drop_after.size() ? drop_after[connections] : -1;
    ++connections;
    return std::unique_ptr<PacketStream>(std::make_unique<FakeConnection>(*this, r, drop));
  };
}

ServerSourceOptions OptionsAt(const std::string& file, uint64_t offset) {
  ServerSourceOptions o;
  o.start.restart = {file, offset};
  o.start.handled = offset;
  return o;
}

struct Delivered {
  uint8_t type;
  Checkpoint checkpoint;
  bool redelivered;
  uint64_t connection;
  uint64_t start;  // log_pos - size, 0 for unpositioned events
};

// Reads `n` events, acknowledging each.
std::vector<Delivered> Read(ServerEventSource& s, size_t n) {
  std::vector<Delivered> out;
  for (size_t i = 0; i < n; ++i) {
    auto ev = s.Next({});
    EXPECT_TRUE(ev.ok()) << ev.status().ToString();
    if (!ev.ok()) break;
    auto h = ParseEventHeader(ev->data);
    const uint64_t start = h->log_pos == 0 ? 0 : h->log_pos - h->event_size;
    out.push_back({h->type, ev->checkpoint, ev->redelivered, ev->connection, start});
    s.Acknowledge(ev->checkpoint);
  }
  return out;
}

uint8_t T(EventType t) { return static_cast<uint8_t>(t); }

TEST(ServerEventSourceTest, ResumesAnInterruptedTransactionAtItsGtidAndDeliversEachRowOnce) {
  FakeServer server;
  TestBinlog& log = server.files.emplace("bin.000001", TestBinlog("bin.000001")).first->second;
  log.Gtid(1).TableMap(7, "app", "t").Rows(7, {1}).Rows(7, {2}).Rows(7, {3}).Xid(1);
  log.Gtid(2).TableMap(7, "app", "t").Rows(7, {4}).Xid(2);
  // ROTATE, FDE, GTID, MAP, rows 1, rows 2, then the connection drops.
  server.drop_after = {6};
  auto source = ServerEventSource::OpenWith(OptionsAt("bin.000001", 4), server.Factory());
  ASSERT_TRUE(source.ok()) << source.status().ToString();

  std::vector<Delivered> got = Read(**source, 6 + 10);
  ASSERT_EQ(server.requests.size(), 2u);
  EXPECT_EQ(server.requests[1].position, (BinlogPosition{"bin.000001", log.start(1)}))
      << "the second dump starts at the open transaction's GTID";
  EXPECT_EQ((*source)->connections(), 2u);

  // Effects, in order, each once: rows 1..4 at their own offsets, 2 XIDs.
  std::vector<uint64_t> effects;
  for (const Delivered& d : got) {
    if (d.redelivered) {
      EXPECT_TRUE(d.type == T(EventType::kMariaGtid) || d.type == T(EventType::kTableMap));
      EXPECT_EQ(d.checkpoint.handled, log.end(4)) << "re-sent context keeps the acknowledged checkpoint";
      continue;
    }
    if (d.type == T(EventType::kWriteRowsV1) || d.type == T(EventType::kXid)) effects.push_back(d.start);
  }
  EXPECT_EQ(effects, (std::vector<uint64_t>{log.start(3), log.start(4), log.start(5), log.start(6), log.start(9),
                                            log.start(10)}));
  // Checkpoints never move backwards for the consumer.
  for (size_t i = 1; i < got.size(); ++i) EXPECT_GE(got[i].checkpoint.handled, got[i - 1].checkpoint.handled) << i;
  EXPECT_TRUE(got.back().checkpoint.at_boundary());
}

TEST(ServerEventSourceTest, WithoutAcknowledgmentsAReconnectDeliversAgainFromTheStart) {
  FakeServer server;
  TestBinlog& log = server.files.emplace("bin.000001", TestBinlog("bin.000001")).first->second;
  log.Gtid(1).TableMap(7, "app", "t").Rows(7, {1}).Xid(1);
  server.drop_after = {5};
  auto source = ServerEventSource::OpenWith(OptionsAt("bin.000001", 4), server.Factory());
  ASSERT_TRUE(source.ok());
  int rows = 0;
  for (int i = 0; i < 5 + 6; ++i) {
    auto ev = (*source)->Next({});
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    rows += ev->data[kTypeOffset] == T(EventType::kWriteRowsV1);
  }
  EXPECT_EQ(rows, 2) << "at-least-once without acknowledgments";
  EXPECT_EQ(server.requests[1].position, (BinlogPosition{"bin.000001", 4}));
}

TEST(ServerEventSourceTest, FollowsARotateAndResumesInTheNewFile) {
  FakeServer server;
  TestBinlog& one = server.files.emplace("bin.000001", TestBinlog("bin.000001")).first->second;
  one.Gtid(1).Xid(1).Rotate("bin.000002");
  TestBinlog& two = server.files.emplace("bin.000002", TestBinlog("bin.000002")).first->second;
  two.Gtid(2).TableMap(7, "app", "t").Rows(7, {5}).Xid(2);
  // ROTATE FDE GTID XID ROTATE | FDE GTID MAP, drop.
  server.drop_after = {8};
  auto source = ServerEventSource::OpenWith(OptionsAt("bin.000001", 4), server.Factory());
  ASSERT_TRUE(source.ok());
  std::vector<Delivered> got = Read(**source, 8 + 6);
  ASSERT_EQ(server.requests.size(), 2u);
  EXPECT_EQ(server.requests[1].position, (BinlogPosition{"bin.000002", two.start(1)}));
  EXPECT_EQ(got.back().type, T(EventType::kXid));
  EXPECT_EQ(got.back().checkpoint.restart, (BinlogPosition{"bin.000002", two.end(4)}));
}

TEST(ServerEventSourceTest, StartingFromACheckpointInsideATransactionSkipsWhatWasHandled) {
  FakeServer server;
  TestBinlog& log = server.files.emplace("bin.000001", TestBinlog("bin.000001")).first->second;
  log.Gtid(1).TableMap(7, "app", "t").Rows(7, {1}).Rows(7, {2}).Xid(1);
  ServerSourceOptions o = OptionsAt("bin.000001", log.start(1));
  o.start.handled = log.end(3);  // handled up to rows {1}
  auto source = ServerEventSource::OpenWith(o, server.Factory());
  ASSERT_TRUE(source.ok());
  std::vector<Delivered> got = Read(**source, 6);  // ROTATE FDE GTID* MAP* rows{2} XID
  ASSERT_EQ(got.size(), 6u);
  EXPECT_TRUE(got[2].redelivered);
  EXPECT_TRUE(got[3].redelivered);
  EXPECT_EQ(got[4].type, T(EventType::kWriteRowsV1));
  EXPECT_EQ(got[4].start, log.start(4));
  EXPECT_FALSE(got[4].redelivered);
}

TEST(ServerEventSourceTest, APurgedPositionFailsAtOnceWithoutRetrying) {
  FakeServer server;
  server.files.emplace("bin.000009", TestBinlog("bin.000009"));
  auto source = ServerEventSource::OpenWith(OptionsAt("bin.000001", 4), server.Factory());
  ASSERT_TRUE(source.ok());
  auto ev = (*source)->Next({});
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.status().server_errno(), 1236u);
  EXPECT_EQ(server.requests.size(), 1u) << "1236 is not retried";
  EXPECT_EQ((*source)->Next({}).status().server_errno(), 1236u) << "sticky";
}

TEST(ServerEventSourceTest, ANonRetryableErrorWhileReconnectingEndsTheSource) {
  FakeServer server;
  TestBinlog& log = server.files.emplace("bin.000001", TestBinlog("bin.000001")).first->second;
  log.Gtid(1).Xid(1);
  server.drop_after = {1};
  auto source = ServerEventSource::OpenWith(OptionsAt("bin.000001", 4), server.Factory());
  ASSERT_TRUE(source.ok());
  ASSERT_TRUE((*source)->Next({}).ok());
  server.refuse = {Status::ServerError(db::errc::kAccessDenied, "Access denied (test)")};
  auto ev = (*source)->Next({});
  EXPECT_EQ(ev.status().server_errno(), db::errc::kAccessDenied);
  EXPECT_EQ(server.requests.size(), 2u);
}

TEST(ServerEventSourceTest, BacksOffExponentiallyAndGivesUpAfterTheReconnectTimeout) {
  FakeServer server;
  TestBinlog& log = server.files.emplace("bin.000001", TestBinlog("bin.000001")).first->second;
  log.Gtid(1).Xid(1);
  server.drop_after = {1};
  FakeClock clock;
  ServerSourceOptions o = OptionsAt("bin.000001", 4);
  o.clock = &clock;
  o.initial_backoff = std::chrono::seconds(1);
  o.max_backoff = std::chrono::seconds(4);
  o.reconnect_timeout = std::chrono::seconds(10);
  auto source = ServerEventSource::OpenWith(o, server.Factory());
  ASSERT_TRUE(source.ok());
  ASSERT_TRUE((*source)->Next({}).ok());
  const Status refused = Status::ServerError(db::errc::kClientConnectionError, "Can't connect (test)");
  server.refuse.assign(100, refused);

  const Clock::SteadyTime t0 = clock.Now();
  auto done = std::async(std::launch::async, [&] { return (*source)->Next({}); });
  while (done.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
    if (clock.sleepers() == 0) continue;
    clock.Advance(std::chrono::milliseconds(500));
    // Let a sleeper whose deadline passed wake up before looking again, so
    // fake time never runs past a deadline.
    for (int i = 0; i < 200 && clock.sleepers() > 0; ++i) std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  Result<RawEvent> ev = done.get();
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.status().server_errno(), db::errc::kClientConnectionError);
  EXPECT_NE(ev.status().message().find("gave up reconnecting after 10 s"), std::string_view::npos)
      << ev.status().ToString();
  // Attempts at 0, 1, 3, 7 s and a last one at the 10 s deadline.
  EXPECT_EQ(server.requests.size(), 1u + 5u);
  EXPECT_EQ(clock.Now() - t0, std::chrono::seconds(10));
}

TEST(ServerEventSourceTest, StopInterruptsABlockedReadAndALaterCallResumes) {
  FakeServer server;
  TestBinlog& log = server.files.emplace("bin.000001", TestBinlog("bin.000001")).first->second;
  log.Gtid(1).Xid(1);
  auto source = ServerEventSource::OpenWith(OptionsAt("bin.000001", 4), server.Factory());
  ASSERT_TRUE(source.ok());
  Read(**source, 4);  // ROTATE FDE GTID XID; the next read blocks (idle)
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop.request_stop();
  });
  auto ev = (*source)->Next(stop.get_token());
  stopper.join();
  EXPECT_TRUE(ev.status().IsAborted()) << ev.status().ToString();
  // Not final: the next call reconnects after the last acknowledged event.
  server.files.at("bin.000001").Gtid(2).Xid(2);
  std::vector<Delivered> more = Read(**source, 4);  // ROTATE FDE GTID XID
  ASSERT_EQ(server.requests.size(), 2u);
  EXPECT_EQ(server.requests[1].position, (BinlogPosition{"bin.000001", log.end(2)}));
  ASSERT_EQ(more.size(), 4u);
  EXPECT_EQ(more[2].start, log.start(3));
}

TEST(ServerEventSourceTest, RejectsInconsistentOptions) {
  FakeServer server;
  ServerSourceOptions o = OptionsAt("", 4);
  EXPECT_TRUE(ServerEventSource::OpenWith(o, server.Factory()).status().IsInvalidArgument());
  o = OptionsAt("bin.000001", 100);
  o.start.handled = 50;
  EXPECT_TRUE(ServerEventSource::OpenWith(o, server.Factory()).status().IsInvalidArgument());
  o = OptionsAt("bin.000001", 4);
  o.heartbeat_period = std::chrono::seconds(6);  // read_timeout 10 s < 2 x 6 s
  EXPECT_TRUE(ServerEventSource::OpenWith(o, server.Factory()).status().IsInvalidArgument());
  EXPECT_TRUE(server.requests.empty());
}

}  // namespace
}  // namespace osc::binlog
