#include "db/replica_status.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace osc::db {
namespace {

// A one-row result with the given (column, cell) pairs.
QueryResult OneRow(std::initializer_list<std::pair<const char*, Cell>> cells) {
  QueryResult r;
  Row row;
  for (const auto& [name, cell] : cells) {
    Column c;
    c.name = name;
    c.type = ColumnType::kVarString;
    r.columns.push_back(c);
    row.push_back(cell);
  }
  r.rows.push_back(std::move(row));
  return r;
}

TEST(ParseReplicaStatusTest, MariaDBHealthyReplica) {
  QueryResult r = OneRow({{"Slave_IO_State", "Waiting for master to send event"},
                          {"Master_Host", "127.0.0.1"},
                          {"Master_Port", "13306"},
                          {"Slave_IO_Running", "Yes"},
                          {"Slave_SQL_Running", "Yes"},
                          {"Last_IO_Errno", "0"},
                          {"Last_IO_Error", ""},
                          {"Last_SQL_Errno", "0"},
                          {"Last_SQL_Error", ""},
                          {"Seconds_Behind_Master", "3"},
                          {"SQL_Delay", "0"},
                          {"Gtid_IO_Pos", "0-13306-42"},
                          {"Gtid_Slave_Pos", "0-13306-40"}});
  auto s = ParseReplicaStatus(r, 0);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->io_running);
  EXPECT_EQ(s->io_running_text, "Yes");
  EXPECT_TRUE(s->sql_running);
  ASSERT_TRUE(s->seconds_behind.has_value());
  EXPECT_EQ(*s->seconds_behind, 3u);
  EXPECT_EQ(s->source_host, "127.0.0.1");
  EXPECT_EQ(s->source_port, 13306);
  EXPECT_EQ(s->gtid_io_pos, "0-13306-42");
  EXPECT_EQ(s->gtid_applied_pos, "0-13306-40");
  EXPECT_EQ(s->last_io_errno, 0u);
}

TEST(ParseReplicaStatusTest, NullLagStaysUnknownNotZero) {
  QueryResult r = OneRow({{"Slave_IO_Running", "Yes"},
                          {"Slave_SQL_Running", "No"},
                          {"Seconds_Behind_Master", std::nullopt}});
  auto s = ParseReplicaStatus(r, 0);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->sql_running);
  EXPECT_FALSE(s->seconds_behind.has_value());
}

TEST(ParseReplicaStatusTest, ConnectingIsNotRunning) {
  QueryResult r = OneRow({{"Slave_IO_Running", "Connecting"},
                          {"Slave_SQL_Running", "Yes"},
                          {"Seconds_Behind_Master", std::nullopt},
                          {"Last_IO_Errno", "2003"},
                          {"Last_IO_Error", "error connecting to master"}});
  auto s = ParseReplicaStatus(r, 0);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->io_running);
  EXPECT_EQ(s->io_running_text, "Connecting");
  EXPECT_EQ(s->last_io_errno, 2003u);
  EXPECT_EQ(s->last_io_error, "error connecting to master");
}

TEST(ParseReplicaStatusTest, MySQLReplicaSpelling) {
  QueryResult r = OneRow({{"Source_Host", "10.0.0.5"},
                          {"Source_Port", "3306"},
                          {"Replica_IO_Running", "Yes"},
                          {"Replica_SQL_Running", "Yes"},
                          {"Last_SQL_Errno", "1062"},
                          {"Last_SQL_Error", "Duplicate entry"},
                          {"Seconds_Behind_Source", "120"},
                          {"SQL_Delay", "60"},
                          {"Retrieved_Gtid_Set", "uuid:1-10"},
                          {"Executed_Gtid_Set", "uuid:1-9"}});
  auto s = ParseReplicaStatus(r, 0);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->source_host, "10.0.0.5");
  EXPECT_EQ(s->source_port, 3306);
  EXPECT_EQ(*s->seconds_behind, 120u);
  EXPECT_EQ(s->sql_delay, 60u);
  EXPECT_EQ(s->last_sql_errno, 1062u);
  EXPECT_EQ(s->gtid_io_pos, "uuid:1-10");
  EXPECT_EQ(s->gtid_applied_pos, "uuid:1-9");
}

TEST(ParseReplicaStatusTest, MissingRequiredColumnIsCorruption) {
  QueryResult r = OneRow({{"Slave_IO_Running", "Yes"}, {"Slave_SQL_Running", "Yes"}});
  EXPECT_TRUE(ParseReplicaStatus(r, 0).status().IsCorruption());
}

TEST(ParseReplicaStatusTest, NonNumericLagIsCorruption) {
  QueryResult r = OneRow({{"Slave_IO_Running", "Yes"},
                          {"Slave_SQL_Running", "Yes"},
                          {"Seconds_Behind_Master", "soon"}});
  EXPECT_TRUE(ParseReplicaStatus(r, 0).status().IsCorruption());
}

TEST(ParseReplicaStatusTest, RowOutOfRangeIsInvalidArgument) {
  QueryResult r = OneRow({{"Slave_IO_Running", "Yes"}});
  EXPECT_TRUE(ParseReplicaStatus(r, 1).status().IsInvalidArgument());
}

TEST(QueryResultTest, ColumnIndexIgnoresAsciiCase) {
  QueryResult r = OneRow({{"Variable_name", "x"}, {"Value", "y"}});
  EXPECT_EQ(r.ColumnIndex("value"), 1u);
  EXPECT_EQ(r.ColumnIndex("VARIABLE_NAME"), 0u);
  EXPECT_FALSE(r.ColumnIndex("Valu").has_value());
}

}  // namespace
}  // namespace osc::db
