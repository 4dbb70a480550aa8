// Controlling a running copy against the sandbox: the gate pauses it, the
// stop token ends it within about a chunk's time, a checkpoint resumes it,
// and a concurrent uncommitted DELETE blocks the chunk that reads the row
// (the locking read of engine rule 2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/sync_point.h"
#include "tests/integration/copy_live_util.h"

namespace osc::copy::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// A gate that lets `budget` chunks through, then holds workers until
// Open(). Honours the stop token as the GateFn contract asks.
class TestGate {
 public:
  explicit TestGate(int budget) : budget_(budget) {}

  Status Wait(std::stop_token stop) {
    std::unique_lock<std::mutex> lock(mu_);
    if (budget_ > 0) {
      --budget_;
      return Status::Ok();
    }
    ++waiting_;
    cv_.notify_all();
    const bool opened = cv_.wait(lock, stop, [this] { return open_; });
    --waiting_;
    return opened ? Status::Ok() : Status::Aborted("gate: stopped");
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Waits (up to 30 s) until `n` workers are held.
  bool AwaitWaiting(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return waiting_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  int budget_;
  int waiting_ = 0;
  bool open_ = false;
};

class CopyControlTest : public CopyLiveTest {
 protected:
  Prepared MakeTable(const std::string& table, uint64_t rows) {
    CreateTable(table, "(id INT NOT NULL PRIMARY KEY, v VARCHAR(40), w INT) ENGINE=InnoDB",
                "INSERT INTO " + Q(table) + " SELECT n, CONCAT('v', n), n * 3 FROM " + Numbers(rows));
    return Prepare(table, "ADD COLUMN x INT NULL");
  }

  // The chunk size stays at `rows` (min = max) so timings are predictable.
  CopierConfig Fixed(const Prepared& p, int threads, uint64_t rows) {
    CopierConfig c = CopyConfig(p, threads, rows);
    c.options.min_chunk_size = rows;
    c.options.max_chunk_size = rows;
    return c;
  }
};

TEST_F(CopyControlTest, ClosedGateMakesNoProgressAndOpeningItFinishes) {
  const Prepared p = MakeTable("gated", 20000);
  TestGate gate(3);
  CopierConfig config = Fixed(p, 2, 1000);
  config.gate = [&gate](std::stop_token stop) { return gate.Wait(stop); };
  Copier copier(config);
  Status result;
  std::thread run([&] { result = copier.Run(std::stop_token()); });

  ASSERT_TRUE(gate.AwaitWaiting(2)) << "both workers should end up held by the gate";
  const uint64_t rows = Count(p.shadow);
  const uint64_t progress = copier.progress().rows_copied;
  EXPECT_EQ(rows, 3000u);  // the three chunks let through
  EXPECT_EQ(progress, rows);
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(Count(p.shadow), rows) << "rows were copied while the gate was closed";
  EXPECT_EQ(copier.progress().rows_copied, progress);

  gate.Open();
  run.join();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(Count(p.shadow), 20000u);
  EXPECT_TRUE(copier.checkpoint().complete);
}

TEST_F(CopyControlTest, GateAbortStopsTheCopyWithAborted) {
  const Prepared p = MakeTable("gate_abort", 5000);
  CopierConfig config = Fixed(p, 2, 1000);
  std::atomic<int> calls{0};
  config.gate = [&calls](std::stop_token) {
    return ++calls > 2 ? Status::Aborted("throttler: panic flag") : Status::Ok();
  };
  Copier copier(config);
  const Status s = copier.Run(std::stop_token());
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_LT(Count(p.shadow), 5000u);
}

TEST_F(CopyControlTest, StopEndsTheCopyWithinAChunkAndACheckpointResumesIt) {
  const Prepared p = MakeTable("stopped", 50000);
  Copier first(Fixed(p, 2, 250));
  std::stop_source stop;
  Status result;
  std::thread run([&] { result = first.Run(stop.get_token()); });
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (first.progress().chunks_copied < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  const auto asked = std::chrono::steady_clock::now();
  stop.request_stop();
  run.join();
  const auto took = std::chrono::steady_clock::now() - asked;
  EXPECT_TRUE(result.IsAborted()) << result.ToString();
  // A 250-row chunk takes milliseconds here; a second is generous.
  EXPECT_LT(took, 1s);

  const Checkpoint cp = first.checkpoint();
  ASSERT_FALSE(cp.complete);
  ASSERT_TRUE(cp.low_watermark.has_value());
  const uint64_t copied = first.progress().rows_copied;
  EXPECT_EQ(Count(p.shadow), copied);
  EXPECT_LT(copied, 50000u);

  // New rows beyond the original maximum are the applier's, not the
  // resumed copy's: the range is the checkpoint's.
  Exec("INSERT INTO " + Q(p.table) + " VALUES (60000, 'late', 0)");
  Copier second(Fixed(p, 3, 400));
  const Status resumed = second.Resume(cp, std::stop_token());
  ASSERT_TRUE(resumed.ok()) << resumed.ToString();
  EXPECT_TRUE(second.checkpoint().complete);
  // Nothing done before is copied again, nothing is missed.
  EXPECT_EQ(second.progress().rows_copied, 50000u - copied);
  EXPECT_EQ(Count(p.shadow), 50000u);
  EXPECT_EQ(Count(p.shadow, "id = 60000"), 0u);
  Exec("DELETE FROM " + Q(p.table) + " WHERE id = 60000");
  ASSERT_TRUE(DirectAlter(p, "ADD COLUMN x INT NULL").ok());
  ExpectShadowEqualsDirect(p);
}

TEST_F(CopyControlTest, ResumeRejectsACheckpointThatDoesNotFitTheKey) {
  const Prepared p = MakeTable("bad_cp", 10);
  Checkpoint cp;
  cp.range = CopyRange{{"1"}, {"10); DROP TABLE t; --"}};
  Copier copier(CopyConfig(p));
  EXPECT_TRUE(copier.Resume(cp, std::stop_token()).IsInvalidArgument());
  EXPECT_EQ(Count(p.shadow), 0u);
}

// Engine rule 2: a row deleted by a transaction that has not committed yet
// (its binlog event may already be applied) must not be copied.
TEST_F(CopyControlTest, UncommittedDeleteBlocksTheChunkAndTheRowIsNotCopied) {
  const Prepared p = MakeTable("locked", 300);
  db::Connection writer = MustOpen();
  ASSERT_TRUE(writer.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(writer.Execute("DELETE FROM " + Q(p.table) + " WHERE id = 150").ok());

  CopierConfig config = Fixed(p, 1, 1000);  // one chunk holds every row
  config.tuning.lock_wait_timeout = std::chrono::seconds(30);
  Copier copier(config);
  Status result;
  std::atomic<bool> finished{false};
  std::thread run([&] {
    result = copier.Run(std::stop_token());
    finished = true;
  });

  // Wait until InnoDB reports the copier waiting for the row lock. Poll
  // slower than every 100 ms: InnoDB refreshes its INNODB_TRX cache only
  // after 100 ms without a read, so faster polling keeps reading a stale
  // cache.
  bool waiting = false;
  for (int i = 0; i < 60 && !waiting; ++i) {
    const db::QueryResult r = Query(
        "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE "
        "'INSERT INTO%'");
    waiting = !r.rows.empty() && r.rows[0][0] != "0";
    if (!waiting) std::this_thread::sleep_for(150ms);
  }
  EXPECT_TRUE(waiting) << "the copy did not wait for the uncommitted DELETE";
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(finished.load());
  EXPECT_EQ(copier.progress().rows_copied, 0u);

  ASSERT_TRUE(writer.Execute("COMMIT").ok());
  run.join();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(Count(p.shadow, "id = 150"), 0u);
  EXPECT_EQ(Count(p.shadow), 299u);
}

TEST_F(CopyControlTest, LockWaitTimeoutIsRetriedAndGivesUpAfterTheAttempts) {
  const Prepared p = MakeTable("lockwait", 100);
  db::Connection holder = MustOpen();
  ASSERT_TRUE(holder.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(holder.Execute("UPDATE " + Q(p.table) + " SET w = w + 1 WHERE id = 50").ok());
  CopierConfig config = Fixed(p, 1, 1000);
  config.tuning.lock_wait_timeout = std::chrono::seconds(1);
  config.tuning.max_attempts = 2;

  Copier bounded(config);
  const Status s = bounded.Run(std::stop_token());
  EXPECT_EQ(s.server_errno(), 1205u) << s.ToString();
  EXPECT_THAT(std::string(s.message()), HasSubstr("gave up after 2 attempts"));
  EXPECT_EQ(bounded.progress().retries, 1u);
  EXPECT_EQ(Count(p.shadow), 0u);

  // Released after the first timeout, while the copy backs off and
  // retries: the chunk goes through.
  config.tuning.max_attempts = 5;
  Copier patient(config);
  std::thread release([&holder, &patient] {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (patient.progress().retries == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(holder.Execute("ROLLBACK").ok());
  });
  const Status ok = patient.Run(std::stop_token());
  release.join();
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  EXPECT_GE(patient.progress().retries, 1u);
  EXPECT_EQ(Count(p.shadow), 100u);
}

TEST_F(CopyControlTest, KilledConnectionsAreReopenedAndTheChunkRetried) {
  const Prepared p = MakeTable("killed", 20000);
  db::Connection killer = MustOpen();
  const uint64_t admin = conn_->thread_id();
  std::atomic<int> chunks{0};
  std::atomic<int> killed{0};
  // Before the 5th chunk, kill every client session but the test's own:
  // the worker about to run that chunk, the other worker and the producer.
  // Busy ones too: the other worker may be inside its own chunk just then
  // (killing only idle sessions once found just one).
  sync::Set("copy:before_chunk", [&] {
    if (++chunks != 5) return;
    Result<db::QueryResult> sessions = killer.Query(
        "SELECT id FROM information_schema.processlist WHERE command IN ('Sleep', 'Query') AND id <> "
        "CONNECTION_ID() AND id <> " +
        std::to_string(admin));
    ASSERT_TRUE(sessions.ok()) << sessions.status().ToString();
    for (const db::Row& row : sessions->rows) {
      if (killer.Execute("KILL CONNECTION " + row[0].value_or("0")).ok()) ++killed;
    }
  });
  Copier copier(Fixed(p, 2, 500));
  const Status s = copier.Run(std::stop_token());
  sync::ClearAll();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(killed.load(), 2);
  EXPECT_GE(copier.progress().retries, 1u);
  EXPECT_EQ(Count(p.shadow), 20000u);
}

}  // namespace
}  // namespace osc::copy::testing
