// ParseCommandLine: every flag's mapping onto MigrationOptions, the modes,
// and the usage errors. Password precedence and --conf are in
// password_precedence_test.cc.
#include "cli/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "cli/version.h"

namespace osc::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Result<CliCommand> Parse(const std::vector<std::string>& args) {
  return ParseCommandLine(
      args, [](std::string_view) -> std::optional<std::string> { return std::nullopt; },
      [](const std::string&) -> Result<std::string> { return Status::IoError("no files in this test"); });
}

// Parses `args` (plus --user) and returns the command; fails the test on error.
CliCommand ParseOk(std::vector<std::string> args) {
  args.insert(args.begin(), {"--user", "u"});
  Result<CliCommand> r = Parse(args);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : CliCommand{};
}

// The usage error for `args` (plus --user), or "" if they parsed.
std::string ParseError(std::vector<std::string> args) {
  args.insert(args.begin(), {"--user", "u"});
  Result<CliCommand> r = Parse(args);
  EXPECT_FALSE(r.ok()) << "parsed, but expected a usage error";
  if (r.ok()) return "";
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  return std::string(r.status().message());
}

std::vector<std::string> Migrate(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--database", "d", "--table", "t", "--alter", "ADD COLUMN c INT"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(CommandLineTest, OnlyUserGivesServerCheckWithDefaultOptions) {
  const CliCommand cmd = ParseOk({});
  const migration::MigrationOptions defaults;
  EXPECT_EQ(cmd.mode, Mode::kCheckServer);
  EXPECT_EQ(cmd.options.connection.user, "u");
  EXPECT_EQ(cmd.options.connection.host, defaults.connection.host);
  EXPECT_EQ(cmd.options.connection.port, defaults.connection.port);
  EXPECT_EQ(cmd.options.connection.ssl_mode, defaults.connection.ssl_mode);
  EXPECT_EQ(cmd.options.copy.threads, defaults.copy.threads);
  EXPECT_EQ(cmd.options.checksum.enabled, defaults.checksum.enabled);
  EXPECT_FALSE(cmd.options.execute);
  EXPECT_EQ(cmd.password_source, PasswordSource::kNone);
  EXPECT_TRUE(cmd.warnings.empty());
  EXPECT_EQ(cmd.log.level, LogOptions{}.level);
}

TEST(CommandLineTest, ConnectionFlagsMapOntoConnectionOptions) {
  const CliCommand cmd = ParseOk({"--host", "db1.example", "--port=3307", "--ssl-mode", "verify_identity",
                                  "--ssl-ca", "/ca.pem", "--ssl-cert", "/c.pem", "--ssl-key", "/k.pem",
                                  "--connect-timeout", "7"});
  const db::ConnectionOptions& c = cmd.options.connection;
  EXPECT_EQ(c.host, "db1.example");
  EXPECT_EQ(c.port, 3307);
  EXPECT_TRUE(c.socket.empty());
  EXPECT_EQ(c.ssl_mode, db::SslMode::kVerifyIdentity);
  EXPECT_EQ(c.ssl_ca, "/ca.pem");
  EXPECT_EQ(c.ssl_cert, "/c.pem");
  EXPECT_EQ(c.ssl_key, "/k.pem");
  EXPECT_EQ(c.connect_timeout, std::chrono::seconds(7));
}

TEST(CommandLineTest, SocketFlagSelectsTheSocket) {
  const CliCommand cmd = ParseOk({"--socket", "/run/mysqld/mysqld.sock"});
  EXPECT_EQ(cmd.options.connection.socket, "/run/mysqld/mysqld.sock");
}

TEST(CommandLineTest, SocketTogetherWithHostOrPortIsRefused) {
  EXPECT_THAT(ParseError({"--socket", "/s", "--host", "h"}), HasSubstr("--socket"));
  EXPECT_THAT(ParseError({"--socket", "/s", "--port", "3306"}), HasSubstr("--socket"));
}

TEST(CommandLineTest, MigrationFlagsMapOntoMigrationOptions) {
  const CliCommand cmd = ParseOk(Migrate({"--execute", "--threads", "8", "--chunk-size", "5000",
                                          "--chunk-target-time", "1500ms",
                                          "--cut-over-lock-timeout-seconds", "9",
                                          "--postpone-cut-over-flag-file", "/tmp/postpone",
                                          "--ok-to-drop-table", "--attempt-instant-ddl",
                                          "--replica-server-id", "4294967295", "--progress-interval", "250ms",
                                          "--log-level", "debug"}));
  const migration::MigrationOptions& o = cmd.options;
  EXPECT_EQ(cmd.mode, Mode::kMigrate);
  EXPECT_EQ(o.database, "d");
  EXPECT_EQ(o.table, "t");
  EXPECT_EQ(o.alter, "ADD COLUMN c INT");
  EXPECT_TRUE(o.execute);
  EXPECT_EQ(o.copy.threads, 8);
  EXPECT_EQ(o.copy.chunk_size, 5000u);
  EXPECT_EQ(o.copy.chunk_target_time, std::chrono::milliseconds(1500));
  EXPECT_TRUE(o.copy.chunk_target_time_given);
  EXPECT_EQ(o.cut_over.lock_timeout, std::chrono::seconds(9));
  EXPECT_EQ(o.cut_over.postpone_flag_file, "/tmp/postpone");
  EXPECT_TRUE(o.cut_over.ok_to_drop_table);
  EXPECT_TRUE(o.attempt_instant);
  EXPECT_EQ(o.binlog_server_id, 4294967295u);
  EXPECT_EQ(o.progress_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(cmd.log.level, "debug");
}

TEST(CommandLineTest, BooleanFlagsTakeAnOptionalValue) {
  EXPECT_FALSE(ParseOk(Migrate({"--execute=false"})).options.execute);
  EXPECT_TRUE(ParseOk(Migrate({"--execute=true"})).options.execute);
  EXPECT_TRUE(ParseOk(Migrate({"--ok-to-drop-table=1"})).options.cut_over.ok_to_drop_table);
  EXPECT_FALSE(ParseOk(Migrate({"--attempt-instant-ddl=no"})).options.attempt_instant);
  EXPECT_THAT(ParseError(Migrate({"--execute=maybe"})), HasSubstr("--execute"));
}

TEST(CommandLineTest, ChecksumIsOnUnlessSkipped) {
  EXPECT_TRUE(ParseOk(Migrate()).options.checksum.enabled);
  EXPECT_TRUE(ParseOk(Migrate({"--checksum"})).options.checksum.enabled);
  EXPECT_FALSE(ParseOk(Migrate({"--skip-checksum"})).options.checksum.enabled);
  EXPECT_FALSE(ParseOk(Migrate({"--checksum=false"})).options.checksum.enabled);
  EXPECT_THAT(ParseError(Migrate({"--checksum", "--skip-checksum"})), HasSubstr("--skip-checksum"));
}

TEST(CommandLineTest, ProgressIntervalAcceptsUnitsAndBareSeconds) {
  EXPECT_EQ(ParseOk({"--progress-interval", "7"}).options.progress_interval, std::chrono::seconds(7));
  EXPECT_EQ(ParseOk({"--progress-interval", "2m"}).options.progress_interval, std::chrono::minutes(2));
  EXPECT_EQ(ParseOk({"--progress-interval", "1h"}).options.progress_interval, std::chrono::hours(1));
  EXPECT_THAT(ParseError({"--progress-interval", "0s"}), HasSubstr("--progress-interval"));
  EXPECT_THAT(ParseError({"--progress-interval", "5 days"}), HasSubstr("--progress-interval"));
}

TEST(CommandLineTest, AlterSelectsMigrateModeAndNeedsDatabaseAndTable) {
  EXPECT_EQ(ParseOk(Migrate()).mode, Mode::kMigrate);
  EXPECT_THAT(ParseError({"--table", "t", "--alter", "ADD COLUMN c INT"}), HasSubstr("--database"));
  EXPECT_THAT(ParseError({"--database", "d", "--alter", "ADD COLUMN c INT"}), HasSubstr("--table"));
}

TEST(CommandLineTest, TableOrExecuteWithoutAlterIsRefused) {
  EXPECT_THAT(ParseError({"--database", "d", "--table", "t"}), HasSubstr("--alter"));
  EXPECT_THAT(ParseError({"--execute"}), HasSubstr("--alter"));
}

TEST(CommandLineTest, UserIsRequired) {
  Result<CliCommand> r = Parse({"--host", "h"});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--user"));
}

TEST(CommandLineTest, UnknownFlagIsNamedWithoutItsValue) {
  const std::string msg = ParseError({"--passwrd=hunter2"});
  EXPECT_THAT(msg, HasSubstr("--passwrd"));
  EXPECT_THAT(msg, Not(HasSubstr("hunter2")));
}

TEST(CommandLineTest, AbbreviatedAndSingleDashFlagsAreUnknown) {
  EXPECT_THAT(ParseError({"--pass=x"}), HasSubstr("unknown flag '--pass'"));
  EXPECT_THAT(ParseError({"-host", "h"}), HasSubstr("unknown flag"));
}

TEST(CommandLineTest, BadPortValuesAreRefused) {
  for (const char* bad : {"abc", "0", "65536", "-1", "3306x", " 3306", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParseError({"--port", bad}), HasSubstr("--port"));
  }
}

TEST(CommandLineTest, BadNumbersAreRefusedNamingTheFlag) {
  EXPECT_THAT(ParseError({"--threads", "-3"}), HasSubstr("--threads"));
  EXPECT_THAT(ParseError({"--threads", "0"}), HasSubstr("--threads"));
  EXPECT_THAT(ParseError({"--threads", "two"}), HasSubstr("--threads"));
  EXPECT_THAT(ParseError({"--chunk-size", "-5"}), HasSubstr("--chunk-size"));
  EXPECT_THAT(ParseError({"--chunk-target-time", "5ms"}), HasSubstr("--chunk-target-time"));
  EXPECT_THAT(ParseError({"--chunk-target-time", "2m"}), HasSubstr("--chunk-target-time"));
  EXPECT_THAT(ParseError({"--chunk-target-time", "soon"}), HasSubstr("--chunk-target-time"));
  EXPECT_THAT(ParseError({"--cut-over-lock-timeout-seconds", "0"}), HasSubstr("--cut-over-lock-timeout-seconds"));
  EXPECT_THAT(ParseError({"--connect-timeout", "0"}), HasSubstr("--connect-timeout"));
  EXPECT_THAT(ParseError({"--replica-server-id", "4294967296"}), HasSubstr("--replica-server-id"));
  EXPECT_THAT(ParseError({"--ssl-mode", "sometimes"}), HasSubstr("--ssl-mode"));
  EXPECT_THAT(ParseError({"--log-level", "loud"}), HasSubstr("--log-level"));
}

TEST(CommandLineTest, MissingOrRepeatedValuesAreRefused) {
  EXPECT_THAT(ParseError({"--port"}), HasSubstr("--port"));
  EXPECT_THAT(ParseError({"--host", "a", "--host", "b"}), HasSubstr("--host"));
}

TEST(CommandLineTest, PositionalArgumentIsRefusedWithoutEchoingIt) {
  const std::string msg = ParseError({"s3cret-word"});
  EXPECT_THAT(msg, HasSubstr("not a flag"));
  EXPECT_THAT(msg, Not(HasSubstr("s3cret-word")));
}

TEST(CommandLineTest, UsageErrorLineIsOneLineNamingHelp) {
  Result<CliCommand> r = Parse({"--port", "abc"});
  ASSERT_FALSE(r.ok());
  const std::string line = UsageErrorLine(r.status());
  EXPECT_THAT(line, StartsWith("osc: "));
  EXPECT_THAT(line, HasSubstr("; see osc --help"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(UsageErrorLine(Status::InvalidArgument("a\nb")).find('\n'), std::string::npos);
}

TEST(CommandLineTest, HelpWinsOverOtherFlagsAndListsEveryFlag) {
  Result<CliCommand> r = Parse({"--port", "abc", "--help"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mode, Mode::kHelp);
  const std::string help = HelpText();
  for (const char* flag :
       {"--host", "--port", "--socket", "--user", "--password", "--database", "--table", "--alter", "--execute",
        "--conf", "--ask-pass", "--ssl-mode", "--ssl-ca", "--ssl-cert", "--ssl-key", "--threads", "--chunk-size",
        "--chunk-target-time", "--cut-over-lock-timeout-seconds", "--postpone-cut-over-flag-file", "--ok-to-drop-table", "--checksum",
        "--skip-checksum", "--attempt-instant-ddl", "--progress-interval", "--replica-server-id",
        "--connect-timeout", "--log-level", "--help", "--version", "OSC_PASSWORD", "Exit codes"}) {
    EXPECT_THAT(help, HasSubstr(flag));
  }
}

TEST(CommandLineTest, HelpStillRefusesUnknownFlags) {
  EXPECT_FALSE(Parse({"--help", "--bogus"}).ok());
}

TEST(CommandLineTest, VersionPrintsTheProjectVersion) {
  Result<CliCommand> r = Parse({"--version"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mode, Mode::kVersion);
  EXPECT_EQ(VersionText(), "osc " + std::string(kOscVersion) + "\n");
  EXPECT_TRUE(std::regex_match(VersionText(), std::regex("osc [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << VersionText();
}

}  // namespace
}  // namespace osc::cli
