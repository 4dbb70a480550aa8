// Unit tests of the preflight pieces that need no server: the duration
// estimate against binlog retention, the text helpers and whether the
// copy's chunks take turns on the AUTO-INC lock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "osc/schema/preflight_internal.h"
#include "osc/server_check.h"
#include "tests/osc/schema_test_util.h"

namespace osc::schema {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::hours;
using std::chrono::seconds;

migration::ServerSettings Retention(const char* expire_seconds, const char* expire_days) {
  migration::ServerSettings s;
  if (expire_seconds != nullptr) s.variables["binlog_expire_logs_seconds"] = expire_seconds;
  if (expire_days != nullptr) s.variables["expire_logs_days"] = expire_days;
  return s;
}

CopyEstimate Lasting(seconds duration) { return CopyEstimate{1000, 1 << 20, duration}; }

// A report whose server findings come from EvaluateServer on a server with
// this innodb_autoinc_lock_mode (nullptr: the variable is unknown).
PreflightReport OnServerWithAutoincLockMode(const char* mode) {
  migration::ServerSettings s;
  if (mode != nullptr) s.variables["innodb_autoinc_lock_mode"] = mode;
  PreflightReport r;
  for (Finding& f : migration::EvaluateServer(s).findings) r.findings.push_back(std::move(f));
  return r;
}

TEST(CopyInsertsTakeTurnsTest, BelowLockModeTwoWithAnAutoIncrementColumnInTheShadow) {
  Column id = testutil::Col("id", "bigint(20)");
  id.auto_increment = true;
  const TableSchema counted = testutil::Table({id, testutil::Col("v", "int(11)")}, {});
  const TableSchema plain = testutil::Table({testutil::Col("id", "bigint(20)"), testutil::Col("v", "int(11)")}, {});
  EXPECT_TRUE(OnServerWithAutoincLockMode("1").CopyInsertsTakeTurns(counted));
  EXPECT_TRUE(OnServerWithAutoincLockMode("0").CopyInsertsTakeTurns(counted));
  EXPECT_FALSE(OnServerWithAutoincLockMode("2").CopyInsertsTakeTurns(counted));
  EXPECT_FALSE(OnServerWithAutoincLockMode(nullptr).CopyInsertsTakeTurns(counted)) << "unknown mode: leave it";
  EXPECT_FALSE(OnServerWithAutoincLockMode("1").CopyInsertsTakeTurns(plain));
  EXPECT_FALSE(PreflightReport{}.CopyInsertsTakeTurns(counted)) << "no server findings at all";
}

TEST(CopyDurationTest, NoExpiryIsFine) {
  const Finding f = internal::CheckCopyDuration(Retention("0", "0.000000"), Lasting(hours(100)));
  EXPECT_EQ(f.name, "copy_duration");
  EXPECT_EQ(f.severity, Severity::kOk);
  EXPECT_THAT(f.message, HasSubstr("never purged"));
}

TEST(CopyDurationTest, ComparesWithHalfAndAllOfTheRetention) {
  const migration::ServerSettings day = Retention("86400", "1.000000");
  EXPECT_EQ(internal::CheckCopyDuration(day, Lasting(hours(12))).severity, Severity::kOk);
  EXPECT_EQ(internal::CheckCopyDuration(day, Lasting(hours(12) + seconds(1))).severity, Severity::kWarning);
  EXPECT_EQ(internal::CheckCopyDuration(day, Lasting(hours(24))).severity, Severity::kWarning);
  const Finding refused = internal::CheckCopyDuration(day, Lasting(hours(24) + seconds(1)));
  EXPECT_EQ(refused.severity, Severity::kFatal);
  EXPECT_THAT(refused.message, HasSubstr("purged after 1 d 0 h"));
  EXPECT_THAT(refused.fix, HasSubstr("binlog_expire_logs_seconds"));
}

TEST(CopyDurationTest, FallsBackToFractionalExpireLogsDays) {
  // MariaDB allows fractional days; 0.5 days = 12 h.
  const migration::ServerSettings half_day = Retention(nullptr, "0.500000");
  EXPECT_EQ(internal::CheckCopyDuration(half_day, Lasting(hours(13))).severity, Severity::kFatal);
  EXPECT_EQ(internal::CheckCopyDuration(half_day, Lasting(hours(5))).severity, Severity::kOk);
}

TEST(TextHelpersTest, FormatsBytesDurationsAndNameLists) {
  EXPECT_EQ(internal::FormatBytes(0), "0 bytes");
  EXPECT_EQ(internal::FormatBytes(1023), "1023 bytes");
  EXPECT_EQ(internal::FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(internal::FormatBytes(300ull << 20), "300 MiB");
  EXPECT_EQ(internal::FormatBytes(5ull << 40), "5.0 TiB");
  EXPECT_EQ(internal::FormatDuration(seconds(45)), "45 s");
  EXPECT_EQ(internal::FormatDuration(seconds(125)), "2 min 5 s");
  EXPECT_EQ(internal::FormatDuration(seconds(3 * 3600 + 720)), "3 h 12 min");
  EXPECT_EQ(internal::QuotedList({"a"}), "`a`");
  EXPECT_EQ(internal::QuotedList({"a", "b`c", "d"}), "`a`, `b``c` and `d`");
}

// A report as RunPreflight would leave it for `alter_text` on a small table.
PreflightReport PlannedReport(std::string_view alter_text) {
  PreflightReport r;
  r.database = "shop";
  r.table = "orders";
  r.server = "MariaDB 10.11.19";
  r.endpoint = "osc@127.0.0.1:3306";
  r.table_schema = testutil::Table({testutil::Col("id", "int(11)"), testutil::Col("note", "varchar(10)", true)},
                                   {testutil::Idx("PRIMARY", true, {{"id"}})});
  testutil::Planned p = testutil::Plan(*r.table_schema, alter_text);
  r.plan = p.plan;
  r.mapping = p.mapping;
  r.algorithms = alter::ClassifyAlter(p.plan, ToAlterTableInfo(*r.table_schema), alter::ServerVersion{});
  r.helpers = HelperNamesFor("orders").value();
  Result<ChunkKey> key = ChooseChunkKey(*r.table_schema, p.plan, p.mapping);
  if (key.ok()) {
    r.chunk_key = *key;
    r.findings.push_back(internal::Ok("chunk_key", "PRIMARY KEY (`id`)"));
  } else {
    r.findings.push_back(internal::Refusal("chunk_key", std::string(key.status().message()), "keep the key"));
  }
  return r;
}

TEST(RenderPlanTest, RunnablePlanListsTheStepsMappingAndVerdicts) {
  PreflightReport r = PlannedReport("ADD COLUMN added INT, CHANGE COLUMN note remark VARCHAR(10)");
  r.findings.push_back(internal::Warning("triggers", "cannot see triggers", "GRANT TRIGGER"));
  const std::string text = RenderPlan(r);
  EXPECT_THAT(text, HasSubstr("osc plan for `shop`.`orders` on MariaDB 10.11.19 (osc@127.0.0.1:3306)"));
  EXPECT_THAT(text, HasSubstr("1. CREATE TABLE `shop`.`_orders_osc_new` LIKE `shop`.`orders`"));
  EXPECT_THAT(text, HasSubstr("2. ALTER TABLE `shop`.`_orders_osc_new` ADD COLUMN added INT, CHANGE COLUMN note "
                              "remark VARCHAR(10)"));
  EXPECT_THAT(text, HasSubstr("RENAME TABLE `shop`.`orders` TO `shop`.`_orders_osc_old`, `shop`.`_orders_osc_new` "
                              "TO `shop`.`orders`"));
  EXPECT_THAT(text, HasSubstr("`remark`                <- `note` (renamed)"));
  EXPECT_THAT(text, HasSubstr("`added`                 added: takes its default"));
  EXPECT_THAT(text, HasSubstr("Chunk key: PRIMARY KEY (`id`)"));
  EXPECT_THAT(text, HasSubstr("WARNING  triggers: cannot see triggers\n           fix: GRANT TRIGGER"));
  EXPECT_THAT(text, EndsWith("Result: osc can run this migration; add --execute to run it.\n"));
}

TEST(RenderPlanTest, RefusedPlanOmitsTheStepsAndCountsTheRefusals) {
  const PreflightReport r = PlannedReport("DROP PRIMARY KEY");
  ASSERT_FALSE(r.CanRun());
  const std::string text = RenderPlan(r);
  EXPECT_THAT(text, Not(HasSubstr("What osc would do")));
  EXPECT_THAT(text, HasSubstr("REFUSED  chunk_key: no primary key or NOT NULL unique key"));
  EXPECT_THAT(text, HasSubstr("DROP PRIMARY KEY"));  // the clause verdicts stay
  EXPECT_THAT(text, EndsWith("Result: osc refuses to run: 1 problem(s) marked REFUSED above.\n"));
}

}  // namespace
}  // namespace osc::schema
