// Recorder: bounded memory for any run length, first and last samples and
// peaks kept, throttle periods and events recorded and bounded.
#include "osc/report/recorder.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace osc::report {
namespace {

using namespace std::chrono_literals;
using migration::ProgressSnapshot;
using migration::State;

const Clock::WallTime kT0 = Clock::WallTime{} + 1'700'000'000s;

ProgressSnapshot At(uint64_t i) {
  ProgressSnapshot p;
  p.state = "copying";
  p.rows_copied = i * 10;
  p.rows_estimated = 1'000'000;
  p.copy_rows_per_second = 100;
  p.apply_backlog = 5;
  p.binlog_lag = 100ms;
  return p;
}

TEST(RecorderTest, DownsamplingKeepsMemoryBoundedAndTheFirstAndLastSamples) {
  RecorderOptions o;
  o.max_samples = 100;
  Recorder r(o);
  constexpr uint64_t kRaw = 100'003;  // about 28 hours at one per second
  for (uint64_t i = 0; i < kRaw; ++i) {
    r.OnProgress(At(i), kT0 + std::chrono::seconds(i));
    if (i % 9973 == 0) {
      ASSERT_LE(r.Snapshot().samples.size(), o.max_samples + 1) << "after " << i;
    }
  }
  const Recording rec = r.Snapshot();
  EXPECT_LE(rec.samples.size(), o.max_samples + 1);
  EXPECT_GE(rec.samples.size(), o.max_samples / 2) << "resolution dropped more than one halving";
  EXPECT_EQ(rec.raw_samples, kRaw);
  EXPECT_EQ(rec.samples.front().wall, kT0);
  EXPECT_EQ(rec.samples.front().rows_copied, 0u);
  EXPECT_EQ(rec.samples.front().merged, 1u);
  EXPECT_EQ(rec.samples.back().wall, kT0 + std::chrono::seconds(kRaw - 1));
  EXPECT_EQ(rec.samples.back().rows_copied, (kRaw - 1) * 10);
  uint64_t total = 0;
  for (size_t i = 0; i < rec.samples.size(); ++i) {
    total += rec.samples[i].merged;
    if (i > 0) {
      EXPECT_LT(rec.samples[i - 1].wall, rec.samples[i].wall) << "points out of order at " << i;
    }
  }
  EXPECT_EQ(total, kRaw) << "every raw sample is accounted for exactly once";
}

TEST(RecorderTest, ResolutionStaysEvenOverTheWholeRun) {
  RecorderOptions o;
  o.max_samples = 64;
  Recorder r(o);
  for (uint64_t i = 0; i < 10'000; ++i) r.OnProgress(At(i), kT0 + std::chrono::seconds(i));
  const Recording rec = r.Snapshot();
  // Interior points (not the exact first one, not the partial pending
  // last one) all stand for the same number of raw samples.
  const uint64_t stride = rec.samples[1].merged;
  EXPECT_GT(stride, 1u);
  for (size_t i = 1; i + 1 < rec.samples.size(); ++i) EXPECT_EQ(rec.samples[i].merged, stride) << "point " << i;
}

TEST(RecorderTest, MergedPointsKeepPeaksOfBacklogAndLag) {
  RecorderOptions o;
  o.max_samples = 10;
  Recorder r(o);
  for (uint64_t i = 0; i < 1000; ++i) {
    ProgressSnapshot p = At(i);
    if (i == 517) {
      p.apply_backlog = 99'999;
      p.replica_lag = 42'000ms;
      p.throttled = true;
    }
    r.OnProgress(p, kT0 + std::chrono::seconds(i));
  }
  const Recording rec = r.Snapshot();
  uint64_t peak_backlog = 0;
  std::chrono::milliseconds peak_lag{0};
  for (const Sample& s : rec.samples) {
    peak_backlog = std::max(peak_backlog, s.apply_backlog);
    if (s.replica_lag) peak_lag = std::max(peak_lag, *s.replica_lag);
  }
  EXPECT_EQ(peak_backlog, 99'999u);
  EXPECT_EQ(peak_lag, 42'000ms);
}

TEST(RecorderTest, ThrottlePeriodsFollowSnapshotsUntilFedExplicitly) {
  Recorder r;
  ProgressSnapshot p = At(1);
  r.OnProgress(p, kT0);
  p.throttled = true;
  p.throttle_reason = "replica lag 3s";
  r.OnProgress(p, kT0 + 1s);
  r.OnProgress(p, kT0 + 2s);
  p.throttle_reason = "load: Threads_running 90";
  r.OnProgress(p, kT0 + 3s);
  p.throttled = false;
  p.throttle_reason.clear();
  r.OnProgress(p, kT0 + 4s);
  Recording rec = r.Snapshot();
  ASSERT_EQ(rec.throttle_periods.size(), 2u);
  EXPECT_EQ(rec.throttle_periods[0].start, kT0 + 1s);
  EXPECT_EQ(rec.throttle_periods[0].end, kT0 + 3s);
  EXPECT_EQ(rec.throttle_periods[0].reason, "replica lag 3s");
  EXPECT_EQ(rec.throttle_periods[1].start, kT0 + 3s);
  EXPECT_EQ(rec.throttle_periods[1].end, kT0 + 4s);

  // From the first explicit call on, snapshots no longer open periods.
  r.OnThrottle(true, "flag file /tmp/throttle", kT0 + 10500ms);
  p.throttled = true;
  p.throttle_reason = "something else";
  r.OnProgress(p, kT0 + 11s);
  r.OnThrottle(false, "", kT0 + 12250ms);
  rec = r.Snapshot();
  ASSERT_EQ(rec.throttle_periods.size(), 3u);
  EXPECT_EQ(rec.throttle_periods[2].start, kT0 + 10500ms);
  EXPECT_EQ(rec.throttle_periods[2].end, kT0 + 12250ms);
  EXPECT_EQ(rec.throttle_periods[2].reason, "flag file /tmp/throttle");
}

TEST(RecorderTest, AnOpenThrottlePeriodStaysOpen) {
  Recorder r;
  r.OnThrottle(true, "lag", kT0);
  r.OnThrottle(true, "lag", kT0 + 1s);  // repeated: ignored
  const Recording rec = r.Snapshot();
  ASSERT_EQ(rec.throttle_periods.size(), 1u);
  EXPECT_FALSE(rec.throttle_periods[0].end.has_value());
}

TEST(RecorderTest, ManyThrottlePeriodsAreMergedNotDropped) {
  RecorderOptions o;
  o.max_throttle_periods = 50;
  Recorder r(o);
  constexpr int kPeriods = 10'000;
  for (int i = 0; i < kPeriods; ++i) {
    r.OnThrottle(true, i % 2 ? "lag" : "load", kT0 + std::chrono::seconds(2 * i));
    r.OnThrottle(false, "", kT0 + std::chrono::seconds(2 * i + 1));
  }
  const Recording rec = r.Snapshot();
  EXPECT_LE(rec.throttle_periods.size(), o.max_throttle_periods);
  uint64_t total = 0;
  for (const ThrottlePeriod& p : rec.throttle_periods) {
    total += p.merged;
    ASSERT_TRUE(p.end.has_value());
  }
  EXPECT_EQ(total, static_cast<uint64_t>(kPeriods));
  EXPECT_EQ(rec.throttle_periods.front().start, kT0);
  EXPECT_EQ(*rec.throttle_periods.back().end, kT0 + std::chrono::seconds(2 * kPeriods - 1));
  EXPECT_NE(rec.throttle_periods.front().reason.find("load; lag"), std::string::npos)
      << rec.throttle_periods.front().reason;
}

TEST(RecorderTest, EventsKeepTheFirstAndLastAndCountTheDropped) {
  RecorderOptions o;
  o.max_events = 10;
  Recorder r(o);
  r.OnState(State::kInit, State::kPreflight, kT0);
  for (int i = 0; i < 100; ++i) {
    r.OnState(State::kChecksumming, State::kCopying, kT0 + std::chrono::seconds(2 * i + 1));
    r.OnState(State::kCopying, State::kChecksumming, kT0 + std::chrono::seconds(2 * i + 2));
  }
  CutOverAttempt a;
  a.number = 1;
  a.start = kT0 + 1000s;
  a.end = kT0 + 1001s;
  a.ok = false;
  a.error = "lock wait timeout";
  r.OnCutOverAttempt(a);
  const Recording rec = r.Snapshot();
  ASSERT_EQ(rec.events.size(), 10u);
  EXPECT_EQ(rec.events_dropped, 202u - 10u);  // 1 + 200 state changes + 1 attempt
  EXPECT_EQ(rec.events.front().text, "init -> preflight");
  EXPECT_EQ(rec.events.front().to_state, "preflight");
  EXPECT_EQ(rec.events.back().kind, Event::Kind::kCutOver);
  EXPECT_FALSE(rec.events.back().ok);
  EXPECT_NE(rec.events.back().text.find("lock wait timeout"), std::string::npos);
  ASSERT_EQ(rec.cut_over_attempts.size(), 1u);
}

TEST(RecorderTest, FeedsFromSeveralThreadsAreAllCounted) {
  Recorder r;
  std::thread progress([&] {
    for (uint64_t i = 0; i < 5000; ++i) r.OnProgress(At(i), kT0 + std::chrono::milliseconds(i));
  });
  std::thread states([&] {
    for (int i = 0; i < 200; ++i) {
      r.OnThrottle(i % 2 == 0, "x", kT0 + std::chrono::milliseconds(i));
      (void)r.Snapshot();
    }
  });
  progress.join();
  states.join();
  EXPECT_EQ(r.Snapshot().raw_samples, 5000u);
}

}  // namespace
}  // namespace osc::report
