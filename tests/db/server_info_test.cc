#include "db/server_info.h"

#include <gtest/gtest.h>

namespace osc::db {
namespace {

TEST(ParseServerVersionTest, DebianMariaDB) {
  auto info = ParseServerVersion("10.11.6-MariaDB-0+deb12u1-log");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->flavor, Flavor::kMariaDB);
  EXPECT_EQ(info->major, 10);
  EXPECT_EQ(info->minor, 11);
  EXPECT_EQ(info->patch, 6);
  EXPECT_EQ(info->version_string, "10.11.6-MariaDB-0+deb12u1-log");
  EXPECT_TRUE(info->IsMariaDB());
}

TEST(ParseServerVersionTest, PlainMySQL) {
  auto info = ParseServerVersion("8.0.36");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->flavor, Flavor::kMySQL);
  EXPECT_EQ(info->major, 8);
  EXPECT_EQ(info->minor, 0);
  EXPECT_EQ(info->patch, 36);
}

TEST(ParseServerVersionTest, PerconaIsMySQL) {
  auto info = ParseServerVersion("8.0.36-28");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->flavor, Flavor::kMySQL);
  EXPECT_EQ(info->patch, 36);
}

TEST(ParseServerVersionTest, MySQLWithLogSuffix) {
  auto info = ParseServerVersion("5.7.44-log");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->flavor, Flavor::kMySQL);
  EXPECT_EQ(info->major, 5);
  EXPECT_EQ(info->minor, 7);
  EXPECT_EQ(info->patch, 44);
}

TEST(ParseServerVersionTest, SkipsMariaDBReplicationPrefix) {
  auto info = ParseServerVersion("5.5.5-10.11.6-MariaDB");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->flavor, Flavor::kMariaDB);
  EXPECT_EQ(info->major, 10);
  EXPECT_EQ(info->minor, 11);
  EXPECT_EQ(info->patch, 6);
}

TEST(ParseServerVersionTest, KeepsRealMySQL555) {
  auto info = ParseServerVersion("5.5.5-log");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->flavor, Flavor::kMySQL);
  EXPECT_EQ(info->major, 5);
  EXPECT_EQ(info->patch, 5);
}

TEST(ParseServerVersionTest, MariaDBElevenWithoutPrefix) {
  auto info = ParseServerVersion("11.4.2-MariaDB-ubu2404");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->flavor, Flavor::kMariaDB);
  EXPECT_EQ(info->major, 11);
  EXPECT_EQ(info->minor, 4);
}

TEST(ParseServerVersionTest, RejectsGarbage) {
  EXPECT_TRUE(ParseServerVersion("").status().IsInvalidArgument());
  EXPECT_TRUE(ParseServerVersion("MariaDB").status().IsInvalidArgument());
  EXPECT_TRUE(ParseServerVersion("8.0").status().IsInvalidArgument());
  EXPECT_TRUE(ParseServerVersion("8.0.36.1").status().IsInvalidArgument());
  EXPECT_TRUE(ParseServerVersion("10.11.6x").status().IsInvalidArgument());
  EXPECT_TRUE(ParseServerVersion("1234567.0.0").status().IsInvalidArgument());
  EXPECT_TRUE(ParseServerVersion("5.5.5-MariaDB-garbage").status().IsInvalidArgument());
}

TEST(ServerInfoTest, AtLeastComparesComponentsInOrder) {
  auto info = ParseServerVersion("10.11.6-MariaDB");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->AtLeast(10, 11, 0));
  EXPECT_TRUE(info->AtLeast(10, 11, 6));
  EXPECT_FALSE(info->AtLeast(10, 11, 7));
  EXPECT_TRUE(info->AtLeast(10, 5, 99));
  EXPECT_FALSE(info->AtLeast(11, 0, 0));
  EXPECT_TRUE(info->AtLeast(8, 0, 36));
}

TEST(ServerInfoTest, ToStringNamesFlavorAndVersion) {
  auto info = ParseServerVersion("8.0.36-28");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->ToString(), "MySQL 8.0.36");
}

}  // namespace
}  // namespace osc::db
