#include "throttle/throttler.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/fake_clock.h"
#include "throttle/fake_signal.h"

namespace osc::throttle {
namespace {

using namespace std::chrono_literals;

class ThrottlerTest : public ::testing::Test {
 protected:
  // Adds a FakeSignal and returns it; the throttler owns it.
  FakeSignal* Add(std::string name, Decision initial = Decision::Go()) {
    auto owned = std::make_unique<FakeSignal>(std::move(name), std::move(initial));
    FakeSignal* raw = owned.get();
    throttler_.AddSignal(std::move(owned));
    return raw;
  }
  static Decision Critical(std::string why, Clock::Duration confirm) {
    Decision d = Decision::Abort(std::move(why));
    d.confirm_for = confirm;
    return d;
  }
  // Spins (in real time) until `pred` holds; fails the test after 5 s.
  template <typename Pred>
  static void Eventually(Pred pred) {
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (!pred()) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "condition never became true";
      std::this_thread::sleep_for(1ms);
    }
  }

  FakeClock clock_;
  Throttler throttler_{&clock_, ThrottlerOptions{}};
};

TEST_F(ThrottlerTest, PausesUntilTheFirstRound) {
  EXPECT_TRUE(throttler_.ShouldPause());
  EXPECT_EQ(throttler_.Current().reason, "throttler: throttle checks have not run yet");
  throttler_.CheckOnce();
  EXPECT_FALSE(throttler_.ShouldPause());
  EXPECT_TRUE(throttler_.Current().is_go());
  EXPECT_TRUE(throttler_.Causes().empty());
}

TEST_F(ThrottlerTest, AnyThrottlingSignalPausesAndReasonsAreJoined) {
  FakeSignal* lag = Add("replica-lag");
  Add("load");
  FakeSignal* window = Add("window");
  throttler_.CheckOnce();
  EXPECT_FALSE(throttler_.ShouldPause());

  lag->Set(Decision::Throttle("replica r1 lag 3s > 1.5s"));
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.ShouldPause());
  EXPECT_EQ(throttler_.Current().reason, "replica-lag: replica r1 lag 3s > 1.5s");
  EXPECT_EQ(throttler_.Current().source, "replica-lag");

  window->Set(Decision::Throttle("outside window 01:00-05:00"));
  throttler_.CheckOnce();
  const Decision both = throttler_.Current();
  EXPECT_TRUE(both.is_throttle());
  EXPECT_EQ(both.source, "replica-lag,window");
  EXPECT_EQ(both.reason,
            "replica-lag: replica r1 lag 3s > 1.5s; window: outside window 01:00-05:00");
  ASSERT_EQ(throttler_.Causes().size(), 2u);
  EXPECT_EQ(throttler_.Causes()[1].source, "window");

  lag->Set(Decision::Go());
  window->Set(Decision::Go());
  throttler_.CheckOnce();
  EXPECT_FALSE(throttler_.ShouldPause());
}

TEST_F(ThrottlerTest, SingleCauseKeepsItsMeasuredValueAndDetail) {
  Decision d = Decision::Throttle("lag 3s > 1.5s");
  d.measured = 3000;
  d.limit = 1500;
  d.detail = "r1:3306 3000ms";
  Add("replica-lag", d);
  throttler_.CheckOnce();
  const Decision current = throttler_.Current();
  EXPECT_EQ(current.measured, 3000);
  EXPECT_EQ(current.limit, 1500);
  EXPECT_EQ(current.detail, "r1:3306 3000ms");
}

TEST_F(ThrottlerTest, ForcedThrottleOverridesGoAndNoThrottleOnlyLiftsIt) {
  FakeSignal* lag = Add("replica-lag");
  throttler_.CheckOnce();
  throttler_.ForceThrottle("maintenance on r1");
  EXPECT_TRUE(throttler_.forced());
  EXPECT_TRUE(throttler_.ShouldPause());  // at once, without a round
  EXPECT_EQ(throttler_.Current().reason, "operator: maintenance on r1");
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.ShouldPause());  // signals saying go do not lift it

  lag->Set(Decision::Throttle("lag 3s"));
  throttler_.CheckOnce();
  throttler_.ClearForcedThrottle();
  EXPECT_FALSE(throttler_.forced());
  EXPECT_TRUE(throttler_.ShouldPause());  // the signal still throttles
  EXPECT_EQ(throttler_.Current().reason, "replica-lag: lag 3s");

  lag->Set(Decision::Go());
  throttler_.CheckOnce();
  EXPECT_FALSE(throttler_.ShouldPause());
}

TEST_F(ThrottlerTest, ForcedThrottleWithoutReasonSaysOperator) {
  throttler_.CheckOnce();
  throttler_.ForceThrottle("");
  EXPECT_EQ(throttler_.Current().reason, "operator: throttled by operator");
}

TEST_F(ThrottlerTest, AbortIsStickyAndBeatsEverythingElse) {
  FakeSignal* panic = Add("panic-flag-file");
  Add("replica-lag", Decision::Throttle("lag 3s"));
  throttler_.ForceThrottle("operator pause");
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.Current().is_throttle());

  panic->Set(Decision::Abort("panic flag file /tmp/p exists"));
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.Current().is_abort());
  EXPECT_EQ(throttler_.Current().reason, "panic-flag-file: panic flag file /tmp/p exists");

  panic->Set(Decision::Go());
  throttler_.ClearForcedThrottle();
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.Current().is_abort());
  EXPECT_TRUE(throttler_.ShouldPause());
  ASSERT_FALSE(throttler_.Causes().empty());
  EXPECT_TRUE(throttler_.Causes().front().is_abort());

  const Status s = throttler_.WaitUntilGo(std::stop_token{});
  EXPECT_TRUE(s.IsAborted());
  EXPECT_NE(s.message().find("panic flag file /tmp/p exists"), std::string_view::npos);
}

TEST_F(ThrottlerTest, CriticalAbortWaitsForConfirmation) {
  FakeSignal* load = Add("critical-load", Critical("Threads_running=300 >= 200", 200ms));
  throttler_.CheckOnce();
  Decision d = throttler_.Current();
  EXPECT_TRUE(d.is_throttle()) << d.ToString();  // paused while confirming
  EXPECT_EQ(d.reason,
            "critical-load: Threads_running=300 >= 200 (aborting if it still holds in 200ms)");

  clock_.Advance(150ms);
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.Current().is_throttle());

  clock_.Advance(50ms);
  throttler_.CheckOnce();
  d = throttler_.Current();
  EXPECT_TRUE(d.is_abort()) << d.ToString();
  EXPECT_EQ(d.reason, "critical-load: Threads_running=300 >= 200 (held for 200ms)");
  (void)load;
}

TEST_F(ThrottlerTest, CriticalConditionThatClearsResetsTheConfirmation) {
  FakeSignal* load = Add("critical-load", Critical("high", 200ms));
  throttler_.CheckOnce();  // t=0: first sighting
  clock_.Advance(100ms);
  load->Set(Decision::Throttle("merely high"));
  throttler_.CheckOnce();  // t=100: cleared
  clock_.Advance(100ms);
  load->Set(Critical("high", 200ms));
  throttler_.CheckOnce();  // t=200: seen again, the clock restarts
  EXPECT_TRUE(throttler_.Current().is_throttle());
  clock_.Advance(150ms);
  throttler_.CheckOnce();  // t=350: 150ms into the new run
  EXPECT_TRUE(throttler_.Current().is_throttle());
  clock_.Advance(50ms);
  throttler_.CheckOnce();  // t=400: 200ms held
  EXPECT_TRUE(throttler_.Current().is_abort());
}

TEST_F(ThrottlerTest, ZeroConfirmationAbortsAtOnce) {
  Add("critical-load", Critical("high", Clock::Duration::zero()));
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.Current().is_abort());
}

TEST_F(ThrottlerTest, RunChecksEveryIntervalAndWakesForConfirmation) {
  ASSERT_TRUE(throttler_.UpdateOptions(ThrottlerOptions{10s, 1s}).ok());
  FakeSignal* load = Add("critical-load");
  std::jthread runner([this](std::stop_token st) { throttler_.Run(st); });

  Eventually([&] { return clock_.sleepers() == 1 && load->checks() == 1; });
  clock_.Advance(10s);
  Eventually([&] { return load->checks() == 2 && clock_.sleepers() == 1; });

  load->Set(Critical("high", 300ms));
  clock_.Advance(10s);  // round 3 sees it; the next sleep is only 300ms
  Eventually([&] { return load->checks() == 3 && clock_.sleepers() == 1; });
  EXPECT_TRUE(throttler_.Current().is_throttle());
  clock_.Advance(300ms);  // round 4 confirms; Run returns after an abort
  runner.join();
  EXPECT_EQ(load->checks(), 4);
  EXPECT_TRUE(throttler_.Current().is_abort());
}

TEST_F(ThrottlerTest, RunStopsOnRequest) {
  FakeSignal* lag = Add("replica-lag");
  std::jthread runner([this](std::stop_token st) { throttler_.Run(st); });
  Eventually([&] { return clock_.sleepers() == 1; });
  runner.request_stop();
  runner.join();  // returns without the clock moving
  EXPECT_EQ(lag->checks(), 1);
  EXPECT_EQ(clock_.sleepers(), 0);
}

TEST_F(ThrottlerTest, RoundInterruptedByStopIsNotPublished) {
  FakeSignal* lag = Add("replica-lag");
  std::stop_source stopped;
  stopped.request_stop();
  throttler_.CheckOnce(stopped.get_token());
  EXPECT_EQ(lag->checks(), 0);
  EXPECT_TRUE(throttler_.ShouldPause());  // still "not checked yet", not a go
}

TEST_F(ThrottlerTest, ForcedThrottleBeforeTheFirstRoundShowsBothCauses) {
  throttler_.ForceThrottle("hold");
  EXPECT_EQ(throttler_.Current().source, "throttler,operator");
  throttler_.CheckOnce();
  EXPECT_EQ(throttler_.Current().reason, "operator: hold");
}

TEST_F(ThrottlerTest, WaitUntilGoReturnsWhenTheSignalClears) {
  FakeSignal* lag = Add("replica-lag", Decision::Throttle("lag 3s"));
  throttler_.CheckOnce();
  std::atomic<bool> returned{false};
  Status result = Status::Internal("not set");
  std::jthread copier([&] {
    result = throttler_.WaitUntilGo(std::stop_token{});
    returned = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(returned.load());  // still throttled
  throttler_.CheckOnce();
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(returned.load());  // a round that still throttles does not release it

  lag->Set(Decision::Go());
  throttler_.CheckOnce();
  copier.join();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST_F(ThrottlerTest, WaitUntilGoReturnsAbortedOnStop) {
  throttler_.ForceThrottle("hold");
  Status result;
  std::jthread copier([&](std::stop_token st) { result = throttler_.WaitUntilGo(st); });
  std::this_thread::sleep_for(20ms);
  copier.request_stop();
  copier.join();
  EXPECT_TRUE(result.IsAborted()) << result.ToString();
}

TEST_F(ThrottlerTest, WaitUntilGoReturnsAbortedWhenAnAbortArrives) {
  FakeSignal* panic = Add("panic-flag-file", Decision::Throttle("unsure"));
  throttler_.CheckOnce();
  Status result;
  std::jthread copier([&] { result = throttler_.WaitUntilGo(std::stop_token{}); });
  panic->Set(Decision::Abort("panic flag file exists"));
  throttler_.CheckOnce();
  copier.join();
  EXPECT_TRUE(result.IsAborted());
}

TEST_F(ThrottlerTest, WaitUntilGoReturnsAtOnceWhenGo) {
  throttler_.CheckOnce();
  EXPECT_TRUE(throttler_.WaitUntilGo(std::stop_token{}).ok());
}

TEST_F(ThrottlerTest, ThrowingSignalBecomesUnavailableInsteadOfKillingTheThread) {
  class Throwing final : public Signal {
   public:
    std::string_view name() const override { return "broken"; }
    Decision Check(const CheckContext&) override { throw std::runtime_error("boom"); }
  };
  throttler_.AddSignal(std::make_unique<Throwing>());
  throttler_.CheckOnce();
  const Decision d = throttler_.Current();
  EXPECT_TRUE(d.is_throttle());
  EXPECT_TRUE(d.unavailable);
  EXPECT_EQ(d.reason, "broken: signal failed: boom");
}

TEST_F(ThrottlerTest, SignalsGetTheRoundTimeAndADeadline) {
  ASSERT_TRUE(throttler_.UpdateOptions(ThrottlerOptions{1s, 250ms}).ok());
  FakeSignal* s = Add("replica-lag");
  throttler_.CheckOnce();
  const CheckContext ctx = s->last_context();
  EXPECT_EQ(ctx.now, clock_.Now());
  EXPECT_EQ(ctx.wall_now, clock_.WallNow());
  EXPECT_EQ(ctx.deadline, clock_.Now() + 250ms);
}

TEST_F(ThrottlerTest, OptionsAreValidated) {
  EXPECT_TRUE(throttler_.UpdateOptions(ThrottlerOptions{0s, 1s}).IsInvalidArgument());
  EXPECT_TRUE(throttler_.UpdateOptions(ThrottlerOptions{1s, -1s}).IsInvalidArgument());
  EXPECT_EQ(throttler_.options()->check_interval, ThrottlerOptions{}.check_interval);
  ASSERT_TRUE(throttler_.UpdateOptions(ThrottlerOptions{2s, 1s}).ok());
  EXPECT_EQ(throttler_.options()->check_interval, 2s);
}

// Captures what the throttler logs through spdlog's default logger.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(ThrottlerTest, LogsOnlyWhenTheDecisionChanges) {
  LogCapture capture;
  FakeSignal* lag = Add("replica-lag");
  FakeSignal* mem = Add("host-memory");
  throttler_.CheckOnce();  // not-checked -> go
  for (int i = 1; i <= 5; ++i) {
    // A measured value changing every round is not a change of decision.
    lag->Set(Decision::Throttle("lag " + std::to_string(i) + "s"));
    throttler_.CheckOnce();
  }
  mem->Set(Decision::Unavailable("cannot read /proc/meminfo"));
  throttler_.CheckOnce();  // causes change
  throttler_.CheckOnce();  // same
  lag->Set(Decision::Go());
  mem->Set(Decision::Go());
  throttler_.CheckOnce();  // resume
  EXPECT_EQ(capture.Lines(),
            (std::vector<std::string>{
                "info throttle: first check passed, row copy may proceed",
                "info throttle: pausing row copy: replica-lag: lag 1s",
                "info throttle: still paused, causes now: replica-lag: lag 5s; "
                "host-memory: cannot read /proc/meminfo",
                "info throttle: row copy may resume (was paused by replica-lag,host-memory)",
            }));
}

TEST_F(ThrottlerTest, UnavailableOnlyPauseIsLoggedAsWarningAndAbortAsError) {
  LogCapture capture;
  FakeSignal* mem = Add("host-memory");
  throttler_.CheckOnce();
  mem->Set(Decision::Unavailable("cannot read /proc/meminfo"));
  throttler_.CheckOnce();
  mem->Set(Decision::Abort("gone"));
  throttler_.CheckOnce();
  const std::vector<std::string> lines = capture.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "warning throttle: pausing row copy: host-memory: cannot read /proc/meminfo");
  EXPECT_EQ(lines[2], "error throttle: abort: host-memory: gone");
}

}  // namespace
}  // namespace osc::throttle
