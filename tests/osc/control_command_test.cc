// Parsing control socket lines (osc/control/command.h).
#include "osc/control/command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace osc::control {
namespace {

using ::testing::HasSubstr;

Command MustParse(std::string_view line) {
  Result<Command> c = ParseCommand(line);
  EXPECT_TRUE(c.ok()) << "'" << line << "': " << c.status().ToString();
  return c.ok() ? *c : Command{};
}

std::string ErrorOf(std::string_view line) {
  Result<Command> c = ParseCommand(line);
  EXPECT_FALSE(c.ok()) << "'" << line << "' parsed";
  EXPECT_TRUE(c.status().IsInvalidArgument()) << c.status().ToString();
  return std::string(c.status().message());
}

TEST(ControlCommandTest, PlainWordsAndTheirGhostAliases) {
  EXPECT_EQ(MustParse("status").verb, Verb::kStatus);
  EXPECT_EQ(MustParse("info").verb, Verb::kStatus);
  EXPECT_EQ(MustParse("status json").verb, Verb::kStatusJson);
  EXPECT_EQ(MustParse("sup").verb, Verb::kShortStatus);
  EXPECT_EQ(MustParse("help").verb, Verb::kHelp);
  EXPECT_EQ(MustParse("throttle").verb, Verb::kThrottle);
  EXPECT_EQ(MustParse("pause").verb, Verb::kThrottle);
  EXPECT_EQ(MustParse("no-throttle").verb, Verb::kNoThrottle);
  EXPECT_EQ(MustParse("unthrottle").verb, Verb::kNoThrottle);
  EXPECT_EQ(MustParse("resume").verb, Verb::kNoThrottle);
  EXPECT_EQ(MustParse("unpostpone").verb, Verb::kUnpostpone);
  EXPECT_EQ(MustParse("no-postpone").verb, Verb::kUnpostpone);
  EXPECT_EQ(MustParse("panic").verb, Verb::kPanic);
}

TEST(ControlCommandTest, SurroundingBlanksAndCarriageReturnAreIgnored) {
  EXPECT_EQ(MustParse("  status\r\n").verb, Verb::kStatus);
  EXPECT_EQ(MustParse("\tsup \n").verb, Verb::kShortStatus);
  const Command c = MustParse(" chunk-size = 5000 \r");
  EXPECT_EQ(c.verb, Verb::kSet);
  EXPECT_EQ(c.number, 5000u);
}

TEST(ControlCommandTest, NumericSettingsCarryTheirValue) {
  Command c = MustParse("chunk-size=5000");
  EXPECT_EQ(c.verb, Verb::kSet);
  EXPECT_EQ(c.setting, Setting::kChunkSize);
  EXPECT_EQ(c.number, 5000u);
  c = MustParse("threads=8");
  EXPECT_EQ(c.setting, Setting::kThreads);
  EXPECT_EQ(c.number, 8u);
  c = MustParse("max-lag-millis=2500");
  EXPECT_EQ(c.setting, Setting::kMaxLagMillis);
  EXPECT_EQ(c.number, 2500u);
}

TEST(ControlCommandTest, NumbersAtTheBoundsAreAccepted) {
  EXPECT_EQ(MustParse("chunk-size=1").number, 1u);
  EXPECT_EQ(MustParse("chunk-size=1000000").number, 1000000u);
  EXPECT_EQ(MustParse("threads=1").number, 1u);
  EXPECT_EQ(MustParse("threads=64").number, 64u);
  EXPECT_EQ(MustParse("max-lag-millis=100").number, 100u);
}

TEST(ControlCommandTest, NumbersOutOfRangeAreRefusedWithTheBounds) {
  EXPECT_EQ(ErrorOf("threads=0"), "threads must be between 1 and 64, got 0");
  EXPECT_EQ(ErrorOf("threads=65"), "threads must be between 1 and 64, got 65");
  EXPECT_THAT(ErrorOf("chunk-size=0"), HasSubstr("between 1 and 1000000"));
  EXPECT_THAT(ErrorOf("chunk-size=1000001"), HasSubstr("between 1 and 1000000"));
  EXPECT_THAT(ErrorOf("max-lag-millis=99"), HasSubstr("between 100 and"));
  EXPECT_THAT(ErrorOf("chunk-size=99999999999999999999999"), HasSubstr("between 1 and 1000000"));
}

TEST(ControlCommandTest, NonNumbersAreRefused) {
  for (const char* line : {"threads=", "threads=-1", "threads=4x", "threads=x", "threads=1 2", "chunk-size=1e3",
                           "chunk-size=+5"}) {
    EXPECT_THAT(ErrorOf(line), HasSubstr("needs a whole number")) << line;
  }
}

TEST(ControlCommandTest, LoadThresholdsAreParsed) {
  const Command c = MustParse("max-load=Threads_running=25,Threads_connected=500");
  EXPECT_EQ(c.verb, Verb::kSet);
  EXPECT_EQ(c.setting, Setting::kMaxLoad);
  EXPECT_EQ(c.load.size(), 2u);
  EXPECT_EQ(c.load.at("Threads_running"), 25u);
  EXPECT_EQ(c.load.at("Threads_connected"), 500u);
  const Command critical = MustParse("critical-load=Threads_running=200");
  EXPECT_EQ(critical.setting, Setting::kCriticalLoad);
  EXPECT_EQ(critical.load.at("Threads_running"), 200u);
}

TEST(ControlCommandTest, EmptyLoadClearsTheThresholds) {
  const Command c = MustParse("max-load=");
  EXPECT_EQ(c.verb, Verb::kSet);
  EXPECT_TRUE(c.load.empty());
}

TEST(ControlCommandTest, BadLoadThresholdsAreRefusedNamingTheSetting) {
  EXPECT_THAT(ErrorOf("max-load=Threads_running"), HasSubstr("max-load"));
  EXPECT_THAT(ErrorOf("critical-load=Threads_running=lots"), HasSubstr("critical-load"));
}

TEST(ControlCommandTest, QuestionMarkFormsReadASetting) {
  for (const auto& [line, setting] : std::vector<std::pair<std::string, Setting>>{
           {"chunk-size?", Setting::kChunkSize},
           {"threads?", Setting::kThreads},
           {"max-lag-millis=?", Setting::kMaxLagMillis},
           {"max-load?", Setting::kMaxLoad},
           {"critical-load=?", Setting::kCriticalLoad}}) {
    const Command c = MustParse(line);
    EXPECT_EQ(c.verb, Verb::kGet) << line;
    EXPECT_EQ(c.setting, setting) << line;
  }
}

TEST(ControlCommandTest, UnknownCommandsPointToHelp) {
  EXPECT_EQ(ErrorOf("frobnicate"), "unknown command 'frobnicate'; try help");
  EXPECT_EQ(ErrorOf("colour=blue"), "unknown command 'colour=blue'; try help");
  EXPECT_EQ(ErrorOf("colour?"), "unknown command 'colour?'; try help");
  EXPECT_EQ(ErrorOf("STATUS"), "unknown command 'STATUS'; try help");
  EXPECT_EQ(ErrorOf("threads"), "unknown command 'threads'; try help");
}

TEST(ControlCommandTest, EmptyLineIsAnError) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("empty command"));
  EXPECT_THAT(ErrorOf(" \r\n"), HasSubstr("empty command"));
}

TEST(ControlCommandTest, HelpMentionsEverySetting) {
  const std::string help = HelpText();
  for (Setting s : {Setting::kChunkSize, Setting::kThreads, Setting::kMaxLagMillis, Setting::kMaxLoad,
                    Setting::kCriticalLoad}) {
    EXPECT_THAT(help, HasSubstr(std::string(SettingName(s)) + "=")) << SettingName(s);
  }
  EXPECT_EQ(help.back(), '\n');
}

}  // namespace
}  // namespace osc::control
