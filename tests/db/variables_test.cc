#include "db/variables.h"

#include <gtest/gtest.h>

namespace osc::db {
namespace {

TEST(ValidateVariableNameTest, AcceptsServerVariableNames) {
  EXPECT_TRUE(ValidateVariableName("binlog_format").ok());
  EXPECT_TRUE(ValidateVariableName("innodb_buffer_pool_size").ok());
  EXPECT_TRUE(ValidateVariableName("validate_password.length").ok());
  EXPECT_TRUE(ValidateVariableName("Binlog_Format").ok());
}

TEST(ValidateVariableNameTest, RejectsAnythingThatCouldChangeTheStatement) {
  for (const char* bad : {"", "a'b", "a b", "a;b", "x' OR '1'='1", "a%", "a\\_b", "@@x", "a-b"}) {
    EXPECT_TRUE(ValidateVariableName(bad).IsInvalidArgument()) << bad;
  }
  EXPECT_TRUE(ValidateVariableName(std::string(65, 'a')).IsInvalidArgument());
}

}  // namespace
}  // namespace osc::db
