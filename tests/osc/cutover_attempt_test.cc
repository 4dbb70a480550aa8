// One cut-over attempt against the fake server: the statement sequence of
// the two-session swap, and every failure path returning to the original
// table (lock released, nothing renamed).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/sync_point.h"
#include "db/errors.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/cut_over.h"
#include "osc/cutover/fake_executor.h"

namespace osc::cutover {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kOriginal = "(\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB";
const std::string kShadow =
    "(\n  `id` int(11) NOT NULL,\n  `extra` int(11) DEFAULT 7,\n  PRIMARY KEY (`id`)\n) "
    "ENGINE=InnoDB";

size_t Count(const std::vector<std::string>& sql, const std::string& prefix) {
  return static_cast<size_t>(std::count_if(
      sql.begin(), sql.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
}

class CutoverAttemptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.AddTable("t", kOriginal);
    fake_.AddTable("_t_osc_new", kShadow);
    auto log = Changelog::For("shop", "t");
    ASSERT_TRUE(log.ok());
    changelog_ = std::make_unique<Changelog>(std::move(*log));
    options_.lock_timeout = seconds(60);  // virtual time: generous, costs nothing
    options_.max_attempts = 1;
    options_.backoff_initial = milliseconds(1000);
    options_.backoff_max = milliseconds(4000);
  }
  void TearDown() override { sync::ClearAll(); }

  Status Run() {
    CutOverContext ctx;
    ctx.executor = &fake_;
    ctx.changelog = changelog_.get();
    ctx.clock = &clock_;
    ctx.wait_for_marker = [this](const std::string& marker, Clock::SteadyTime deadline,
                                 std::stop_token) {
      markers_.push_back(marker);
      deadlines_.push_back(deadline);
      return applier_(static_cast<int>(markers_.size()));
    };
    ctx.confirm_swap = confirm_;
    cut_ = std::make_unique<CutOver>(options_, "shop", "t", ctx);
    return cut_->Run(stop_.get_token());
  }

  bool OriginalIntact() const {
    return fake_.ShowCreate("t") == "CREATE TABLE `t` " + kOriginal &&
           fake_.HasTable("_t_osc_new") && !fake_.HasTable("_t_osc_old");
  }
  bool Swapped() const {
    return fake_.ShowCreate("t") == "CREATE TABLE `t` " + kShadow &&
           fake_.ShowCreate("_t_osc_old") == "CREATE TABLE `_t_osc_old` " + kOriginal &&
           !fake_.HasTable("_t_osc_new");
  }
  // A's lock vanishes just as B's RENAME is sent: B renames without waiting.
  // `also` runs right after, on B's thread.
  void LoseTheLockJustBeforeTheRename(std::function<void()> also = {}) {
    fake_.OnStatement("cutover-rename", "RENAME", [this, also](uint64_t) {
      fake_.KillConnection(*fake_.LastSessionId("cutover-lock"));
      if (also) also();
    });
  }
  // Records whether the original was intact each time an attempt rolled back.
  void WatchRollbacks() {
    sync::Set("cutover:rolled_back", [this] { intact_at_rollback_.push_back(OriginalIntact()); });
  }

  FakeExecutor fake_;
  SteppingClock clock_;
  std::unique_ptr<Changelog> changelog_;
  migration::CutOverOptions options_;
  std::function<Status(int call)> applier_ = [](int) { return Status::Ok(); };
  // CutOverContext::confirm_swap; unset by default (the cut-over then
  // trusts a RENAME that was seen queued on t).
  std::function<Status(std::stop_token)> confirm_;
  std::vector<std::string> markers_;
  std::vector<Clock::SteadyTime> deadlines_;
  std::vector<bool> intact_at_rollback_;
  std::stop_source stop_;
  std::unique_ptr<CutOver> cut_;
};

TEST_F(CutoverAttemptTest, SwapsWithTheTwoSessionProtocolInOrder) {
  std::mutex mu;
  std::vector<std::string> points;
  for (const char* name : {"cutover:attempt_start", "cutover:locked", "cutover:marker_written",
                           "cutover:marker_applied", "cutover:shadow_probed", "cutover:before_rename",
                           "cutover:rename_waiting", "cutover:unlocked", "cutover:renamed"}) {
    sync::Set(name, [&mu, &points, name] {
      std::lock_guard lock(mu);
      points.emplace_back(name);
    });
  }
  const Clock::SteadyTime start = clock_.Now();
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_EQ(points, (std::vector<std::string>{"cutover:attempt_start", "cutover:locked",
                                              "cutover:marker_written", "cutover:marker_applied",
                                              "cutover:shadow_probed", "cutover:before_rename",
                                              "cutover:rename_waiting", "cutover:unlocked", "cutover:renamed"}));

  // Only t is locked: no sentry, so B's RENAME queues on t itself (see
  // attempt.cc for the race a locked sentry causes).
  const auto a = fake_.Statements("cutover-lock");
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0], "SET SESSION lock_wait_timeout = 60");
  EXPECT_EQ(a[2], "LOCK TABLES `shop`.`t` WRITE");
  EXPECT_EQ(a[3], "SELECT 1");  // A still holds the lock before B is issued
  EXPECT_EQ(a[4], "UNLOCK TABLES");
  const auto b = fake_.Statements("cutover-rename");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0], "SET SESSION lock_wait_timeout = 60");
  EXPECT_EQ(b[2],
            "RENAME TABLE `shop`.`t` TO `shop`.`_t_osc_old`, `shop`.`_t_osc_new` TO `shop`.`t`");
  // Between the drain and B, the shadow's lock is taken and dropped
  // without waiting: nobody else holds it when B is sent.
  const auto probe = fake_.Statements("cutover-probe");
  ASSERT_EQ(probe.size(), 5u);
  EXPECT_EQ(probe[2], "SET SESSION lock_wait_timeout = 0");
  EXPECT_EQ(probe[3], "LOCK TABLES `shop`.`_t_osc_new` WRITE");
  EXPECT_EQ(probe[4], "UNLOCK TABLES");

  // The applier was asked for the marker the control session wrote, with
  // a deadline lock_timeout after LOCK TABLES was sent (no time passed
  // before it in this run).
  ASSERT_EQ(markers_.size(), 1u);
  const auto c = fake_.Statements("cutover-control");
  ASSERT_EQ(Count(c, "REPLACE INTO `shop`.`_t_osc_log`"), 1u);
  const auto marker_write = std::find_if(
      c.begin(), c.end(), [](const std::string& sql) { return sql.rfind("REPLACE INTO", 0) == 0; });
  EXPECT_NE(marker_write->find("'" + markers_[0] + "'"), std::string::npos) << *marker_write;
  EXPECT_EQ(deadlines_[0] - start, seconds(60));
  ASSERT_EQ(cut_->report().attempts.size(), 1u);
  EXPECT_TRUE(cut_->report().swapped);
  EXPECT_FALSE(cut_->report().old_table_dropped);
}

TEST_F(CutoverAttemptTest, LockTimeoutIsRetriedAndTheOriginalStaysIntact) {
  options_.max_attempts = 3;
  WatchRollbacks();
  fake_.FailStatement(
      "cutover-lock", "LOCK TABLES",
      Status::ServerError(db::errc::kLockWaitTimeout, "Lock wait timeout exceeded"));
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& attempts = cut_->report().attempts;
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].status.server_errno(), db::errc::kLockWaitTimeout);
  EXPECT_EQ(intact_at_rollback_, std::vector<bool>{true});
  EXPECT_EQ(Count(fake_.Statements("cutover-rename"), "RENAME"), 1u);  // only the second attempt's
  EXPECT_EQ(markers_.size(), 1u);                                      // no marker without the lock
  const auto sleeps = clock_.sleeps();
  EXPECT_NE(std::find(sleeps.begin(), sleeps.end(), Clock::Duration(milliseconds(1000))),
            sleeps.end());
  EXPECT_TRUE(Swapped());
}

TEST_F(CutoverAttemptTest, LostLockSessionAfterTheDrainLetsTheRenameCompleteAConsistentSwap) {
  // Session A dies just before UNLOCK TABLES: after the drain and after B
  // queued. Its lock goes with it and B's RENAME is granted. That swap is
  // complete (B is only ever issued after the marker was applied), so the
  // attempt reports success instead of pretending the original is intact.
  fake_.OnStatement("cutover-lock", "UNLOCK TABLES", [this](uint64_t a) {
    fake_.KillConnection(a);
    // Let B's RENAME finish before A's UNLOCK returns, so the outcome does
    // not depend on thread scheduling.
    for (int i = 0; i < 5000 && fake_.Outcome("cutover-rename", "RENAME") == std::nullopt; ++i) {
      std::this_thread::sleep_for(milliseconds(1));
    }
  });
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto rename = fake_.Outcome("cutover-rename", "RENAME");
  ASSERT_TRUE(rename.has_value());
  EXPECT_TRUE(rename->ok()) << rename->ToString();
  ASSERT_EQ(markers_.size(), 1u);  // the drain happened before B existed
  EXPECT_TRUE(Swapped());
}

TEST_F(CutoverAttemptTest, LostLockSessionDuringTheDrainMeansNoRenameAndTheOriginalStays) {
  // A dies while the applier drains: its lock is gone and writes may reach
  // t after the marker, so B must never be issued in this attempt.
  options_.max_attempts = 2;
  WatchRollbacks();
  applier_ = [this](int call) {
    if (call == 1) fake_.KillConnection(*fake_.LastSessionId("cutover-lock"));
    return Status::Ok();
  };
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& attempts = cut_->report().attempts;
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].status.server_errno(), db::errc::kClientServerGone)
      << attempts[0].status.ToString();
  EXPECT_EQ(intact_at_rollback_, std::vector<bool>{true});
  EXPECT_EQ(Count(fake_.Statements("cutover-rename"), "RENAME"), 1u);  // the second attempt's
  EXPECT_TRUE(Swapped());
}

TEST_F(CutoverAttemptTest, RenameTimingOutAbortsTheAttemptUnlocksAndRetries) {
  options_.max_attempts = 2;
  WatchRollbacks();
  fake_.FailStatement(
      "cutover-rename", "RENAME",
      Status::ServerError(db::errc::kLockWaitTimeout, "Lock wait timeout exceeded"));
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& attempts = cut_->report().attempts;
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].status.server_errno(), db::errc::kLockWaitTimeout);
  EXPECT_EQ(intact_at_rollback_, std::vector<bool>{true});
  // Both attempts locked and unlocked t; nothing else was created or dropped.
  const auto a = fake_.Statements("cutover-lock");
  EXPECT_EQ(Count(a, "UNLOCK TABLES"), 2u);
  EXPECT_EQ(Count(a, "DROP TABLE"), 0u);
  EXPECT_EQ(Count(a, "CREATE TABLE"), 0u);
  EXPECT_TRUE(Swapped());
}

TEST_F(CutoverAttemptTest, ApplierMissingTheMarkerAbortsTheAttemptBeforeAnyRename) {
  options_.max_attempts = 2;
  WatchRollbacks();
  applier_ = [](int call) { return call == 1 ? Status::Timeout("applier behind") : Status::Ok(); };
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(markers_.size(), 2u);
  EXPECT_NE(markers_[0], markers_[1]);
  EXPECT_TRUE(cut_->report().attempts[0].status.IsTimeout());
  EXPECT_EQ(Count(fake_.Statements("cutover-rename"), "RENAME"), 1u);
  EXPECT_EQ(Count(fake_.Statements("cutover-lock"), "UNLOCK TABLES"), 2u);
  EXPECT_EQ(intact_at_rollback_, std::vector<bool>{true});
  EXPECT_TRUE(Swapped());
}

TEST_F(CutoverAttemptTest, ApplierFailureIsPermanentAndLeavesTheOriginal) {
  options_.max_attempts = 5;
  applier_ = [](int) { return Status::Corruption("bad row event"); };
  Status s = Run();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(cut_->report().attempts.size(), 1u);
  EXPECT_TRUE(OriginalIntact());
}

TEST_F(CutoverAttemptTest, StopDuringTheDrainAbortsAndRestores) {
  options_.max_attempts = 5;
  applier_ = [this](int) {
    stop_.request_stop();
    return Status::Aborted("stop requested");
  };
  Status s = Run();
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_TRUE(OriginalIntact());
  EXPECT_EQ(Count(fake_.Statements("cutover-lock"), "UNLOCK TABLES"), 1u);
}

TEST_F(CutoverAttemptTest, ForeignOldTableIsNeverTouched) {
  const std::string foreign =
      "(\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB COMMENT='from last year'";
  fake_.AddTable("_t_osc_old", foreign);
  options_.max_attempts = 5;
  Status s = Run();
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition) << s.ToString();
  EXPECT_EQ(fake_.ShowCreate("_t_osc_old"), "CREATE TABLE `_t_osc_old` " + foreign);
  EXPECT_EQ(fake_.ShowCreate("t"), "CREATE TABLE `t` " + kOriginal);
  EXPECT_TRUE(fake_.Statements("cutover-lock").size() <= 2u);  // only its SET statements
}

TEST_F(CutoverAttemptTest, OkToDropTableDropsTheOldTableAfterTheSwap) {
  options_.ok_to_drop_table = true;
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fake_.ShowCreate("t"), "CREATE TABLE `t` " + kShadow);
  EXPECT_FALSE(fake_.HasTable("_t_osc_old"));
  EXPECT_TRUE(cut_->report().old_table_dropped);
}

// Waits (real time, bounded) until the fake has recorded a KILL.
void AwaitKill(const FakeExecutor& fake) {
  for (int i = 0; i < 5000 && fake.Kills().empty(); ++i) std::this_thread::sleep_for(milliseconds(1));
}

TEST_F(CutoverAttemptTest, RenameNotYetAtTheServerIsEndedBeforeTheUnlockAndNeverRunsLater) {
  // B's RENAME is slow to reach the server, so it is never seen waiting
  // and the attempt gives up. A KILL QUERY would hit an idle session and
  // the RENAME would then run after the unlock, swapping in a shadow that
  // lacks the writes made since: the session must be killed as a whole.
  options_.lock_timeout = seconds(1);
  fake_.OnStatement("cutover-rename", "RENAME", [this](uint64_t) { AwaitKill(fake_); });
  Status s = Run();
  EXPECT_TRUE(s.IsTimeout()) << s.ToString();
  EXPECT_TRUE(OriginalIntact());
  EXPECT_FALSE(cut_->report().swapped);
  auto rename = fake_.Outcome("cutover-rename", "RENAME");
  ASSERT_TRUE(rename.has_value());
  EXPECT_FALSE(rename->ok());
  const auto kills = fake_.Kills();
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0], std::make_pair(*fake_.LastSessionId("cutover-rename"), KillScope::kConnection));
}

TEST_F(CutoverAttemptTest, RenameWhoseClientWasLostIsKilledOnTheServerBeforeTheUnlock) {
  // B's client call fails (2013) while the server goes on waiting in the
  // RENAME. Unlocking without killing it would let it swap right after,
  // past writes the shadow lacks.
  fake_.DetachStatement("cutover-rename", "RENAME");
  Status s = Run();
  EXPECT_EQ(s.server_errno(), db::errc::kClientServerLost) << s.ToString();
  EXPECT_TRUE(OriginalIntact());
  EXPECT_FALSE(cut_->report().swapped);
  const auto kills = fake_.Kills();
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0], std::make_pair(*fake_.LastSessionId("cutover-rename"), KillScope::kConnection));
}

TEST_F(CutoverAttemptTest, RenameThatRanWithoutWaitingIsNotTrustedAndTheOldTableIsKept) {
  // A's lock vanishes between its liveness check and B's lock request: B
  // renames at once, and writes in that instant may have gone to the old
  // table. Without a binlog check to clear it, that is an incomplete swap:
  // reported as such, nothing retried, the old table kept even with
  // --ok-to-drop-table.
  options_.ok_to_drop_table = true;
  options_.max_attempts = 3;
  LoseTheLockJustBeforeTheRename();
  Status s = Run();
  EXPECT_EQ(s.code(), Status::Code::kInternal) << s.ToString();
  EXPECT_NE(s.message().find("may be missing"), std::string::npos) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_TRUE(cut_->report().swapped);
  EXPECT_TRUE(cut_->report().swap_incomplete);
  EXPECT_FALSE(cut_->report().old_table_dropped);
  EXPECT_EQ(cut_->report().attempts.size(), 1u);
}

TEST_F(CutoverAttemptTest, BinlogCheckClearsASwapTheRenameMadeWithoutWaiting) {
  options_.ok_to_drop_table = true;
  int confirmations = 0;
  confirm_ = [&confirmations](std::stop_token) {
    ++confirmations;
    return Status::Ok();
  };
  LoseTheLockJustBeforeTheRename();
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(confirmations, 1);
  EXPECT_FALSE(cut_->report().swap_incomplete);
  EXPECT_TRUE(cut_->report().old_table_dropped);
}

TEST_F(CutoverAttemptTest, BinlogCheckFindingAMissedChangeKeepsTheOldTableAndFails) {
  options_.ok_to_drop_table = true;
  options_.max_attempts = 3;
  confirm_ = [](std::stop_token) {
    return Status::ServerError(1146, "Table 'shop._t_osc_new' doesn't exist");
  };
  Status s = Run();
  EXPECT_EQ(s.code(), Status::Code::kInternal) << s.ToString();
  EXPECT_NE(s.message().find("_t_osc_old"), std::string::npos) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_TRUE(cut_->report().swap_incomplete);
  EXPECT_FALSE(cut_->report().old_table_dropped);
  EXPECT_EQ(cut_->report().attempts.size(), 1u);
}

TEST_F(CutoverAttemptTest, BinlogCheckThatCannotFinishKeepsTheOldTableButTheSwapStands) {
  options_.ok_to_drop_table = true;
  confirm_ = [](std::stop_token) { return Status::Timeout("the applier did not reach the RENAME in time"); };
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_TRUE(cut_->report().swap_unconfirmed);
  EXPECT_FALSE(cut_->report().swap_incomplete);
  EXPECT_FALSE(cut_->report().old_table_dropped);
}

TEST_F(CutoverAttemptTest, LostControlSessionAfterASuccessfulRenameIsNotRetried) {
  // The RENAME committed; the look at the tables afterwards fails. Another
  // attempt would find the shadow gone and fail the migration.
  options_.max_attempts = 2;
  fake_.OnStatement("cutover-lock", "UNLOCK TABLES", [this](uint64_t) {
    fake_.FailStatement("cutover-control", "SHOW CREATE TABLE",
                        Status::ServerError(db::errc::kClientServerLost, "Lost connection"), 3);
  });
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_EQ(cut_->report().attempts.size(), 1u);
}

TEST_F(CutoverAttemptTest, WithMetadataLocksTheRenameCountsAsQueuedOnlyOnceItWaitsForTheTableItself) {
  // performance_schema works (the fake's default): "Waiting for table
  // metadata lock" in the processlist is not enough, since B also shows it
  // while it waits for a helper table someone else holds. A unlocks only
  // once B's own request on t is pending.
  fake_.HideRenameWaits("t", 2);
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Swapped());
  // The listing before the attempt; twice a look at t that did not show B
  // and one at the shadow that did; then the look at t that showed B.
  const auto queries = fake_.BlockerQueries();
  ASSERT_EQ(queries.size(), 6u);
  EXPECT_EQ(queries[2].table, "_t_osc_new");
  EXPECT_EQ(queries[5].table, "t");
}

TEST_F(CutoverAttemptTest, ARenameWithNoMetadataLockRowsAtAllFallsBackToTheProcesslist) {
  // B's thread not instrumented (setup_actors, a full lock table): no rows
  // anywhere say nothing about where it waits, and must not hold the
  // cut-over up forever.
  fake_.HideRenameWaits("t", 1000000);
  fake_.HideRenameWaits("_t_osc_new", 1000000);
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_EQ(fake_.BlockerQueries().size(), 3u);  // before the attempt, then t and the shadow once
}

TEST_F(CutoverAttemptTest, RenameThatNeverQueuesOnTheTableTimesOutAndIsEnded) {
  options_.lock_timeout = seconds(1);
  fake_.HideRenameWaits("t", 1000000);
  Status s = Run();
  EXPECT_TRUE(s.IsTimeout()) << s.ToString();
  EXPECT_NE(s.message().find("another of its tables"), std::string::npos) << s.ToString();
  EXPECT_TRUE(OriginalIntact());
  EXPECT_FALSE(cut_->report().swapped);
  const auto kills = fake_.Kills();
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0].second, KillScope::kConnection);
}

TEST_F(CutoverAttemptTest, AnotherSessionHoldingTheShadowEndsTheAttemptBeforeTheRename) {
  // B would wait for the shadow, not for t, and without performance_schema
  // look just like a RENAME queued on t: unlocking t then lets writes reach
  // the old table. The probe finds the holder first; the attempt ends with
  // no RENAME sent, and the next one swaps once the holder is gone.
  BlockerReport unusable;
  unusable.metadata_locks_usable = false;
  fake_.SetBlockerReports({unusable});
  options_.max_attempts = 2;
  WatchRollbacks();
  auto other = fake_.OpenSession("dba");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Execute("LOCK TABLES `_t_osc_new` WRITE").ok());
  sync::Set("cutover:attempt_start", [&] {
    if (cut_ && cut_->report().attempts.size() == 2) (void)(*other)->Execute("UNLOCK TABLES");
  });
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& attempts = cut_->report().attempts;
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_TRUE(attempts[0].status.IsTimeout()) << attempts[0].status.ToString();
  EXPECT_NE(attempts[0].status.message().find("the lock on `shop`.`_t_osc_new` could not be taken at once"),
            std::string::npos)
      << attempts[0].status.ToString();
  EXPECT_EQ(intact_at_rollback_, std::vector<bool>{true});
  EXPECT_EQ(Count(fake_.Statements("cutover-rename"), "RENAME"), 1u);  // only the second attempt's
  EXPECT_EQ(Count(fake_.Statements("cutover-lock"), "UNLOCK TABLES"), 2u);
  EXPECT_TRUE(Swapped());
}

TEST_F(CutoverAttemptTest, WithoutMetadataLocksTheProcesslistStateDecides) {
  BlockerReport unusable;
  unusable.metadata_locks_usable = false;
  unusable.metadata_locks_note = "performance_schema is OFF";
  fake_.SetBlockerReports({unusable});
  Status s = Run();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_EQ(fake_.BlockerQueries().size(), 1u);  // only the listing before the attempt
}

TEST_F(CutoverAttemptTest, ASwapTheServerConfirmedCountsAsSwappedEvenWhenTheTablesCannotBeInspected) {
  // B renamed without waiting (A's lock vanished) and then the tables
  // cannot be looked at: the RENAME's own OK says they are swapped, so the
  // swap is checked and reported as such, never as "original intact".
  options_.ok_to_drop_table = true;
  LoseTheLockJustBeforeTheRename([this] {
    fake_.FailStatement("cutover-control", "SHOW CREATE TABLE",
                        Status::ServerError(db::errc::kClientServerLost, "Lost connection"), 3);
  });
  Status s = Run();
  EXPECT_EQ(s.code(), Status::Code::kInternal) << s.ToString();
  EXPECT_TRUE(Swapped());
  EXPECT_TRUE(cut_->report().swapped);
  EXPECT_TRUE(cut_->report().swap_incomplete);
  EXPECT_FALSE(cut_->report().old_table_dropped);
}

}  // namespace
}  // namespace osc::cutover
