// Starting from a purged binlog: a clear, immediate, non-retryable error,
// by file/position and by GTID, through the source and the change stream.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "binlog/change_stream.h"
#include "binlog/server_event_source.h"
#include "db/connection.h"
#include "db/replication_stream.h"
#include "tests/integration/binlog_live_util.h"

namespace osc {
namespace {

// Rotates twice and purges everything before the newest file. Returns the
// first file purged this way.
Result<std::string> PurgeOneFile(db::Connection& conn) {
  OSC_RETURN_IF_ERROR(conn.Execute("FLUSH BINARY LOGS"));
  OSC_ASSIGN_OR_RETURN(binlog::BinlogPosition purged, testing::CurrentBinlogPosition(conn));
  OSC_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS osc_binlog_test"));
  OSC_RETURN_IF_ERROR(conn.Execute("CREATE OR REPLACE TABLE osc_binlog_test.t_purge (id INT PRIMARY KEY)"));
  OSC_RETURN_IF_ERROR(conn.Execute("FLUSH BINARY LOGS"));
  OSC_ASSIGN_OR_RETURN(binlog::BinlogPosition current, testing::CurrentBinlogPosition(conn));
  // The server keeps a file a binlog dump thread still reads (the
  // sandbox's replica may not have moved past the rotation yet): try again
  // for a moment.
  for (int attempt = 0;; ++attempt) {
    OSC_RETURN_IF_ERROR(conn.Execute("PURGE BINARY LOGS TO '" + current.file + "'"));
    OSC_ASSIGN_OR_RETURN(db::QueryResult logs, conn.Query("SHOW BINARY LOGS"));
    bool still_there = false;
    for (const auto& row : logs.rows) still_there = still_there || (row[0] && *row[0] == purged.file);
    if (!still_there) return purged.file;
    if (attempt == 50) return Status::FailedPrecondition(purged.file + " was not purged");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

TEST(BinlogPurgeTest, StartingInAPurgedFileFailsAtOnceAndSaysWhy) {
  OSC_REQUIRE_SANDBOX(options);
  auto conn = db::Connection::Open(options);
  ASSERT_TRUE(conn.ok());
  auto purged = PurgeOneFile(*conn);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();

  binlog::ServerSourceOptions so = testing::SourceOptionsAt(options, {*purged, 4});
  so.reconnect_timeout = std::chrono::seconds(60);  // a retry loop would show as a slow failure
  auto source = binlog::ServerEventSource::Open(so);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  const auto t0 = std::chrono::steady_clock::now();
  auto ev = (*source)->Next({});
  ASSERT_FALSE(ev.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(ev.status().server_errno(), 1236u) << ev.status().ToString();
  EXPECT_FALSE(db::IsStreamRetryable(ev.status()));
  const std::string message(ev.status().message());
  EXPECT_NE(message.find(*purged + ":4"), std::string::npos) << message;
  EXPECT_NE(message.find("purged"), std::string::npos) << message;
  EXPECT_EQ((*source)->connections(), 1u);
  EXPECT_EQ((*source)->Next({}).status().server_errno(), 1236u) << "sticky";
}

TEST(BinlogPurgeTest, APurgedGtidPositionFailsTheChangeStreamWithTheSameError) {
  OSC_REQUIRE_SANDBOX(options);
  auto conn = db::Connection::Open(options);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(PurgeOneFile(*conn).ok());
  auto server_id = conn->QueryScalar("SELECT @@server_id");
  ASSERT_TRUE(server_id.ok() && server_id->has_value());
  binlog::ServerSourceOptions so = testing::SourceOptionsAt(options, {"unused", 4});
  so.start_gtid = "0-" + **server_id + "-1";  // the first transaction ever: long purged
  auto source = binlog::ServerEventSource::Open(so);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  auto stream = binlog::ChangeStream::Start(std::move(*source), {});
  ASSERT_TRUE(stream.ok());
  auto e = (*stream)->Next();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().server_errno(), 1236u) << e.status().ToString();
  EXPECT_NE(e.status().message().find("GTID 0-"), std::string_view::npos) << e.status().ToString();
  EXPECT_EQ((*stream)->status().server_errno(), 1236u);
}

}  // namespace
}  // namespace osc
