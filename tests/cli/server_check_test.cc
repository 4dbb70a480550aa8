// The server check's rules (osc/server_check.h) on hand-written settings,
// and its text rendering. Lives with the CLI tests because the CLI is its
// first user; the live check runs in tests/integration/cli_binary_test.cc.
#include "osc/server_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace osc::migration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A MariaDB 10.11 primary set up the way osc wants (as scripts/sandbox.sh
// configures one).
ServerSettings GoodMariaDb() {
  ServerSettings s;
  s.server = *db::ParseServerVersion("10.11.19-MariaDB-log");
  s.endpoint = "root@127.0.0.1:3306";
  s.variables = {{"log_bin", "ON"},           {"binlog_format", "ROW"},       {"binlog_row_image", "FULL"},
                 {"binlog_checksum", "CRC32"}, {"server_id", "7"},            {"performance_schema", "ON"},
                 {"gtid_strict_mode", "ON"},   {"read_only", "OFF"},          {"binlog_expire_logs_seconds", "0"},
                 {"expire_logs_days", "0.000000"}, {"innodb_autoinc_lock_mode", "2"}};
  s.mdl_instrument_enabled = "YES";
  return s;
}

Severity SeverityOf(const ServerSettings& s, const std::string& name) {
  const ServerReport report = EvaluateServer(s);
  const Finding* f = report.Find(name);
  EXPECT_NE(f, nullptr) << "no finding " << name;
  return f ? f->severity : Severity::kOk;
}

// Modes 0 and 1 make copy threads take turns on AUTO_INCREMENT tables: a
// warning with the fix, never a refusal.
TEST(ServerCheckTest, AutoincLockModeBelowTwoIsAWarningWithTheFix) {
  for (const char* mode : {"0", "1"}) {
    ServerSettings s = GoodMariaDb();
    s.variables["innodb_autoinc_lock_mode"] = mode;
    const ServerReport report = EvaluateServer(s);
    const Finding* f = report.Find("autoinc_lock_mode");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity, Severity::kWarning) << mode;
    EXPECT_THAT(f->message, HasSubstr(std::string("innodb_autoinc_lock_mode=") + mode));
    EXPECT_THAT(f->fix, HasSubstr("innodb_autoinc_lock_mode = 2"));
    EXPECT_FALSE(report.HasFatal());
  }
  ServerSettings unknown = GoodMariaDb();
  unknown.variables.erase("innodb_autoinc_lock_mode");
  EXPECT_EQ(SeverityOf(unknown, "autoinc_lock_mode"), Severity::kOk);
}

TEST(ServerCheckTest, WellConfiguredServerHasOnlyOkFindings) {
  const ServerReport report = EvaluateServer(GoodMariaDb());
  for (const char* name : {"server", "log_bin", "binlog_format", "binlog_row_image", "binlog_checksum", "server_id",
                           "mdl_instrument", "gtid", "read_only", "binlog_retention", "autoinc_lock_mode"}) {
    const Finding* f = report.Find(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->severity, Severity::kOk) << name << ": " << f->message;
    EXPECT_TRUE(f->fix.empty()) << name;
  }
  EXPECT_FALSE(report.HasFatal());
  EXPECT_EQ(report.Count(Severity::kWarning), 0u);
}

TEST(ServerCheckTest, BinaryLoggingOffIsFatalWithAFix) {
  ServerSettings s = GoodMariaDb();
  s.variables["log_bin"] = "OFF";
  const ServerReport report = EvaluateServer(s);
  EXPECT_TRUE(report.HasFatal());
  const Finding* f = report.Find("log_bin");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kFatal);
  EXPECT_THAT(f->fix, HasSubstr("log_bin"));
}

TEST(ServerCheckTest, NonRowFormatIsFatal) {
  for (const char* format : {"MIXED", "STATEMENT"}) {
    ServerSettings s = GoodMariaDb();
    s.variables["binlog_format"] = format;
    EXPECT_EQ(SeverityOf(s, "binlog_format"), Severity::kFatal) << format;
  }
}

TEST(ServerCheckTest, PartialRowImageOrMissingVariableIsFatal) {
  ServerSettings s = GoodMariaDb();
  s.variables["binlog_row_image"] = "MINIMAL";
  EXPECT_EQ(SeverityOf(s, "binlog_row_image"), Severity::kFatal);
  s.variables.erase("binlog_row_image");
  EXPECT_EQ(SeverityOf(s, "binlog_row_image"), Severity::kFatal);
}

TEST(ServerCheckTest, ChecksumNoneIsFineUnknownWarns) {
  ServerSettings s = GoodMariaDb();
  s.variables["binlog_checksum"] = "NONE";
  EXPECT_EQ(SeverityOf(s, "binlog_checksum"), Severity::kOk);
  s.variables["binlog_checksum"] = "SHA1";
  EXPECT_EQ(SeverityOf(s, "binlog_checksum"), Severity::kWarning);
}

TEST(ServerCheckTest, ServerIdZeroIsFatal) {
  ServerSettings s = GoodMariaDb();
  s.variables["server_id"] = "0";
  EXPECT_EQ(SeverityOf(s, "server_id"), Severity::kFatal);
}

TEST(ServerCheckTest, MissingMetadataLockInstrumentWarnsWithTheMatchingFix) {
  ServerSettings off = GoodMariaDb();
  off.variables["performance_schema"] = "OFF";
  off.mdl_instrument_enabled.reset();
  const ServerReport r1 = EvaluateServer(off);
  EXPECT_EQ(r1.Find("mdl_instrument")->severity, Severity::kWarning);
  EXPECT_THAT(r1.Find("mdl_instrument")->fix, HasSubstr("performance_schema=ON"));

  ServerSettings disabled = GoodMariaDb();
  disabled.mdl_instrument_enabled = "NO";
  const ServerReport r2 = EvaluateServer(disabled);
  EXPECT_EQ(r2.Find("mdl_instrument")->severity, Severity::kWarning);
  EXPECT_THAT(r2.Find("mdl_instrument")->fix, HasSubstr("UPDATE performance_schema.setup_instruments"));

  ServerSettings unreadable = GoodMariaDb();
  unreadable.mdl_instrument_enabled.reset();
  unreadable.mdl_read_error = "SELECT command denied";
  const ServerReport r3 = EvaluateServer(unreadable);
  EXPECT_EQ(r3.Find("mdl_instrument")->severity, Severity::kWarning);
  EXPECT_THAT(r3.Find("mdl_instrument")->message, HasSubstr("SELECT command denied"));
  EXPECT_FALSE(r3.HasFatal());
}

TEST(ServerCheckTest, ReadOnlyOrSuperReadOnlyIsFatal) {
  ServerSettings s = GoodMariaDb();
  s.variables["read_only"] = "ON";
  EXPECT_EQ(SeverityOf(s, "read_only"), Severity::kFatal);
  s.variables["read_only"] = "OFF";
  s.variables["super_read_only"] = "ON";
  EXPECT_EQ(SeverityOf(s, "read_only"), Severity::kFatal);
}

TEST(ServerCheckTest, ShortBinlogRetentionWarns) {
  ServerSettings s = GoodMariaDb();
  s.variables["binlog_expire_logs_seconds"] = "3600";
  EXPECT_EQ(SeverityOf(s, "binlog_retention"), Severity::kWarning);
  s.variables["binlog_expire_logs_seconds"] = "604800";
  EXPECT_EQ(SeverityOf(s, "binlog_retention"), Severity::kOk);
  // MariaDB's fractional day count, with the seconds variable at 0.
  s.variables["binlog_expire_logs_seconds"] = "0";
  s.variables["expire_logs_days"] = "0.500000";
  EXPECT_EQ(SeverityOf(s, "binlog_retention"), Severity::kWarning);
  s.variables["expire_logs_days"] = "7";
  EXPECT_EQ(SeverityOf(s, "binlog_retention"), Severity::kOk);
}

TEST(ServerCheckTest, OldServersWarn) {
  ServerSettings maria = GoodMariaDb();
  maria.server = *db::ParseServerVersion("10.5.22-MariaDB");
  EXPECT_EQ(SeverityOf(maria, "server"), Severity::kWarning);
  ServerSettings mysql = GoodMariaDb();
  mysql.server = *db::ParseServerVersion("5.7.44-log");
  EXPECT_EQ(SeverityOf(mysql, "server"), Severity::kWarning);
  mysql.server = *db::ParseServerVersion("8.0.36");
  EXPECT_EQ(SeverityOf(mysql, "server"), Severity::kOk);
}

TEST(ServerCheckTest, MySqlGtidModeIsReported) {
  ServerSettings s = GoodMariaDb();
  s.server = *db::ParseServerVersion("8.0.36");
  s.variables["gtid_mode"] = "ON";
  const ServerReport report = EvaluateServer(s);
  EXPECT_THAT(report.Find("gtid")->message, HasSubstr("gtid_mode=ON"));
}

TEST(ServerCheckTest, ReportNamesServerAndMarksEachFinding) {
  ServerSettings s = GoodMariaDb();
  s.variables["log_bin"] = "OFF";
  s.mdl_instrument_enabled = "NO";
  const std::string text = RenderReport(EvaluateServer(s));
  EXPECT_THAT(text, HasSubstr("MariaDB 10.11.19"));
  EXPECT_THAT(text, HasSubstr("root@127.0.0.1:3306"));
  EXPECT_TRUE(std::regex_search(text, std::regex("\n +OK +binlog_format +ROW\n"))) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\n +PROBLEM +log_bin +OFF"))) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\n +WARNING +mdl_instrument "))) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\n +fix: restart the server with log_bin"))) << text;
  EXPECT_THAT(text, HasSubstr("1 problem, 1 warning"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(ServerCheckTest, ReportOfAGoodServerSaysItCanMigrate) {
  const std::string text = RenderReport(EvaluateServer(GoodMariaDb()));
  EXPECT_THAT(text, HasSubstr("0 problems, 0 warnings"));
  EXPECT_THAT(text, Not(HasSubstr("PROBLEM")));
  EXPECT_THAT(text, Not(HasSubstr("fix:")));
}

}  // namespace
}  // namespace osc::migration
