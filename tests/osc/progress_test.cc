#include "osc/progress.h"

#include <gtest/gtest.h>

namespace osc::migration {
namespace {

using namespace std::chrono_literals;

TEST(RateEstimatorTest, FirstIntervalGivesTheInstantRate) {
  RateEstimator r(10s);
  const Clock::SteadyTime t0{};
  EXPECT_EQ(r.Update(0, t0), 0.0);
  EXPECT_DOUBLE_EQ(r.Update(1000, t0 + 2s), 500.0);
}

TEST(RateEstimatorTest, SmoothsTowardTheNewRateByHalfLife) {
  RateEstimator r(10s);
  const Clock::SteadyTime t0{};
  r.Update(0, t0);
  r.Update(1000, t0 + 10s);  // 100/s
  // Next 10 s at 300/s: after one half-life the estimate is halfway.
  EXPECT_NEAR(r.Update(4000, t0 + 20s), 200.0, 1e-9);
}

TEST(RateEstimatorTest, IgnoresNonAdvancingTime) {
  RateEstimator r;
  const Clock::SteadyTime t0{};
  r.Update(0, t0);
  r.Update(100, t0 + 1s);
  EXPECT_DOUBLE_EQ(r.Update(500, t0 + 1s), 100.0);
}

TEST(EtaTest, RemainingRowsOverRateRoundedUp) {
  EXPECT_EQ(EstimateEta(100, 1100, 300.0), std::chrono::seconds(4));
  EXPECT_EQ(EstimateEta(2000, 1000, 10.0), std::chrono::seconds(0));
  EXPECT_FALSE(EstimateEta(0, 1000, 0.0).has_value());
}

TEST(FormatTest, SecondsReadLikeDurations) {
  EXPECT_EQ(FormatSeconds(45s), "45s");
  EXPECT_EQ(FormatSeconds(185s), "3m05s");
  EXPECT_EQ(FormatSeconds(3723s), "1h02m03s");
  EXPECT_EQ(FormatSeconds(-5s), "0s");
}

ProgressSnapshot Sample() {
  ProgressSnapshot p;
  p.state = "copying";
  p.elapsed = 12345ms;
  p.rows_copied = 452000;
  p.rows_estimated = 1000000;
  p.copy_rows_per_second = 12040.4;
  p.changes_applied = 5230;
  p.apply_backlog = 12;
  p.binlog_lag = 400ms;
  p.eta = 45s;
  p.chunk_size = 2000;
  return p;
}

TEST(FormatTest, PlainLineHasEveryFieldPeopleNeed) {
  EXPECT_EQ(FormatProgressLine(Sample()),
            "copying 45.2% 452000/1000000 rows, 12040 rows/s, applied 5230 (backlog 12), binlog lag 0.4s, "
            "ETA 45s, chunk 2000");
  ProgressSnapshot p = Sample();
  p.throttle_reason = "replica lag 2.1s";
  p.eta.reset();
  EXPECT_NE(FormatProgressLine(p).find("ETA ?"), std::string::npos);
  EXPECT_NE(FormatProgressLine(p).find("[throttled: replica lag 2.1s]"), std::string::npos);
}

TEST(FormatTest, JsonLineEscapesAndUsesNullForUnknowns) {
  ProgressSnapshot p = Sample();
  p.binlog_lag.reset();
  p.throttle_reason = "flag \"file\"\n";
  const std::string j = FormatProgressJson(p);
  EXPECT_EQ(j.find('\n'), std::string::npos);
  EXPECT_NE(j.find("\"binlog_lag_ms\":null"), std::string::npos);
  EXPECT_NE(j.find("\"throttle_reason\":\"flag \\\"file\\\"\\u000a\""), std::string::npos);
  EXPECT_NE(j.find("\"rows_copied\":452000"), std::string::npos);
  EXPECT_NE(j.find("\"throttled\":true"), std::string::npos);
  EXPECT_EQ(j.front(), '{');
  EXPECT_EQ(j.back(), '}');
}

}  // namespace
}  // namespace osc::migration
