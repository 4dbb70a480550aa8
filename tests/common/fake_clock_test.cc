#include "common/fake_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace osc {
namespace {

using namespace std::chrono_literals;

TEST(FakeClockTest, SleeperWakesOnlyWhenTimeReachesDeadline) {
  FakeClock clock;
  std::atomic<bool> woke{false};
  std::jthread t([&](std::stop_token st) {
    EXPECT_TRUE(clock.SleepFor(10s, st));
    woke = true;
  });
  while (clock.sleepers() == 0) std::this_thread::yield();
  clock.Advance(9s);
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(woke.load());
  clock.Advance(1s);
  t.join();
  EXPECT_TRUE(woke.load());
}

TEST(FakeClockTest, StopRequestInterruptsSleep) {
  FakeClock clock;
  bool result = true;
  std::jthread t([&](std::stop_token st) { result = clock.SleepFor(1h, st); });
  while (clock.sleepers() == 0) std::this_thread::yield();
  t.request_stop();
  t.join();
  EXPECT_FALSE(result);
}

TEST(SystemClockTest, StopInterruptsRealSleep) {
  std::stop_source src;
  src.request_stop();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(SystemClock()->SleepFor(1h, src.get_token()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace
}  // namespace osc
