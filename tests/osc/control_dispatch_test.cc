// From a command line to the reply and the target call
// (osc/control/dispatch.h), with a fake target.
#include "osc/control/dispatch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "osc/control/command.h"
#include "tests/osc/control_fake_target.h"

namespace osc::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::FakeTarget;

TEST(ControlDispatchTest, StatusFormsReturnTheTargetsTextWithANewline) {
  FakeTarget t;
  EXPECT_EQ(Execute("status", t), "state: copying\nrows: 42\n");
  EXPECT_EQ(Execute("status json", t), "{\"state\":\"copying\",\"rows\":42}\n");
  EXPECT_EQ(Execute("sup", t), "copying 42 rows\n");
  EXPECT_THAT(t.calls(), ElementsAre("status", "status json", "sup"));
}

TEST(ControlDispatchTest, HelpNeedsNoTarget) {
  FakeTarget t;
  EXPECT_EQ(Execute("help", t), HelpText());
  EXPECT_THAT(t.calls(), IsEmpty());
}

TEST(ControlDispatchTest, ActionsReachTheTarget) {
  FakeTarget t;
  EXPECT_EQ(Execute("throttle", t), "throttle done\n");
  EXPECT_TRUE(t.throttled());
  EXPECT_EQ(Execute("no-throttle", t), "no-throttle done\n");
  EXPECT_FALSE(t.throttled());
  EXPECT_EQ(Execute("unpostpone", t), "cut-over unpostponed\n");
  EXPECT_TRUE(t.unpostponed());
  EXPECT_EQ(Execute("panic", t), "panic done\n");
  EXPECT_TRUE(t.panicked());
}

TEST(ControlDispatchTest, SettersChangeTheTargetAndReplyWithItsText) {
  FakeTarget t;
  EXPECT_EQ(Execute("chunk-size=5000", t), "chunk-size is 5000\n");
  EXPECT_EQ(t.chunk_size(), 5000u);
  EXPECT_EQ(Execute("threads=8", t), "threads is 8\n");
  EXPECT_EQ(t.threads(), 8);
  EXPECT_EQ(Execute("max-lag-millis=2500", t), "max-lag-millis set\n");
  EXPECT_EQ(t.max_lag_millis(), 2500u);
  EXPECT_EQ(Execute("max-load=Threads_running=25", t), "max-load set\n");
  EXPECT_EQ(t.max_load(), (throttle::LoadThresholds{{"Threads_running", 25}}));
  EXPECT_EQ(Execute("critical-load=Threads_running=90", t), "critical-load set\n");
  EXPECT_EQ(t.critical_load(), (throttle::LoadThresholds{{"Threads_running", 90}}));
}

TEST(ControlDispatchTest, ReadingASettingPrintsTheTargetsCurrentValue) {
  FakeTarget t;
  EXPECT_EQ(Execute("chunk-size?", t), "1000\n");
  EXPECT_EQ(Execute("threads=?", t), "2\n");
  EXPECT_EQ(Execute("max-lag-millis?", t), "1500\n");
  EXPECT_EQ(Execute("max-load?", t), "\n");  // none set
  ASSERT_EQ(Execute("max-load=Threads_running=25,Threads_connected=500", t), "max-load set\n");
  EXPECT_EQ(Execute("max-load?", t), "Threads_connected=500,Threads_running=25\n");
  // A clamped value reads back as what took effect.
  ASSERT_EQ(Execute("chunk-size=10", t), "chunk-size is 100\n");
  EXPECT_EQ(Execute("chunk-size?", t), "100\n");
}

TEST(ControlDispatchTest, ParseErrorsReplyAndLeaveTheTargetAlone) {
  FakeTarget t;
  EXPECT_EQ(Execute("bogus", t), "error: unknown command 'bogus'; try help\n");
  EXPECT_EQ(Execute("threads=0", t), "error: threads must be between 1 and 64, got 0\n");
  EXPECT_THAT(Execute("chunk-size=lots", t), HasSubstr("error: chunk-size needs a whole number"));
  EXPECT_THAT(t.calls(), IsEmpty());
  EXPECT_EQ(t.threads(), 2);
  EXPECT_EQ(t.chunk_size(), 1000u);
}

TEST(ControlDispatchTest, ATargetRefusalBecomesTheErrorReply) {
  FakeTarget t;
  t.RefuseThreads();
  EXPECT_EQ(Execute("threads=4", t), "error: the copy is over\n");
  EXPECT_EQ(t.threads(), 2);
  t.RefuseUnpostpone();
  EXPECT_EQ(Execute("unpostpone", t), "error: already cutting over\n");
  EXPECT_FALSE(t.unpostponed());
}

}  // namespace
}  // namespace osc::control
