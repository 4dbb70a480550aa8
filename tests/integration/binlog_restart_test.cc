// Surviving a lost connection with a writer running before and after:
// every committed row is seen exactly once, in commit order. Once with the
// dump thread KILLed (fast), once with the primary shut down and started
// again (scripts/sandbox.sh start), which also moves to a new binlog file.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "binlog/change_stream.h"
#include "binlog/server_event_source.h"
#include "db/connection.h"
#include "tests/integration/binlog_live_util.h"

namespace osc {
namespace {

using binlog::ChangeEvent;
using binlog::ChangeKind;

// Inserts transactions of three rows with increasing ids until stopped,
// reconnecting after errors (the server may be down for a while).
class Writer {
 public:
  Writer(db::ConnectionOptions options, std::string table) : options_(std::move(options)), table_(std::move(table)) {}
  ~Writer() { Stop(); }

  void Start() {
    thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  }
  void Stop() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }
  int64_t committed() const { return committed_.load(); }

 private:
  void Run(std::stop_token stop) {
    std::optional<db::Connection> conn;
    int64_t next = 1;
    while (!stop.stop_requested()) {
      if (!conn) {
        auto c = db::Connection::Open(options_);
        if (!c.ok()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        conn.emplace(std::move(*c));
      }
      Status s = conn->Execute("START TRANSACTION");
      for (int i = 0; i < 3 && s.ok(); ++i) {
        s = conn->Execute("INSERT INTO " + table_ + " VALUES (" + std::to_string(next + i) + ", 0)");
      }
      if (s.ok()) s = conn->Execute("COMMIT");
      // Ids are never reused: after a failure the rows may or may not have
      // committed; the table tells at the end.
      next += 3;
      if (s.ok()) {
        committed_.store(next - 1);
      } else {
        conn.reset();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  }

  db::ConnectionOptions options_;
  std::string table_;
  std::atomic<int64_t> committed_{0};
  std::jthread thread_;
};

// Collects the ids of inserted rows from the stream on its own thread.
class Collector {
 public:
  explicit Collector(binlog::ChangeStream& stream) : stream_(stream) {
    thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  }
  ~Collector() {
    thread_.request_stop();
    thread_.join();
  }
  std::vector<int64_t> ids() const {
    std::lock_guard lock(mu_);
    return ids_;
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return ids_.size();
  }
  int rotates() const { return rotates_.load(); }
  // While paused the collector takes nothing, so the stream's queue fills
  // and the reader stops reading the socket.
  void Pause(bool paused) { paused_.store(paused); }
  Status error() const {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  void Run(std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (paused_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      auto e = stream_.NextFor(std::chrono::milliseconds(100), stop);
      if (!e.ok()) {
        std::lock_guard lock(mu_);
        if (!e.status().IsAborted()) error_ = e.status();
        return;
      }
      if (!*e) continue;
      if ((*e)->kind == ChangeKind::kRotate) ++rotates_;
      if ((*e)->kind != ChangeKind::kRows) continue;
      auto decoder = (*e)->rows->Decoder();
      if (!decoder.ok()) {
        std::lock_guard lock(mu_);
        error_ = decoder.status();
        return;
      }
      binlog::Row row;
      while (true) {
        auto more = decoder->Next(&row);
        if (!more.ok() || !*more) break;
        std::lock_guard lock(mu_);
        ids_.push_back(row.after[0].AsInt64());
      }
    }
  }

  binlog::ChangeStream& stream_;
  mutable std::mutex mu_;
  std::vector<int64_t> ids_;
  Status error_;
  std::atomic<int> rotates_{0};
  std::atomic<bool> paused_{false};
  std::jthread thread_;
};

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::vector<int64_t> CommittedIds(const db::ConnectionOptions& options, const std::string& table) {
  std::vector<int64_t> out;
  auto conn = db::Connection::Open(options);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return out;
  auto r = conn->Query("SELECT id FROM " + table + " ORDER BY id");
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return out;
  for (const auto& row : r->rows) out.push_back(std::stoll(*row[0]));
  return out;
}

struct Reader {
  std::unique_ptr<binlog::ChangeStream> stream;
  binlog::ServerEventSource* source = nullptr;  // owned by stream
};

Reader StartRun(const db::ConnectionOptions& options, const binlog::BinlogPosition& start, const std::string& table,
                size_t queue_capacity = 1024) {
  binlog::ServerSourceOptions so = testing::SourceOptionsAt(options, start);
  so.initial_backoff = std::chrono::milliseconds(100);
  so.max_backoff = std::chrono::milliseconds(1000);
  so.reconnect_timeout = std::chrono::seconds(120);
  auto source = binlog::ServerEventSource::Open(so);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  Reader run;
  if (!source.ok()) return run;
  run.source = source->get();
  binlog::ChangeStreamOptions co;
  co.tables = {{"osc_binlog_test", table}};
  co.queue_capacity = queue_capacity;
  auto stream = binlog::ChangeStream::Start(std::move(*source), co);
  EXPECT_TRUE(stream.ok()) << stream.status().ToString();
  if (stream.ok()) run.stream = std::move(*stream);
  return run;
}

// Stops the reader and returns how many connections the source made
// (read after the reader thread has ended).
uint64_t StopAndCountConnections(Reader& run) {
  run.stream->Stop();
  while (run.stream->Next().ok()) {
  }
  return run.source->connections();
}

Result<binlog::BinlogPosition> PrepareTable(const db::ConnectionOptions& options, const std::string& table) {
  OSC_ASSIGN_OR_RETURN(db::Connection conn, db::Connection::Open(options));
  OSC_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS osc_binlog_test"));
  OSC_RETURN_IF_ERROR(conn.Execute("CREATE OR REPLACE TABLE osc_binlog_test." + table +
                                   " (id BIGINT PRIMARY KEY, v INT) ENGINE=InnoDB"));
  return testing::CurrentBinlogPosition(conn);
}

Status KillOurDumpThreads(db::Connection& admin, int* killed) {
  // Dump threads serving root: ours (the sandbox replica reads as 'repl').
  OSC_ASSIGN_OR_RETURN(db::QueryResult r,
                       admin.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE "
                                   "'Binlog Dump%' AND USER = 'root'"));
  *killed = 0;
  for (const auto& row : r.rows) {
    if (admin.Execute("KILL CONNECTION " + *row[0]).ok()) ++*killed;
  }
  return Status::Ok();
}

void ExpectExactlyOnce(const std::vector<int64_t>& seen, const std::vector<int64_t>& committed) {
  ASSERT_FALSE(committed.empty());
  EXPECT_EQ(seen.size(), committed.size());
  EXPECT_EQ(seen, committed) << "every committed row once, in commit order";
}

TEST(BinlogRestartTest, AKilledDumpThreadIsReconnectedWithoutLossOrDuplicates) {
  OSC_REQUIRE_SANDBOX(options);
  const std::string table = "t_kill";
  auto start = PrepareTable(options, table);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  Reader run = StartRun(options, *start, table);
  ASSERT_TRUE(run.stream);
  Collector collector(*run.stream);
  Writer writer(options, "osc_binlog_test." + table);
  writer.Start();
  auto admin = db::Connection::Open(options);
  ASSERT_TRUE(admin.ok());
  for (int kill = 0; kill < 3; ++kill) {
    const size_t before = collector.count();
    ASSERT_TRUE(WaitFor([&] { return collector.count() >= before + 60; }, std::chrono::seconds(30)));
    int killed = 0;
    ASSERT_TRUE(KillOurDumpThreads(*admin, &killed).ok());
    EXPECT_GE(killed, 1);
  }
  ASSERT_TRUE(WaitFor([&] { return collector.count() >= 300; }, std::chrono::seconds(30)));
  writer.Stop();
  const std::vector<int64_t> committed = CommittedIds(options, "osc_binlog_test." + table);
  ASSERT_TRUE(WaitFor([&] { return collector.count() >= committed.size(); }, std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // anything extra would show now
  EXPECT_TRUE(collector.error().ok()) << collector.error().ToString();
  ExpectExactlyOnce(collector.ids(), committed);
  EXPECT_GE(StopAndCountConnections(run), 4u);
}

TEST(BinlogRestartTest, ADropInsideATransactionResumesAtItsStartAndRepeatsNoRow) {
  OSC_REQUIRE_SANDBOX(options);
  const std::string table = "t_midtrx";
  Result<binlog::BinlogPosition> start = Status::NotFound("not yet");
  {
    auto conn = db::Connection::Open(options);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(conn->Execute("CREATE DATABASE IF NOT EXISTS osc_binlog_test").ok());
    ASSERT_TRUE(conn->Execute("CREATE OR REPLACE TABLE osc_binlog_test." + table +
                              " (id BIGINT PRIMARY KEY, pad LONGBLOB) ENGINE=InnoDB").ok());
    start = testing::CurrentBinlogPosition(*conn);
    ASSERT_TRUE(start.ok());
    // One 25 MB transaction of 400 rows events: far more than the socket
    // buffers hold, so a stalled reader leaves the server mid-transaction.
    ASSERT_TRUE(conn->Execute("START TRANSACTION").ok());
    for (int id = 1; id <= 400; ++id) {
      ASSERT_TRUE(conn->Execute("INSERT INTO osc_binlog_test." + table + " VALUES (" + std::to_string(id) +
                                ", REPEAT('x', 65000))").ok());
    }
    ASSERT_TRUE(conn->Execute("COMMIT").ok());
  }
  Reader run = StartRun(options, *start, table, /*queue_capacity=*/2);
  ASSERT_TRUE(run.stream);
  Collector collector(*run.stream);
  ASSERT_TRUE(WaitFor([&] { return collector.count() >= 20; }, std::chrono::seconds(30)));
  collector.Pause(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the reader and the socket fill up
  const size_t seen_at_kill = collector.count();
  auto admin = db::Connection::Open(options);
  ASSERT_TRUE(admin.ok());
  int killed = 0;
  ASSERT_TRUE(KillOurDumpThreads(*admin, &killed).ok());
  EXPECT_GE(killed, 1);
  collector.Pause(false);
  ASSERT_TRUE(WaitFor([&] { return collector.count() >= 400; }, std::chrono::seconds(60)))
      << collector.count() << " rows; " << collector.error().ToString();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_LT(seen_at_kill, 400u) << "the kill should land inside the transaction";
  std::vector<int64_t> all(400);
  for (int64_t i = 0; i < 400; ++i) all[static_cast<size_t>(i)] = i + 1;
  ExpectExactlyOnce(collector.ids(), all);
  EXPECT_GE(StopAndCountConnections(run), 2u);
}

// The primary is restarted with scripts/sandbox.sh, which needs the same
// OSC_SANDBOX_DIR/OSC_SANDBOX_PORT the sandbox was started with.
std::optional<std::string> SandboxRestartCommand() {
  const char* dir = std::getenv("OSC_SANDBOX_DIR");
  auto primary = testing::SandboxPrimary();
  if (dir == nullptr || !primary) return std::nullopt;
  if (primary->socket != std::string(dir) + "/primary/mariadbd.sock") return std::nullopt;
  return std::string(OSC_SOURCE_DIR) + "/scripts/sandbox.sh start >/dev/null 2>&1";
}

TEST(BinlogRestartTest, AServerRestartMidStreamLosesAndRepeatsNothing) {
  OSC_REQUIRE_SANDBOX(options);
  const std::optional<std::string> restart = SandboxRestartCommand();
  if (!restart) {
    OSC_SKIP_OR_FAIL("set OSC_SANDBOX_DIR (and OSC_SANDBOX_PORT) to the sandbox's own to allow restarting it");
  }
  const std::string table = "t_restart";
  auto start = PrepareTable(options, table);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  Reader run = StartRun(options, *start, table);
  ASSERT_TRUE(run.stream);
  Collector collector(*run.stream);
  Writer writer(options, "osc_binlog_test." + table);
  writer.Start();
  ASSERT_TRUE(WaitFor([&] { return collector.count() >= 150; }, std::chrono::seconds(30)));

  {
    auto admin = db::Connection::Open(options);
    ASSERT_TRUE(admin.ok());
    (void)admin->Execute("SHUTDOWN");  // the reply may or may not arrive
  }
  const auto down_at = std::chrono::steady_clock::now();
  // SHUTDOWN returns before the server is gone; mariadbd removes its pid
  // file last. Starting earlier would find the port still taken.
  const std::string pid_file = std::string(std::getenv("OSC_SANDBOX_DIR")) + "/primary/mariadbd.pid";
  ASSERT_TRUE(WaitFor([&] { return !std::filesystem::exists(pid_file); }, std::chrono::seconds(60)));
  int rc = -1;
  for (int attempt = 0; attempt < 5 && rc != 0; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
    rc = std::system(restart->c_str());
  }
  ASSERT_EQ(rc, 0) << "scripts/sandbox.sh start failed";
  const int64_t at_restart = writer.committed();
  ASSERT_TRUE(WaitFor([&] { return writer.committed() >= at_restart + 150; }, std::chrono::seconds(60)))
      << "the writer should get going again after the restart";
  writer.Stop();
  const std::vector<int64_t> committed = CommittedIds(options, "osc_binlog_test." + table);
  ASSERT_TRUE(WaitFor([&] { return collector.count() >= committed.size(); }, std::chrono::seconds(60)))
      << "seen " << collector.count() << " of " << committed.size() << "; stream: " << collector.error().ToString();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(collector.error().ok()) << collector.error().ToString();
  ExpectExactlyOnce(collector.ids(), committed);
  EXPECT_GE(collector.rotates(), 2) << "a restarted server writes a new binlog file";
  EXPECT_GE(StopAndCountConnections(run), 2u);
  std::cerr << "restart took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - down_at).count()
            << " ms end to end\n";
}

}  // namespace
}  // namespace osc
