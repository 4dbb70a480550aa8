// MdlSignal's pure parts: table-name matching and the decision over what
// performance_schema (or the PROCESSLIST fallback) showed.
#include <gtest/gtest.h>

#include "throttle/mdl_signal.h"

namespace osc::throttle {
namespace {

const TableRef kT{"app", "t"};
const TableRef kParent{"app", "parent"};

MdlSession Session(uint64_t id, TableRef table, std::string lock, std::string query) {
  return MdlSession{
      id, "app", "10.0.0.9:5000", 7, std::move(query), std::move(table), std::move(lock)};
}

MdlReading Pileup() {
  // SERVER-FACTS: A holds SHARED_READ from an idle transaction, B's ALTER
  // waits EXCLUSIVE, D's SELECT waits SHARED_READ behind B.
  MdlReading r;
  r.exact = true;
  r.holding = {Session(10, kT, "SHARED_READ", ""),
               Session(11, kT, "SHARED_UPGRADABLE", "ALTER TABLE t ADD COLUMN x INT")};
  r.waiting = {Session(11, kT, "EXCLUSIVE", "ALTER TABLE t ADD COLUMN x INT"),
               Session(12, kT, "SHARED_READ", "SELECT * FROM t")};
  return r;
}

TEST(MentionsTableTest, MatchesWholeIdentifiersOnly) {
  EXPECT_TRUE(MentionsTable("SELECT * FROM t", "t"));
  EXPECT_TRUE(MentionsTable("ALTER TABLE `app`.`t` ADD x INT", "t"));
  EXPECT_TRUE(MentionsTable("select 1 from t,u", "t"));
  EXPECT_FALSE(MentionsTable("SELECT * FROM _t_osc_new", "t"));
  EXPECT_FALSE(MentionsTable("SELECT * FROM tt", "t"));
  EXPECT_FALSE(MentionsTable("SELECT * FROM t$1", "t"));
  EXPECT_FALSE(MentionsTable("SELECT * FROM \xc3\xa9t", "t"));
  EXPECT_FALSE(MentionsTable("anything", ""));
}

TEST(DecideMdlTest, WaitersThrottleNamingSessionsAndHolders) {
  const Decision d = DecideMdl(Pileup(), MdlOptions{}, {});
  ASSERT_TRUE(d.is_throttle());
  EXPECT_FALSE(d.unavailable);
  EXPECT_EQ(*d.measured, 2.0);
  EXPECT_EQ(*d.limit, 0.0);
  EXPECT_NE(d.reason.find("2 session(s) waiting for a metadata lock (max 0)"), std::string::npos)
      << d.reason;
  EXPECT_NE(d.reason.find("id 11 app@10.0.0.9:5000 7s on `app`.`t` EXCLUSIVE: ALTER TABLE t ADD "
                          "COLUMN x INT [held by id 10 app@10.0.0.9:5000 SHARED_READ]"),
            std::string::npos)
      << d.reason;
  // D waits behind B: B's granted SHARED_UPGRADABLE is named as a holder.
  EXPECT_NE(d.reason.find("id 12 app@10.0.0.9:5000 7s on `app`.`t` SHARED_READ: SELECT * FROM t "
                          "[held by id 10 app@10.0.0.9:5000 SHARED_READ, id 11 "
                          "app@10.0.0.9:5000 SHARED_UPGRADABLE]"),
            std::string::npos)
      << d.reason;
}

TEST(DecideMdlTest, WaitersUpToTheLimitAreTolerated) {
  MdlOptions o;
  o.max_waiters = 2;
  const Decision d = DecideMdl(Pileup(), o, {});
  EXPECT_TRUE(d.is_go());
  EXPECT_EQ(*d.measured, 2.0);
}

TEST(DecideMdlTest, OwnSessionsAreNotCounted) {
  MdlOptions o;
  o.max_waiters = 0;
  MdlReading r = Pileup();
  r.waiting.pop_back();  // only the ALTER (id 11) waits
  EXPECT_TRUE(DecideMdl(r, o, {11}).is_go());
  EXPECT_TRUE(DecideMdl(r, o, {12}).is_throttle());
}

TEST(DecideMdlTest, QueryTextIsCutToOneHundredBytes) {
  MdlReading r;
  r.exact = true;
  r.waiting = {
      Session(5, kT, "EXCLUSIVE", "ALTER TABLE t COMMENT '" + std::string(300, 'x') + "'")};
  const Decision d = DecideMdl(r, MdlOptions{}, {});
  ASSERT_TRUE(d.is_throttle());
  EXPECT_EQ(d.reason.find(std::string(100, 'x')), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find(std::string(50, 'x')), std::string::npos) << d.reason;
}

TEST(DecideMdlTest, OldTransactionHoldingALockThrottles) {
  MdlReading r;
  r.exact = true;
  r.holding = {Session(10, kParent, "SHARED_READ", "")};
  r.old_transactions = {{10, 75}, {20, 300}};  // 20 holds nothing on the tables
  MdlOptions o;
  o.long_transaction = std::chrono::seconds(60);
  const Decision d = DecideMdl(r, o, {});
  ASSERT_TRUE(d.is_throttle());
  EXPECT_NE(d.reason.find("transaction open 75s >= 60s holds a metadata lock: id 10 "
                          "app@10.0.0.9:5000 7s on `app`.`parent` SHARED_READ (idle)"),
            std::string::npos)
      << d.reason;
  EXPECT_EQ(d.reason.find("id 20"), std::string::npos) << d.reason;
  EXPECT_EQ(*d.measured, 0.0);
}

TEST(DecideMdlTest, YoungTransactionsAndPlainHoldersDoNotThrottle) {
  MdlReading r;
  r.exact = true;
  r.holding = {Session(10, kT, "SHARED_READ", "")};
  r.old_transactions = {{10, 59}};
  MdlOptions o;
  o.long_transaction = std::chrono::seconds(60);
  EXPECT_TRUE(DecideMdl(r, o, {}).is_go());
}

TEST(DecideMdlTest, FallbackSaysItIsApproximate) {
  MdlReading r;
  r.exact = false;
  r.fallback_note = "performance_schema is OFF";
  r.waiting = {MdlSession{42, "app", "h", 3, "ALTER TABLE t FORCE", TableRef{}, ""}};
  const Decision d = DecideMdl(r, MdlOptions{}, {});
  ASSERT_TRUE(d.is_throttle());
  EXPECT_NE(d.reason.find("id 42 app@h 3s: ALTER TABLE t FORCE"), std::string::npos) << d.reason;
  EXPECT_NE(d.detail.find("approximate"), std::string::npos);
  EXPECT_NE(d.detail.find("performance_schema is OFF"), std::string::npos);
}

TEST(MdlOptionsTest, LongTransactionLimitMustBePositive) {
  MdlOptions o;
  o.long_transaction = std::chrono::seconds(0);
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::throttle
