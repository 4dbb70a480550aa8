// Faults during a migration, through the built `osc` program against the
// sandbox (issue #6, Tests): SIGKILL at several points and the same command
// run again, a primary restart in the middle of the copy, and a purged
// binlog under a stopped run. The oracle is the mirror table of
// migration_e2e_test.cc: RandomWriter copies every change of `t` into
// `t_mirror` in the same transaction, and after the migration a direct
// ALTER of the mirror must give the same definition and rows. A reader
// queries `t` all along and must never get 1146 (table missing).
//
// The restart test needs OSC_SANDBOX_DIR / OSC_SANDBOX_PORT set to the
// sandbox's own (it runs scripts/sandbox.sh start to bring the primary back).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "db/quoting.h"
#include "osc/resume_state.h"
#include "tests/integration/cli_process.h"
#include "tests/integration/fault_util.h"
#include "tests/integration/sandbox_options.h"
#include "tools/random_writer.h"

namespace osc {
namespace {

using testing::AllOutput;
using testing::OscProcess;
using namespace std::chrono_literals;

constexpr const char* kDb = "osc_faults";
constexpr uint64_t kRows = 30000;
// Not INSTANT-capable (a type change), adds a column and an index.
constexpr const char* kAlter =
    "ADD COLUMN note VARCHAR(32) NULL DEFAULT 'n', MODIFY amount DECIMAL(14,2), ADD INDEX idx_flags (flags)";

class ResumeFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    started_ = std::chrono::steady_clock::now();
    auto o = testing::SandboxPrimaryOptions();
    if (!o) OSC_SKIP_OR_FAIL("sandbox primary not configured (eval \"$(scripts/sandbox.sh env)\")");
    options_ = *o;
    auto c = db::Connection::Open(options_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_.emplace(std::move(*c));
    Exec(std::string("DROP DATABASE IF EXISTS ") + kDb);
    Exec(std::string("CREATE DATABASE ") + kDb);
    Exec(std::string("USE ") + kDb);
    ASSERT_TRUE(tools::CreateWorkloadTable(*conn_, kDb, "t", kRows).ok());
    Exec("CREATE TABLE t_mirror LIKE t");
    Exec("INSERT INTO t_mirror SELECT * FROM t");
  }
  void TearDown() override {
    if (writer_) writer_->Stop();
    std::cerr << "[ResumeFaults] test took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                        started_).count()
              << " ms\n";
  }

  void Exec(const std::string& sql) { ASSERT_TRUE(conn_->Execute(sql).ok()) << sql; }
  db::QueryResult Rows(const std::string& sql) {
    auto r = conn_->Query(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? *r : db::QueryResult{};
  }
  bool Exists(const std::string& table) {
    auto r = conn_->QueryScalar(std::string("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '") +
                                kDb + "' AND TABLE_NAME = " + db::QuoteStringLiteral(table));
    return r.ok() && r->value_or("0") != "0";
  }

  void StartWriter() {
    tools::WriterOptions wo;
    wo.connection = options_;
    wo.database = kDb;
    wo.table = "t";
    wo.mirror_table = "t_mirror";
    wo.threads = 2;
    wo.ops_per_second = 200;
    writer_ = std::make_unique<tools::RandomWriter>(wo);
    ASSERT_TRUE(writer_->Start().ok());
  }

  // The migration command; `threads` copier threads.
  std::vector<std::string> Args(std::vector<std::string> extra = {}, int threads = 2) const {
    std::vector<std::string> args = {
        "--host", options_.host, "--port", std::to_string(options_.port), "--user", options_.user,
        "--database", kDb, "--table", "t", "--alter", kAlter, "--execute", "--threads", std::to_string(threads),
        "--chunk-size", "100", "--checkpoint-interval", "200ms", "--heartbeat-interval-millis", "100",
        "--progress", "plain", "--progress-interval", "50ms", "--cut-over-lock-timeout-seconds", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::unique_ptr<OscProcess> Start(const std::vector<std::string>& args) const {
    return std::make_unique<OscProcess>(OSC_BINARY, args,
                                        std::map<std::string, std::string>{{"OSC_PASSWORD", options_.password}});
  }

  // Runs the migration command until it stops refusing because the killed
  // run "looks alive" (its heartbeat must age 10 s first). Returns the
  // last run; nullptr never.
  std::unique_ptr<OscProcess> RunAgain() {
    std::this_thread::sleep_for(10s);
    std::unique_ptr<OscProcess> p;
    for (int attempt = 0; attempt < 8; ++attempt) {
      p = Start(Args());
      const int code = p->Wait(180s);
      if (code != 3 || AllOutput(*p).find("looks alive") == std::string::npos) break;
      ++liveness_refusals_;
      std::this_thread::sleep_for(1s);
    }
    return p;
  }

  // Definition (columns and indexes) of a table as comparable rows.
  db::QueryResult Definition(const std::string& table) {
    const std::string t = db::QuoteStringLiteral(table);
    auto cols = Rows("SELECT ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
                     "COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + std::string(kDb) +
                     "' AND TABLE_NAME = " + t + " ORDER BY ORDINAL_POSITION");
    auto idx = Rows("SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS "
                    "WHERE TABLE_SCHEMA = '" + std::string(kDb) + "' AND TABLE_NAME = " + t +
                    " ORDER BY INDEX_NAME, SEQ_IN_INDEX");
    for (auto& r : idx.rows) cols.rows.push_back(r);
    return cols;
  }

  // Stops the writer, applies the ALTER to the mirror directly and compares.
  void ExpectTableEqualsDirectAlter() {
    ASSERT_TRUE(writer_);
    writer_->Stop();
    const tools::WriterStats stats = writer_->stats();
    EXPECT_GT(stats.ops, 100u) << "the writer must really have run";
    Exec(std::string("ALTER TABLE t_mirror ") + kAlter);
    auto da = Definition("t"), dm = Definition("t_mirror");
    ASSERT_FALSE(da.rows.empty());
    EXPECT_EQ(da.rows, dm.rows) << "definitions of t and t_mirror differ";
    auto ra = Rows("SELECT * FROM t ORDER BY id");
    auto rm = Rows("SELECT * FROM t_mirror ORDER BY id");
    ASSERT_EQ(ra.rows.size(), rm.rows.size()) << "row counts differ";
    size_t diffs = 0;
    for (size_t i = 0; i < ra.rows.size() && diffs < 5; ++i) {
      if (ra.rows[i] != rm.rows[i]) {
        ++diffs;
        ADD_FAILURE() << "row " << i << " differs (id " << ra.rows[i][0].value_or("NULL") << " vs "
                      << rm.rows[i][0].value_or("NULL") << ")";
      }
    }
  }

  db::ConnectionOptions options_;
  std::optional<db::Connection> conn_;
  std::unique_ptr<tools::RandomWriter> writer_;
  int liveness_refusals_ = 0;
  std::chrono::steady_clock::time_point started_;
};

// The state the output last logged a transition into.
std::string LastState(const std::string& output) {
  const size_t arrow = output.rfind(" -> ");
  if (arrow == std::string::npos) return "";
  const size_t begin = arrow + 4;
  return output.substr(begin, output.find_first_of(" \n", begin) - begin);
}

// ---------------------------------------------------------------- SIGKILL

struct KillPoint {
  const char* name;
  // True when the run, going by its output so far, is at the point.
  bool (*reached)(const std::string& output);
  // Also wait until the run has written its first checkpoint (changelog
  // row 3): a run killed before that has nothing to resume from and is
  // refused ("wrote no checkpoint"), which is not what this point tests.
  bool after_first_checkpoint = false;
};

void PrintTo(const KillPoint& k, std::ostream* os) { *os << k.name; }

const KillPoint kKillPoints[] = {
    {"EarlyCopy", [](const std::string& o) { return testing::LastCopiedRows(o) > 0; }, true},
    // The copier's chunks grow to ~10k rows within a second, so "late" is
    // the first progress line past half the table (the log says how far)
    // once a checkpoint exists: a fast copy gets there in 0.3 s, before the
    // first 200 ms checkpoint was written, and is then rightly not resumed.
    {"LateCopy", [](const std::string& o) { return testing::LastCopiedRows(o) >= kRows / 2; }, true},
    {"CatchUp", [](const std::string& o) { return testing::ReachedState(o, "catching-up"); }},
    {"Checksum", [](const std::string& o) { return testing::ReachedState(o, "checksumming"); }},
    {"CutOver", [](const std::string& o) { return testing::ReachedState(o, "cutting-over"); }},
    // Later: the first attempt has begun (LOCK TABLES / RENAME in flight).
    {"CutOverAttempt", [](const std::string& o) { return o.find("cut-over attempt 1/") != std::string::npos; }},
    // Just after the RENAME: the swap is done, the run's cleanup is not.
    {"CutOverAfterSwap", [](const std::string& o) { return o.find("is now the new table") != std::string::npos; }},
};

class ResumeFaultsKillTest : public ResumeFaultsTest, public ::testing::WithParamInterface<KillPoint> {};

TEST_P(ResumeFaultsKillTest, SigkillThenTheSameCommandEndsLikeADirectAlterAndTheTableNeverGoesMissing) {
  const KillPoint point = GetParam();
  StartWriter();
  testing::TableReader reader(options_, std::string(kDb) + ".t");
  std::this_thread::sleep_for(300ms);

  auto first = Start(Args());
  auto checkpointed = [&] {
    if (!point.after_first_checkpoint) return true;
    auto r = conn_->QueryScalar("SELECT COUNT(*) FROM _t_osc_log WHERE id = 3");
    return r.ok() && r->value_or("0") == "1";
  };
  const bool reached = testing::WaitForPoint(
      *first, [&](const std::string& o) { return point.reached(o) && checkpointed(); }, 120000ms);
  kill(first->pid(), SIGKILL);
  const int first_code = first->Wait();
  const std::string first_out = AllOutput(*first);
  ASSERT_TRUE(reached) << point.name << " never reached; output:\n" << first_out;
  std::cerr << "[ResumeFaults] " << point.name << ": killed (exit " << first_code << ") in state "
            << LastState(first_out) << " after " << testing::LastCopiedRows(first_out) << " rows\n";

  if (first_code == 0) {
    // The run finished between the point and the kill: nothing to resume.
    std::cerr << "[ResumeFaults] " << point.name << ": the run completed before SIGKILL landed\n";
    reader.Stop();
    EXPECT_EQ(reader.missing(), 0u) << "the reader saw table t missing";
    ExpectTableEqualsDirectAlter();
    return;
  }
  ASSERT_EQ(first_code, -1) << first_out;
  auto second = RunAgain();
  const int code = second->Wait();
  const std::string out = AllOutput(*second);
  std::cerr << "[ResumeFaults] " << point.name << ": second run exit " << code << " after " << liveness_refusals_
            << " 'looks alive' refusal(s)"
            << (out.find("resuming: reusing") != std::string::npos ? ", resumed from the checkpoint" : ", not resumed")
            << "\n";
  if (code == 3 && out.find("already swapped") != std::string::npos) {
    // The killed run got as far as the swap: nothing to resume, and the
    // table must already be the migrated one.
    std::cerr << "[ResumeFaults] " << point.name << ": the killed run had already swapped; second run refused:\n";
    for (const std::string& line : testing::LinesStartingWith(out, "  REFUSED")) std::cerr << line << "\n";
    EXPECT_EQ(std::string(point.name).rfind("CutOver", 0), 0u) << "only a kill during the cut-over may find the swap done";
    EXPECT_TRUE(Exists("_t_osc_old"));
  } else {
    ASSERT_EQ(code, 0) << out;
    if (first_code == -1 && std::string(point.name).find("Copy") != std::string::npos) {
      EXPECT_NE(out.find("resum"), std::string::npos) << "a killed copy should be resumed:\n" << out;
    }
    EXPECT_FALSE(Exists("_t_osc_new"));
    EXPECT_FALSE(Exists("_t_osc_log"));
  }
  std::this_thread::sleep_for(300ms);  // reads and writes continue on the result
  reader.Stop();
  EXPECT_EQ(reader.missing(), 0u) << "the reader saw table t missing";
  EXPECT_GT(reader.answers(), 100u);
  EXPECT_EQ(writer_->stats().unexpected_errors, 0u) << writer_->stats().first_unexpected;
  ExpectTableEqualsDirectAlter();
}

INSTANTIATE_TEST_SUITE_P(Points, ResumeFaultsKillTest, ::testing::ValuesIn(kKillPoints),
                         [](const ::testing::TestParamInfo<KillPoint>& p) { return p.param.name; });

// ---------------------------------------------------------------- restart

// Shuts the sandbox primary down and starts it again with
// scripts/sandbox.sh (which needs the sandbox's own OSC_SANDBOX_DIR).
::testing::AssertionResult RestartPrimary(const db::ConnectionOptions& options) {
  const char* dir = std::getenv("OSC_SANDBOX_DIR");
  if (dir == nullptr) return ::testing::AssertionFailure() << "OSC_SANDBOX_DIR not set";
  {
    auto admin = db::Connection::Open(options);
    if (!admin.ok()) return ::testing::AssertionFailure() << admin.status().ToString();
    (void)admin->Execute("SHUTDOWN");  // the reply may or may not arrive
  }
  // mariadbd removes its pid file last; starting earlier finds the port taken.
  const std::string pid_file = std::string(dir) + "/primary/mariadbd.pid";
  if (!testing::PollUntil([&] { return !std::filesystem::exists(pid_file); }, 60000ms)) {
    return ::testing::AssertionFailure() << "the primary did not stop";
  }
  const std::string start = std::string(OSC_SOURCE_DIR) + "/scripts/sandbox.sh start >/dev/null 2>&1";
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (std::system(start.c_str()) == 0) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(1s);
  }
  return ::testing::AssertionFailure() << "scripts/sandbox.sh start failed";
}

TEST_F(ResumeFaultsTest, PrimaryRestartDuringTheCopyIsRiddenThroughAndTheResultIsExact) {
  if (std::getenv("OSC_SANDBOX_DIR") == nullptr) {
    OSC_SKIP_OR_FAIL("set OSC_SANDBOX_DIR (and OSC_SANDBOX_PORT) to the sandbox's own to allow restarting it");
  }
  StartWriter();
  testing::TableReader reader(options_, std::string(kDb) + ".t");
  auto run = Start(Args({"--reconnect-timeout", "2m"}, 1));
  ASSERT_TRUE(testing::WaitForPoint(
      *run, [](const std::string& o) { return testing::LastCopiedRows(o) >= kRows / 5; }, 120000ms))
      << AllOutput(*run);
  const std::string before = AllOutput(*run);
  ASSERT_FALSE(testing::ReachedState(before, "catching-up")) << "the copy ended before the restart";
  const auto down = std::chrono::steady_clock::now();
  ASSERT_TRUE(RestartPrimary(options_));
  std::cerr << "[ResumeFaults] primary restarted at " << testing::LastCopiedRows(before) << " rows, down for "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - down).count()
            << " ms\n";
  const int code = run->Wait(300s);
  const std::string out = AllOutput(*run);
  // The session the test used went away with the server.
  auto c = db::Connection::Open(options_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  conn_.emplace(std::move(*c));
  Exec(std::string("USE ") + kDb);
  EXPECT_EQ(code, 0) << "osc did not carry on after the restart:\n" << out.substr(out.size() > 3000 ? out.size() - 3000 : 0);
  if (code != 0) {
    // What the user would do next: the same command again. It must resume
    // (the failure kept the helpers) and still end exactly.
    auto again = RunAgain();
    const int again_code = again->Wait();
    const std::string again_out = AllOutput(*again);
    std::cerr << "[ResumeFaults] restart: first run exit " << code << "; the same command again: exit " << again_code
              << (again_out.find("resuming: reusing") != std::string::npos ? ", resumed" : ", not resumed") << "\n";
    ASSERT_EQ(again_code, 0) << again_out;
  }
  std::this_thread::sleep_for(300ms);
  reader.Stop();
  EXPECT_EQ(reader.missing(), 0u);
  const tools::WriterStats stats = writer_->stats();
  std::cerr << "[ResumeFaults] writer: " << stats.ops << " ops, " << stats.unexpected_errors
            << " errors while the server was down (expected: connection errors)\n";
  ExpectTableEqualsDirectAlter();
  EXPECT_FALSE(Exists("_t_osc_new"));
}

// ---------------------------------------------------------------- purge

TEST_F(ResumeFaultsTest, PurgedCheckpointBinlogIsRefusedClearlyAndCleanupLeavesTheOriginalAlone) {
  const auto original = Rows("CHECKSUM TABLE t").rows;
  const auto original_def = Rows("SHOW CREATE TABLE t").rows;
  // Held before its cut-over (the postpone flag exists), the run stops
  // at a known point with its checkpoints written; no writer, so the
  // original's checksum must not change at all.
  const std::filesystem::path flag =
      std::filesystem::temp_directory_path() / ("osc-faults-postpone-" + std::to_string(getpid()));
  std::ofstream(flag).put('x');
  auto run = Start(Args({"--postpone-cut-over-flag-file", flag.string()}, 1));
  ASSERT_TRUE(testing::WaitForPoint(
      *run, [](const std::string& o) { return testing::ReachedState(o, "awaiting-cut-over"); }, 120000ms))
      << AllOutput(*run);
  std::this_thread::sleep_for(600ms);  // checkpoints at 200 ms
  kill(run->pid(), SIGTERM);
  ASSERT_EQ(run->Wait(), 5) << AllOutput(*run);
  std::filesystem::remove(flag);
  ASSERT_TRUE(Exists("_t_osc_new"));
  ASSERT_TRUE(Exists("_t_osc_log"));

  auto text = conn_->QueryScalar("SELECT value FROM _t_osc_log WHERE id = 3");
  ASSERT_TRUE(text.ok() && text->has_value()) << "no checkpoint row";
  auto checkpoint = migration::DecodeResumeState(**text);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  const binlog::BinlogPosition applied = checkpoint->applied;

  for (int i = 0; i < 3; ++i) Exec("FLUSH BINARY LOGS");
  auto newest = conn_->Query("SHOW MASTER STATUS");
  ASSERT_TRUE(newest.ok() && !newest->rows.empty() && newest->rows[0][0]);
  // PURGE silently stops at a file a dump thread (the replica's) still has
  // open, so it is repeated until the checkpoint's file is really gone.
  auto purged = [&] {
    if (!conn_->Execute("PURGE BINARY LOGS TO '" + *newest->rows[0][0] + "'").ok()) return false;
    for (const auto& row : Rows("SHOW BINARY LOGS").rows) {
      if (row[0] == applied.file) return false;
    }
    return true;
  };
  ASSERT_TRUE(testing::PollUntil([&] { return purged(); }, 30000ms)) << applied.file << " was not purged";

  auto again = Start(Args());
  EXPECT_EQ(again->Wait(), 3) << AllOutput(*again);
  const std::string out = AllOutput(*again);
  std::cerr << "[ResumeFaults] refusal after purge:\n" << out << "\n";
  EXPECT_NE(out.find(applied.ToString()), std::string::npos) << "the message must name " << applied.ToString();
  EXPECT_NE(out.find("purged"), std::string::npos) << out;
  EXPECT_NE(out.find("osc --cleanup"), std::string::npos) << "the refusal should say how to clean up:\n" << out;
  EXPECT_TRUE(Exists("_t_osc_new")) << "a refusal must not touch the earlier run's tables";

  // osc --cleanup treats a changelog written less than 30 s ago as a live
  // run, even one whose state row says it stopped (osc/cleanup.cc
  // CheckChangelog): it is retried until that window has passed.
  std::unique_ptr<OscProcess> cleanup;
  int active_refusals = 0;
  const auto cleanup_started = std::chrono::steady_clock::now();
  for (int attempt = 0; attempt < 25; ++attempt) {
    cleanup = Start({"--host", options_.host, "--port", std::to_string(options_.port), "--user", options_.user,
                     "--cleanup", "--database", kDb, "--table", "t"});
    if (cleanup->Wait() != 3 || AllOutput(*cleanup).find("looks active") == std::string::npos) break;
    ++active_refusals;
    std::this_thread::sleep_for(2s);
  }
  std::cerr << "[ResumeFaults] cleanup refused as 'looks active' " << active_refusals << " time(s) over "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - cleanup_started)
                   .count()
            << " s\n";
  EXPECT_EQ(cleanup->Wait(), 0) << AllOutput(*cleanup);
  EXPECT_FALSE(Exists("_t_osc_new"));
  EXPECT_FALSE(Exists("_t_osc_log"));
  EXPECT_EQ(Rows("CHECKSUM TABLE t").rows, original);
  EXPECT_EQ(Rows("SHOW CREATE TABLE t").rows, original_def);
}

}  // namespace
}  // namespace osc
