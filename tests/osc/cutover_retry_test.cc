// The cut-over's outer loop against the fake server: back-off, giving up,
// blockers listed before each attempt, forced kills, the postpone flag.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/errors.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/cut_over.h"
#include "osc/cutover/fake_executor.h"

namespace osc::cutover {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kOriginal = "(\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB";
const std::string kShadow = "(\n  `id` bigint(20) NOT NULL\n) ENGINE=InnoDB";

class CutoverRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.AddTable("t", kOriginal);
    fake_.AddTable("_t_osc_new", kShadow);
    auto log = Changelog::For("shop", "t");
    ASSERT_TRUE(log.ok());
    changelog_ = std::make_unique<Changelog>(std::move(*log));
    options_.lock_timeout = seconds(60);
    options_.max_attempts = 5;
    options_.backoff_initial = milliseconds(1000);
    options_.backoff_max = milliseconds(2500);
    tuning_.postpone_poll_interval = milliseconds(250);
  }

  Status Run(std::stop_token stop = {}) {
    CutOverContext ctx;
    ctx.executor = &fake_;
    ctx.changelog = changelog_.get();
    ctx.clock = &clock_;
    ctx.wait_for_marker = [](const std::string&, Clock::SteadyTime, std::stop_token) {
      return Status::Ok();
    };
    ctx.own_session_ids = own_ids_;
    cut_ = std::make_unique<CutOver>(options_, "shop", "t", ctx, tuning_);
    return cut_->Run(stop);
  }

  void FailLocks(int times) {
    fake_.FailStatement(
        "cutover-lock", "LOCK TABLES",
        Status::ServerError(db::errc::kLockWaitTimeout, "Lock wait timeout exceeded"), times);
  }
  // Back-off sleeps: everything longer than the processlist poll.
  std::vector<Clock::Duration> Backoffs() const {
    std::vector<Clock::Duration> out;
    for (Clock::Duration d : clock_.sleeps()) {
      if (d > milliseconds(100)) out.push_back(d);
    }
    return out;
  }
  bool OriginalIntact() const {
    return fake_.ShowCreate("t") == "CREATE TABLE `t` " + kOriginal &&
           fake_.HasTable("_t_osc_new") && !fake_.HasTable("_t_osc_old");
  }

  FakeExecutor fake_;
  SteppingClock clock_;
  std::unique_ptr<Changelog> changelog_;
  migration::CutOverOptions options_;
  CutOverTuning tuning_;
  std::vector<uint64_t> own_ids_;
  std::unique_ptr<CutOver> cut_;
};

TEST_F(CutoverRetryTest, BackOffDoublesUpToTheCap) {
  FailLocks(4);
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(cut_->report().attempts.size(), 5u);
  EXPECT_EQ(Backoffs(), (std::vector<Clock::Duration>{milliseconds(1000), milliseconds(2000),
                                                      milliseconds(2500), milliseconds(2500)}));
  EXPECT_EQ(fake_.ShowCreate("t"), "CREATE TABLE `t` " + kShadow);
}

TEST_F(CutoverRetryTest, GivesUpAfterMaxAttemptsWithTheOriginalInPlace) {
  options_.max_attempts = 3;
  FailLocks(100);
  Status s = Run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.server_errno(), db::errc::kLockWaitTimeout);
  EXPECT_NE(std::string(s.message()).find("gave up after 3 attempt(s)"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(cut_->report().attempts.size(), 3u);
  EXPECT_EQ(Backoffs().size(), 2u);  // no sleep after the last attempt
  EXPECT_FALSE(cut_->report().swapped);
  EXPECT_TRUE(OriginalIntact());
}

BlockerReport ReportWith(std::vector<Blocker> blockers) {
  BlockerReport r;
  r.metadata_locks_usable = true;
  r.blockers = std::move(blockers);
  return r;
}

Blocker Holder(uint64_t id) {
  Blocker b;
  b.kind = BlockerKind::kMetadataLock;
  b.process.id = id;
  b.process.user = "app";
  b.lock_type = "SHARED_READ";
  b.lock_status = "GRANTED";
  return b;
}

TEST_F(CutoverRetryTest, BlockerPresentThenGoneIsListedBeforeEachAttempt) {
  own_ids_ = {5, 6};
  fake_.SetBlockerReports({ReportWith({Holder(77)}), ReportWith({Holder(77)}), ReportWith({})});
  FailLocks(2);  // what the holder of a shared lock causes
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& attempts = cut_->report().attempts;
  ASSERT_EQ(attempts.size(), 3u);
  ASSERT_EQ(attempts[0].blockers.size(), 1u);
  EXPECT_EQ(attempts[0].blockers[0].process.id, 77u);
  EXPECT_EQ(attempts[1].blockers.size(), 1u);
  EXPECT_TRUE(attempts[2].blockers.empty());
  EXPECT_TRUE(fake_.Kills().empty());  // no force configured
  // One listing before each attempt, and one look by the third attempt at
  // what its RENAME waits for.
  const auto queries = fake_.BlockerQueries();
  ASSERT_EQ(queries.size(), 4u);
  EXPECT_EQ(queries[0].database, "shop");
  EXPECT_EQ(queries[0].table, "t");
  EXPECT_EQ(queries[0].exclude_ids, (std::vector<uint64_t>{5, 6}));
}

TEST_F(CutoverRetryTest, ForceKillsOnlyThisTablesBlockersOnceTheForceTimeHasPassed) {
  auto app = fake_.OpenSession("app");
  auto own = fake_.OpenSession("applier");
  ASSERT_TRUE(app.ok() && own.ok());
  const uint64_t app_id = (*app)->id();
  own_ids_ = {(*own)->id()};
  Blocker long_trx;
  long_trx.kind = BlockerKind::kLongTransaction;
  long_trx.process.id = 4242;  // an old transaction with no tie to this table
  fake_.SetBlockerReports({ReportWith({Holder(app_id), Holder((*own)->id()), long_trx})});
  options_.force_cut_over_after = seconds(1);
  FailLocks(2);
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& attempts = cut_->report().attempts;
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_TRUE(attempts[0].killed.empty());  // nothing failed yet
  EXPECT_EQ(attempts[1].killed,
            (std::vector<uint64_t>{app_id}));  // 1 s of back-off after the first failure
  const auto kills = fake_.Kills();
  ASSERT_GE(kills.size(), 1u);
  EXPECT_EQ(kills[0], std::make_pair(app_id, KillScope::kConnection));
  for (const auto& [id, scope] : kills) {
    EXPECT_NE(id, (*own)->id());
    EXPECT_NE(id, 4242u);
  }
  EXPECT_TRUE((*app)->broken());
}

TEST_F(CutoverRetryTest, PostponeFlagFileHoldsTheCutOverUntilRemoved) {
  const std::string flag =
      ::testing::TempDir() + "osc_cutover_postpone_" + std::to_string(::getpid());
  std::ofstream(flag) << "hold";
  options_.postpone_flag_file = flag;
  Status result = Status::Internal("not run");
  std::thread t([&] { result = Run(); });
  // Wait (real time, bounded) until it has polled the flag a few times.
  for (int i = 0; i < 5000 && clock_.sleeps().size() < 8; ++i)
    std::this_thread::sleep_for(milliseconds(1));
  ASSERT_GE(clock_.sleeps().size(), 8u);
  EXPECT_EQ(fake_.SessionsOpened("cutover-lock"), 0);
  EXPECT_TRUE(fake_.BlockerQueries().empty());
  std::filesystem::remove(flag);
  t.join();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(fake_.ShowCreate("t"), "CREATE TABLE `t` " + kShadow);
  EXPECT_GE(cut_->report().postponed, milliseconds(250) * 8);
}

TEST_F(CutoverRetryTest, StopWhilePostponedAbortsWithoutTouchingTables) {
  const std::string flag = ::testing::TempDir() + "osc_cutover_stop_" + std::to_string(::getpid());
  std::ofstream(flag) << "hold";
  options_.postpone_flag_file = flag;
  std::stop_source stop;
  Status result = Status::Internal("not run");
  std::thread t([&] { result = Run(stop.get_token()); });
  for (int i = 0; i < 5000 && clock_.sleeps().size() < 2; ++i)
    std::this_thread::sleep_for(milliseconds(1));
  stop.request_stop();
  t.join();
  std::filesystem::remove(flag);
  EXPECT_TRUE(result.IsAborted()) << result.ToString();
  EXPECT_EQ(fake_.SessionsOpened("cutover-lock"), 0);
  EXPECT_TRUE(OriginalIntact());
}

TEST_F(CutoverRetryTest, InvalidSettingsAreRefusedBeforeAnyStatement) {
  options_.max_attempts = 0;
  EXPECT_TRUE(Run().IsInvalidArgument());
  options_.max_attempts = 1;
  options_.lock_timeout = seconds(0);
  EXPECT_TRUE(Run().IsInvalidArgument());
  EXPECT_TRUE(fake_.Statements("").empty());
}

}  // namespace
}  // namespace osc::cutover
