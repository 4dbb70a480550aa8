#include "throttle/time_window.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/fake_clock.h"
#include "throttle/throttler.h"
#include "throttle/window_signal.h"

namespace osc::throttle {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// A fixed UTC day, so tests do not depend on today's date or the host's TZ.
Clock::WallTime Utc(hours h, minutes m = 0min, Clock::Duration extra = Clock::Duration::zero()) {
  const sys_days day = year(2024) / March / 10;
  return Clock::WallTime(day) + h + m + duration_cast<system_clock::duration>(extra);
}

WindowSchedule MustParse(std::string_view spec, UtcOffsetFn offset = FixedUtcOffset(0s)) {
  Result<WindowSchedule> r = WindowSchedule::Parse(spec, std::move(offset));
  EXPECT_TRUE(r.ok()) << spec << ": " << r.status().ToString();
  return r.ok() ? *r : WindowSchedule();
}

TEST(WindowParseTest, AcceptsSingleSeveralAndMidnightCrossingWindows) {
  EXPECT_EQ(MustParse("01:00-05:00").ToString(), "01:00-05:00");
  EXPECT_EQ(MustParse("01:00-05:00,22:00-23:30").windows().size(), 2u);
  EXPECT_EQ(MustParse(" 22:00 - 02:00 , 9:30-10:00 ").ToString(), "22:00-02:00,09:30-10:00");
  EXPECT_TRUE(MustParse("22:00-02:00").windows()[0].crosses_midnight());
  EXPECT_EQ(MustParse("18:00-24:00").windows()[0].end_minute, 1440);
  EXPECT_EQ(MustParse("00:00-24:00").ToString(), "00:00-24:00");
}

TEST(WindowParseTest, RepeatedOptionsAddUp) {
  Result<WindowSchedule> r = WindowSchedule::Parse(
      std::vector<std::string>{"01:00-05:00", "22:00-23:00,12:00-12:30"}, FixedUtcOffset(0s));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ToString(), "01:00-05:00,22:00-23:00,12:00-12:30");
}

TEST(WindowParseTest, RejectsBadWindowsSayingWhy) {
  struct Case {
    const char* spec;
    const char* why;  // expected in the message
  };
  for (const Case& c : std::initializer_list<Case>{
           {"25:00-03:00", "hour 25 is out of range"},
           {"01:00-01:00", "start and end are equal"},
           {"01:00", "expected HH:MM-HH:MM"},
           {"0100 0500", "expected HH:MM-HH:MM"},
           {"01:60-02:00", "minute 60 is out of range"},
           {"24:00-05:00", "24:00 is only allowed as an end"},
           {"22:00-24:30", "hour 24 is out of range"},
           {"1:5-2:00", "\"1:5\" is not a time"},
           {"ab:cd-01:00", "\"ab:cd\" is not a time"},
           {"123:00-01:00", "\"123:00\" is not a time"},
           {"01:00-02:00-03:00", "\"02:00-03:00\" is not a time"},
           {"01:00-05:00,", "empty item"},
           {"", "empty item"},
       }) {
    Result<WindowSchedule> r = WindowSchedule::Parse(c.spec, FixedUtcOffset(0s));
    EXPECT_FALSE(r.ok()) << "accepted \"" << c.spec << "\"";
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument());
      EXPECT_NE(r.status().message().find(c.why), std::string_view::npos)
          << c.spec << " -> " << r.status().message();
    }
  }
  EXPECT_FALSE(WindowSchedule::Parse(std::vector<std::string>{}, FixedUtcOffset(0s)).ok());
}

TEST(WindowScheduleTest, WindowIsHalfOpen) {
  const WindowSchedule s = MustParse("01:00-05:00");
  EXPECT_FALSE(s.InWindow(Utc(0h, 59min, 59s)));
  EXPECT_TRUE(s.InWindow(Utc(1h)));
  EXPECT_TRUE(s.InWindow(Utc(4h, 59min, 59s)));
  EXPECT_FALSE(s.InWindow(Utc(5h)));
}

TEST(WindowScheduleTest, WindowCrossingMidnightCoversBothSides) {
  const WindowSchedule s = MustParse("22:00-02:00");
  EXPECT_FALSE(s.InWindow(Utc(21h, 59min)));
  EXPECT_TRUE(s.InWindow(Utc(22h)));
  EXPECT_TRUE(s.InWindow(Utc(23h, 59min, 59s)));
  EXPECT_TRUE(s.InWindow(Utc(0h)));
  EXPECT_TRUE(s.InWindow(Utc(1h, 59min)));
  EXPECT_FALSE(s.InWindow(Utc(2h)));
  EXPECT_FALSE(s.InWindow(Utc(12h)));
}

TEST(WindowScheduleTest, AnyOfSeveralWindowsCounts) {
  const WindowSchedule s = MustParse("01:00-02:00,13:00-14:00");
  EXPECT_TRUE(s.InWindow(Utc(1h, 30min)));
  EXPECT_TRUE(s.InWindow(Utc(13h, 30min)));
  EXPECT_FALSE(s.InWindow(Utc(7h)));
}

TEST(WindowScheduleTest, EmptyScheduleIsAlwaysOpen) {
  const WindowSchedule s;
  EXPECT_TRUE(s.InWindow(Utc(3h)));
  EXPECT_EQ(s.UntilNextOpen(Utc(3h)), Clock::Duration::zero());
}

TEST(WindowScheduleTest, UntilNextOpenCountsToTheNearestStart) {
  const WindowSchedule one = MustParse("01:00-05:00");
  EXPECT_EQ(one.UntilNextOpen(Utc(21h, 48min)), 3h + 12min);
  EXPECT_EQ(one.UntilNextOpen(Utc(0h, 30min)), 30min);
  EXPECT_EQ(one.UntilNextOpen(Utc(5h)), 20h);  // just closed: tomorrow
  EXPECT_EQ(one.UntilNextOpen(Utc(2h)), Clock::Duration::zero());
  EXPECT_EQ(one.UntilNextOpen(Utc(21h, 47min, 59500ms)), 3h + 12min + 500ms);

  const WindowSchedule two = MustParse("01:00-02:00,13:00-14:00");
  EXPECT_EQ(two.UntilNextOpen(Utc(7h)), 6h);
  EXPECT_EQ(two.UntilNextOpen(Utc(15h)), 10h);
}

TEST(WindowScheduleTest, UsesTheLocalOffset) {
  // UTC+02:00: 23:30 UTC is 01:30 local.
  const WindowSchedule s = MustParse("01:00-05:00", FixedUtcOffset(2h));
  EXPECT_TRUE(s.InWindow(Utc(23h, 30min)));
  EXPECT_FALSE(s.InWindow(Utc(3h, 30min)));   // 05:30 local
  EXPECT_EQ(s.UntilNextOpen(Utc(12h)), 11h);  // 14:00 local -> 01:00 local
}

TEST(WindowScheduleTest, UntilNextOpenAccountsForADstChange) {
  // Local zone UTC+1 until 01:00 UTC, then UTC+2 (clocks jump 02:00 -> 03:00).
  const Clock::WallTime change = Utc(1h);
  const UtcOffsetFn dst = [change](Clock::WallTime t) -> seconds { return t < change ? 1h : 2h; };
  const WindowSchedule s = MustParse("03:00-05:00", dst);
  // 23:30 UTC the day before is 00:30 local; 03:00 local (new offset) is
  // 01:00 UTC, 1h30m later, not the 2h30m the local clock difference says.
  const Clock::WallTime now = Utc(0h) - 30min;
  EXPECT_FALSE(s.InWindow(now));
  EXPECT_EQ(s.UntilNextOpen(now), 1h + 30min);
  EXPECT_TRUE(s.InWindow(now + 1h + 30min));
}

TEST(WindowSignalTest, ThrottlesOutsideTheWindowAndSaysWhenItOpens) {
  FakeClock clock(Utc(21h, 48min));
  Throttler throttler(&clock, ThrottlerOptions{});
  throttler.AddSignal(std::make_unique<WindowSignal>(MustParse("01:00-05:00")));
  throttler.CheckOnce();
  EXPECT_TRUE(throttler.ShouldPause());
  EXPECT_EQ(throttler.Current().reason, "window: outside window 01:00-05:00, next opens in 3h12m");

  clock.Advance(3h + 12min);
  throttler.CheckOnce();
  EXPECT_FALSE(throttler.ShouldPause()) << throttler.Current().ToString();

  clock.Advance(4h);  // 05:00: closed again
  throttler.CheckOnce();
  EXPECT_TRUE(throttler.ShouldPause());
}

TEST(WindowSignalTest, ReasonListsEveryWindowAndScheduleCanBeReplaced) {
  auto owned = std::make_unique<WindowSignal>(MustParse("01:00-02:00,13:00-14:00"));
  WindowSignal* signal = owned.get();
  CheckContext ctx;
  ctx.wall_now = Utc(7h);
  Decision d = signal->Check(ctx);
  EXPECT_EQ(d.reason, "outside windows 01:00-02:00,13:00-14:00, next opens in 6h0m");

  signal->UpdateSchedule(MustParse("06:00-08:00"));
  EXPECT_TRUE(signal->Check(ctx).is_go());
  EXPECT_EQ(signal->schedule()->ToString(), "06:00-08:00");
}

}  // namespace
}  // namespace osc::throttle
