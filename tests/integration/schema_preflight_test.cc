// RunPreflight and RenderPlan against the MariaDB sandbox: each refusal
// with its message, the privilege check with a restricted account, and the
// plan text of a migration that can run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "db/connection.h"
#include "db/quoting.h"
#include "osc/schema/preflight.h"
#include "tests/support/test_env.h"

namespace osc::schema {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kDb = "osc_schema_preflight";
constexpr const char* kLimitedUser = "osc_schema_lim";
constexpr const char* kLimitedPassword = "lim-pass";

// Plenty of free space on one filesystem, and this host's name equal to the
// server's, so the disk check is deterministic.
PreflightEnv RoomyEnv(const std::string& server_hostname) {
  PreflightEnv env;
  env.local_hostname = [server_hostname] { return server_hostname; };
  env.disk_space = [](const std::string&) { return DiskSpace{uint64_t{1} << 50, 1}; };
  return env;
}

class SchemaPreflightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::optional<testing::ServerEndpoint> ep = testing::SandboxPrimary();
    if (!ep) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    options_.connection.host = ep->host;
    options_.connection.port = ep->port;
    options_.connection.user = ep->user;
    options_.connection.password = ep->password;
    options_.connection.connect_timeout = std::chrono::seconds(5);
    options_.connection.read_timeout = std::chrono::seconds(30);
    options_.database = kDb;
    Result<db::Connection> c = db::Connection::Open(options_.connection);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_.emplace(std::move(c).value());
    Exec(std::string("CREATE DATABASE IF NOT EXISTS ") + kDb);
    Result<std::optional<std::string>> host = conn_->QueryScalar("SELECT @@hostname");
    ASSERT_TRUE(host.ok() && host->has_value());
    env_ = RoomyEnv(**host);
  }

  void Exec(const std::string& sql) {
    const Status s = conn_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << " in " << sql;
  }

  void Create(const std::string& name, const std::string& body) {
    Exec("DROP TABLE IF EXISTS " + db::QuoteQualified(kDb, name));
    Exec("CREATE TABLE " + db::QuoteQualified(kDb, name) + " " + body);
  }

  PreflightReport Run(const std::string& table, const std::string& alter, db::Connection* conn = nullptr) {
    options_.table = table;
    options_.alter = alter;
    Result<PreflightReport> r = RunPreflight(conn ? *conn : *conn_, options_, env_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : PreflightReport{};
  }

  // The finding `name`, which must exist with `severity`.
  static Finding Expect(const PreflightReport& r, const std::string& name, Severity severity) {
    const Finding* f = r.Find(name);
    EXPECT_NE(f, nullptr) << "no finding " << name << " in:\n" << RenderPlan(r);
    if (f == nullptr) return {};
    EXPECT_EQ(f->severity, severity) << name << ": " << f->message;
    return *f;
  }

  migration::MigrationOptions options_;
  std::optional<db::Connection> conn_;
  PreflightEnv env_;
};

TEST_F(SchemaPreflightTest, CleanTablePassesAndThePlanSaysWhatOscWouldDo) {
  Create("clean", "(id INT PRIMARY KEY, name VARCHAR(20), old INT)");
  const PreflightReport r = Run("clean", "ADD COLUMN x INT, DROP COLUMN old, ADD INDEX ix_name (name)");
  EXPECT_TRUE(r.CanRun()) << RenderPlan(r);
  Expect(r, "log_bin", Severity::kOk);  // merged from the server check
  Expect(r, "privileges", Severity::kOk);
  Expect(r, "table", Severity::kOk);
  EXPECT_EQ(Expect(r, "chunk_key", Severity::kOk).message, "PRIMARY KEY (`id`)");
  Expect(r, "foreign_keys", Severity::kOk);
  Expect(r, "triggers", Severity::kOk);
  Expect(r, "leftover_tables", Severity::kOk);
  Expect(r, "disk_space", Severity::kOk);
  ASSERT_TRUE(r.algorithms.has_value());
  ASSERT_EQ(r.algorithms->clauses.size(), 3u);

  const std::string plan = RenderPlan(r);
  EXPECT_THAT(plan, HasSubstr("CREATE TABLE `osc_schema_preflight`.`_clean_osc_new` LIKE `osc_schema_preflight`.`clean`"));
  EXPECT_THAT(plan, HasSubstr("ALTER TABLE `osc_schema_preflight`.`_clean_osc_new` ADD COLUMN x INT, DROP COLUMN "
                              "old, ADD INDEX ix_name (name)"));
  EXPECT_THAT(plan, HasSubstr("RENAME TABLE `osc_schema_preflight`.`clean` TO `osc_schema_preflight`.`_clean_osc_old`"));
  EXPECT_THAT(plan, HasSubstr("Chunk key: PRIMARY KEY (`id`)"));
  EXPECT_THAT(plan, HasSubstr("dropped: `old`"));
  EXPECT_THAT(plan, HasSubstr("added: takes its default"));
  EXPECT_THAT(plan, HasSubstr("Result: osc can run this migration"));
}

TEST_F(SchemaPreflightTest, TableWithoutUsableKeyIsRefused) {
  Create("nokey", "(a INT, b INT)");
  Create("nulluniq", "(email VARCHAR(64) NULL, n INT, UNIQUE KEY u_email (email))");
  const PreflightReport no_key = Run("nokey", "ADD COLUMN x INT");
  EXPECT_FALSE(no_key.CanRun());
  EXPECT_THAT(Expect(no_key, "chunk_key", Severity::kFatal).message,
              HasSubstr("no primary key or NOT NULL unique key shared by the table before and after the ALTER"));
  const PreflightReport nullable = Run("nulluniq", "ADD COLUMN x INT");
  EXPECT_THAT(Expect(nullable, "chunk_key", Severity::kFatal).message,
              HasSubstr("UNIQUE KEY `u_email` has nullable column `email`"));
  EXPECT_THAT(RenderPlan(nullable), HasSubstr("Result: osc refuses to run"));
}

TEST_F(SchemaPreflightTest, AlterThatDropsTheChunkKeyIsRefused) {
  Create("dropkey", "(id INT PRIMARY KEY, b INT NOT NULL)");
  EXPECT_THAT(Expect(Run("dropkey", "DROP PRIMARY KEY, ADD PRIMARY KEY (b)"), "chunk_key", Severity::kFatal).message,
              HasSubstr("PRIMARY KEY is dropped by 'DROP PRIMARY KEY'"));
  EXPECT_THAT(Expect(Run("dropkey", "MODIFY id BIGINT NOT NULL"), "chunk_key", Severity::kFatal).message,
              HasSubstr("whose type the ALTER changes"));
}

TEST_F(SchemaPreflightTest, ForeignKeysInEitherDirectionAreRefusedByName) {
  Exec(std::string("DROP TABLE IF EXISTS ") + kDb + ".fk_child");
  Create("fk_parent", "(id INT PRIMARY KEY)");
  Create("fk_child", "(id INT PRIMARY KEY, pid INT, CONSTRAINT fk_to_parent FOREIGN KEY (pid) REFERENCES fk_parent (id))");
  for (const char* table : {"fk_parent", "fk_child"}) {
    const Finding f = Expect(Run(table, "ADD COLUMN x INT"), "foreign_keys", Severity::kFatal);
    EXPECT_THAT(f.message, HasSubstr("`fk_to_parent` on `osc_schema_preflight`.`fk_child` referencing "
                                     "`osc_schema_preflight`.`fk_parent`"))
        << table;
  }
}

TEST_F(SchemaPreflightTest, TriggersAreRefusedByName) {
  Create("trig", "(id INT PRIMARY KEY, n INT)");
  Exec(std::string("CREATE TRIGGER ") + kDb + ".trig_bi BEFORE INSERT ON " + kDb + ".trig FOR EACH ROW SET NEW.n = 1");
  Exec(std::string("CREATE TRIGGER ") + kDb + ".trig_ad AFTER DELETE ON " + kDb + ".trig FOR EACH ROW SET @x = 1");
  const Finding f = Expect(Run("trig", "ADD COLUMN x INT"), "triggers", Severity::kFatal);
  EXPECT_THAT(f.message, HasSubstr("`trig_ad` and `trig_bi`"));
}

TEST_F(SchemaPreflightTest, ViewsSequencesMissingAndSystemTablesAreRefused) {
  Create("base", "(id INT PRIMARY KEY)");
  Exec(std::string("CREATE OR REPLACE VIEW ") + kDb + ".v_base AS SELECT id FROM " + kDb + ".base");
  Exec(std::string("CREATE OR REPLACE SEQUENCE ") + kDb + ".seq");
  EXPECT_THAT(Expect(Run("v_base", "ADD COLUMN x INT"), "table", Severity::kFatal).message,
              HasSubstr("`osc_schema_preflight`.`v_base` is a view, not a base table"));
  EXPECT_THAT(Expect(Run("seq", "ADD COLUMN x INT"), "table", Severity::kFatal).message, HasSubstr("is a sequence"));
  EXPECT_THAT(Expect(Run("missing_table", "ADD COLUMN x INT"), "table", Severity::kFatal).message,
              HasSubstr("does not exist"));
  options_.database = "mysql";
  EXPECT_THAT(Expect(Run("db", "ADD COLUMN x INT"), "table", Severity::kFatal).message,
              HasSubstr("belongs to a system schema"));
}

TEST_F(SchemaPreflightTest, NonInnoDbIsRefusedAndPartitionedIsAWarning) {
  Create("aria_t", "(id INT PRIMARY KEY) ENGINE=Aria");
  EXPECT_THAT(Expect(Run("aria_t", "ADD COLUMN x INT"), "table", Severity::kFatal).message,
              HasSubstr("uses the Aria storage engine; osc needs InnoDB"));
  Create("part", "(id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2");
  const PreflightReport r = Run("part", "ADD COLUMN x INT");
  EXPECT_THAT(Expect(r, "table", Severity::kWarning).message, HasSubstr("is partitioned"));
  EXPECT_TRUE(r.CanRun()) << RenderPlan(r);
}

TEST_F(SchemaPreflightTest, AlterRefusalsComeFromTheParser) {
  Create("clean2", "(id INT PRIMARY KEY)");
  EXPECT_THAT(Expect(Run("clean2", "RENAME TO other"), "alter", Severity::kFatal).message, HasSubstr("RENAME"));
  EXPECT_THAT(Expect(Run("clean2", "DROP COLUMN nope"), "alter", Severity::kFatal).message, HasSubstr("`nope`"));
}

TEST_F(SchemaPreflightTest, OddTableNameWorksAndLongNameIsRefused) {
  const std::string odd = "we`ird 'na\"me \xC3\xBC";
  Create(odd, "(`i d` INT PRIMARY KEY)");
  const PreflightReport r = Run(odd, "ADD COLUMN `x``y` INT");
  EXPECT_TRUE(r.CanRun()) << RenderPlan(r);
  EXPECT_EQ(Expect(r, "chunk_key", Severity::kOk).message, "PRIMARY KEY (`i d`)");
  ASSERT_TRUE(r.helpers.has_value());
  EXPECT_EQ(r.helpers->shadow, "_" + odd + "_osc_new");

  const std::string long_name(56, 'l');
  Create(long_name, "(id INT PRIMARY KEY)");
  EXPECT_THAT(Expect(Run(long_name, "ADD COLUMN x INT"), "helper_names", Severity::kFatal).message,
              HasSubstr("is 56 characters long"));
}

TEST_F(SchemaPreflightTest, LeftoverHelperTablesAreRefusedWithDropStatements) {
  Create("lefty", "(id INT PRIMARY KEY)");
  Create("_lefty_osc_new", "(id INT PRIMARY KEY)");
  Create("_lefty_osc_old", "(id INT PRIMARY KEY)");
  Exec(std::string("DROP TABLE IF EXISTS ") + kDb + "._lefty_osc_log");
  const Finding f = Expect(Run("lefty", "ADD COLUMN x INT"), "leftover_tables", Severity::kFatal);
  EXPECT_THAT(f.message, HasSubstr("`_lefty_osc_new` and `_lefty_osc_old`"));
  EXPECT_THAT(f.message, HasSubstr("may hold the table's data"));
  EXPECT_THAT(f.fix, HasSubstr("DROP TABLE `osc_schema_preflight`.`_lefty_osc_new`; DROP TABLE "
                               "`osc_schema_preflight`.`_lefty_osc_old`;"));
  EXPECT_THAT(f.fix, Not(HasSubstr("_lefty_osc_log")));
}

TEST_F(SchemaPreflightTest, OldTableNextToAChangelogIsAnUnconfirmedSwapToCompareFirst) {
  // What a run leaves when it stops between its RENAME and the binlog
  // check: the shadow's name is free, the old table and changelog remain.
  Create("swapped", "(id INT PRIMARY KEY)");
  Exec(std::string("DROP TABLE IF EXISTS ") + kDb + "._swapped_osc_new");
  Create("_swapped_osc_log", "(id INT PRIMARY KEY)");
  Create("_swapped_osc_old", "(id INT PRIMARY KEY)");
  const Finding f = Expect(Run("swapped", "ADD COLUMN x INT"), "leftover_tables", Severity::kFatal);
  EXPECT_THAT(f.message, HasSubstr("has not confirmed that every change made during the swap"));
  EXPECT_THAT(f.message, HasSubstr("`_swapped_osc_old` may hold changes the table lacks"));
  EXPECT_THAT(f.fix, HasSubstr("compare `_swapped_osc_old`"));
  EXPECT_THAT(f.fix, Not(HasSubstr("--cleanup")));
  EXPECT_THAT(f.fix, HasSubstr("DROP TABLE `osc_schema_preflight`.`_swapped_osc_log`; DROP TABLE "
                               "`osc_schema_preflight`.`_swapped_osc_old`;"));
}

TEST_F(SchemaPreflightTest, DiskSpaceIsRefusedWhenShortAndAWarningWhenRemote) {
  Create("disk", "(id INT PRIMARY KEY, pad CHAR(200))");
  env_.disk_space = [](const std::string&) { return DiskSpace{1000, 7}; };
  const Finding short_of_space = Expect(Run("disk", "ADD COLUMN x INT"), "disk_space", Severity::kFatal);
  EXPECT_THAT(short_of_space.message, HasSubstr("1000 bytes free at "));
  // The sandbox keeps its binlogs in the datadir: same filesystem.
  EXPECT_THAT(short_of_space.message, HasSubstr("of binlog the copy writes to the same filesystem"));

  env_.local_hostname = [] { return std::string("some-other-host"); };
  EXPECT_THAT(Expect(Run("disk", "ADD COLUMN x INT"), "disk_space", Severity::kWarning).message,
              HasSubstr("could not be checked: the server runs on another host"));
}

TEST_F(SchemaPreflightTest, RealStatvfsOfTheSandboxDatadir) {
  Create("disk_real", "(id INT PRIMARY KEY)");
  PreflightEnv real;  // default probes: gethostname, statvfs
  env_ = real;
  const PreflightReport r = Run("disk_real", "ADD COLUMN x INT");
  const Finding* f = r.Find("disk_space");
  ASSERT_NE(f, nullptr);
  // Same host as the sandbox: the check must have actually run.
  EXPECT_EQ(f->severity, Severity::kOk) << f->message;
  EXPECT_THAT(f->message, HasSubstr(" free at "));
}

TEST_F(SchemaPreflightTest, CopyDurationIsComparedWithBinlogRetention) {
  Create("slow", "(id INT PRIMARY KEY, pad CHAR(200))");
  Exec("INSERT INTO " + std::string(kDb) + ".slow SELECT seq, 'x' FROM " + kDb + ".seq_1_to_2000");
  Exec(std::string("ANALYZE TABLE ") + kDb + ".slow");
  env_.copy_bytes_per_second = 1;  // so the estimate is many hours
  Exec("SET GLOBAL binlog_expire_logs_seconds = 3600");
  const PreflightReport r = Run("slow", "ADD COLUMN x INT");
  Exec("SET GLOBAL binlog_expire_logs_seconds = 0");
  const Finding f = Expect(r, "copy_duration", Severity::kFatal);
  EXPECT_THAT(f.message, HasSubstr("binlogs are purged after 1 h 0 min"));
  EXPECT_EQ(Expect(Run("slow", "ADD COLUMN x INT"), "copy_duration", Severity::kOk).severity, Severity::kOk);
}

TEST_F(SchemaPreflightTest, MissingPrivilegesAreNamed) {
  Create("privs", "(id INT PRIMARY KEY)");
  const std::string account = std::string("'") + kLimitedUser + "'@'127.0.0.1'";
  Exec("DROP USER IF EXISTS " + account);
  Exec("CREATE USER " + account + " IDENTIFIED BY '" + kLimitedPassword + "'");
  Exec("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER ON " + std::string(kDb) + ".* TO " + account);
  Exec("GRANT REPLICATION SLAVE ON *.* TO " + account);
  db::ConnectionOptions limited = options_.connection;
  limited.user = kLimitedUser;
  limited.password = kLimitedPassword;
  Result<db::Connection> c = db::Connection::Open(limited);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const PreflightReport r = Run("privs", "ADD COLUMN x INT", &*c);
  Exec("DROP USER " + account);
  const Finding f = Expect(r, "privileges", Severity::kFatal);
  EXPECT_EQ(f.message, "osc_schema_lim@127.0.0.1 lacks DROP, INDEX, LOCK TABLES on `osc_schema_preflight` and "
                       "REPLICATION CLIENT, PROCESS globally");
  EXPECT_THAT(f.fix, HasSubstr("GRANT DROP, INDEX, LOCK TABLES ON `osc\\_schema\\_preflight`.* TO "
                               "`osc_schema_lim`@`127.0.0.1`;"));
  // Without TRIGGER the trigger list cannot be trusted.
  Expect(r, "triggers", Severity::kWarning);
}

}  // namespace
}  // namespace osc::schema
