#include "db/errors.h"

#include <gtest/gtest.h>

#include <string>

namespace osc::db {
namespace {

TEST(ClassifyTest, LockWaitsAndDeadlocks) {
  EXPECT_EQ(Classify(1205), ErrorClass::kLockTimeout);
  EXPECT_EQ(Classify(3572), ErrorClass::kLockTimeout);
  EXPECT_EQ(Classify(1213), ErrorClass::kDeadlock);
}

TEST(ClassifyTest, LostConnections) {
  for (uint32_t e : {2006u, 2013u, 2055u, 1927u, 1053u, 4031u, 1158u, 1159u, 1160u, 1161u}) {
    EXPECT_EQ(Classify(e), ErrorClass::kConnectionLost) << e;
  }
}

TEST(ClassifyTest, ConnectFailures) {
  for (uint32_t e : {2002u, 2003u, 2005u, 2026u}) {
    EXPECT_EQ(Classify(e), ErrorClass::kCannotConnect) << e;
  }
}

TEST(ClassifyTest, SchemaAccessAndSyntax) {
  for (uint32_t e : {1045u, 1044u, 1142u, 1143u, 1227u, 1698u}) {
    EXPECT_EQ(Classify(e), ErrorClass::kAccessDenied) << e;
  }
  EXPECT_EQ(Classify(1146), ErrorClass::kUnknownTable);
  EXPECT_EQ(Classify(1051), ErrorClass::kUnknownTable);
  EXPECT_EQ(Classify(1049), ErrorClass::kUnknownDatabase);
  EXPECT_EQ(Classify(1054), ErrorClass::kUnknownColumn);
  EXPECT_EQ(Classify(1050), ErrorClass::kTableExists);
  EXPECT_EQ(Classify(1062), ErrorClass::kDuplicateKey);
  EXPECT_EQ(Classify(1064), ErrorClass::kSyntax);
  EXPECT_EQ(Classify(1149), ErrorClass::kSyntax);
}

TEST(ClassifyTest, ReadOnlyCapsAndInterrupts) {
  EXPECT_EQ(Classify(1290), ErrorClass::kReadOnly);
  EXPECT_EQ(Classify(1836), ErrorClass::kReadOnly);
  EXPECT_EQ(Classify(1040), ErrorClass::kTooManyConnections);
  EXPECT_EQ(Classify(1203), ErrorClass::kTooManyConnections);
  EXPECT_EQ(Classify(1317), ErrorClass::kQueryInterrupted);
  EXPECT_EQ(Classify(1969), ErrorClass::kQueryInterrupted);
  EXPECT_EQ(Classify(3024), ErrorClass::kQueryInterrupted);
}

TEST(ClassifyTest, ZeroIsNoneAndUnknownIsOther) {
  EXPECT_EQ(Classify(0), ErrorClass::kNone);
  EXPECT_EQ(Classify(1366), ErrorClass::kOther);  // incorrect string value
  EXPECT_EQ(Classify(99999), ErrorClass::kOther);
}

TEST(IsRetryableTest, TransientErrorsAreRetryable) {
  for (uint32_t e : {1205u, 1213u, 2006u, 2013u, 2055u, 1927u, 1053u, 2002u, 2003u, 1040u, 1203u}) {
    EXPECT_TRUE(IsRetryable(e)) << e;
  }
}

TEST(IsRetryableTest, ReadOnlyIsNotRetryable) {
  EXPECT_FALSE(IsRetryable(1290));
  EXPECT_FALSE(IsRetryable(1836));
}

TEST(IsRetryableTest, ConfigurationAndLogicErrorsAreNotRetryable) {
  for (uint32_t e : {0u, 1045u, 1044u, 1142u, 1227u, 1146u, 1064u, 1062u, 1054u, 2005u, 2026u,
                     1317u, 1969u, 1366u}) {
    EXPECT_FALSE(IsRetryable(e)) << e;
  }
}

TEST(ErrorClassTest, EveryClassHasAName) {
  EXPECT_EQ(ToString(ErrorClass::kDeadlock), "deadlock");
  EXPECT_EQ(ToString(ErrorClass::kConnectionLost), "connection lost");
  EXPECT_EQ(ToString(ErrorClass::kReadOnly), "read-only");
}

TEST(StatementExcerptTest, ShortStatementIsKept) {
  EXPECT_EQ(StatementExcerpt("SELECT 1"), "SELECT 1");
}

TEST(StatementExcerptTest, LongStatementIsCutWithEllipsis) {
  const std::string sql = "SELECT '" + std::string(300, 'x') + "'";
  const std::string out = StatementExcerpt(sql);
  EXPECT_EQ(out, sql.substr(0, 200) + "...");
}

TEST(StatementExcerptTest, CutDoesNotSplitUtf8Character) {
  // 199 ASCII bytes, then a 2-byte character straddling the 200-byte limit.
  const std::string sql = std::string(199, 'a') + "\xC3\xA9" + "tail";
  EXPECT_EQ(StatementExcerpt(sql), std::string(199, 'a') + "...");
}

TEST(StatementExcerptTest, ControlBytesAreNeutralised) {
  EXPECT_EQ(StatementExcerpt(std::string("a\0b\nc\x1b", 6)), "a?b c?");
}

TEST(StatementExcerptTest, StatementsWithSecretsAreWithheld) {
  for (const char* sql : {"CREATE USER x IDENTIFIED BY 'hunter2'",
                          "change master to master_password='hunter2'",
                          "SET PASSWORD FOR x = PASSWORD('hunter2')"}) {
    const std::string out = StatementExcerpt(sql);
    EXPECT_EQ(out.find("hunter2"), std::string::npos) << sql;
    EXPECT_NE(out.find("withheld"), std::string::npos) << sql;
  }
}

TEST(MayContainSecretTest, FlagsPasswordAndIdentifiedInAnyCase) {
  EXPECT_TRUE(MayContainSecret("alter user x identified by 'y'"));
  EXPECT_TRUE(MayContainSecret("CHANGE MASTER TO Master_Password='y'"));
  EXPECT_FALSE(MayContainSecret("SELECT * FROM t WHERE pass = 1"));
}

}  // namespace
}  // namespace osc::db
