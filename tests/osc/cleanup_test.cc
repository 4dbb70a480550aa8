// PlanCleanup and friends: what --cleanup decides from what it observed,
// without a server (the live side is tests/integration/cleanup_live_test.cc).
#include "osc/cleanup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osc::migration {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Columns as MariaDB 10.11's information_schema shows osc's changelog.
std::vector<ColumnShape> OscChangelogColumns() {
  return {{"id", "bigint", "bigint(20) unsigned"},
          {"kind", "varchar", "varchar(32)"},
          {"value", "text", "text"},
          {"updated_at", "timestamp", "timestamp(6)"}};
}
constexpr const char* kOscComment = "osc changelog: heartbeat, state, checkpoint, markers";

HelperObservation Observed() {
  HelperObservation o;
  o.database = "d";
  o.table = "t";
  o.names = {"_t_osc_new", "_t_osc_log", "_t_osc_old"};
  o.database_exists = true;
  return o;
}

// Shadow and changelog of a run killed an hour ago.
HelperObservation KilledRun() {
  HelperObservation o = Observed();
  o.shadow_type = "BASE TABLE";
  o.changelog_type = "BASE TABLE";
  o.changelog_columns = OscChangelogColumns();
  o.changelog_comment = kOscComment;
  o.changelog_age = 3600s;
  return o;
}

std::vector<std::string> Dropped(const CleanupPlan& plan) {
  std::vector<std::string> names;
  for (const HelperStep& s : plan.steps) {
    if (s.fate == HelperFate::kDrop) names.push_back(s.table);
  }
  return names;
}

// PlanCleanup with --ok-to-drop-table.
Result<CleanupPlan> PlanWithOkToDrop(const HelperObservation& o) {
  CleanupOptions options;
  options.drop_old = true;
  return PlanCleanup(o, options);
}

std::string Refusal(const HelperObservation& o, const CleanupOptions& options = {}) {
  Result<CleanupPlan> plan = PlanCleanup(o, options);
  EXPECT_FALSE(plan.ok()) << "planned, but expected a refusal";
  if (plan.ok()) return "";
  EXPECT_EQ(plan.status().code(), Status::Code::kFailedPrecondition) << plan.status().ToString();
  return std::string(plan.status().message());
}

TEST(ChangelogLayoutTest, OscsOwnLayoutMatchesOnMariaDbAndMySql) {
  EXPECT_EQ(ChangelogLayoutMismatch(OscChangelogColumns(), kOscComment), std::nullopt);
  std::vector<ColumnShape> mysql = OscChangelogColumns();
  mysql[0].column_type = "bigint unsigned";
  EXPECT_EQ(ChangelogLayoutMismatch(mysql, kOscComment), std::nullopt);
}

TEST(ChangelogLayoutTest, EachKindOfDifferenceIsNamed) {
  std::vector<ColumnShape> extra = OscChangelogColumns();
  extra.push_back({"note", "text", "text"});
  EXPECT_THAT(ChangelogLayoutMismatch(extra, kOscComment).value_or(""), HasSubstr("5 columns"));

  std::vector<ColumnShape> renamed = OscChangelogColumns();
  renamed[1].name = "type";
  EXPECT_THAT(ChangelogLayoutMismatch(renamed, kOscComment).value_or(""),
              HasSubstr("column 2 is `type`"));

  std::vector<ColumnShape> is_signed = OscChangelogColumns();
  is_signed[0].column_type = "bigint(20)";
  EXPECT_THAT(ChangelogLayoutMismatch(is_signed, kOscComment).value_or(""), HasSubstr("unsigned"));

  EXPECT_THAT(ChangelogLayoutMismatch(OscChangelogColumns(), "my audit log").value_or(""),
              HasSubstr("comment"));
  EXPECT_NE(ChangelogLayoutMismatch({}, ""), std::nullopt);
}

TEST(PlanCleanupTest, NothingThereIsAnEmptyPlanAndRendersAsNothingToDo) {
  Result<CleanupPlan> plan = PlanCleanup(Observed(), {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->steps.empty());
  EXPECT_EQ(RenderCleanup(*plan, {}), "nothing to clean up: no helper tables of `d`.`t`\n");
}

TEST(PlanCleanupTest, KilledRunDropsShadowThenChangelogLast) {
  Result<CleanupPlan> plan = PlanCleanup(KilledRun(), {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Dropped(*plan), (std::vector<std::string>{"_t_osc_new", "_t_osc_log"}));
}

TEST(PlanCleanupTest, OldTableIsKeptWithoutOkToDropAndTheReasonSaysHowToDropIt) {
  HelperObservation o = Observed();
  o.old_type = "BASE TABLE";
  Result<CleanupPlan> plan = PlanCleanup(o, {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].fate, HelperFate::kKeep);
  EXPECT_THAT(plan->steps[0].reason, HasSubstr("--ok-to-drop-table"));
  EXPECT_THAT(plan->steps[0].reason, HasSubstr("DROP TABLE `d`.`_t_osc_old`"));
  EXPECT_THAT(RenderCleanup(*plan, {}), HasSubstr("kept:    `d`.`_t_osc_old`"));
}

TEST(PlanCleanupTest, OldTableIsDroppedWithOkToDrop) {
  HelperObservation o = KilledRun();
  o.old_type = "BASE TABLE";
  Result<CleanupPlan> plan = PlanWithOkToDrop(o);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Dropped(*plan), (std::vector<std::string>{"_t_osc_new", "_t_osc_old", "_t_osc_log"}));
  EXPECT_EQ(RenderCleanup(*plan, Dropped(*plan)),
            "dropped: `d`.`_t_osc_new`\ndropped: `d`.`_t_osc_old`\ndropped: `d`.`_t_osc_log`\n");
}

// A run that stopped after its RENAME and before its binlog check (or
// whose check did not finish, or found a change missing) leaves the old
// table and the changelog but no shadow: the old table may be the only copy
// of some changes.
HelperObservation UnconfirmedSwap() {
  HelperObservation o = KilledRun();
  o.shadow_type.reset();
  o.old_type = "BASE TABLE";
  o.changelog_state = "stopped (swap unconfirmed)";
  return o;
}

TEST(PlanCleanupTest, UnconfirmedSwapKeepsOldTableAndChangelog) {
  Result<CleanupPlan> plan = PlanCleanup(UnconfirmedSwap(), {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(Dropped(*plan).empty());
  ASSERT_EQ(plan->steps.size(), 2u);
  EXPECT_EQ(plan->steps[0].table, "_t_osc_old");
  EXPECT_EQ(plan->steps[0].fate, HelperFate::kKeep);
  EXPECT_THAT(plan->steps[0].reason, HasSubstr("did not confirm that every change"));
  EXPECT_THAT(plan->steps[0].reason, HasSubstr("DROP TABLE `d`.`_t_osc_old`; DROP TABLE `d`.`_t_osc_log`;"));
  EXPECT_EQ(plan->steps[1].table, "_t_osc_log");
  EXPECT_EQ(plan->steps[1].fate, HelperFate::kKeep);
  EXPECT_EQ(RenderCleanup(*plan, {}).rfind("kept:    `d`.`_t_osc_old`", 0), 0u);
}

TEST(PlanCleanupTest, UnconfirmedSwapRefusesOkToDropTable) {
  // Asked to drop the old table, the cleanup refuses as a whole (exit 3),
  // so a script cannot take "done" for "dropped".
  CleanupOptions options;
  options.drop_old = true;
  const std::string why = Refusal(UnconfirmedSwap(), options);
  EXPECT_THAT(why, HasSubstr("not dropping `d`.`_t_osc_old` (--ok-to-drop-table)"));
  EXPECT_THAT(why, HasSubstr("compare the two tables"));

  // The state row of a run that found a change missing says so.
  HelperObservation incomplete = UnconfirmedSwap();
  incomplete.changelog_state = "stopped (swap incomplete)";
  EXPECT_THAT(Refusal(incomplete, options), HasSubstr("found changes that the new table `d`.`t` lacks"));
}

TEST(PlanCleanupTest, ASwapConfirmedBeforeTheRunStoppedFollowsTheUsualRules) {
  HelperObservation o = UnconfirmedSwap();
  o.changelog_state = "stopped (swap confirmed)";
  Result<CleanupPlan> plan = PlanWithOkToDrop(o);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Dropped(*plan), (std::vector<std::string>{"_t_osc_old", "_t_osc_log"}));

  // With the shadow still there the RENAME never ran: the usual rules too.
  o = UnconfirmedSwap();
  o.shadow_type = "BASE TABLE";
  plan = PlanWithOkToDrop(o);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Dropped(*plan), (std::vector<std::string>{"_t_osc_new", "_t_osc_old", "_t_osc_log"}));
}

TEST(PlanCleanupTest, LookAlikeChangelogRefusesEverything) {
  HelperObservation o = KilledRun();
  o.changelog_columns = {{"id", "int", "int(11)"}, {"msg", "text", "text"}};
  o.changelog_comment = "";
  o.changelog_age.reset();
  const std::string why = Refusal(o);
  EXPECT_THAT(why, HasSubstr("does not look like osc's changelog"));
  EXPECT_THAT(why, HasSubstr("drops nothing"));
}

TEST(PlanCleanupTest, FreshChangelogMeansAnActiveRunAndSaysHowOld) {
  HelperObservation o = KilledRun();
  o.changelog_age = 1200ms;
  const std::string why = Refusal(o);
  EXPECT_THAT(why, HasSubstr("looks active"));
  EXPECT_THAT(why, HasSubstr("1.2 s ago"));
  EXPECT_THAT(why, HasSubstr("30 s"));
}

TEST(PlanCleanupTest, ActiveWindowIsTheBoundary) {
  HelperObservation o = KilledRun();
  CleanupOptions options;
  options.active_window = 10s;
  o.changelog_age = 9999ms;
  EXPECT_FALSE(PlanCleanup(o, options).ok());
  o.changelog_age = 10s;
  EXPECT_TRUE(PlanCleanup(o, options).ok());
}

TEST(PlanCleanupTest, ChangelogWithoutRowsIsNotActive) {
  HelperObservation o = KilledRun();
  o.changelog_age.reset();
  EXPECT_TRUE(PlanCleanup(o, {}).ok());
}

TEST(PlanCleanupTest, ShadowWithoutChangelogIsRefusedWithTheStatement) {
  HelperObservation o = Observed();
  o.shadow_type = "BASE TABLE";
  const std::string why = Refusal(o);
  EXPECT_THAT(why, HasSubstr("without osc's changelog"));
  EXPECT_THAT(why, HasSubstr("DROP TABLE `d`.`_t_osc_new`;"));
}

TEST(PlanCleanupTest, HelperNameThatIsAViewIsRefused) {
  HelperObservation o = KilledRun();
  o.old_type = "VIEW";
  EXPECT_THAT(Refusal(o), HasSubstr("`d`.`_t_osc_old` is a VIEW"));
}

TEST(PlanCleanupTest, MissingDatabaseIsRefusedNotReportedClean) {
  HelperObservation o = Observed();
  o.database_exists = false;
  EXPECT_THAT(Refusal(o), HasSubstr("database `d` does not exist"));
}

TEST(RenderCleanupTest, StepsNotReachedAfterAFailureAreSaidSo) {
  Result<CleanupPlan> plan = PlanCleanup(KilledRun(), {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(RenderCleanup(*plan, {"_t_osc_new"}),
            "dropped: `d`.`_t_osc_new`\nnot dropped: `d`.`_t_osc_log`\n");
}

}  // namespace
}  // namespace osc::migration
