// Blocker values and the pure helpers around them: whole-identifier table
// matching, the choice of sessions a forced cut-over may kill, the
// normalisation of SHOW CREATE TABLE text, and how QueryBlockers turns
// server rows into blockers (through a scripted session).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "osc/cutover/blocker.h"
#include "osc/cutover/server_queries.h"

namespace osc::cutover {
namespace {

TEST(CutoverMentionsTableTest, MatchesWholeIdentifiersOnly) {
  EXPECT_TRUE(MentionsTable("SELECT * FROM t WHERE id = 1", "t"));
  EXPECT_TRUE(MentionsTable("UPDATE `db`.`t` SET v = 2", "t"));
  EXPECT_TRUE(MentionsTable("select count(*) from orders", "orders"));
  EXPECT_TRUE(MentionsTable("t", "t"));
  EXPECT_FALSE(MentionsTable("INSERT INTO _t_osc_new VALUES (1)", "t"));
  EXPECT_FALSE(MentionsTable("SELECT * FROM tt", "t"));
  EXPECT_FALSE(MentionsTable("SELECT * FROM orders_archive", "orders"));
  EXPECT_FALSE(MentionsTable("SELECT 1", ""));
  // A later whole match counts even after a partial one.
  EXPECT_TRUE(MentionsTable("SELECT * FROM tt JOIN t USING (id)", "t"));
}

Blocker Make(BlockerKind kind, uint64_t id, std::string status = "", std::string state = "") {
  Blocker b;
  b.kind = kind;
  b.process.id = id;
  b.process.state = std::move(state);
  b.lock_status = std::move(status);
  return b;
}

TEST(CutoverForceKillTest, WithLockDataOnlyGrantedHoldersOnTheTableAreChosen) {
  BlockerReport r;
  r.metadata_locks_usable = true;
  r.blockers = {Make(BlockerKind::kMetadataLock, 7, "GRANTED"),
                Make(BlockerKind::kMetadataLock, 9, "PENDING"),
                Make(BlockerKind::kLongTransaction, 11), Make(BlockerKind::kQueryOnTable, 12),
                Make(BlockerKind::kMetadataLock, 7, "GRANTED")};
  EXPECT_EQ(SessionsToForceKill(r), (std::vector<uint64_t>{7}));
}

TEST(CutoverForceKillTest, WithoutLockDataRunningQueriesOnTheTableAreChosenButNotWaitingOnes) {
  BlockerReport r;
  r.metadata_locks_usable = false;
  r.blockers = {Make(BlockerKind::kQueryOnTable, 21, "", "Sending data"),
                Make(BlockerKind::kQueryOnTable, 22, "", "Waiting for table metadata lock"),
                Make(BlockerKind::kLongTransaction, 23)};
  EXPECT_EQ(SessionsToForceKill(r), (std::vector<uint64_t>{21}));
}

TEST(CutoverBlockerTest, DescribeNamesSessionLockAndQuery) {
  Blocker b = Make(BlockerKind::kMetadataLock, 42, "GRANTED");
  b.process.user = "app";
  b.process.host = "10.0.0.5:5123";
  b.process.time_seconds = 17;
  b.lock_type = "SHARED_READ";
  const std::string d = b.Describe();
  for (const char* part : {"metadata lock", "id=42", "app@10.0.0.5:5123", "time=17s",
                           "SHARED_READ/GRANTED", "no running query"}) {
    EXPECT_NE(d.find(part), std::string::npos) << part << " missing from: " << d;
  }
}

TEST(CutoverNormalizeTest, IgnoresTableNameAndAutoIncrementCounter) {
  const std::string shadow =
      "CREATE TABLE `_t_osc_new` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n"
      ") ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4";
  const std::string renamed =
      "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n"
      ") ENGINE=InnoDB AUTO_INCREMENT=1077 DEFAULT CHARSET=utf8mb4";
  EXPECT_EQ(NormalizeCreateTable(shadow), NormalizeCreateTable(renamed));
  // The column attribute AUTO_INCREMENT is part of the shape and stays.
  EXPECT_NE(NormalizeCreateTable(renamed).find("NOT NULL AUTO_INCREMENT,"), std::string::npos);
  EXPECT_EQ(NormalizeCreateTable(renamed).find("1077"), std::string::npos);
}

TEST(CutoverNormalizeTest, KeepsRealDifferencesAndOddNames) {
  const std::string a = "CREATE TABLE `we``ird` (\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB";
  const std::string b = "CREATE TABLE `t` (\n  `id` bigint(20) NOT NULL\n) ENGINE=InnoDB";
  EXPECT_NE(NormalizeCreateTable(a), NormalizeCreateTable(b));
  EXPECT_EQ(NormalizeCreateTable(a),
            "CREATE TABLE <table> (\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB");
}

// A session that answers each statement through a test-supplied function
// and records what it was asked.
class ScriptedSession final : public Session {
 public:
  using Responder = std::function<Result<db::QueryResult>(const std::string&)>;
  explicit ScriptedSession(Responder r) : respond_(std::move(r)) {}
  Status Execute(std::string_view sql) override {
    auto r = Query(sql);
    return r.ok() ? Status::Ok() : r.status();
  }
  Result<db::QueryResult> Query(std::string_view sql) override {
    asked.emplace_back(sql);
    return respond_(std::string(sql));
  }
  uint64_t id() const override { return 1; }
  bool broken() const override { return false; }
  std::vector<std::string> asked;

 private:
  Responder respond_;
};

db::QueryResult Rows(std::vector<db::Row> rows) {
  db::QueryResult r;
  r.rows = std::move(rows);
  return r;
}

bool Has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

TEST(CutoverQueryBlockersTest, ParsesAllThreeSourcesAndDropsExcludedAndUnrelatedSessions) {
  ScriptedSession session([](const std::string& sql) -> Result<db::QueryResult> {
    if (Has(sql, "INNODB_TRX")) {
      return Rows({{"30", "app", "h1:1", "shop", "Sleep", "95", "", std::nullopt, "94"},
                   {"99", "osc", "h9:9", "shop", "Sleep", "50", "", std::nullopt, "50"}});
    }
    if (Has(sql, "LOCATE(")) {
      return Rows({{"31", "app", "h2:2", "shop", "Query", "4", "Sending data", "SELECT * FROM t",
                    "SELECT * FROM t"},
                   {"32", "osc", "h3:3", "shop", "Query", "0", "Update", "REPLACE INTO _t_osc_new",
                    "REPLACE INTO _t_osc_new"}});
    }
    if (Has(sql, "@@performance_schema")) return Rows({{"1"}});
    if (Has(sql, "setup_instruments")) return Rows({{"YES"}});
    if (Has(sql, "metadata_locks")) {
      return Rows({{std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                    std::nullopt, std::nullopt, std::nullopt, "SHARED_READ", "GRANTED", "30"}});
    }
    return Status::Internal("unexpected: " + sql);
  });
  BlockerQuery q{"shop", "t", std::chrono::seconds(5), {99}};
  auto r = QueryBlockers(session, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->blockers.size(), 3u);
  EXPECT_EQ(r->blockers[0].kind, BlockerKind::kLongTransaction);
  EXPECT_EQ(r->blockers[0].process.id, 30u);
  EXPECT_EQ(r->blockers[0].transaction_seconds, 94);
  EXPECT_EQ(r->blockers[1].kind, BlockerKind::kQueryOnTable);
  EXPECT_EQ(r->blockers[1].process.id, 31u);
  EXPECT_EQ(r->blockers[1].process.state, "Sending data");
  EXPECT_EQ(r->blockers[2].kind, BlockerKind::kMetadataLock);
  EXPECT_EQ(r->blockers[2].process.id, 30u);  // from performance_schema.threads
  EXPECT_EQ(r->blockers[2].lock_type, "SHARED_READ");
  EXPECT_TRUE(r->metadata_locks_usable);
  // The long-transaction threshold reaches the SQL.
  EXPECT_TRUE(Has(session.asked[0], "INTERVAL 5 SECOND")) << session.asked[0];
}

TEST(CutoverQueryBlockersTest, DisabledMdlInstrumentIsReportedNotFatal) {
  ScriptedSession session([](const std::string& sql) -> Result<db::QueryResult> {
    if (Has(sql, "@@performance_schema")) return Rows({{"1"}});
    if (Has(sql, "setup_instruments")) return Rows({{"NO"}});
    if (Has(sql, "metadata_locks"))
      return Status::Internal("must not be read when the instrument is off");
    return Rows({});
  });
  auto r = QueryBlockers(session, BlockerQuery{"shop", "t", std::chrono::seconds(5), {}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->metadata_locks_usable);
  EXPECT_TRUE(Has(r->metadata_locks_note, "instrument is disabled")) << r->metadata_locks_note;
  EXPECT_TRUE(r->blockers.empty());
}

TEST(CutoverShowCreateTest, MissingTableIsNulloptOtherErrorsPropagate) {
  ScriptedSession missing([](const std::string&) -> Result<db::QueryResult> {
    return Status::ServerError(1146, "Table 'shop.t' doesn't exist");
  });
  auto r = ShowCreateTable(missing, "shop", "t");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(missing.asked[0], "SHOW CREATE TABLE `shop`.`t`");
  ScriptedSession denied([](const std::string&) -> Result<db::QueryResult> {
    return Status::ServerError(1142, "SELECT command denied");
  });
  auto d = ShowCreateTable(denied, "shop", "t");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().server_errno(), 1142u);
}

}  // namespace
}  // namespace osc::cutover
