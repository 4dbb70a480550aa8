// LoadSignal's and QuerySignal's pure decisions.
#include <gtest/gtest.h>

#include "throttle/load_signal.h"
#include "throttle/query_signal.h"

namespace osc::throttle {
namespace {

LoadOptions Options(const char* max_load, const char* critical_load) {
  LoadOptions o;
  o.max_load = *ParseLoadThresholds(max_load);
  o.critical_load = *ParseLoadThresholds(critical_load);
  return o;
}

TEST(DecideLoadTest, ThrottlesAtOrAboveTheMaxLoadThresholdLikeGhost) {
  const LoadOptions o = Options("Threads_running=25", "");
  EXPECT_TRUE(DecideLoad(o, {{"threads_running", "24"}}).is_go());
  const Decision at = DecideLoad(o, {{"threads_running", "25"}});
  ASSERT_TRUE(at.is_throttle());
  EXPECT_FALSE(at.unavailable);
  EXPECT_EQ(at.reason, "max-load Threads_running=25 >= 25");
  EXPECT_EQ(*at.measured, 25.0);
  EXPECT_EQ(*at.limit, 25.0);
}

TEST(DecideLoadTest, NamesAreMatchedCaseInsensitively) {
  const LoadOptions o = Options("THREADS_connected=10", "");
  EXPECT_TRUE(DecideLoad(o, {{"threads_connected", "11"}}).is_throttle());
}

TEST(DecideLoadTest, CriticalLoadAbortsWithTheConfiguredConfirmation) {
  LoadOptions o = Options("Threads_running=5", "Threads_running=50");
  o.critical_load_interval = std::chrono::seconds(3);
  const Decision d = DecideLoad(o, {{"threads_running", "60"}});
  ASSERT_TRUE(d.is_abort());
  EXPECT_EQ(d.reason, "critical-load Threads_running=60 >= 50");
  EXPECT_EQ(d.confirm_for, std::chrono::seconds(3));
  // Below critical but above max: only a pause.
  EXPECT_TRUE(DecideLoad(o, {{"threads_running", "49"}}).is_throttle());
}

TEST(DecideLoadTest, CriticalLoadAbortsAtOnceByDefault) {
  const Decision d = DecideLoad(Options("", "Threads_running=1"), {{"threads_running", "1"}});
  ASSERT_TRUE(d.is_abort());
  EXPECT_EQ(d.confirm_for, Clock::Duration::zero());
}

TEST(DecideLoadTest, MissingOrNonNumericVariableIsUnavailableNeverAbort) {
  const LoadOptions o = Options("Threds_running=5", "Uptime_since_flush_status=1");
  const Decision d = DecideLoad(o, {{"uptime_since_flush_status", "n/a"}});
  ASSERT_TRUE(d.is_throttle());
  EXPECT_TRUE(d.unavailable);
  EXPECT_NE(d.reason.find("no status variable Threds_running"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("not a whole number"), std::string::npos) << d.reason;
}

TEST(DecideLoadTest, NoThresholdsIsGo) {
  EXPECT_TRUE(DecideLoad(LoadOptions{}, {}).is_go());
  EXPECT_EQ(LoadStatusQuery(LoadOptions{}), "");
}

TEST(LoadStatusQueryTest, ListsEachVariableOnceAsLiterals) {
  const std::string sql =
      LoadStatusQuery(Options("Threads_running=5,Threads_connected=9", "threads_RUNNING=50"));
  EXPECT_EQ(sql,
            "SHOW GLOBAL STATUS WHERE Variable_name IN (_utf8mb4'threads_connected', "
            "_utf8mb4'threads_running')");
}

TEST(StatusValuesTest, LowerCasesNamesAndSkipsNulls) {
  db::QueryResult rows;
  rows.rows = {{"Threads_running", "3"}, {"Odd", std::nullopt}};
  const StatusValues v = StatusValuesFromResult(rows);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v.at("threads_running"), "3");
}

TEST(LoadOptionsTest, RejectsNegativeInterval) {
  LoadOptions o;
  o.critical_load_interval = std::chrono::seconds(-1);
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
  o.max_load["bad name"] = 1;
  o.critical_load_interval = {};
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

using Cell = Result<std::optional<std::string>>;

TEST(DecideQueryResultTest, PositiveThrottlesZeroAndNegativeGo) {
  const Decision d = DecideQueryResult(Cell(std::optional<std::string>("3")));
  ASSERT_TRUE(d.is_throttle());
  EXPECT_FALSE(d.unavailable);
  EXPECT_EQ(d.reason, "throttle query returned 3");
  EXPECT_TRUE(DecideQueryResult(Cell(std::optional<std::string>("0.25"))).is_throttle());
  EXPECT_TRUE(DecideQueryResult(Cell(std::optional<std::string>("0"))).is_go());
  EXPECT_TRUE(DecideQueryResult(Cell(std::optional<std::string>("-1"))).is_go());
}

TEST(DecideQueryResultTest, NoRowIsGo) {
  EXPECT_TRUE(DecideQueryResult(Cell(Status::NotFound("no rows"))).is_go());
}

TEST(DecideQueryResultTest, NullTextAndErrorsAreUnavailable) {
  const Decision null_value = DecideQueryResult(Cell(std::optional<std::string>()));
  EXPECT_TRUE(null_value.unavailable);
  const Decision text = DecideQueryResult(Cell(std::optional<std::string>("yes")));
  EXPECT_TRUE(text.unavailable);
  EXPECT_NE(text.reason.find("\"yes\""), std::string::npos);
  const Decision error =
      DecideQueryResult(Cell(Status::ServerError(1146, "42S02 Table 'x.y' doesn't exist")));
  ASSERT_TRUE(error.is_throttle());
  EXPECT_TRUE(error.unavailable);
  EXPECT_NE(error.reason.find("Table 'x.y' doesn't exist"), std::string::npos) << error.reason;
}

TEST(QueryOptionsTest, RejectsNulBytes) {
  QueryOptions o;
  o.query = std::string("SELECT 1\0", 9);
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::throttle
