// Issue #6's table of bad inputs: each row runs the built `osc` program
// against the sandbox and expects one documented exit code
// (cli/exit_codes.h), exactly one "osc: ..." line on stderr containing the
// expected text, and the server exactly as it was before the row's setup:
// the tables of the test database, SHOW CREATE TABLE and CHECKSUM TABLE of
// each base table, no helper table anywhere, the global variables a row
// changed restored.
//
// Not covered here: "disk too small". The binary has no seam for the free
// space it sees, and the sandbox's datadir cannot be put on a tiny
// filesystem without root mounts; the refusal itself is tested with an
// injected probe in schema_preflight_test.cc
// (DiskSpaceIsRefusedWhenShortAndAWarningWhenRemote).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "db/connection.h"
#include "tests/integration/cli_process.h"
#include "tests/integration/sandbox_options.h"

namespace osc {
namespace {

using ::testing::HasSubstr;
using testing::OscProcess;

constexpr const char* kDb = "osc_bad_input";
constexpr const char* kReadOnlyUser = "osc_bad_input_ro";
constexpr const char* kReadOnlyPassword = "osc-bad-input-ro";
constexpr const char* kLongName =
    "t234567890123456789012345678901234567890123456789012345678";  // 58

// Whom a row's osc connects as, and where.
enum class Target {
  kRoot,
  kReadOnly,
  kWrongPassword,
  kClosedPort,
  kUntrustedCa,
  kPlainServer,
  kNoConnection
};

struct BadInput {
  const char* name;
  Target target;
  std::vector<std::string> args;
  int exit_code;
  const char* stderr_has;  // in the one "osc: " line; "" for a success
  std::vector<std::string> setup = {};
  std::vector<std::string> teardown = {};
  const char* stdout_has = "";
};

std::vector<BadInput> Cases() {
  const std::vector<std::string> t = {"--database", kDb, "--table", "t"};
  auto on = [](const char* table, const char* alter) {
    return std::vector<std::string>{"--database", kDb, "--table", table, "--alter", alter};
  };
  auto plus = [](std::vector<std::string> a, std::vector<std::string> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const auto add = on("t", "ADD COLUMN c INT");
  return {
      {"UnknownTable", Target::kRoot, on("nosuch", "ADD c INT"), 3,
       "table `osc_bad_input`.`nosuch` does not exist"},
      {"UnknownDatabase",
       Target::kRoot,
       {"--database", "osc_bad_input_nodb", "--table", "t", "--alter", "ADD c INT"},
       3,
       "database `osc_bad_input_nodb` does not exist"},
      {"NoPrimaryOrUniqueKey", Target::kRoot, on("nokey", "ADD c INT"), 3,
       "chunk_key: no primary key"},
      {"ForeignKeyChild", Target::kRoot, on("child", "ADD c INT"), 3,
       "foreign_keys: foreign keys on or referencing"},
      {"ForeignKeyParent", Target::kRoot, on("parent", "ADD c INT"), 3,
       "`child_fk` on `osc_bad_input`.`child`"},
      {"Trigger", Target::kRoot, on("trg", "ADD c INT"), 3,
       "triggers: the table has triggers `trg_bi`"},
      {"InvalidAlterSyntax", Target::kRoot, on("t", "ADD COLUMN ((("), 3, "alter: unbalanced '('"},
      {"AddExistingColumn", Target::kRoot, on("t", "ADD COLUMN v INT"), 3, "two columns named `v`"},
      {"AlterTheServerRejects", Target::kRoot,
       plus(on("t", "ADD COLUMN c INT, ADD INDEX ic (c(5))"), {"--execute"}), 1,
       "ALTER on the shadow table"},
      {"DropTheKeyColumn", Target::kRoot, on("t", "DROP COLUMN id"), 3,
       "PRIMARY KEY loses column `id`"},
      {"DropThePrimaryKey", Target::kRoot, on("t", "DROP PRIMARY KEY"), 3,
       "PRIMARY KEY is dropped"},
      {"RenameTo", Target::kRoot, on("t", "RENAME TO t2"), 3, "renames the table"},
      {"AlgorithmClause", Target::kRoot, on("t", "ADD c INT, ALGORITHM=INPLACE"), 3,
       "'ALGORITHM=INPLACE' is not"},
      {"LockClause", Target::kRoot, on("t", "ADD c INT, LOCK=NONE"), 3,
       "'LOCK=NONE' is not accepted"},
      {"NameTooLongForHelpers", Target::kRoot, on(kLongName, "ADD c INT"), 3,
       "may have at most 55 characters"},
      {"BinlogFormatStatement",
       Target::kRoot,
       add,
       3,
       "binlog_format: STATEMENT",
       {"SET GLOBAL binlog_format = 'STATEMENT'"},
       {"SET GLOBAL binlog_format = 'ROW'"}},
      {"BinlogRowImageMinimal",
       Target::kRoot,
       add,
       3,
       "binlog_row_image: MINIMAL",
       {"SET GLOBAL binlog_row_image = 'MINIMAL'"},
       {"SET GLOBAL binlog_row_image = 'FULL'"}},
      {"NoBinaryLog", Target::kPlainServer, add, 3, "log_bin"},
      {"OnlySelectPrivilege", Target::kReadOnly, add, 3,
       "privileges: osc_bad_input_ro@% lacks INSERT"},
      {"WrongPassword", Target::kWrongPassword, add, 4, "cannot connect: "},
      {"ServerDown", Target::kClosedPort, add, 4, "check --host/--port"},
      {"UntrustedServerCertificate", Target::kUntrustedCa, add, 4,
       "check --ssl-mode and the --ssl-* files"},
      {"UnknownFlag", Target::kNoConnection, {"--bogus=1"}, 2, "unknown flag '--bogus'"},
      {"TableWithoutAlter", Target::kRoot, t, 2, "--table needs --alter"},
      {"ExecuteWithoutAlter", Target::kRoot, {"--execute"}, 2, "--execute needs --alter"},
      {"ChunkSizeNotANumber", Target::kRoot, plus(add, {"--chunk-size", "abc"}), 2,
       "--chunk-size must be an integer"},
      {"ChunkSizeOutOfRange", Target::kRoot, plus(add, {"--chunk-size", "0"}), 2,
       "--chunk-size must be between"},
      {"ThreadsZero", Target::kRoot, plus(add, {"--threads", "0"}), 2,
       "--threads must be between 1 and 64"},
      {"ThreadsTooMany", Target::kRoot, plus(add, {"--threads", "65"}), 2,
       "--threads must be between 1 and 64"},
      {"BadSslMode", Target::kRoot, plus(add, {"--ssl-mode", "sometimes"}), 2, "--ssl-mode"},
      {"LeftoverHelperTables",
       Target::kRoot,
       add,
       3,
       "leftover_tables: helper tables of an earlier osc run exist",
       {"CREATE TABLE osc_bad_input._t_osc_new LIKE osc_bad_input.t"},
       {"DROP TABLE osc_bad_input._t_osc_new"}},
      {"View", Target::kRoot, on("vw", "ADD c INT"), 3,
       "`osc_bad_input`.`vw` is a view, not a base table"},
      // Temporary tables are private to their session: osc never sees one.
      {"TemporaryTable",
       Target::kRoot,
       on("tmp", "ADD c INT"),
       3,
       "table `osc_bad_input`.`tmp` does not exist",
       {"CREATE TEMPORARY TABLE osc_bad_input.tmp (id INT PRIMARY KEY)"},
       {"DROP TEMPORARY TABLE osc_bad_input.tmp"}},
      {"MyIsamTable", Target::kRoot, on("myi", "ADD c INT"), 3, "uses the MyISAM storage engine"},
      {"SystemSchemaTable",
       Target::kRoot,
       {"--database", "mysql", "--table", "db", "--alter", "ADD c INT"},
       3,
       "belongs to a system schema"},
      // Deliberately allowed: the shadow copies the partitioning. Planned
      // only (no --execute), with the warning in the plan.
      {"PartitionedTablePlansWithAWarning",
       Target::kRoot,
       on("part", "ADD c INT"),
       0,
       "",
       {},
       {},
       "is partitioned"},
      {"CleanupWithoutTable",
       Target::kRoot,
       {"--database", kDb, "--cleanup"},
       2,
       "--cleanup needs --database and"},
  };
}

std::string PrintCase(const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; }
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

// A loopback port nothing listens on right now (bound to 0, then released).
uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// What a row must leave exactly as it found it.
struct ServerState {
  std::vector<std::string> tables;       // "name TYPE"
  std::vector<std::string> definitions;  // SHOW CREATE TABLE of each
  std::vector<std::string> checksums;    // CHECKSUM TABLE of each base table
  std::vector<std::string> helpers;      // any _%_osc_% table on the server
  std::vector<std::string> globals;      // the variables rows change
  bool operator==(const ServerState&) const = default;
};

std::vector<std::string> Column(db::Connection& conn, const std::string& sql, size_t first,
                                size_t count) {
  auto r = conn.Query(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const db::Row& row : r->rows) {
    std::string line;
    for (size_t i = first; i < first + count && i < row.size(); ++i) {
      line += (i > first ? " " : "") + row[i].value_or("NULL");
    }
    out.push_back(line);
  }
  return out;
}

ServerState Snapshot(db::Connection& conn) {
  ServerState s;
  const std::string in_db =
      std::string(" FROM information_schema.TABLES WHERE TABLE_SCHEMA = '") + kDb + "'";
  s.tables = Column(conn, "SELECT TABLE_NAME, TABLE_TYPE" + in_db + " ORDER BY TABLE_NAME", 0, 2);
  for (const std::string& name :
       Column(conn, "SELECT TABLE_NAME" + in_db + " ORDER BY TABLE_NAME", 0, 1)) {
    const std::string q = std::string("`") + kDb + "`.`" + name + "`";
    for (const std::string& d : Column(conn, "SHOW CREATE TABLE " + q, 1, 1))
      s.definitions.push_back(d);
  }
  for (const std::string& name : Column(
           conn, "SELECT TABLE_NAME" + in_db + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
           0, 1)) {
    for (const std::string& c :
         Column(conn, std::string("CHECKSUM TABLE `") + kDb + "`.`" + name + "`", 0, 2)) {
      s.checksums.push_back(c);
    }
  }
  s.helpers =
      Column(conn,
             "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_NAME LIKE "
             "'\\_%\\_osc\\_%'",
             0, 2);
  s.globals = Column(
      conn, "SELECT @@global.binlog_format, @@global.binlog_row_image, @@global.log_bin", 0, 3);
  return s;
}

class CliBadInputTest : public ::testing::TestWithParam<BadInput> {
 protected:
  static void SetUpTestSuite() {
    auto o = testing::SandboxPrimaryOptions();
    if (!o) return;
    auto conn = db::Connection::Open(*o);
    if (!conn.ok()) return;
    const std::string d = kDb;
    for (const std::string& sql : std::vector<std::string>{
             "DROP DATABASE IF EXISTS " + d, "CREATE DATABASE " + d,
             "CREATE TABLE " + d + ".t (id INT PRIMARY KEY, v VARCHAR(10), n INT)",
             "INSERT INTO " + d + ".t VALUES (1, 'a', 1), (2, 'b', 2), (3, NULL, 3)",
             "CREATE TABLE " + d + ".nokey (a INT, b INT)",
             "CREATE TABLE " + d + ".parent (id INT PRIMARY KEY)",
             "CREATE TABLE " + d +
                 ".child (id INT PRIMARY KEY, p INT, CONSTRAINT child_fk FOREIGN KEY (p) "
                 "REFERENCES " +
                 d + ".parent (id))",
             "CREATE TABLE " + d + ".trg (id INT PRIMARY KEY, v INT)",
             "CREATE TRIGGER " + d + ".trg_bi BEFORE INSERT ON " + d +
                 ".trg FOR EACH ROW SET NEW.v = 1",
             "CREATE VIEW " + d + ".vw AS SELECT id, v FROM " + d + ".t",
             "CREATE TABLE " + d + ".myi (id INT PRIMARY KEY) ENGINE=MyISAM",
             "CREATE TABLE " + d + ".part (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2",
             "CREATE TABLE " + d + "." + kLongName + " (id INT PRIMARY KEY)",
             std::string("CREATE OR REPLACE USER ") + kReadOnlyUser + "@'%' IDENTIFIED BY '" +
                 kReadOnlyPassword + "'",
             std::string("GRANT SELECT ON ") + d + ".* TO " + kReadOnlyUser + "@'%'"}) {
      Status s = conn->Execute(sql);
      if (!s.ok()) {
        setup_error_ = sql + ": " + s.ToString();
        return;
      }
    }
    ready_ = true;
  }
  static void TearDownTestSuite() {
    StopPlainServer();
    auto o = testing::SandboxPrimaryOptions();
    if (!o) return;
    if (auto conn = db::Connection::Open(*o); conn.ok()) {
      (void)conn->Execute(std::string("DROP USER IF EXISTS ") + kReadOnlyUser + "@'%'");
      (void)conn->Execute(std::string("DROP DATABASE IF EXISTS ") + kDb);
    }
  }

  // A server without binary logging (scripts/plain_server.sh), started the
  // first time a row needs it, with the same test table.
  static bool StartPlainServer(std::string* error) {
    if (plain_started_) return true;
    char dir_template[] = "/tmp/osc-bad-input-plain-XXXXXX";
    plain_dir_ = mkdtemp(dir_template);
    plain_port_ = FreePort();
    OscProcess start(Script(), {"start", std::to_string(plain_port_), plain_dir_});
    if (start.Wait() != 0) {
      *error = "plain_server.sh start: " + start.err();
      return false;
    }
    plain_started_ = true;
    auto conn = db::Connection::Open(PlainOptions());
    if (!conn.ok()) {
      *error = conn.status().ToString();
      return false;
    }
    for (const std::string& sql :
         {std::string("CREATE DATABASE IF NOT EXISTS ") + kDb,
          std::string("CREATE TABLE IF NOT EXISTS ") + kDb + ".t (id INT PRIMARY KEY)"}) {
      if (Status s = conn->Execute(sql); !s.ok()) {
        *error = s.ToString();
        return false;
      }
    }
    return true;
  }
  static void StopPlainServer() {
    if (plain_dir_.empty()) return;
    OscProcess stop(Script(), {"stop", std::to_string(plain_port_), plain_dir_});
    stop.Wait();
    std::filesystem::remove_all(plain_dir_);
    plain_dir_.clear();
    plain_started_ = false;
  }
  static std::string Script() { return std::string(OSC_SOURCE_DIR) + "/scripts/plain_server.sh"; }
  static db::ConnectionOptions PlainOptions() {
    db::ConnectionOptions o;
    o.socket = plain_dir_ + "/mariadbd.sock";
    o.user = "root";
    o.connect_timeout = std::chrono::seconds(5);
    return o;
  }

  static inline bool ready_ = false;
  static inline std::string setup_error_;
  static inline std::string plain_dir_;
  static inline bool plain_started_ = false;
  static inline uint16_t plain_port_ = 0;
};

TEST_P(CliBadInputTest, OneClearMessageDocumentedExitCodeServerUnchanged) {
  const BadInput& c = GetParam();
  auto primary = testing::SandboxPrimaryOptions();
  if (!primary)
    OSC_SKIP_OR_FAIL("sandbox primary not configured (eval \"$(scripts/sandbox.sh env)\")");
  ASSERT_TRUE(ready_) << setup_error_;

  db::ConnectionOptions admin = *primary;
  std::vector<std::string> args;
  std::map<std::string, std::string> env = {{"OSC_PASSWORD", primary->password}};
  const std::vector<std::string> tcp = {"--host", primary->host, "--port",
                                        std::to_string(primary->port)};
  switch (c.target) {
    case Target::kRoot:
    case Target::kWrongPassword:
    case Target::kUntrustedCa:
      args = tcp;
      args.insert(args.end(), {"--user", primary->user});
      if (c.target == Target::kWrongPassword) env["OSC_PASSWORD"] = primary->password + "-wrong";
      // A CA bundle that did not sign the sandbox's certificate.
      if (c.target == Target::kUntrustedCa) {
        args.insert(args.end(),
                    {"--ssl-mode", "verify_ca", "--ssl-ca", "/etc/ssl/certs/ca-certificates.crt"});
      }
      break;
    case Target::kReadOnly:
      args = tcp;
      args.insert(args.end(), {"--user", kReadOnlyUser});
      env["OSC_PASSWORD"] = kReadOnlyPassword;
      break;
    case Target::kClosedPort:
      // Port 1 on loopback: nothing listens there without root's say-so.
      args = {"--host", "127.0.0.1", "--port", "1", "--user", "root", "--connect-timeout", "3"};
      break;
    case Target::kPlainServer: {
      std::string error;
      if (!StartPlainServer(&error)) OSC_SKIP_OR_FAIL("no server without binary logging: " + error);
      args = {"--socket", plain_dir_ + "/mariadbd.sock", "--user", "root"};
      env.erase("OSC_PASSWORD");
      admin = PlainOptions();
      break;
    }
    case Target::kNoConnection:
      break;
  }
  args.insert(args.end(), c.args.begin(), c.args.end());

  auto conn = db::Connection::Open(admin);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const ServerState before = Snapshot(*conn);
  for (const std::string& sql : c.setup) ASSERT_TRUE(conn->Execute(sql).ok()) << sql;

  OscProcess osc(OSC_BINARY, args, env);
  const int code = osc.Wait();
  const std::string err = osc.err();

  // The teardown must succeed: a helper table osc dropped or created, or a
  // variable it changed, would make it fail or show in the snapshot.
  for (const std::string& sql : c.teardown) EXPECT_TRUE(conn->Execute(sql).ok()) << sql;
  EXPECT_EQ(code, c.exit_code) << "stderr:\n" << err << "stdout:\n" << osc.out();
  // The outcome is one "osc: " line, the last one. State-change lines
  // ("osc: state a -> b after 0s", progress reporting) and the timestamped
  // log lines may precede it; they are not the message.
  std::vector<std::string> lines;
  for (const std::string& line : testing::LinesStartingWith(err, "osc: ")) {
    if (line.rfind("osc: state ", 0) != 0) lines.push_back(line);
  }
  if (c.exit_code != 0) {
    ASSERT_EQ(lines.size(), 1u) << err;
    EXPECT_THAT(lines[0], HasSubstr(c.stderr_has));
    EXPECT_EQ(err.substr(err.rfind('\n', err.size() - 2) + 1), lines[0] + "\n")
        << "not the last line:\n"
        << err;
    EXPECT_THAT(err, ::testing::Not(HasSubstr(primary->password))) << "a password leaked";
  } else {
    for (const std::string& line : lines) {
      EXPECT_THAT(line, ::testing::Not(::testing::AnyOf(HasSubstr("refused"), HasSubstr("failed"))))
          << err;
    }
    EXPECT_THAT(osc.out(), HasSubstr(c.stdout_has));
  }
  EXPECT_TRUE(Snapshot(*conn) == before) << "the server changed";
}

INSTANTIATE_TEST_SUITE_P(Table, CliBadInputTest, ::testing::ValuesIn(Cases()), PrintCase);

TEST(CliBadInputTableTest, HasAtLeastTwentyFiveRowsWithDistinctNames) {
  const std::vector<BadInput> cases = Cases();
  EXPECT_GE(cases.size(), 25u);
  std::set<std::string> names;
  for (const BadInput& c : cases) EXPECT_TRUE(names.insert(c.name).second) << c.name;
}

}  // namespace
}  // namespace osc
