// The changelog table and the heartbeat writer against the MariaDB
// sandbox, and the production executor's processlist/blocker/kill calls.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "db/connection.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/connection_executor.h"
#include "osc/cutover/heartbeat.h"
#include "tests/integration/sandbox_options.h"
#include "tests/support/test_env.h"

namespace osc::cutover {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kDb = "osc_cutover_log_it";
const std::string kLog = std::string("`") + kDb + "`.`_t_osc_log`";

class CutoverChangelogLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::SandboxPrimaryOptions();
    if (!o) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    executor_ = std::make_unique<ConnectionExecutor>(*o);
    auto s = executor_->OpenSession("test");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    session_ = std::move(*s);
    ASSERT_TRUE(session_->Execute(std::string("CREATE DATABASE IF NOT EXISTS `") + kDb + "`").ok());
    ASSERT_TRUE(
        session_->Execute(std::string("DROP TABLE IF EXISTS `") + kDb + "`.t, " + kLog).ok());
    ASSERT_TRUE(
        session_->Execute(std::string("CREATE TABLE `") + kDb + "`.t (id INT PRIMARY KEY)").ok());
    auto log = Changelog::For(kDb, "t");
    ASSERT_TRUE(log.ok());
    changelog_ = std::make_unique<Changelog>(std::move(*log));
    ASSERT_TRUE(changelog_->CreateTable(*session_).ok());
  }

  std::string Scalar(const std::string& sql) {
    auto r = session_->Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << " for " << sql;
    if (!r.ok() || r->rows.empty() || !r->rows[0][0]) return "<none>";
    return *r->rows[0][0];
  }

  std::unique_ptr<ConnectionExecutor> executor_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Changelog> changelog_;
};

TEST_F(CutoverChangelogLiveTest, HeartbeatKeepsTheRowCurrentToTheMicrosecond) {
  HeartbeatWriter writer(changelog_.get(), executor_.get(), SystemClock(), milliseconds(100));
  std::jthread t([&](std::stop_token stop) { EXPECT_TRUE(writer.Run(stop).ok()); });
  std::this_thread::sleep_for(milliseconds(450));
  t.request_stop();
  t.join();
  EXPECT_GE(writer.writes(), 3u);
  EXPECT_EQ(Scalar("SELECT kind FROM " + kLog + " WHERE id = 1"), "heartbeat");
  const std::string value = Scalar("SELECT value FROM " + kLog + " WHERE id = 1");
  ASSERT_EQ(value.size(), 26u) << value;  // YYYY-MM-DD HH:MM:SS.ffffff
  // Our wall clock and the server's agree (same machine): the last beat
  // was written within the last second, in UTC.
  const int64_t age_us = std::stoll(Scalar(
      "SELECT TIMESTAMPDIFF(MICROSECOND, value, UTC_TIMESTAMP(6)) FROM " + kLog + " WHERE id = 1"));
  EXPECT_GE(age_us, 0);
  EXPECT_LT(age_us, 1000000);
}

TEST_F(CutoverChangelogLiveTest, MarkerStateAndCheckpointRowsReadBack) {
  auto m = changelog_->WriteMarker(*session_, "cutover");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(Scalar("SELECT value FROM " + kLog + " WHERE id = 4"), *m);
  auto m2 = changelog_->WriteMarker(*session_, "cutover");
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(Scalar("SELECT value FROM " + kLog + " WHERE id = 4"), *m2);

  auto none = changelog_->ReadCheckpoint(*session_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  const std::string checkpoint =
      "{\"low\":\"42\",\"binlog\":\"mariadb-bin.000003:1234\",\"note\":\"it's\\\\ok\"}";
  ASSERT_TRUE(changelog_->WriteCheckpoint(*session_, checkpoint).ok());
  auto back = changelog_->ReadCheckpoint(*session_);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->value_or(""), checkpoint);
  ASSERT_TRUE(changelog_->WriteState(*session_, "copying").ok());
  EXPECT_EQ(Scalar("SELECT value FROM " + kLog + " WHERE id = 2"), "copying");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM " + kLog), "3");  // marker, checkpoint, state
  EXPECT_EQ(changelog_->CreateTable(*session_).code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(changelog_->DropTable(*session_).ok());
  EXPECT_EQ(
      Scalar(std::string("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '") +
             kDb + "' AND TABLE_NAME = '_t_osc_log'"),
      "0");
}

TEST_F(CutoverChangelogLiveTest, ExecutorSeesProcessesAndBlockersAndKills) {
  auto other = executor_->OpenSession("other");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Execute("START TRANSACTION").ok());
  ASSERT_TRUE((*other)->Query(std::string("SELECT * FROM `") + kDb + "`.t FOR UPDATE").ok());
  std::this_thread::sleep_for(milliseconds(1100));

  auto p = executor_->FindProcess((*other)->id());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->command, "Sleep");
  auto blockers = executor_->ListBlockers(BlockerQuery{kDb, "t", seconds(1), {}});
  ASSERT_TRUE(blockers.ok()) << blockers.status().ToString();
  EXPECT_TRUE(blockers->metadata_locks_usable) << blockers->metadata_locks_note;
  bool long_trx = false, mdl = false;
  for (const Blocker& b : blockers->blockers) {
    if (b.process.id != (*other)->id()) continue;
    long_trx |= b.kind == BlockerKind::kLongTransaction && b.transaction_seconds >= 1;
    mdl |= b.kind == BlockerKind::kMetadataLock && b.lock_status == "GRANTED";
  }
  EXPECT_TRUE(long_trx);
  EXPECT_TRUE(mdl);
  EXPECT_EQ(SessionsToForceKill(*blockers), std::vector<uint64_t>{(*other)->id()});

  ASSERT_TRUE(executor_->Kill((*other)->id(), KillScope::kConnection).ok());
  EXPECT_FALSE((*other)->Query("SELECT 1").ok());
  std::this_thread::sleep_for(milliseconds(200));
  auto gone = executor_->FindProcess((*other)->id());
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(executor_->Kill((*other)->id(), KillScope::kQuery).IsNotFound());
}

}  // namespace
}  // namespace osc::cutover
