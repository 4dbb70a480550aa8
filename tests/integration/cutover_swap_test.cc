// The cut-over against the MariaDB sandbox under load: four threads keep
// writing to and reading from the table while it is swapped. None may see
// "table doesn't exist" (1146), and every write that queued behind the
// cut-over's lock must land in the NEW table (it runs after the RENAME).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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

constexpr const char* kDb = "osc_cutover_swap_it";
constexpr int kInitialRows = 200;
constexpr int kWorkers = 4;

struct Write {
  int writer = 0;
  int seq = 0;
  Steady::time_point start;
};

// One application thread: inserts a row, reads the table, repeats.
struct Worker {
  int id = 0;
  std::vector<Write> writes;        // successful inserts
  std::vector<std::string> errors;  // anything that failed
  int missing_table_errors = 0;     // errno 1146
};

void RunWorker(const db::ConnectionOptions& options, Worker* w, const std::atomic<bool>* stop) {
  auto conn = db::Connection::Open(options);
  if (!conn.ok()) {
    w->errors.push_back(conn.status().ToString());
    return;
  }
  const std::string t = std::string("`") + kDb + "`.`t`";
  for (int seq = 1; !stop->load(); ++seq) {
    const Steady::time_point start = Steady::now();
    Status s = conn->Execute("INSERT INTO " + t + " (writer, seq) VALUES (" +
                             std::to_string(w->id) + ", " + std::to_string(seq) + ")");
    if (s.ok()) w->writes.push_back({w->id, seq, start});
    auto r = s.ok() ? conn->QueryScalar("SELECT COUNT(*) FROM " + t)
                    : Result<std::optional<std::string>>(s);
    if (!r.ok()) {
      if (r.status().server_errno() == 1146) ++w->missing_table_errors;
      w->errors.push_back(r.status().ToString());
    }
  }
}

class CutoverSwapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::SandboxPrimaryOptions();
    if (!o) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    options_ = *o;
    auto c = db::Connection::Open(options_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_.emplace(std::move(*c));
    const std::string db = std::string("`") + kDb + "`";
    for (const std::string& sql : std::vector<std::string>{
             "CREATE DATABASE IF NOT EXISTS " + db,
             "DROP TABLE IF EXISTS " + db + ".t, " + db + "._t_osc_new, " + db + "._t_osc_old, " +
                 db + "._t_osc_log",
             "CREATE TABLE " + db +
                 ".t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, seq INT NOT "
                 "NULL,"
                 " UNIQUE KEY (writer, seq)) ENGINE=InnoDB",
             "INSERT INTO " + db + ".t (writer, seq) SELECT 0, seq FROM " + db + ".seq_1_to_" +
                 std::to_string(kInitialRows),
             "CREATE TABLE " + db + "._t_osc_new LIKE " + db + ".t",
             "ALTER TABLE " + db + "._t_osc_new ADD COLUMN extra INT NOT NULL DEFAULT 7",
             "INSERT INTO " + db + "._t_osc_new (id, writer, seq) SELECT id, writer, seq FROM " +
                 db + ".t"}) {
      ASSERT_TRUE(conn_->Execute(sql).ok()) << sql;
    }
    auto log = Changelog::For(kDb, "t");
    ASSERT_TRUE(log.ok());
    changelog_ = std::make_unique<Changelog>(std::move(*log));
    executor_ = std::make_unique<ConnectionExecutor>(options_);
    auto session = executor_->OpenSession("test");
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE(changelog_->CreateTable(**session).ok());
  }

  int64_t Count(const std::string& where_sql) {
    auto r = conn_->QueryScalar(where_sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << " for " << where_sql;
    return r.ok() && r->has_value() ? std::stoll(**r) : -1;
  }

  db::ConnectionOptions options_;
  std::optional<db::Connection> conn_;
  std::unique_ptr<Changelog> changelog_;
  std::unique_ptr<ConnectionExecutor> executor_;
};

TEST_F(CutoverSwapTest,
       SwapUnderConcurrentWritersNeverHidesTheTableAndQueuedWritesLandInTheNewTable) {
  std::atomic<bool> stop{false};
  std::vector<Worker> workers(kWorkers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    workers[static_cast<size_t>(i)].id = i + 1;
    threads.emplace_back(RunWorker, options_, &workers[static_cast<size_t>(i)], &stop);
  }
  std::this_thread::sleep_for(milliseconds(300));  // let the load start

  // Stand-in for the applier: confirms the marker row is there, and holds
  // the lock a while so that application writes queue up behind it.
  std::optional<Steady::time_point> locked_at;
  CutOverContext ctx;
  ctx.executor = executor_.get();
  ctx.changelog = changelog_.get();
  ctx.clock = SystemClock();
  ctx.wait_for_marker = [&](const std::string& marker, Clock::SteadyTime,
                            std::stop_token) -> Status {
    locked_at = Steady::now();
    auto value =
        conn_->QueryScalar(std::string("SELECT value FROM `") + kDb + "`._t_osc_log WHERE id = 4");
    if (!value.ok()) return value.status();
    if (value->value_or("") != marker)
      return Status::Internal("marker row does not hold " + marker);
    std::this_thread::sleep_for(milliseconds(400));
    return Status::Ok();
  };
  migration::CutOverOptions options;
  options.lock_timeout = seconds(5);
  options.max_attempts = 3;
  options.backoff_initial = milliseconds(200);
  CutOver cut(options, kDb, "t", ctx);
  Status s = cut.Run(std::stop_token());
  std::this_thread::sleep_for(milliseconds(300));  // writes continue on the new table
  stop = true;
  for (auto& t : threads) t.join();

  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(locked_at.has_value());
  const std::string db = std::string("`") + kDb + "`";
  int queued = 0;
  for (const Worker& w : workers) {
    EXPECT_EQ(w.missing_table_errors, 0) << "worker " << w.id;
    EXPECT_TRUE(w.errors.empty()) << "worker " << w.id << ": " << w.errors.front();
    for (const Write& write : w.writes) {
      if (write.start <= *locked_at) continue;
      // Sent while t was locked (or later): it ran after the RENAME.
      ++queued;
      const std::string key = " WHERE writer = " + std::to_string(write.writer) +
                              " AND seq = " + std::to_string(write.seq);
      EXPECT_EQ(Count("SELECT COUNT(*) FROM " + db + ".t" + key), 1) << key;
      EXPECT_EQ(Count("SELECT COUNT(*) FROM " + db + "._t_osc_old" + key), 0) << key;
    }
  }
  EXPECT_GT(queued, 0) << "no write was issued during the cut-over: the test proved nothing";
  // t is the new table (it has the added column), the old one kept every row.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM " + db + ".t WHERE writer = 0 AND extra = 7"),
            kInitialRows);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM " + db + "._t_osc_old WHERE writer = 0"), kInitialRows);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" +
                  std::string(kDb) + "' AND TABLE_NAME = '_t_osc_new'"),
            0);
  ASSERT_EQ(cut.report().attempts.size(), 1u);
  EXPECT_GE(cut.report().attempts[0].lock_held, milliseconds(400));
}

}  // namespace
}  // namespace osc::cutover
