// Where the password and the connection settings come from:
// --password > --ask-pass > $OSC_PASSWORD > --conf ([osc] over [client]),
// and flags over --conf for everything else. The environment and the files
// are injected, so nothing here touches the real ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cli/command_line.h"

namespace osc::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PasswordPrecedenceTest : public ::testing::Test {
 protected:
  Result<CliCommand> Parse(std::vector<std::string> args) {
    args.insert(args.begin(), {"--user", "u"});
    return ParseCommandLine(
        args,
        [this](std::string_view name) -> std::optional<std::string> {
          auto it = env_.find(std::string(name));
          if (it == env_.end()) return std::nullopt;
          return it->second;
        },
        [this](const std::string& path) -> Result<std::string> {
          auto it = files_.find(path);
          if (it == files_.end()) return Status::IoError("No such file or directory");
          return it->second;
        });
  }
  CliCommand ParseOk(std::vector<std::string> args) {
    Result<CliCommand> r = Parse(std::move(args));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CliCommand{};
  }

  std::map<std::string, std::string> env_;
  std::map<std::string, std::string> files_;
};

TEST_F(PasswordPrecedenceTest, CommandLineBeatsEverySource) {
  env_[std::string(kPasswordEnvVar)] = "from-env";
  files_["/my.cnf"] = "[client]\npassword = from-file\n";
  const CliCommand cmd = ParseOk({"--password", "from-flag", "--ask-pass", "--conf", "/my.cnf"});
  EXPECT_EQ(cmd.options.connection.password, "from-flag");
  EXPECT_EQ(cmd.password_source, PasswordSource::kCommandLine);
}

TEST_F(PasswordPrecedenceTest, AskPassBeatsEnvironmentAndFile) {
  env_[std::string(kPasswordEnvVar)] = "from-env";
  files_["/my.cnf"] = "[client]\npassword = from-file\n";
  const CliCommand cmd = ParseOk({"--ask-pass", "--conf", "/my.cnf"});
  EXPECT_EQ(cmd.password_source, PasswordSource::kPrompt);
  EXPECT_EQ(cmd.options.connection.password, "");  // main() prompts
}

TEST_F(PasswordPrecedenceTest, EnvironmentBeatsFile) {
  env_[std::string(kPasswordEnvVar)] = "from-env";
  files_["/my.cnf"] = "[client]\npassword = from-file\n";
  const CliCommand cmd = ParseOk({"--conf", "/my.cnf"});
  EXPECT_EQ(cmd.options.connection.password, "from-env");
  EXPECT_EQ(cmd.password_source, PasswordSource::kEnvironment);
}

TEST_F(PasswordPrecedenceTest, EmptyEnvironmentVariableCountsAsUnset) {
  env_[std::string(kPasswordEnvVar)] = "";
  files_["/my.cnf"] = "[client]\npassword = from-file\n";
  const CliCommand cmd = ParseOk({"--conf", "/my.cnf"});
  EXPECT_EQ(cmd.options.connection.password, "from-file");
  EXPECT_EQ(cmd.password_source, PasswordSource::kOptionFile);
}

TEST_F(PasswordPrecedenceTest, OscGroupBeatsClientGroupWhateverTheOrder) {
  files_["/my.cnf"] = "[osc]\npassword = from-osc\n[client]\npassword = from-client\n";
  EXPECT_EQ(ParseOk({"--conf", "/my.cnf"}).options.connection.password, "from-osc");
}

TEST_F(PasswordPrecedenceTest, NoSourceMeansEmptyPassword) {
  const CliCommand cmd = ParseOk({});
  EXPECT_EQ(cmd.password_source, PasswordSource::kNone);
  EXPECT_EQ(cmd.options.connection.password, "");
}

TEST_F(PasswordPrecedenceTest, PasswordFlagWarnsOnceWithoutTheValue) {
  const CliCommand cmd = ParseOk({"--password=hunter2"});
  ASSERT_EQ(cmd.warnings.size(), 1u);
  EXPECT_THAT(cmd.warnings[0], HasSubstr("--password"));
  EXPECT_THAT(cmd.warnings[0], Not(HasSubstr("hunter2")));
}

TEST_F(PasswordPrecedenceTest, OtherSourcesDoNotWarn) {
  env_[std::string(kPasswordEnvVar)] = "from-env";
  EXPECT_TRUE(ParseOk({}).warnings.empty());
}

TEST_F(PasswordPrecedenceTest, AskPassNextToPasswordIsReportedAsIgnored) {
  const CliCommand cmd = ParseOk({"--password", "p", "--ask-pass"});
  ASSERT_EQ(cmd.warnings.size(), 2u);
  EXPECT_THAT(cmd.warnings[1], HasSubstr("--ask-pass"));
}

TEST_F(PasswordPrecedenceTest, FileSuppliesConnectionSettingsThatFlagsOverride) {
  files_["/my.cnf"] = "[client]\nhost = file-host\nport = 3310\nuser = file-user\nssl-mode = REQUIRED\n";
  Result<CliCommand> r = ParseCommandLine(
      {"--conf", "/my.cnf", "--host", "flag-host"},
      [](std::string_view) -> std::optional<std::string> { return std::nullopt; },
      [this](const std::string& path) -> Result<std::string> { return files_.at(path); });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->options.connection.host, "flag-host");
  EXPECT_EQ(r->options.connection.port, 3310);
  EXPECT_EQ(r->options.connection.user, "file-user");
  EXPECT_EQ(r->options.connection.ssl_mode, db::SslMode::kRequired);
  // A --user flag beats the file's user.
  EXPECT_EQ(ParseOk({"--conf", "/my.cnf"}).options.connection.user, "u");
}

TEST_F(PasswordPrecedenceTest, FileSocketServesOnlyLocalConnections) {
  files_["/local.cnf"] = "[client]\nsocket = /run/my.sock\n";
  files_["/remote.cnf"] = "[client]\nsocket = /run/my.sock\nhost = db1\n";
  EXPECT_EQ(ParseOk({"--conf", "/local.cnf"}).options.connection.socket, "/run/my.sock");
  EXPECT_EQ(ParseOk({"--conf", "/local.cnf", "--port", "3307"}).options.connection.socket, "");
  EXPECT_EQ(ParseOk({"--conf", "/remote.cnf"}).options.connection.socket, "");
}

TEST_F(PasswordPrecedenceTest, UnreadableFileIsAUsageErrorNamingIt) {
  Result<CliCommand> r = Parse({"--conf", "/missing.cnf"});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("/missing.cnf"));
}

TEST_F(PasswordPrecedenceTest, FileErrorsNameTheFileAndLine) {
  files_["/bad.cnf"] = "[client]\nuser = a\nport = lots\n";
  Result<CliCommand> r = Parse({"--conf", "/bad.cnf"});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("/bad.cnf"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("line 3"));
}

TEST_F(PasswordPrecedenceTest, FileErrorsNeverShowThePassword) {
  files_["/bad.cnf"] = "[osc]\npassword = hunter2\npasword = hunter3\n";
  Result<CliCommand> r = Parse({"--conf", "/bad.cnf"});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr("hunter")));
}

}  // namespace
}  // namespace osc::cli
