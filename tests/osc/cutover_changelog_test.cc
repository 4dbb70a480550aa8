// The changelog table's statements and the heartbeat loop, against the
// fake executor (statements recorded) and a FakeClock (time by hand).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "common/fake_clock.h"
#include "db/errors.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/fake_executor.h"
#include "osc/cutover/heartbeat.h"

namespace osc::cutover {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// 1700000000 s after the epoch is 2023-11-14 22:13:20 UTC.
const Clock::WallTime kWall = Clock::WallTime(std::chrono::duration_cast<Clock::WallTime::duration>(
    seconds(1700000000) + microseconds(123456)));

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(CutoverChangelogTest, FormatsUtcWithMicroseconds) {
  EXPECT_EQ(FormatUtcMicros(kWall), "2023-11-14 22:13:20.123456");
  EXPECT_EQ(FormatUtcMicros(Clock::WallTime()), "1970-01-01 00:00:00.000000");
}

TEST(CutoverChangelogTest, NamesTheTableAfterTheMigratedOneAndRefusesBadNames) {
  auto log = Changelog::For("shop", "orders");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->table_name(), "_orders_osc_log");
  EXPECT_EQ(log->qualified_name(), "`shop`.`_orders_osc_log`");
  EXPECT_TRUE(Changelog::For("shop", std::string(60, 'x')).status().IsInvalidArgument());
  EXPECT_TRUE(Changelog::For("", "orders").status().IsInvalidArgument());
}

TEST(CutoverChangelogTest, CreateDropAndRowWritesUseTheDocumentedLayout) {
  FakeExecutor fake;
  auto session = fake.OpenSession("test");
  ASSERT_TRUE(session.ok());
  auto log = Changelog::For("shop", "orders");
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->CreateTable(**session).ok());
  EXPECT_TRUE(fake.HasTable("_orders_osc_log"));
  // A second create reports the leftover instead of reusing it silently.
  EXPECT_EQ(log->CreateTable(**session).code(), Status::Code::kFailedPrecondition);

  ASSERT_TRUE(log->WriteHeartbeat(**session, kWall).ok());
  ASSERT_TRUE(log->WriteState(**session, "copying").ok());
  ASSERT_TRUE(log->WriteCheckpoint(**session, "{\"low\":42}").ok());
  const auto sql = fake.Statements("test");
  ASSERT_EQ(sql.size(), 5u);
  EXPECT_TRUE(Has(sql[0], "id BIGINT UNSIGNED NOT NULL PRIMARY KEY, kind VARCHAR(32)")) << sql[0];
  EXPECT_TRUE(Has(sql[0], "updated_at TIMESTAMP(6)")) << sql[0];
  EXPECT_EQ(sql[2],
            "REPLACE INTO `shop`.`_orders_osc_log` (id, kind, value, updated_at) VALUES "
            "(1, _utf8mb4'heartbeat', _utf8mb4'2023-11-14 22:13:20.123456', NOW(6))");
  EXPECT_TRUE(Has(sql[3], "VALUES (2, _utf8mb4'state', _utf8mb4'copying'")) << sql[3];
  EXPECT_TRUE(Has(sql[4], "VALUES (3, _utf8mb4'checkpoint', _utf8mb4'{\"low\":42}'")) << sql[4];

  ASSERT_TRUE(log->DropTable(**session).ok());
  EXPECT_FALSE(fake.HasTable("_orders_osc_log"));
}

TEST(CutoverChangelogTest, MarkersAreUniqueAndCarryTheirName) {
  FakeExecutor fake;
  auto session = fake.OpenSession("test");
  ASSERT_TRUE(session.ok());
  auto a = Changelog::For("shop", "orders");
  auto b = Changelog::For("shop", "orders");
  ASSERT_TRUE(a.ok() && b.ok());
  std::set<std::string> seen;
  for (Changelog* log : {&*a, &*a, &*b}) {
    auto m = log->WriteMarker(**session, "cutover");
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->rfind("cutover:", 0), 0u) << *m;
    EXPECT_TRUE(seen.insert(*m).second) << "duplicate marker " << *m;
    EXPECT_TRUE(Has(fake.Statements("test").back(), "(4, _utf8mb4'marker', _utf8mb4'" + *m + "'"));
  }
  EXPECT_TRUE(a->WriteMarker(**session, "bad name").status().IsInvalidArgument());
  EXPECT_TRUE(a->WriteMarker(**session, "").status().IsInvalidArgument());
}

// Waits (in real time, bounded) until `pred` holds.
template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 2000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return pred();
}

TEST(CutoverHeartbeatTest, WritesAtOnceThenEveryIntervalWithTheClocksTime) {
  FakeExecutor fake;
  FakeClock clock(kWall);
  auto log = Changelog::For("shop", "orders");
  ASSERT_TRUE(log.ok());
  HeartbeatWriter writer(&*log, &fake, &clock, milliseconds(500));
  std::stop_source stop;
  Status result = Status::Internal("not run");
  std::thread t([&] { result = writer.Run(stop.get_token()); });

  ASSERT_TRUE(Eventually([&] { return clock.sleepers() == 1; }));
  EXPECT_EQ(writer.writes(), 1u);
  EXPECT_TRUE(Has(fake.Statements("heartbeat").back(), "'2023-11-14 22:13:20.123456'"));
  clock.Advance(milliseconds(499));
  EXPECT_EQ(writer.writes(), 1u);  // not before the interval is over
  clock.Advance(milliseconds(1));
  ASSERT_TRUE(Eventually([&] { return writer.writes() == 2; }));
  ASSERT_TRUE(Eventually([&] { return clock.sleepers() == 1; }));
  EXPECT_TRUE(Has(fake.Statements("heartbeat").back(), "'2023-11-14 22:13:20.623456'"));

  stop.request_stop();
  t.join();
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(fake.SessionsOpened("heartbeat"), 1);
}

TEST(CutoverHeartbeatTest, LostConnectionIsRetriedOnANewSession) {
  FakeExecutor fake;
  SteppingClock clock;
  auto log = Changelog::For("shop", "orders");
  ASSERT_TRUE(log.ok());
  HeartbeatWriter writer(&*log, &fake, &clock, milliseconds(100));
  std::stop_source stop;
  // The first write finds its session killed (as after a network loss);
  // stop once two writes made it through.
  fake.OnStatement("heartbeat", "REPLACE", [&](uint64_t id) {
    if (fake.SessionsOpened("heartbeat") == 1) fake.KillConnection(id);
    if (writer.writes() >= 2) stop.request_stop();
  });
  Status s = writer.Run(stop.get_token());
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(writer.writes(), 2u);
  EXPECT_EQ(fake.SessionsOpened("heartbeat"), 2);
}

TEST(CutoverHeartbeatTest, GivesUpOnAPermanentErrorAndAfterTooManyTransientOnes) {
  FakeExecutor fake;
  SteppingClock clock;
  auto log = Changelog::For("shop", "orders");
  ASSERT_TRUE(log.ok());
  fake.FailStatement("heartbeat", "REPLACE", Status::ServerError(1142, "INSERT command denied"));
  HeartbeatWriter denied(&*log, &fake, &clock, milliseconds(100));
  Status s = denied.Run(std::stop_token());
  EXPECT_EQ(s.server_errno(), 1142u);
  EXPECT_EQ(denied.writes(), 0u);

  fake.FailStatement("heartbeat", "REPLACE",
                     Status::ServerError(db::errc::kLockWaitTimeout, "timeout"), 100);
  HeartbeatWriter stuck(&*log, &fake, &clock, milliseconds(100), 3);
  s = stuck.Run(std::stop_token());
  EXPECT_EQ(s.server_errno(), db::errc::kLockWaitTimeout);
  EXPECT_TRUE(Has(std::string(s.message()), "3 failure(s) in a row")) << s.ToString();
}

}  // namespace
}  // namespace osc::cutover
