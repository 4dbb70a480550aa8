// `osc --cleanup` against the sandbox, through the built program: helper
// tables left by a killed run are removed, _old is kept unless
// --ok-to-drop-table, a look-alike user table and a live run are refused,
// a second cleanup finds nothing, and the original table never changes
// (CHECKSUM TABLE and SHOW CREATE TABLE before and after).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "tests/integration/cli_process.h"
#include "tests/integration/sandbox_options.h"

namespace osc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::OscProcess;
using namespace std::chrono_literals;

constexpr const char* kDb = "osc_cleanup_live";

class CleanupLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = testing::SandboxPrimaryOptions();
    if (!o) OSC_SKIP_OR_FAIL("sandbox primary not configured (eval \"$(scripts/sandbox.sh env)\")");
    options_ = *o;
    auto conn = db::Connection::Open(options_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_.emplace(std::move(*conn));
    Exec(std::string("DROP DATABASE IF EXISTS ") + kDb);
    Exec(std::string("CREATE DATABASE ") + kDb);
    Exec(std::string("CREATE TABLE ") + kDb + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
    // 1000 rows (the sandbox caps recursive CTEs at 1000 iterations): the
    // copy is short, the run then waits at the postponed cut-over with its
    // helpers in place.
    Exec(std::string("INSERT INTO ") + kDb +
         ".t WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) "
         "SELECT n, CONCAT('row-', n) FROM s");
    original_ = Original();
  }
  void TearDown() override {
    if (conn_) (void)conn_->Execute(std::string("DROP DATABASE IF EXISTS ") + kDb);
  }

  void Exec(const std::string& sql) { ASSERT_TRUE(conn_->Execute(sql).ok()) << sql; }
  std::string Scalar(const std::string& sql) {
    auto r = conn_->QueryScalar(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? r->value_or("NULL") : "ERROR";
  }
  // The original table's definition and checksum.
  std::string Original() {
    auto def = conn_->Query(std::string("SHOW CREATE TABLE ") + kDb + ".t");
    auto sum = conn_->Query(std::string("CHECKSUM TABLE ") + kDb + ".t");
    EXPECT_TRUE(def.ok() && sum.ok());
    if (!def.ok() || !sum.ok()) return "";
    return def->rows.at(0).at(1).value_or("") + "\n" + sum->rows.at(0).at(1).value_or("NULL");
  }
  bool Exists(const std::string& table) {
    return Scalar(std::string(
                      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '") +
                  kDb + "' AND TABLE_NAME = '" + table + "'") == "1";
  }

  std::vector<std::string> Connection() const {
    return {"--host",     options_.host,
            "--port",     std::to_string(options_.port),
            "--user",     options_.user,
            "--database", kDb,
            "--table",    "t"};
  }
  std::unique_ptr<OscProcess> Start(std::vector<std::string> extra) const {
    std::vector<std::string> args = Connection();
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<OscProcess>(
        OSC_BINARY, args, std::map<std::string, std::string>{{"OSC_PASSWORD", options_.password}});
  }
  // Runs `osc --cleanup` (plus `extra`) to the end.
  std::unique_ptr<OscProcess> Cleanup(std::vector<std::string> extra = {}) const {
    extra.insert(extra.begin(), "--cleanup");
    auto p = Start(extra);
    p->Wait();
    return p;
  }

  // Starts a migration that stops before its cut-over (the postpone flag
  // file exists) and waits until its changelog has a heartbeat.
  std::unique_ptr<OscProcess> StartHeldMigration() {
    flag_ =
        std::filesystem::temp_directory_path() / ("osc-cleanup-flag-" + std::to_string(getpid()));
    std::ofstream(flag_).put('x');
    auto p = Start({"--alter", "ADD COLUMN c INT", "--execute", "--postpone-cut-over-flag-file",
                    flag_.string()});
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Exists("_t_osc_log") && Scalar(std::string("SELECT COUNT(*) FROM ") + kDb +
                                         "._t_osc_log WHERE kind = 'heartbeat'") == "1") {
        return p;
      }
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "the migration never wrote a heartbeat; stderr:\n" << p->err();
    return p;
  }
  // What the changelog looks like once its writer is long gone.
  void AgeChangelog() {
    Exec(std::string("UPDATE ") + kDb + "._t_osc_log SET updated_at = NOW(6) - INTERVAL 1 HOUR");
  }

  db::ConnectionOptions options_;
  std::optional<db::Connection> conn_;
  std::string original_;
  std::filesystem::path flag_;
};

TEST_F(CleanupLiveTest, NothingToCleanUpExitsZeroAndSaysSo) {
  auto p = Cleanup();
  EXPECT_EQ(p->Wait(), 0) << p->err();
  EXPECT_EQ(p->out(), "nothing to clean up: no helper tables of `osc_cleanup_live`.`t`\n");
  EXPECT_EQ(Original(), original_);
}

TEST_F(CleanupLiveTest, RefusesWhileTheRunIsAliveThenRemovesWhatAKilledRunLeft) {
  auto run = StartHeldMigration();
  ASSERT_TRUE(Exists("_t_osc_new"));

  auto live = Cleanup();
  EXPECT_EQ(live->Wait(), 3) << live->err();
  EXPECT_THAT(live->err(), HasSubstr("looks active"));
  EXPECT_THAT(live->err(), HasSubstr(" s ago (less than 30 s)"));
  EXPECT_TRUE(Exists("_t_osc_new") && Exists("_t_osc_log")) << "a refusal must drop nothing";

  // SIGKILL: osc gets no chance to drop its helpers.
  ASSERT_EQ(kill(run->pid(), SIGKILL), 0);
  EXPECT_EQ(run->Wait(), -1);
  EXPECT_TRUE(Exists("_t_osc_new") && Exists("_t_osc_log"))
      << "a killed run leaves its helper tables";
  AgeChangelog();

  auto cleanup = Cleanup();
  EXPECT_EQ(cleanup->Wait(), 0) << cleanup->err();
  EXPECT_EQ(cleanup->out(),
            "dropped: `osc_cleanup_live`.`_t_osc_new`\ndropped: `osc_cleanup_live`.`_t_osc_log`\n");
  EXPECT_EQ(cleanup->err(), "");
  EXPECT_FALSE(Exists("_t_osc_new") || Exists("_t_osc_log"));

  auto again = Cleanup();
  EXPECT_EQ(again->Wait(), 0) << again->err();
  EXPECT_THAT(again->out(), HasSubstr("nothing to clean up"));
  EXPECT_EQ(Original(), original_);
  std::filesystem::remove(flag_);
}

// A SIGTERM'd run stops on its own (exit 5), keeping its helper tables for
// a resume, and says how to remove them; the cleanup then ends with none
// and the original untouched.
TEST_F(CleanupLiveTest, AfterASigtermedRunCleanupLeavesNoHelpers) {
  auto run = StartHeldMigration();
  ASSERT_EQ(kill(run->pid(), SIGTERM), 0);
  EXPECT_EQ(run->Wait(), 5) << run->err();
  EXPECT_THAT(run->err(), HasSubstr("osc --cleanup --database osc_cleanup_live --table t"));
  if (Exists("_t_osc_log")) AgeChangelog();
  auto cleanup = Cleanup();
  EXPECT_EQ(cleanup->Wait(), 0) << cleanup->err();
  EXPECT_FALSE(Exists("_t_osc_new") || Exists("_t_osc_log") || Exists("_t_osc_old"));
  EXPECT_EQ(Original(), original_);
  std::filesystem::remove(flag_);
}

TEST_F(CleanupLiveTest, OldTableIsKeptWithoutOkToDropTableAndDroppedWithIt) {
  Exec(std::string("CREATE TABLE ") + kDb + "._t_osc_old LIKE " + kDb + ".t");
  Exec(std::string("INSERT INTO ") + kDb + "._t_osc_old SELECT * FROM " + kDb + ".t");

  auto keep = Cleanup();
  EXPECT_EQ(keep->Wait(), 0) << keep->err();
  EXPECT_THAT(keep->out(), HasSubstr("kept:    `osc_cleanup_live`.`_t_osc_old`"));
  EXPECT_THAT(keep->out(), HasSubstr("--ok-to-drop-table"));
  EXPECT_TRUE(Exists("_t_osc_old"));

  auto drop = Cleanup({"--ok-to-drop-table"});
  EXPECT_EQ(drop->Wait(), 0) << drop->err();
  EXPECT_EQ(drop->out(), "dropped: `osc_cleanup_live`.`_t_osc_old`\n");
  EXPECT_FALSE(Exists("_t_osc_old"));
  EXPECT_EQ(Original(), original_);
}

TEST_F(CleanupLiveTest, LookAlikeUserTableIsRefusedAndNothingIsDropped) {
  Exec(std::string("CREATE TABLE ") + kDb + "._t_osc_log (id INT PRIMARY KEY, message TEXT)");
  Exec(std::string("CREATE TABLE ") + kDb + "._t_osc_new LIKE " + kDb + ".t");
  auto p = Cleanup({"--ok-to-drop-table"});
  EXPECT_EQ(p->Wait(), 3) << p->err();
  EXPECT_THAT(p->err(), HasSubstr("does not look like osc's changelog"));
  EXPECT_EQ(testing::LinesStartingWith(p->err(), "osc: ").size(), 1u) << p->err();
  EXPECT_EQ(p->out(), "");
  EXPECT_TRUE(Exists("_t_osc_log") && Exists("_t_osc_new"));
  EXPECT_EQ(Original(), original_);
}

TEST_F(CleanupLiveTest, ShadowWithoutChangelogIsRefusedWithTheStatementToRun) {
  Exec(std::string("CREATE TABLE ") + kDb + "._t_osc_new LIKE " + kDb + ".t");
  auto p = Cleanup();
  EXPECT_EQ(p->Wait(), 3) << p->err();
  EXPECT_THAT(p->err(), HasSubstr("DROP TABLE `osc_cleanup_live`.`_t_osc_new`;"));
  EXPECT_TRUE(Exists("_t_osc_new"));
}

TEST_F(CleanupLiveTest, UnknownDatabaseIsRefusedNotReportedClean) {
  std::vector<std::string> args = Connection();
  args[7] = "osc_cleanup_live_nodb";
  args.push_back("--cleanup");
  OscProcess p(OSC_BINARY, args, {{"OSC_PASSWORD", options_.password}});
  EXPECT_EQ(p.Wait(), 3) << p.err();
  EXPECT_THAT(p.err(), HasSubstr("database `osc_cleanup_live_nodb` does not exist"));
}

}  // namespace
}  // namespace osc
