// Connection behaviour against the MariaDB sandbox (scripts/sandbox.sh):
// queries, errors and their numbers, timeouts, KILL, streaming, transport.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "db/errors.h"
#include "db/quoting.h"
#include "tests/support/test_env.h"

namespace osc::db {
namespace {

using std::chrono::steady_clock;

constexpr const char* kDb = "osc_db_conn_test";

std::optional<ConnectionOptions> PrimaryOptions() {
  auto ep = testing::SandboxPrimary();
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

double SecondsSince(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

class DbConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = PrimaryOptions();
    if (!o) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    options_ = *o;
    auto c = Connection::Open(options_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_.emplace(std::move(*c));
    ASSERT_TRUE(conn_->Execute(std::string("CREATE DATABASE IF NOT EXISTS ") + kDb).ok());
  }

  Connection OpenOrDie(const ConnectionOptions& o) {
    auto c = Connection::Open(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(*c);
  }

  ConnectionOptions options_;
  std::optional<Connection> conn_;
};

TEST_F(DbConnectionTest, ReportsMariaDB1011AndItsConnectionId) {
  const ServerInfo& info = conn_->server_info();
  EXPECT_EQ(info.flavor, Flavor::kMariaDB);
  EXPECT_EQ(info.major, 10);
  EXPECT_EQ(info.minor, 11);
  EXPECT_TRUE(info.AtLeast(10, 11, 0));
  auto id = conn_->QueryScalar("SELECT CONNECTION_ID()");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(std::to_string(conn_->thread_id()), id->value());
  EXPECT_EQ(conn_->description().find(options_.password), std::string::npos);
}

TEST_F(DbConnectionTest, QueryReturnsColumnMetadataAndNulls) {
  ASSERT_TRUE(conn_->Execute(std::string("CREATE OR REPLACE TABLE ") + kDb +
                             ".meta (id INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(20), "
                             "raw VARBINARY(10))")
                  .ok());
  ASSERT_TRUE(conn_->Execute(std::string("INSERT INTO ") + kDb + ".meta VALUES (7, 'seven', NULL)").ok());
  auto r = conn_->Query(std::string("SELECT id, name, raw FROM ") + kDb + ".meta");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->columns.size(), 3u);
  EXPECT_EQ(r->columns[0].name, "id");
  EXPECT_EQ(r->columns[0].type, ColumnType::kLong);
  EXPECT_TRUE(r->columns[0].is_unsigned);
  EXPECT_FALSE(r->columns[0].is_nullable);
  EXPECT_EQ(r->columns[1].type, ColumnType::kVarString);
  EXPECT_FALSE(r->columns[1].IsBinary());
  EXPECT_TRUE(r->columns[2].IsBinary());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][0], "7");
  EXPECT_EQ(r->rows[0][1], "seven");
  EXPECT_FALSE(r->rows[0][2].has_value());
}

TEST_F(DbConnectionTest, AllByteValuesRoundTripThroughVarbinary) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string table = std::string(kDb) + ".bytes";
  ASSERT_TRUE(conn_->Execute("CREATE OR REPLACE TABLE " + table +
                             " (id INT PRIMARY KEY, b VARBINARY(300))")
                  .ok());
  ASSERT_TRUE(conn_->Execute("INSERT INTO " + table + " VALUES (1, " + QuoteBinaryLiteral(all) + ")").ok());
  auto len = conn_->QueryScalar("SELECT LENGTH(b) FROM " + table);
  ASSERT_TRUE(len.ok());
  EXPECT_EQ(len->value(), "256");
  auto back = conn_->QueryScalar("SELECT b FROM " + table + " WHERE id = 1");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, all);
  // The server agrees byte for byte, independently of our decoding.
  auto hex = conn_->QueryScalar("SELECT LOWER(HEX(b)) FROM " + table);
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ("_binary X'" + hex->value() + "'", QuoteBinaryLiteral(all));
}

TEST_F(DbConnectionTest, SyntaxErrorIs1064WithStatementAndConnectionSurvives) {
  Status s = conn_->Execute("SELEC 1");
  EXPECT_TRUE(s.IsServerError());
  EXPECT_EQ(s.server_errno(), 1064u);
  EXPECT_NE(s.message().find("42000"), std::string_view::npos) << s.ToString();
  EXPECT_NE(s.message().find("SELEC 1"), std::string_view::npos) << s.ToString();
  EXPECT_FALSE(IsRetryable(s.server_errno()));
  EXPECT_FALSE(conn_->broken());
  EXPECT_TRUE(conn_->Ping().ok());
}

TEST_F(DbConnectionTest, SyntaxErrorNearASecretDoesNotEchoIt) {
  Status s = conn_->Execute("CREATE USER osc_nobody@localhost IDENTIFIED BY hunter2_unquoted");
  EXPECT_EQ(s.server_errno(), 1064u) << s.ToString();
  EXPECT_EQ(s.ToString().find("hunter2"), std::string::npos) << s.ToString();
}

TEST_F(DbConnectionTest, MultipleStatementsInOneCallAreRejected) {
  Status s = conn_->Execute("SELECT 1; SELECT 2");
  EXPECT_EQ(s.server_errno(), 1064u) << s.ToString();
}

TEST_F(DbConnectionTest, UnknownTableIs1146) {
  auto r = conn_->Query(std::string("SELECT * FROM ") + kDb + ".no_such_table");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().server_errno(), 1146u);
  EXPECT_EQ(Classify(r.status().server_errno()), ErrorClass::kUnknownTable);
}

TEST_F(DbConnectionTest, WrongPasswordIs1045AndNeverEchoed) {
  ConnectionOptions o = options_;
  o.password = "not-the-Password-42";
  auto c = Connection::Open(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().server_errno(), 1045u);
  EXPECT_EQ(c.status().ToString().find(o.password), std::string::npos);
  EXPECT_NE(c.status().ToString().find(o.Describe()), std::string::npos) << c.status().ToString();
}

TEST_F(DbConnectionTest, ClosedPortFailsFastWithCannotConnect) {
  ConnectionOptions o = options_;
  o.port = 1;  // nothing listens on tcpmux
  const auto start = steady_clock::now();
  auto c = Connection::Open(o);
  ASSERT_FALSE(c.ok());
  EXPECT_LT(SecondsSince(start), 2.0);
  const uint32_t e = c.status().server_errno();
  EXPECT_TRUE(e == 2002 || e == 2003) << c.status().ToString();
  EXPECT_TRUE(IsRetryable(e));
}

TEST_F(DbConnectionTest, ConnectTimeoutBoundsAnUnansweredConnect) {
  ConnectionOptions o = options_;
  o.host = "10.255.255.1";  // unroutable: either no answer or an immediate error
  o.port = 3306;
  o.connect_timeout = std::chrono::seconds(1);
  const auto start = steady_clock::now();
  auto c = Connection::Open(o);
  ASSERT_FALSE(c.ok());
  EXPECT_LT(SecondsSince(start), 3.5) << c.status().ToString();
  const ErrorClass cls = Classify(c.status().server_errno());
  EXPECT_TRUE(cls == ErrorClass::kCannotConnect || cls == ErrorClass::kConnectionLost)
      << c.status().ToString();
}

TEST_F(DbConnectionTest, ReadTimeoutEndsLongQueryAndBreaksConnection) {
  ConnectionOptions o = options_;
  o.read_timeout = std::chrono::seconds(1);
  Connection victim = OpenOrDie(o);
  const auto start = steady_clock::now();
  Status s = victim.Execute("SELECT SLEEP(10)");
  const double elapsed = SecondsSince(start);
  EXPECT_EQ(s.server_errno(), 2013u) << s.ToString();
  EXPECT_GE(elapsed, 0.9);
  EXPECT_LT(elapsed, 4.0);
  EXPECT_TRUE(IsRetryable(s.server_errno()));
  EXPECT_TRUE(victim.broken());
  Status after = victim.Execute("SELECT 1");
  EXPECT_EQ(after.server_errno(), 2006u) << after.ToString();
  // The SLEEP still runs server-side: a client timeout does not stop it.
  (void)conn_->Execute("KILL QUERY " + std::to_string(victim.thread_id()));
}

TEST_F(DbConnectionTest, KilledIdleConnectionGetsRetryableError) {
  Connection victim = OpenOrDie(options_);
  ASSERT_TRUE(conn_->Execute("KILL " + std::to_string(victim.thread_id())).ok());
  Status s = victim.Execute("SELECT 1");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(IsRetryable(s.server_errno())) << s.ToString();
  EXPECT_TRUE(victim.broken());
}

TEST_F(DbConnectionTest, KilledBusyConnectionGetsRetryableError) {
  Connection victim = OpenOrDie(options_);
  const uint64_t id = victim.thread_id();
  Status s;
  std::thread t([&] { s = victim.Execute("SELECT SLEEP(20)"); });
  // Wait until the SLEEP is visibly running before killing it.
  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while (steady_clock::now() < deadline) {
    auto st = conn_->QueryScalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " +
                                 std::to_string(id) + " AND INFO LIKE 'SELECT SLEEP%'");
    if (st.ok() && st->value_or("0") == "1") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto start = steady_clock::now();
  ASSERT_TRUE(conn_->Execute("KILL " + std::to_string(id)).ok());
  t.join();
  EXPECT_LT(SecondsSince(start), 5.0);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(IsRetryable(s.server_errno())) << s.ToString();
  EXPECT_EQ(Classify(s.server_errno()), ErrorClass::kConnectionLost) << s.ToString();
  EXPECT_TRUE(victim.broken());
}

TEST_F(DbConnectionTest, AffectedRowsCountsChangedRows) {
  const std::string table = std::string(kDb) + ".affected";
  ASSERT_TRUE(conn_->Execute("CREATE OR REPLACE TABLE " + table + " (id INT PRIMARY KEY, v INT)").ok());
  ASSERT_TRUE(conn_->Execute("INSERT INTO " + table + " VALUES (1, 0), (2, 0), (3, 5)").ok());
  EXPECT_EQ(conn_->affected_rows(), 3u);
  ASSERT_TRUE(conn_->Execute("UPDATE " + table + " SET v = 5").ok());
  EXPECT_EQ(conn_->affected_rows(), 2u);  // row 3 already had v = 5
  ASSERT_TRUE(conn_->Execute("SELECT * FROM " + table).ok());
  EXPECT_EQ(conn_->affected_rows(), 0u);
}

TEST_F(DbConnectionTest, QueryScalarDistinguishesNullFromNoRows) {
  auto null_value = conn_->QueryScalar("SELECT NULL");
  ASSERT_TRUE(null_value.ok());
  EXPECT_FALSE(null_value->has_value());
  auto no_rows = conn_->QueryScalar("SELECT 1 FROM DUAL WHERE 1 = 0");
  EXPECT_TRUE(no_rows.status().IsNotFound());
}

TEST_F(DbConnectionTest, StreamReadsEveryRowAndBlocksOtherCalls) {
  auto stream = conn_->QueryStream(
      "SELECT seq, REPEAT('x', 100) FROM osc_db_conn_test.seq_1_to_20000");  // Sequence engine
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  EXPECT_EQ(stream->columns().size(), 2u);
  EXPECT_EQ(conn_->Execute("SELECT 1").code(), Status::Code::kFailedPrecondition);
  uint64_t count = 0, sum = 0;
  Row row;
  for (;;) {
    auto more = stream->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++count;
    sum += std::stoull(*row[0]);
  }
  EXPECT_EQ(count, 20000u);
  EXPECT_EQ(sum, 20000ull * 20001ull / 2);
  auto again = stream->Next(&row);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_TRUE(conn_->Execute("SELECT 1").ok()) << "finished stream must free the connection";
}

TEST_F(DbConnectionTest, AbandonedStreamLeavesConnectionUsable) {
  {
    auto stream = conn_->QueryStream(
        "SELECT seq FROM osc_db_conn_test.seq_1_to_5000");
    ASSERT_TRUE(stream.ok());
    Row row;
    ASSERT_TRUE(stream->Next(&row).ok());
  }
  auto v = conn_->QueryScalar("SELECT 42");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value(), "42");
}

TEST_F(DbConnectionTest, InitStatementsRunAndTheirErrorsFailOpen) {
  ConnectionOptions o = options_;
  o.init_statements = {"SET SESSION lock_wait_timeout = 7", "SET @osc_marker = 'hi'"};
  Connection c = OpenOrDie(o);
  EXPECT_EQ(c.QueryScalar("SELECT @@SESSION.lock_wait_timeout")->value_or(""), "7");
  EXPECT_EQ(c.QueryScalar("SELECT @osc_marker")->value_or(""), "hi");
  o.init_statements = {"SET SESSION no_such_variable = 1"};
  auto bad = Connection::Open(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().server_errno(), 1193u) << bad.status().ToString();
}

TEST_F(DbConnectionTest, LocalhostMeansTcpAndSocketMeansSocket) {
  const std::string who =
      "SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()";
  ConnectionOptions o = options_;
  o.host = "localhost";
  Connection tcp = OpenOrDie(o);
  EXPECT_EQ(tcp.QueryScalar(who)->value_or("").rfind("127.0.0.1:", 0), 0u);
  auto ep = testing::SandboxPrimary();
  if (ep->socket.empty()) GTEST_SKIP() << "OSC_TEST_PRIMARY_SOCKET not set";
  o.socket = ep->socket;
  Connection unix_socket = OpenOrDie(o);
  EXPECT_EQ(unix_socket.QueryScalar(who)->value_or(""), "localhost");
}

TEST_F(DbConnectionTest, RequiredTlsIsNotSilentlyDowngraded) {
  auto have_ssl = conn_->QueryScalar("SELECT @@have_ssl");
  ASSERT_TRUE(have_ssl.ok());
  ConnectionOptions o = options_;
  o.ssl_mode = SslMode::kRequired;
  auto c = Connection::Open(o);
  if (have_ssl->value_or("") == "YES") {
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_FALSE(c->tls_cipher().empty());
  } else {
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().server_errno(), 2026u) << c.status().ToString();
    o.ssl_mode = SslMode::kPreferred;
    Connection plain = OpenOrDie(o);
    EXPECT_EQ(plain.tls_cipher(), "");
  }
}

TEST_F(DbConnectionTest, VerifyModesAcceptTheSandboxCaAndRejectOthers) {
  const char* ca = std::getenv("OSC_TEST_SSL_CA");
  if (ca == nullptr || *ca == '\0') OSC_SKIP_OR_FAIL("OSC_TEST_SSL_CA not set (sandbox without TLS)");
  ConnectionOptions o = options_;
  o.ssl_ca = ca;
  for (SslMode mode : {SslMode::kVerifyCa, SslMode::kVerifyIdentity}) {
    for (const char* host : {"127.0.0.1", "localhost"}) {  // both are in the certificate
      o.ssl_mode = mode;
      o.host = host;
      auto c = Connection::Open(o);
      ASSERT_TRUE(c.ok()) << ToString(mode) << " " << host << ": " << c.status().ToString();
      EXPECT_FALSE(c->tls_cipher().empty());
    }
  }
  // Trusting only public CAs, the sandbox's self-made certificate must fail.
  const char* kSystemBundle = "/etc/ssl/certs/ca-certificates.crt";
  if (!std::filesystem::exists(kSystemBundle)) GTEST_SKIP() << "no system CA bundle";
  o.ssl_ca = kSystemBundle;
  o.ssl_mode = SslMode::kVerifyCa;
  o.host = "127.0.0.1";
  auto bad = Connection::Open(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().server_errno(), 2026u) << bad.status().ToString();
  EXPECT_FALSE(IsRetryable(bad.status().server_errno()));
}

TEST_F(DbConnectionTest, MovedFromConnectionRefusesCalls) {
  Connection a = OpenOrDie(options_);
  Connection b = std::move(a);
  EXPECT_EQ(a.Execute("SELECT 1").code(), Status::Code::kFailedPrecondition);  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(b.Execute("SELECT 1").ok());
}

TEST_F(DbConnectionTest, ConnectionsWorkFromManyThreads) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto c = Connection::Open(options_);
      if (!c.ok()) return;
      auto v = c->QueryScalar("SELECT " + std::to_string(i) + " + 1");
      if (v.ok() && v->value_or("") == std::to_string(i + 1)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

}  // namespace
}  // namespace osc::db
