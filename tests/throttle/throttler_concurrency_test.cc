// Concurrent use of the Throttler and of signal settings, as in production:
// the checking thread runs rounds while the copier waits and reads, status
// reporters read, and the control socket changes settings. Meant to be run
// under TSan (OSC_SANITIZE=thread); without it, it still checks that every
// published decision is self-consistent and that the final state is right.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "common/fake_clock.h"
#include "throttle/fake_signal.h"
#include "throttle/memory_signal.h"
#include "throttle/throttler.h"
#include "throttle/window_signal.h"

namespace osc::throttle {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kRounds = 2000;

// Go has no reason; throttle and abort always say why.
bool SelfConsistent(const Decision& d) {
  return d.is_go() == d.reason.empty() && d.is_go() == d.source.empty();
}

TEST(ThrottlerConcurrencyTest, RoundsReadersAndSettingUpdatesRunConcurrently) {
  std::string tmpl = (fs::temp_directory_path() / "osc-conc-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path dir = tmpl;
  std::ofstream(dir / "meminfo") << "MemTotal: 8388608 kB\nMemAvailable: 1048576 kB\n";  // 8G, 1G

  // Thousands of decision changes would log thousands of lines.
  const spdlog::level::level_enum saved_level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);
  FakeClock clock;
  Throttler throttler(&clock, ThrottlerOptions{});
  MemoryOptions mem_options;
  mem_options.meminfo_path = (dir / "meminfo").string();
  auto memory = MemorySignal::Create(mem_options);
  ASSERT_TRUE(memory.ok()) << memory.status().ToString();
  MemorySignal* mem = memory->get();
  throttler.AddSignal(std::move(*memory));
  auto window_owned = std::make_unique<WindowSignal>(WindowSchedule());
  WindowSignal* window = window_owned.get();
  throttler.AddSignal(std::move(window_owned));
  auto fake_owned = std::make_unique<FakeSignal>("replica-lag");
  FakeSignal* fake = fake_owned.get();
  throttler.AddSignal(std::move(fake_owned));

  std::atomic<bool> done{false};
  std::atomic<int> inconsistent{0};
  std::atomic<long> reads{0};

  std::thread checker([&] {
    for (int i = 0; i < kRounds; ++i) {
      fake->Set(i % 3 == 0 ? Decision::Throttle("lag " + std::to_string(i)) : Decision::Go());
      throttler.CheckOnce();
      clock.Advance(10ms);
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        if (!SelfConsistent(throttler.Current())) ++inconsistent;
        for (const Decision& c : throttler.Causes()) {
          if (c.is_go() || c.reason.empty()) ++inconsistent;
        }
        (void)throttler.ShouldPause();
        if (throttler.options()->check_interval <= 0s) ++inconsistent;
        if (mem->options()->meminfo_path.empty()) ++inconsistent;
        (void)window->schedule()->InWindow(clock.WallNow());
        ++reads;
      }
    });
  }
  std::thread control([&] {
    for (int i = 0; !done; ++i) {
      if (i % 2 == 0) {
        throttler.ForceThrottle("operator " + std::to_string(i));
      } else {
        throttler.ClearForcedThrottle();
      }
      EXPECT_TRUE(
          throttler.UpdateOptions(ThrottlerOptions{std::chrono::milliseconds(100 + i % 7), 1s})
              .ok());
      MemoryOptions next = mem_options;
      next.min_available = i % 2 == 0 ? SizeSpec::Bytes(2ull << 30) : SizeSpec::Percent(1);
      EXPECT_TRUE(mem->UpdateOptions(next).ok());
      window->UpdateSchedule(i % 2 == 0
                                 ? WindowSchedule::Parse("01:00-02:00", FixedUtcOffset(0s)).value()
                                 : WindowSchedule());
    }
  });
  std::jthread copier([&](std::stop_token st) {
    while (!st.stop_requested()) (void)throttler.WaitUntilGo(st);
  });

  checker.join();
  for (std::thread& t : readers) t.join();
  control.join();
  copier.request_stop();
  copier.join();

  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(reads.load(), 0);

  // Once everything says go, one round publishes go.
  throttler.ClearForcedThrottle();
  fake->Set(Decision::Go());
  mem_options.min_available = SizeSpec::Bytes(0);
  ASSERT_TRUE(mem->UpdateOptions(mem_options).ok());
  window->UpdateSchedule(WindowSchedule());
  throttler.CheckOnce();
  EXPECT_TRUE(throttler.Current().is_go()) << throttler.Current().ToString();
  EXPECT_TRUE(throttler.WaitUntilGo(std::stop_token{}).ok());
  fs::remove_all(dir);
  spdlog::set_level(saved_level);
}

}  // namespace
}  // namespace osc::throttle
