// --cleanup on the command line: which flags it needs and refuses, and
// what it maps onto.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/command_line.h"

namespace osc::cli {
namespace {

using ::testing::HasSubstr;

Result<CliCommand> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), {"--user", "u"});
  return ParseCommandLine(
      args, [](std::string_view) -> std::optional<std::string> { return std::nullopt; },
      [](const std::string&) -> Result<std::string> {
        return Status::IoError("no files in this test");
      });
}

TEST(CleanupCommandLineTest, CleanupWithDatabaseAndTableSelectsCleanupMode) {
  Result<CliCommand> cmd = Parse({"--database", "d", "--table", "t", "--cleanup"});
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  EXPECT_EQ(cmd->mode, Mode::kCleanup);
  EXPECT_EQ(ToString(cmd->mode), "cleanup");
  EXPECT_EQ(cmd->options.database, "d");
  EXPECT_EQ(cmd->options.table, "t");
  EXPECT_FALSE(cmd->options.cut_over.ok_to_drop_table);
}

TEST(CleanupCommandLineTest, OkToDropTableIsCarriedForTheOldTable) {
  Result<CliCommand> cmd =
      Parse({"--database", "d", "--table", "t", "--cleanup", "--ok-to-drop-table"});
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  EXPECT_TRUE(cmd->options.cut_over.ok_to_drop_table);
}

TEST(CleanupCommandLineTest, ExecuteIsAcceptedAndChangesNothing) {
  Result<CliCommand> cmd = Parse({"--database", "d", "--table", "t", "--cleanup", "--execute"});
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  EXPECT_EQ(cmd->mode, Mode::kCleanup);
}

TEST(CleanupCommandLineTest, CleanupFalseIsNotCleanup) {
  Result<CliCommand> cmd = Parse({"--cleanup=false"});
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  EXPECT_EQ(cmd->mode, Mode::kCheckServer);
}

TEST(CleanupCommandLineTest, CleanupWithoutTableOrDatabaseIsAUsageError) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--cleanup"}, {"--cleanup", "--table", "t"}, {"--cleanup", "--database", "d"}}) {
    Result<CliCommand> cmd = Parse(args);
    ASSERT_FALSE(cmd.ok());
    EXPECT_TRUE(cmd.status().IsInvalidArgument());
    EXPECT_THAT(std::string(cmd.status().message()),
                HasSubstr("--cleanup needs --database and --table"));
  }
}

TEST(CleanupCommandLineTest, CleanupWithAlterIsAUsageError) {
  Result<CliCommand> cmd =
      Parse({"--database", "d", "--table", "t", "--cleanup", "--alter", "ADD c INT"});
  ASSERT_FALSE(cmd.ok());
  EXPECT_THAT(std::string(cmd.status().message()), HasSubstr("cannot be combined"));
}

TEST(CleanupCommandLineTest, BadCleanupValueNamesTheFlag) {
  Result<CliCommand> cmd = Parse({"--database", "d", "--table", "t", "--cleanup=maybe"});
  ASSERT_FALSE(cmd.ok());
  EXPECT_THAT(std::string(cmd.status().message()), HasSubstr("--cleanup"));
}

TEST(CleanupCommandLineTest, HelpMentionsCleanup) {
  EXPECT_THAT(HelpText(), HasSubstr("--cleanup"));
}

}  // namespace
}  // namespace osc::cli
