// The change stream on a live server: starting from a GTID, what DDL looks
// like (and that rows after an ALTER decode with the new TABLE_MAP and its
// new table id), heartbeats on an idle stream, and other tables' traffic
// never reaching the consumer.
#include <gtest/gtest.h>

#include "binlog/change_stream.h"
#include "binlog/server_event_source.h"
#include "db/connection.h"
#include "tests/integration/binlog_live_util.h"

namespace osc {
namespace {

using binlog::ChangeEvent;
using binlog::ChangeKind;

Result<db::Connection> Prepare(const db::ConnectionOptions& options, const std::string& table) {
  OSC_ASSIGN_OR_RETURN(db::Connection conn, db::Connection::Open(options));
  OSC_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS osc_binlog_test"));
  OSC_RETURN_IF_ERROR(conn.Execute("CREATE OR REPLACE TABLE osc_binlog_test." + table +
                                   " (id INT PRIMARY KEY, a INT) ENGINE=InnoDB"));
  return conn;
}

std::vector<int64_t> Ints(const ChangeEvent& e, size_t* columns) {
  std::vector<int64_t> out;
  auto d = e.rows->Decoder();
  EXPECT_TRUE(d.ok());
  if (!d.ok()) return out;
  binlog::Row row;
  while (true) {
    auto more = d->Next(&row);
    if (!more.ok() || !*more) break;
    *columns = row.after.size();
    out.push_back(row.after[0].AsInt64());
  }
  return out;
}

TEST(BinlogSourceTest, StartsFromAGtidPositionAtTheNextTransaction) {
  OSC_REQUIRE_SANDBOX(options);
  auto conn = Prepare(options, "t_gtid");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE(conn->Execute("INSERT INTO osc_binlog_test.t_gtid VALUES (1, 1)").ok());
  auto gtid = conn->QueryScalar("SELECT @@gtid_binlog_pos");
  ASSERT_TRUE(gtid.ok() && gtid->has_value());
  ASSERT_TRUE(conn->Execute("INSERT INTO osc_binlog_test.t_gtid VALUES (2, 2)").ok());
  auto pos_after = testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(pos_after.ok());

  binlog::ServerSourceOptions so = testing::SourceOptionsAt(options, {"unused", 4});
  so.start_gtid = **gtid;
  auto source = binlog::ServerEventSource::Open(so);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  binlog::ChangeStreamOptions co;
  co.tables = {{"osc_binlog_test", "t_gtid"}};
  auto stream = binlog::ChangeStream::Start(std::move(*source), co);
  ASSERT_TRUE(stream.ok());
  auto events = testing::ReadUntil(**stream, [](const ChangeEvent& e) { return e.kind == ChangeKind::kCommit; });
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  std::vector<int64_t> ids;
  size_t columns = 0;
  for (const ChangeEvent& e : *events) {
    if (e.kind == ChangeKind::kRows) {
      for (int64_t id : Ints(e, &columns)) ids.push_back(id);
    }
  }
  EXPECT_EQ(ids, (std::vector<int64_t>{2})) << "row 1 was before the GTID position";
  // Positions are known even though the dump started by GTID.
  EXPECT_EQ(events->back().checkpoint.restart, *pos_after);
  EXPECT_TRUE(events->back().checkpoint.at_boundary());
}

TEST(BinlogSourceTest, DdlIsVisibleAndRowsAfterAnAlterUseTheNewTableMap) {
  OSC_REQUIRE_SANDBOX(options);
  auto conn = Prepare(options, "t_ddl");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto start = testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok());
  ASSERT_TRUE(conn->Execute("INSERT INTO osc_binlog_test.t_ddl VALUES (1, 1)").ok());
  ASSERT_TRUE(conn->Execute("ALTER TABLE osc_binlog_test.t_ddl ADD COLUMN b INT").ok());
  ASSERT_TRUE(conn->Execute("INSERT INTO osc_binlog_test.t_ddl VALUES (2, 2, 2)").ok());
  auto stream = testing::StartStreamAt(options, *start, {{"osc_binlog_test", "t_ddl"}});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  int rows_seen = 0;
  auto events = testing::ReadUntil(**stream, [&](const ChangeEvent& e) {
    return e.kind == ChangeKind::kRows && ++rows_seen == 2;
  });
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  std::vector<std::string> shape;
  std::vector<uint64_t> table_ids;
  for (const ChangeEvent& e : *events) {
    switch (e.kind) {
      case ChangeKind::kRows: {
        size_t columns = 0;
        Ints(e, &columns);
        shape.push_back("ROWS/" + std::to_string(columns));
        table_ids.push_back(e.rows->table().table_id());
        break;
      }
      case ChangeKind::kQuery:
        shape.push_back("QUERY");
        EXPECT_NE(e.query.find("ALTER TABLE"), std::string::npos);
        EXPECT_TRUE(e.checkpoint.at_boundary());
        break;
      case ChangeKind::kBegin: shape.push_back("BEGIN"); break;
      case ChangeKind::kCommit: shape.push_back("COMMIT"); break;
      default: break;
    }
  }
  EXPECT_EQ(shape, (std::vector<std::string>{"BEGIN", "ROWS/2", "COMMIT", "BEGIN", "QUERY", "COMMIT", "BEGIN",
                                             "ROWS/3"}));
  ASSERT_EQ(table_ids.size(), 2u);
  EXPECT_NE(table_ids[0], table_ids[1]) << "MariaDB gives an altered table a new id";
}

TEST(BinlogSourceTest, AnIdleStreamDeliversHeartbeatsAndOtherTablesStayInvisible) {
  OSC_REQUIRE_SANDBOX(options);
  auto conn = Prepare(options, "t_quiet");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE(conn->Execute("CREATE OR REPLACE TABLE osc_binlog_test.t_noise (id INT PRIMARY KEY)").ok());
  auto start = testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(conn->Execute("INSERT INTO osc_binlog_test.t_noise VALUES (" + std::to_string(i) + ")").ok());
  }
  auto end = testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(end.ok());
  auto stream = testing::StartStreamAt(options, *start, {{"osc_binlog_test", "t_quiet"}});
  ASSERT_TRUE(stream.ok());
  auto events = testing::ReadUntil(**stream, [](const ChangeEvent& e) { return e.kind == ChangeKind::kHeartbeat; });
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  for (const ChangeEvent& e : *events) {
    EXPECT_TRUE(e.kind == ChangeKind::kRotate || e.kind == ChangeKind::kHeartbeat)
        << "50 transactions on another table must not reach the consumer: got " << binlog::ToString(e.kind);
  }
  EXPECT_EQ(events->back().checkpoint.restart, *end) << "the heartbeat says where the server is";
}

}  // namespace
}  // namespace osc
