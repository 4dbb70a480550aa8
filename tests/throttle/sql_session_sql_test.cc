// The check budget the SQL-backed signals turn into client timeouts.
#include <gtest/gtest.h>

#include "common/fake_clock.h"
#include "throttle/sql_session_internal.h"

namespace osc::throttle::internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TimeoutForTest, RoundsTheRemainingBudgetUpToWholeSecondsAtLeastOne) {
  const Clock::SteadyTime now{};
  EXPECT_EQ(TimeoutFor(now, now + milliseconds(300)), seconds(1));
  EXPECT_EQ(TimeoutFor(now, now + milliseconds(1000)), seconds(1));
  EXPECT_EQ(TimeoutFor(now, now + milliseconds(1001)), seconds(2));
  EXPECT_EQ(TimeoutFor(now, now + seconds(5)), seconds(5));
  EXPECT_EQ(TimeoutFor(now + seconds(1), now), seconds(1));  // already past
}

TEST(SqlSessionTest, DoesNotConnectWhenTheDeadlineHasPassed) {
  FakeClock clock;
  db::ConnectionOptions o;
  o.user = "nobody";
  o.port = 1;  // nothing listens there; must not even be tried
  SqlSession session(&clock, o);
  auto conn = session.Get(clock.Now() - milliseconds(1));
  EXPECT_TRUE(conn.status().IsTimeout()) << conn.status().ToString();
}

TEST(CellTextTest, NullAndMissingCellsAreEmpty) {
  const db::Row row{std::string("a"), std::nullopt};
  EXPECT_EQ(CellText(row, 0), "a");
  EXPECT_EQ(CellText(row, 1), "");
  EXPECT_EQ(CellText(row, 2), "");
}

}  // namespace
}  // namespace osc::throttle::internal
