// Hook names, blocking policy and the environment built from the facts
// (pure functions; the process side is in hooks_runner_test.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "osc/hooks/hook_event.h"
#include "osc/hooks/hook_facts.h"

namespace osc::hooks {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> EnvMap(HookEvent event, const HookFacts& facts) {
  std::map<std::string, std::string> m;
  for (auto& [k, v] : FactEnvironment(event, facts)) {
    EXPECT_TRUE(m.emplace(k, v).second) << "duplicate variable " << k;
  }
  return m;
}

TEST(HookEventTest, NamesAreGhostsHookFilePrefixes) {
  // The list in gh-ost's doc/hooks.md plus on-batch-copy-retry (hooks.go).
  const std::vector<std::string> ghost = {
      "gh-ost-on-startup",          "gh-ost-on-validated",          "gh-ost-on-rowcount-complete",
      "gh-ost-on-before-row-copy",  "gh-ost-on-status",             "gh-ost-on-interactive-command",
      "gh-ost-on-row-copy-complete", "gh-ost-on-stop-replication",  "gh-ost-on-start-replication",
      "gh-ost-on-begin-postponed",  "gh-ost-on-before-cut-over",    "gh-ost-on-success",
      "gh-ost-on-failure",          "gh-ost-on-batch-copy-retry"};
  std::vector<std::string> ours;
  for (HookEvent e : kAllHookEvents) ours.emplace_back(HookName(e));
  std::vector<std::string> sorted_ghost = ghost;
  std::sort(sorted_ghost.begin(), sorted_ghost.end());
  std::sort(ours.begin(), ours.end());
  EXPECT_EQ(ours, sorted_ghost);
}

TEST(HookEventTest, NoEventNameIsAPrefixOfAnother) {
  // Otherwise one hook file would run on two events.
  for (HookEvent a : kAllHookEvents) {
    for (HookEvent b : kAllHookEvents) {
      if (a == b) continue;
      EXPECT_FALSE(HookName(b).starts_with(HookName(a))) << HookName(a) << " prefixes " << HookName(b);
    }
  }
}

TEST(HookEventTest, NameRoundTripsAndUnknownNameIsRejected) {
  for (HookEvent e : kAllHookEvents) EXPECT_EQ(HookEventFromName(HookName(e)), e);
  EXPECT_EQ(HookEventFromName("gh-ost-on-succes"), std::nullopt);
  EXPECT_EQ(HookEventFromName("gh-ost-on-success-extra"), std::nullopt);
}

TEST(HookEventTest, GatesBlockAndReportsDoNot) {
  EXPECT_TRUE(Blocking(HookEvent::kStartup));
  EXPECT_TRUE(Blocking(HookEvent::kValidated));
  EXPECT_TRUE(Blocking(HookEvent::kBeforeRowCopy));
  EXPECT_TRUE(Blocking(HookEvent::kBeforeCutOver));
  EXPECT_FALSE(Blocking(HookEvent::kStatus));
  EXPECT_FALSE(Blocking(HookEvent::kSuccess));
  EXPECT_FALSE(Blocking(HookEvent::kFailure));
  EXPECT_FALSE(Blocking(HookEvent::kInteractiveCommand));
}

HookFacts SampleFacts() {
  HookFacts f;
  f.database = "shop";
  f.table = "orders";
  f.shadow_table = "_orders_gho";
  f.old_table = "_orders_del";
  f.alter = "ADD COLUMN note TEXT";
  f.elapsed = 1500ms;
  f.copy_elapsed = 250ms;
  f.rows_estimated = 1000;
  f.rows_copied = 420;
  f.progress_percent = 42;
  f.migrated_host = "db1:3306";
  f.inspected_host = "db2:3306";
  f.executing_host = "runner";
  f.hooks_hint = "hint";
  f.hooks_hint_owner = "alice";
  f.hooks_hint_token = "tok";
  f.state = "copying";
  return f;
}

TEST(FactEnvironmentTest, CarriesEveryFactInGhostAndOscSpelling) {
  const auto env = EnvMap(HookEvent::kValidated, SampleFacts());
  EXPECT_EQ(env.at("GH_OST_DATABASE_NAME"), "shop");
  EXPECT_EQ(env.at("GH_OST_TABLE_NAME"), "orders");
  EXPECT_EQ(env.at("GH_OST_GHOST_TABLE_NAME"), "_orders_gho");
  EXPECT_EQ(env.at("GH_OST_OLD_TABLE_NAME"), "_orders_del");
  EXPECT_EQ(env.at("GH_OST_DDL"), "ADD COLUMN note TEXT");
  EXPECT_EQ(env.at("GH_OST_ELAPSED_SECONDS"), "1.500000");
  EXPECT_EQ(env.at("GH_OST_ELAPSED_COPY_SECONDS"), "0.250000");
  EXPECT_EQ(env.at("GH_OST_ESTIMATED_ROWS"), "1000");
  EXPECT_EQ(env.at("GH_OST_COPIED_ROWS"), "420");
  EXPECT_EQ(env.at("GH_OST_PROGRESS"), "42.000000");
  EXPECT_EQ(env.at("GH_OST_MIGRATED_HOST"), "db1:3306");
  EXPECT_EQ(env.at("GH_OST_INSPECTED_HOST"), "db2:3306");
  EXPECT_EQ(env.at("GH_OST_EXECUTING_HOST"), "runner");
  EXPECT_EQ(env.at("GH_OST_HOOKS_HINT"), "hint");
  EXPECT_EQ(env.at("GH_OST_HOOKS_HINT_OWNER"), "alice");
  EXPECT_EQ(env.at("GH_OST_HOOKS_HINT_TOKEN"), "tok");
  EXPECT_EQ(env.at("GH_OST_DRY_RUN"), "false");
  EXPECT_EQ(env.at("OSC_HOOK_EVENT"), "gh-ost-on-validated");
  EXPECT_EQ(env.at("OSC_TABLE"), "orders");
  EXPECT_EQ(env.at("OSC_SHADOW_TABLE"), "_orders_gho");
  EXPECT_EQ(env.at("OSC_ALTER"), "ADD COLUMN note TEXT");
  EXPECT_EQ(env.at("OSC_ROWS_COPIED"), "420");
  EXPECT_EQ(env.at("OSC_STATE"), "copying");
}

TEST(FactEnvironmentTest, UnknownEtaAndLagAreGhostPlaceholdersButEmptyForOsc) {
  const auto env = EnvMap(HookEvent::kStatus, SampleFacts());
  EXPECT_EQ(env.at("GH_OST_ETA_SECONDS"), "-1");
  EXPECT_EQ(env.at("OSC_ETA_SECONDS"), "");
  EXPECT_EQ(env.at("GH_OST_INSPECTED_LAG"), "0.000000");
  EXPECT_EQ(env.at("OSC_REPLICA_LAG_SECONDS"), "");

  HookFacts known = SampleFacts();
  known.eta = 95s;
  known.replica_lag = 2500ms;
  const auto env2 = EnvMap(HookEvent::kStatus, known);
  EXPECT_EQ(env2.at("GH_OST_ETA_SECONDS"), "95");
  EXPECT_EQ(env2.at("OSC_ETA_SECONDS"), "95");
  EXPECT_EQ(env2.at("GH_OST_INSPECTED_LAG"), "2.500000");
  EXPECT_EQ(env2.at("OSC_REPLICA_LAG_SECONDS"), "2.500000");
}

TEST(FactEnvironmentTest, EventSpecificVariablesOnlyOnTheirEvent) {
  HookFacts f = SampleFacts();
  f.status_message = "copy 42%";
  f.command = "throttle";
  f.failure = "lost connection";
  f.instant_ddl = true;
  const auto status = EnvMap(HookEvent::kStatus, f);
  EXPECT_EQ(status.at("GH_OST_STATUS"), "'copy 42%'");  // gh-ost quotes it
  EXPECT_EQ(status.at("OSC_STATUS"), "copy 42%");
  EXPECT_EQ(status.count("GH_OST_COMMAND"), 0u);
  const auto command = EnvMap(HookEvent::kInteractiveCommand, f);
  EXPECT_EQ(command.at("GH_OST_COMMAND"), "'throttle'");
  EXPECT_EQ(command.count("GH_OST_STATUS"), 0u);
  EXPECT_EQ(EnvMap(HookEvent::kFailure, f).at("OSC_FAILURE"), "lost connection");
  EXPECT_EQ(EnvMap(HookEvent::kSuccess, f).at("GH_OST_INSTANT_DDL"), "true");
  const auto startup = EnvMap(HookEvent::kStartup, f);
  for (const char* name : {"GH_OST_STATUS", "OSC_STATUS", "GH_OST_COMMAND", "OSC_FAILURE", "GH_OST_INSTANT_DDL"}) {
    EXPECT_EQ(startup.count(name), 0u) << name;
  }
}

TEST(FactEnvironmentTest, EveryFactNameIsRecognisedAsOne) {
  HookFacts f = SampleFacts();
  for (HookEvent e : kAllHookEvents) {
    for (auto& [name, value] : FactEnvironment(e, f)) EXPECT_TRUE(IsFactVariableName(name)) << name;
  }
  EXPECT_FALSE(IsFactVariableName("PATH"));
  EXPECT_FALSE(IsFactVariableName("OSC_PASSWORD"));
}

TEST(FilterBaseEnvironmentTest, DropsPasswordsSecretsAndStaleFacts) {
  const std::vector<std::string> base = {
      "PATH=/usr/bin",         "OSC_PASSWORD=pw1",         "MYSQL_PWD=pw2",
      "API_TOKEN=t0k",         "DATABASE_URL=mysql2://u:hunter2@h/db", "GH_OST_TABLE_NAME=stale",
      "OSC_TABLE=stale",       "no_equals_sign",           "HOME=/root",
  };
  const auto kept = FilterBaseEnvironment(base, {"API_TOKEN"}, {"hunter2", ""});
  EXPECT_EQ(kept, (std::vector<std::string>{"PATH=/usr/bin", "HOME=/root"}));
}

}  // namespace
}  // namespace osc::hooks
