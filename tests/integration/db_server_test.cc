// Server-level helpers against the MariaDB sandbox: variables, replica
// status, and quoting round trips through the real parser.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "db/quoting.h"
#include "db/replica_status.h"
#include "db/variables.h"
#include "tests/support/test_env.h"

namespace osc::db {
namespace {

constexpr const char* kDb = "osc_db_server_test";

std::optional<ConnectionOptions> OptionsFor(const std::optional<testing::ServerEndpoint>& ep) {
  if (!ep) return std::nullopt;
  ConnectionOptions o;
  o.host = ep->host;
  o.port = ep->port;
  o.user = ep->user;
  o.password = ep->password;
  o.connect_timeout = std::chrono::seconds(5);
  o.read_timeout = std::chrono::seconds(30);
  return o;
}

class DbServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = OptionsFor(testing::SandboxPrimary());
    if (!o) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    auto c = Connection::Open(*o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    primary_.emplace(std::move(*c));
    ASSERT_TRUE(primary_->Execute(std::string("CREATE DATABASE IF NOT EXISTS ") + kDb).ok());
  }

  // Opens the replica, or skips/fails the test when it is not configured.
  std::optional<Connection> OpenReplica() {
    auto o = OptionsFor(testing::SandboxReplica());
    if (!o) return std::nullopt;
    auto c = Connection::Open(*o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (!c.ok()) return std::nullopt;
    return std::move(*c);
  }

  std::optional<Connection> primary_;
};

TEST_F(DbServerTest, GlobalVariablesMatchTheSandboxConfiguration) {
  EXPECT_EQ(GetGlobalVariable(*primary_, "binlog_format")->value_or(""), "ROW");
  EXPECT_EQ(GetGlobalVariable(*primary_, "binlog_row_image")->value_or(""), "FULL");
  EXPECT_EQ(GetGlobalVariable(*primary_, "binlog_checksum")->value_or(""), "CRC32");
  EXPECT_EQ(GetGlobalVariable(*primary_, "log_bin")->value_or(""), "ON");
  EXPECT_EQ(GetGlobalVariable(*primary_, "gtid_strict_mode")->value_or(""), "ON");
  EXPECT_EQ(GetGlobalVariable(*primary_, "performance_schema")->value_or(""), "ON");
}

TEST_F(DbServerTest, UnderscoreInNameIsNotAWildcard) {
  // "binlog_format" as a LIKE pattern would also match "binlogXformat";
  // the lookup must be exact, and an unknown name gives nullopt.
  auto v = GetGlobalVariable(*primary_, "binlog_forma_");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->has_value());
  auto unknown = GetGlobalVariable(*primary_, "osc_no_such_variable");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(DbServerTest, MalformedVariableNameNeverReachesTheServer) {
  auto v = GetGlobalVariable(*primary_, "x' OR '1'='1");
  EXPECT_TRUE(v.status().IsInvalidArgument());
}

TEST_F(DbServerTest, SessionVariableReflectsSessionChange) {
  ASSERT_TRUE(primary_->Execute("SET SESSION lock_wait_timeout = 13").ok());
  EXPECT_EQ(GetSessionVariable(*primary_, "lock_wait_timeout")->value_or(""), "13");
  EXPECT_NE(GetGlobalVariable(*primary_, "lock_wait_timeout")->value_or(""), "13");
}

TEST_F(DbServerTest, VariablePatternReturnsMatchingNames) {
  auto vars = GetGlobalVariables(*primary_, "binlog\\_%");
  ASSERT_TRUE(vars.status().IsInvalidArgument()) << "backslash is not an allowed pattern char";
  auto binlog = GetGlobalVariables(*primary_, "binlog_%");
  ASSERT_TRUE(binlog.ok()) << binlog.status().ToString();
  ASSERT_TRUE(binlog->count("binlog_format"));
  EXPECT_EQ(binlog->at("binlog_format"), "ROW");
  for (const auto& [name, value] : *binlog) EXPECT_EQ(name.rfind("binlog", 0), 0u) << name;
}

TEST_F(DbServerTest, StringLiteralsRoundTripUnderEverySqlMode) {
  const std::vector<std::string> values = {
      "", "plain", "it's", "''", "back\\slash", "\\'", "\\", "\"double\"", "`tick`",
      "caf\xC3\xA9 \xE6\x97\xA5", "line\nbreak\ttab", std::string("nul\0byte", 8),
      "'; DROP TABLE x; -- ", "\\' OR 1=1 -- "};
  for (const char* mode : {"", "NO_BACKSLASH_ESCAPES", "ANSI_QUOTES,NO_BACKSLASH_ESCAPES,ANSI"}) {
    ASSERT_TRUE(primary_->Execute(std::string("SET SESSION sql_mode = '") + mode + "'").ok());
    for (const std::string& v : values) {
      auto back = primary_->QueryScalar("SELECT " + QuoteStringLiteral(v));
      ASSERT_TRUE(back.ok()) << mode << ": " << back.status().ToString();
      EXPECT_EQ(back->value_or("<NULL>"), v) << "sql_mode=" << mode;
    }
  }
}

TEST_F(DbServerTest, IdentifiersRoundTripThroughCreateTable) {
  const std::vector<std::string> names = {"select", "my table", "a`b", "``", "it's", "say \"hi\"",
                                          "caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "back\\slash",
                                          std::string(64, 'n')};
  ASSERT_TRUE(primary_->Execute("SET SESSION sql_mode = 'ANSI_QUOTES'").ok());
  for (const std::string& name : names) {
    ASSERT_TRUE(ValidateIdentifier(name).ok()) << name;
    const std::string qualified = QuoteQualified(kDb, name);
    ASSERT_TRUE(primary_->Execute("CREATE OR REPLACE TABLE " + qualified + " (" +
                                  QuoteIdentifier(name) + " INT)")
                    .ok())
        << name;
    auto found = primary_->QueryScalar(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
        QuoteStringLiteral(kDb) + " AND TABLE_NAME = " + QuoteStringLiteral(name));
    ASSERT_TRUE(found.ok()) << name << ": " << found.status().ToString();
    EXPECT_EQ(found->value_or(""), name);
    EXPECT_TRUE(primary_->Execute("DROP TABLE " + qualified).ok()) << name;
  }
}

TEST_F(DbServerTest, PrimaryIsNotAReplica) {
  auto s = ReadReplicaStatus(*primary_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->has_value());
}

TEST_F(DbServerTest, ReplicaReportsRunningThreadsLagAndSource) {
  auto replica = OpenReplica();
  if (!replica) OSC_SKIP_OR_FAIL("sandbox replica not configured");
  // Make sure there is at least one GTID to report.
  ASSERT_TRUE(primary_->Execute(std::string("CREATE OR REPLACE TABLE ") + kDb + ".tick (id INT)").ok());
  // Poll briefly: StoppedSqlThreadMakesLagUnknown may run concurrently
  // (ctest -j) and stop the SQL thread for a moment.
  std::optional<ReplicaStatus> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    auto s = ReadReplicaStatus(*replica);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(s->has_value()) << "the sandbox replica is not a replica";
    got = *s;
    if (got->io_running && got->sql_running && got->seconds_behind) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  const ReplicaStatus& st = *got;
  EXPECT_TRUE(st.io_running);
  EXPECT_EQ(st.io_running_text, "Yes");
  EXPECT_TRUE(st.sql_running);
  ASSERT_TRUE(st.seconds_behind.has_value());
  EXPECT_LT(*st.seconds_behind, 60u);
  EXPECT_EQ(st.source_host, "127.0.0.1");
  EXPECT_EQ(st.source_port, testing::SandboxPrimary()->port);
  EXPECT_EQ(st.last_io_errno, 0u);
  EXPECT_EQ(st.last_sql_errno, 0u);
  EXPECT_FALSE(st.gtid_io_pos.empty());
}

TEST_F(DbServerTest, StoppedSqlThreadMakesLagUnknown) {
  auto replica = OpenReplica();
  if (!replica) OSC_SKIP_OR_FAIL("sandbox replica not configured");
  ASSERT_TRUE(replica->Execute("STOP SLAVE SQL_THREAD").ok());
  auto s = ReadReplicaStatus(*replica);
  // Restart before asserting, so a failure cannot leave replication stopped.
  Status restart = replica->Execute("START SLAVE SQL_THREAD");
  ASSERT_TRUE(restart.ok()) << restart.ToString();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(s->has_value());
  EXPECT_FALSE((*s)->sql_running);
  EXPECT_TRUE((*s)->io_running);
  EXPECT_FALSE((*s)->seconds_behind.has_value()) << "NULL lag must stay unknown, not 0";

  // And it comes back.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::optional<ReplicaStatus> now;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = ReadReplicaStatus(*replica);
    ASSERT_TRUE(r.ok());
    now = *r;
    if (now && now->sql_running && now->seconds_behind) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(now.has_value());
  EXPECT_TRUE(now->sql_running);
  EXPECT_TRUE(now->seconds_behind.has_value());
}

TEST_F(DbServerTest, OscUserCanReadReplicaStatus) {
  auto ep = testing::SandboxReplica();
  if (!ep) OSC_SKIP_OR_FAIL("sandbox replica not configured");
  auto o = OptionsFor(ep);
  o->user = "osc";
  o->password = "osc-sandbox-osc";  // scripts/sandbox.sh's throwaway value
  auto c = Connection::Open(*o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto s = ReadReplicaStatus(*c);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->has_value());
}

}  // namespace
}  // namespace osc::db
