// The cut-over against the MariaDB sandbox when something is in its way:
// an open transaction holding a metadata lock on the table (attempts time
// out quickly, back off, name the blocker, and succeed once it commits;
// application queries never wait much longer than the lock timeout), and
// session A killed in the middle of an attempt: during the drain (no
// RENAME is issued; the original stays, with all its rows) and after B
// queued (B is granted t before the application's queued write).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/sync_point.h"
#include "db/connection.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/connection_executor.h"
#include "osc/cutover/cut_over.h"
#include "tests/integration/sandbox_options.h"
#include "tests/support/test_env.h"

namespace osc::cutover {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr const char* kDb = "osc_cutover_block_it";
constexpr int kRows = 100;
const std::string kT = std::string("`") + kDb + "`.`t`";

class CutoverBlockerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::SandboxPrimaryOptions();
    if (!o) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    options_ = *o;
    conn_.emplace(Open());
    const std::string db = std::string("`") + kDb + "`";
    for (const std::string& sql : std::vector<std::string>{
             "CREATE DATABASE IF NOT EXISTS " + db,
             "DROP TABLE IF EXISTS " + kT + ", " + db + "._t_osc_new, " + db + "._t_osc_old, " +
                 db + "._t_osc_log",
             "CREATE TABLE " + kT + " (id INT NOT NULL PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB",
             "INSERT INTO " + kT + " SELECT seq, seq * 10 FROM " + db + ".seq_1_to_" +
                 std::to_string(kRows),
             "CREATE TABLE " + db + "._t_osc_new LIKE " + kT,
             "ALTER TABLE " + db + "._t_osc_new ADD COLUMN extra INT NOT NULL DEFAULT 7",
             "INSERT INTO " + db + "._t_osc_new (id, v) SELECT id, v FROM " + kT}) {
      ASSERT_TRUE(conn_->Execute(sql).ok()) << sql;
    }
    auto original = conn_->Query("SHOW CREATE TABLE " + kT);
    ASSERT_TRUE(original.ok());
    original_definition_ = *original->rows[0][1];
    auto log = Changelog::For(kDb, "t");
    ASSERT_TRUE(log.ok());
    changelog_ = std::make_unique<Changelog>(std::move(*log));
    executor_ = std::make_unique<ConnectionExecutor>(options_);
    auto session = executor_->OpenSession("test");
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE(changelog_->CreateTable(**session).ok());
  }
  void TearDown() override { sync::ClearAll(); }

  db::Connection Open() {
    auto c = db::Connection::Open(options_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(*c);
  }

  CutOverContext Context() {
    CutOverContext ctx;
    ctx.executor = executor_.get();
    ctx.changelog = changelog_.get();
    ctx.clock = SystemClock();
    // No applier in these tests: the marker is "applied" once written.
    ctx.wait_for_marker = [](const std::string&, Clock::SteadyTime, std::stop_token) {
      return Status::Ok();
    };
    return ctx;
  }

  db::ConnectionOptions options_;
  std::optional<db::Connection> conn_;
  std::string original_definition_;
  std::unique_ptr<Changelog> changelog_;
  std::unique_ptr<ConnectionExecutor> executor_;
};

TEST_F(CutoverBlockerTest, OpenTransactionMakesAttemptsBackOffBrieflyUntilItCommits) {
  db::Connection blocker = Open();
  ASSERT_TRUE(blocker.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(
      blocker.QueryScalar("SELECT COUNT(*) FROM " + kT).ok());  // holds a shared metadata lock

  // A probe query, as the application would send, timed throughout.
  std::atomic<bool> stop{false};
  std::atomic<int64_t> worst_ms{0};
  std::atomic<int> probe_errors{0};
  std::thread probe([&] {
    db::Connection c = Open();
    while (!stop) {
      const auto start = Steady::now();
      if (!c.QueryScalar("SELECT v FROM " + kT + " WHERE id = 1").ok()) ++probe_errors;
      const int64_t ms = std::chrono::duration_cast<milliseconds>(Steady::now() - start).count();
      if (ms > worst_ms) worst_ms = ms;
      std::this_thread::sleep_for(milliseconds(20));
    }
  });

  // The blocker commits as the third attempt starts.
  int attempts_started = 0;
  sync::Set("cutover:attempt_start", [&] {
    if (++attempts_started == 3) {
      EXPECT_TRUE(blocker.Execute("COMMIT").ok());
    }
  });
  migration::CutOverOptions options;
  options.lock_timeout = seconds(1);
  options.max_attempts = 10;
  options.backoff_initial = milliseconds(200);
  options.backoff_max = milliseconds(400);
  CutOverTuning tuning;
  tuning.long_transaction_threshold = seconds(1);
  CutOver cut(options, kDb, "t", Context(), tuning);
  Status s = cut.Run(std::stop_token());
  stop = true;
  probe.join();

  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& attempts = cut.report().attempts;
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].status.server_errno(), 1205u) << attempts[0].status.ToString();
  EXPECT_EQ(attempts[1].status.server_errno(), 1205u) << attempts[1].status.ToString();
  // The blocker was named: an idle session holding a granted lock on t.
  EXPECT_TRUE(cut.report().metadata_locks_usable);
  bool named = false;
  for (const Blocker& b : attempts[0].blockers) {
    named |= b.kind == BlockerKind::kMetadataLock && b.process.id == blocker.thread_id() &&
             b.lock_status == "GRANTED";
  }
  EXPECT_TRUE(named) << "blocker " << blocker.thread_id() << " not listed";
  // Application queries queued behind LOCK TABLES for at most its timeout
  // (1 s) plus a margin for this busy 2-core machine.
  RecordProperty("worst_probe_ms", std::to_string(worst_ms.load()));
  EXPECT_EQ(probe_errors, 0);
  EXPECT_LE(worst_ms.load(), 1000 + 800);
  EXPECT_GE(worst_ms.load(), 300)
      << "the probe never queued behind the cut-over: the bound proved nothing";
  auto extra = conn_->QueryScalar("SELECT COUNT(*) FROM " + kT + " WHERE extra = 7");
  ASSERT_TRUE(extra.ok()) << extra.status().ToString();
  EXPECT_EQ(extra->value_or(""), std::to_string(kRows));
}

TEST_F(CutoverBlockerTest, ForceCutOverAfterKillsOnlyTheBlockerOfThisTable) {
  db::Connection blocker = Open();
  ASSERT_TRUE(blocker.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(blocker.QueryScalar("SELECT COUNT(*) FROM " + kT).ok());  // never commits
  // A bystander with an open transaction on another table must survive.
  db::Connection bystander = Open();
  ASSERT_TRUE(conn_->Execute(std::string("CREATE TABLE IF NOT EXISTS ") + kDb + ".other (id INT PRIMARY KEY)").ok());
  ASSERT_TRUE(bystander.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(bystander.QueryScalar(std::string("SELECT COUNT(*) FROM ") + kDb + ".other").ok());

  migration::CutOverOptions options;
  options.lock_timeout = seconds(1);
  options.max_attempts = 20;
  options.backoff_initial = milliseconds(200);
  options.backoff_max = milliseconds(400);
  options.force_cut_over_after = seconds(2);
  CutOverTuning tuning;
  tuning.long_transaction_threshold = seconds(1);
  CutOver cut(options, kDb, "t", Context(), tuning);
  Status s = cut.Run(std::stop_token());
  ASSERT_TRUE(s.ok()) << s.ToString();
  bool killed_blocker = false;
  for (const AttemptRecord& a : cut.report().attempts) {
    for (uint64_t id : a.killed) {
      killed_blocker |= id == blocker.thread_id();
      EXPECT_NE(id, bystander.thread_id()) << "a session not blocking this table was killed";
    }
  }
  EXPECT_TRUE(killed_blocker) << "the blocking session was not killed";
  EXPECT_GE(cut.report().attempts.size(), 2u) << "force must only start after force_cut_over_after";
  EXPECT_TRUE(bystander.QueryScalar("SELECT 1").ok()) << "the bystander's connection must be alive";
  EXPECT_FALSE(blocker.QueryScalar("SELECT 1").ok()) << "the blocker's connection should be gone";
  ASSERT_TRUE(bystander.Execute("COMMIT").ok());
  ASSERT_TRUE(conn_->Execute(std::string("DROP TABLE ") + kDb + ".other").ok());
}

// Kills session A (found as the holder of the write lock on t) from
// outside, as a DBA or a network failure would, and waits until its thread
// is gone: KILL only flags a session, and A's next statement could slip
// through otherwise. Returns the killed id, 0 on failure.
uint64_t KillLockHolder(db::Connection& conn) {
  auto holder = conn.QueryScalar(
      "SELECT th.PROCESSLIST_ID FROM performance_schema.metadata_locks ml"
      " JOIN performance_schema.threads th ON th.THREAD_ID = ml.OWNER_THREAD_ID"
      " WHERE ml.OBJECT_SCHEMA = '" +
      std::string(kDb) +
      "' AND ml.OBJECT_NAME = 't'"
      " AND ml.LOCK_TYPE = 'SHARED_NO_READ_WRITE' AND ml.LOCK_STATUS = 'GRANTED'");
  if (!holder.ok() || !holder->has_value()) return 0;
  if (!conn.Execute("KILL CONNECTION " + **holder).ok()) return 0;
  for (int i = 0; i < 500; ++i) {
    auto alive = conn.QueryScalar(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + **holder);
    if (alive.ok() && alive->value_or("") == "0") return std::stoull(**holder);
    std::this_thread::sleep_for(milliseconds(10));
  }
  return 0;
}

TEST_F(CutoverBlockerTest, KillingTheLockSessionDuringTheDrainLeavesTheOriginalWithAllRows) {
  // A dies after the marker was applied; a write then reaches t, which the
  // shadow does not have. The RENAME must not be issued.
  uint64_t killed = 0;
  sync::Set("cutover:marker_applied", [&] {
    killed = KillLockHolder(*conn_);
    EXPECT_TRUE(conn_->Execute("INSERT INTO " + kT + " VALUES (1000, 1)").ok());
  });
  migration::CutOverOptions options;
  options.lock_timeout = seconds(3);
  options.max_attempts = 1;
  CutOver cut(options, kDb, "t", Context());
  Status s = cut.Run(std::stop_token());

  ASSERT_NE(killed, 0u);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(cut.report().swapped);
  auto now = conn_->Query("SHOW CREATE TABLE " + kT);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(*now->rows[0][1], original_definition_);
  auto rows = conn_->QueryScalar("SELECT COUNT(*) FROM " + kT);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->value_or(""), std::to_string(kRows + 1));  // including the late write
  auto helpers = conn_->QueryScalar(
      "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY BINARY TABLE_NAME) FROM "
      "information_schema.TABLES WHERE TABLE_SCHEMA = '" +
      std::string(kDb) + "'");
  ASSERT_TRUE(helpers.ok());
  // Nothing was renamed: the shadow is still there for the next try.
  EXPECT_EQ(helpers->value_or(""), "_t_osc_log,_t_osc_new,t");
  // And the original is writable again.
  EXPECT_TRUE(conn_->Execute("UPDATE " + kT + " SET v = v + 1 WHERE id = 1").ok());
}

TEST_F(CutoverBlockerTest, KillingTheLockSessionAfterTheRenameQueuedCompletesTheSwapFirst) {
  // A write queues behind the lock, then A dies. B's pending RENAME must be
  // granted before that write, so the write lands in the new table.
  std::thread writer;
  Status write = Status::Internal("not run");
  uint64_t killed = 0;
  sync::Set("cutover:rename_waiting", [&] {
    writer = std::thread([&] {
      db::Connection c = Open();
      write = c.Execute("INSERT INTO " + kT + " (id, v) VALUES (2000, 2)");
    });
    std::this_thread::sleep_for(milliseconds(300));  // the INSERT queues on t
    killed = KillLockHolder(*conn_);
  });
  migration::CutOverOptions options;
  options.lock_timeout = seconds(3);
  options.max_attempts = 1;
  CutOver cut(options, kDb, "t", Context());
  Status s = cut.Run(std::stop_token());
  if (writer.joinable()) writer.join();

  ASSERT_NE(killed, 0u);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(cut.report().swapped);
  EXPECT_TRUE(write.ok()) << write.ToString();
  auto in_new = conn_->QueryScalar("SELECT extra FROM " + kT + " WHERE id = 2000");
  ASSERT_TRUE(in_new.ok()) << in_new.status().ToString();
  EXPECT_EQ(in_new->value_or(""), "7");  // t is the new table and has the row
  auto in_old = conn_->QueryScalar("SELECT COUNT(*) FROM `" + std::string(kDb) +
                                   "`.`_t_osc_old` WHERE id = 2000");
  ASSERT_TRUE(in_old.ok());
  EXPECT_EQ(in_old->value_or(""), "0");
}

}  // namespace
}  // namespace osc::cutover
