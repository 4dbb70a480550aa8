#include "osc/state.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/fake_clock.h"

namespace osc::migration {
namespace {

TEST(StateMachineTest, HappyPathWithCopyIsLegal) {
  FakeClock clock;
  std::vector<std::pair<State, State>> seen;
  StateMachine sm(&clock, [&](State from, State to) { seen.emplace_back(from, to); });
  for (State s : {State::kPreflight, State::kCreatingTables, State::kStreaming, State::kCopying,
                  State::kCatchingUp, State::kChecksumming, State::kAwaitingCutOver, State::kCuttingOver}) {
    ASSERT_TRUE(sm.TransitionTo(s).ok()) << ToString(s);
  }
  EXPECT_FALSE(sm.PastCutOver());
  ASSERT_TRUE(sm.MarkCutOverDone().ok());
  EXPECT_TRUE(sm.PastCutOver());
  ASSERT_TRUE(sm.TransitionTo(State::kDone).ok());
  EXPECT_EQ(seen.size(), 9u);
  EXPECT_EQ(seen.back(), std::make_pair(State::kCuttingOver, State::kDone));
}

TEST(StateMachineTest, DoneRequiresACompletedSwap) {
  FakeClock clock;
  StateMachine sm(&clock);
  for (State s : {State::kPreflight, State::kCreatingTables, State::kStreaming, State::kCopying,
                  State::kCatchingUp, State::kAwaitingCutOver, State::kCuttingOver}) {
    ASSERT_TRUE(sm.TransitionTo(s).ok());
  }
  EXPECT_FALSE(sm.TransitionTo(State::kDone).ok());
  // A failed attempt goes back to waiting, with the original intact.
  EXPECT_TRUE(sm.TransitionTo(State::kAwaitingCutOver).ok());
}

TEST(StateMachineTest, SkippingPhasesIsRefusedAndLeavesStateUnchanged) {
  FakeClock clock;
  StateMachine sm(&clock);
  ASSERT_TRUE(sm.TransitionTo(State::kPreflight).ok());
  Status s = sm.TransitionTo(State::kCopying);  // no shadow table, no stream yet
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(sm.current(), State::kPreflight);
  EXPECT_FALSE(sm.MarkCutOverDone().ok());
}

TEST(StateMachineTest, TerminalStatesAreFinal) {
  FakeClock clock;
  StateMachine sm(&clock);
  ASSERT_TRUE(sm.TransitionTo(State::kPreflight).ok());
  ASSERT_TRUE(sm.TransitionTo(State::kPlanned).ok());
  for (State s : {State::kFailed, State::kAborted, State::kCreatingTables}) {
    EXPECT_FALSE(sm.TransitionTo(s).ok()) << ToString(s);
  }
}

TEST(StateMachineTest, AnyLiveStateCanFailOrAbort) {
  for (State from : {State::kInit, State::kPreflight, State::kCopying, State::kCuttingOver}) {
    EXPECT_TRUE(IsLegalTransition(from, State::kFailed)) << ToString(from);
    EXPECT_TRUE(IsLegalTransition(from, State::kAborted)) << ToString(from);
  }
  EXPECT_FALSE(IsLegalTransition(State::kDone, State::kFailed));
}

TEST(StateMachineTest, EnteredAtFollowsTheClock) {
  FakeClock clock;
  StateMachine sm(&clock);
  const auto t0 = sm.entered_at();
  clock.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(sm.TransitionTo(State::kPreflight).ok());
  EXPECT_EQ(sm.entered_at() - t0, std::chrono::seconds(5));
}

}  // namespace
}  // namespace osc::migration
