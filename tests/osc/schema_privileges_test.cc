#include "osc/schema/privileges.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osc/schema/preflight_internal.h"

namespace osc::schema {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(GrantPatternTest, UnderscoreAndPercentAreWildcardsUnlessEscaped) {
  EXPECT_TRUE(GrantPatternMatches("app", "app"));
  EXPECT_FALSE(GrantPatternMatches("app", "App"));  // case-sensitive
  EXPECT_TRUE(GrantPatternMatches("scr_tch", "scratch"));
  EXPECT_FALSE(GrantPatternMatches("scr\\_tch", "scratch"));
  EXPECT_TRUE(GrantPatternMatches("scr\\_tch", "scr_tch"));
  EXPECT_TRUE(GrantPatternMatches("app%", "app"));
  EXPECT_TRUE(GrantPatternMatches("app%", "app_staging"));
  EXPECT_FALSE(GrantPatternMatches("app%", "ap"));
  EXPECT_TRUE(GrantPatternMatches("%", "anything"));
  EXPECT_TRUE(GrantPatternMatches("a%c%e", "abcde"));
  EXPECT_FALSE(GrantPatternMatches("a%c%e", "abcd"));
  // `_` stands for one character, not one byte.
  EXPECT_TRUE(GrantPatternMatches("caf_", "caf\xC3\xA9"));
  EXPECT_FALSE(GrantPatternMatches("caf__", "caf\xC3\xA9"));
}

// The sandbox's osc account (MariaDB 10.11 SHOW GRANTS, verbatim apart
// from the hash).
const char kOscGrants[] =
    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, INDEX, ALTER, LOCK TABLES, "
    "REPLICATION SLAVE, BINLOG MONITOR, TRIGGER, SLAVE MONITOR ON *.* TO `osc`@`127.0.0.1` IDENTIFIED BY "
    "PASSWORD '*516DB5C895F9F8C3AE1B93BC748DD90C66CA859D'";

TEST(CheckGrantsTest, GlobalGrantsCoverEverySchemaAndBinlogMonitorIsReplicationClient) {
  const PrivilegeCheck check = CheckGrants({kOscGrants}, "shop");
  EXPECT_TRUE(check.complete());
  EXPECT_THAT(check.missing_on_schema, IsEmpty());
  EXPECT_THAT(check.missing_global, IsEmpty());
  EXPECT_TRUE(check.can_see_triggers);
}

TEST(CheckGrantsTest, AllPrivilegesCoversEverything) {
  const PrivilegeCheck check = CheckGrants(
      {"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED BY PASSWORD '*92' WITH GRANT OPTION",
       "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION"},
      "any");
  EXPECT_TRUE(check.complete());
  EXPECT_TRUE(check.can_see_triggers);
}

TEST(CheckGrantsTest, ReportsWhatIsMissingOnTheSchemaAndGlobally) {
  const std::vector<std::string> grants = {
      "GRANT PROCESS, BINLOG MONITOR ON *.* TO `lim`@`127.0.0.1` IDENTIFIED BY PASSWORD '*B6'",
      "GRANT ALTER ON `scratch`.* TO `lim`@`127.0.0.1`",
      "GRANT SELECT, INSERT, UPDATE ON `scr_tch`.* TO `lim`@`127.0.0.1`",
      // Table and column grants do not count for the schema.
      "GRANT DELETE ON `scratch`.`e1` TO `lim`@`127.0.0.1`",
      "GRANT SELECT (`a`), INSERT (`a`, `b`) ON `scratch`.`p1` TO `lim`@`127.0.0.1`",
  };
  const PrivilegeCheck check = CheckGrants(grants, "scratch");
  EXPECT_FALSE(check.complete());
  EXPECT_THAT(check.missing_on_schema, ElementsAre("DELETE", "CREATE", "DROP", "INDEX", "LOCK TABLES"));
  EXPECT_THAT(check.missing_global, ElementsAre("REPLICATION SLAVE"));
  EXPECT_FALSE(check.can_see_triggers);
  EXPECT_THAT(check.roles, IsEmpty());
}

TEST(CheckGrantsTest, SchemaLevelAllPrivilegesDoesNotGrantGlobalOnes) {
  const PrivilegeCheck check = CheckGrants({"GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`"}, "shop");
  EXPECT_THAT(check.missing_on_schema, IsEmpty());
  EXPECT_THAT(check.missing_global, ElementsAre("REPLICATION SLAVE", "REPLICATION CLIENT", "PROCESS"));
}

TEST(CheckGrantsTest, RecordsRolesOfBothFlavours) {
  const PrivilegeCheck check = CheckGrants({"GRANT `r1` TO `lim`@`127.0.0.1`", "GRANT `dba`@`%`,`ro`@`%` TO `u`@`%`",
                                            "GRANT USAGE ON *.* TO `lim`@`127.0.0.1`"},
                                           "shop");
  EXPECT_THAT(check.roles, ElementsAre("r1", "dba", "ro"));
  EXPECT_EQ(check.missing_on_schema.size(), 9u);
}

TEST(CheckGrantsTest, MySqlPartialRevokesSubtract) {
  const PrivilegeCheck check = CheckGrants(
      {"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, LOCK TABLES, PROCESS, "
       "REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`%`",
       "REVOKE DROP ON `shop`.* FROM `u`@`%`"},
      "shop");
  EXPECT_THAT(check.missing_on_schema, ElementsAre("DROP"));
  EXPECT_TRUE(CheckGrants({"GRANT ALL ON *.* TO `u`@`%`", "REVOKE DROP ON `shop`.* FROM `u`@`%`"}, "other")
                  .complete());
}

TEST(CheckGrantsTest, RoutineAndProxyGrantsAreIgnored) {
  const PrivilegeCheck check =
      CheckGrants({"GRANT EXECUTE, ALTER ROUTINE ON PROCEDURE `shop`.`p` TO `u`@`%`"}, "shop");
  EXPECT_EQ(check.missing_on_schema.size(), 9u);
}

TEST(PrivilegeFindingTest, RefusesWithTheExactGrantStatements) {
  internal::AccountPrivileges account{
      CheckGrants({"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER ON `my_db`.* TO `osc`@`%`",
                   "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `osc`@`%`"},
                  "my_db"),
      "osc@%", "my_db"};
  const Finding f = internal::PrivilegeFinding(account);
  EXPECT_EQ(f.name, "privileges");
  EXPECT_EQ(f.severity, Severity::kFatal);
  EXPECT_EQ(f.message, "osc@% lacks LOCK TABLES on `my_db` and PROCESS globally");
  EXPECT_EQ(f.fix,
            "GRANT LOCK TABLES ON `my\\_db`.* TO `osc`@`%`; GRANT PROCESS ON *.* TO `osc`@`%`;");
}

TEST(PrivilegeFindingTest, OnlyWarnsWhenRolesMayHoldTheMissingPrivileges) {
  internal::AccountPrivileges account{CheckGrants({"GRANT `r1` TO `osc`@`%`"}, "db"), "osc@%", "db"};
  const Finding f = internal::PrivilegeFinding(account);
  EXPECT_EQ(f.severity, Severity::kWarning);
  EXPECT_THAT(f.message, HasSubstr("roles (r1)"));
}

}  // namespace
}  // namespace osc::schema
