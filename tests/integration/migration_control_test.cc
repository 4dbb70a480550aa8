// Throttling and live control of a whole migration on the sandbox: a paused
// copy makes no progress (row counts), every control-socket command acts on
// the running migration, a stopped replica pauses the copy, and in each
// case the migration still ends exactly like a direct ALTER.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "db/connection.h"
#include "osc/migration.h"
#include "tests/integration/migration_fixture.h"

namespace osc::migration {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kDb = "osc_control";

// One command on the control socket: connect, send the line, read the
// reply until the server closes.
std::string SocketCommand(const std::string& path, const std::string& line) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return "socket() failed";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "connect() failed";
  }
  const std::string msg = line + "\n";
  (void)::send(fd, msg.data(), msg.size(), MSG_NOSIGNAL);
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) reply.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return reply;
}

class MigrationControlTest : public live::MigrationLiveTest {
 protected:
  MigrationControlTest() : MigrationLiveTest(kDb) {}

  void SetUp() override {
    MigrationLiveTest::SetUp();
    dir_ = fs::temp_directory_path() / ("osc-control-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Small chunks on one thread, so a pause shows in row counts at once.
  MigrationOptions Options(const std::string& table, const std::string& alter) const {
    MigrationOptions o = BaseOptions(table, alter);
    o.copy.threads = 1;
    o.copy.chunk_size = 100;
    o.copy.max_chunk_size = 200;
    return o;
  }

  // The table's rows equal the mirror's after the same ALTER, directly.
  void ExpectEqualsDirectAlter(const std::string& table, const std::string& mirror, const std::string& alter) {
    Exec("ALTER TABLE " + mirror + " " + alter);
    EXPECT_EQ(Rows("SELECT * FROM " + table + " ORDER BY id").rows, Rows("SELECT * FROM " + mirror + " ORDER BY id").rows);
  }

  // Waits until `pred(progress)` holds (or `limit` passes).
  template <typename Pred>
  bool WaitFor(const Migration& m, Pred pred, std::chrono::milliseconds limit = 20s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (pred(m.progress())) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  fs::path dir_;
};

TEST_F(MigrationControlTest, ThrottleFlagFilePausesTheCopyUntilRemoved) {
  MakeMirroredTable("flagged", 5000);
  const fs::path flag = dir_ / "throttle.flag";
  std::ofstream(flag) << "pause";
  MigrationOptions o = Options("flagged", "ADD COLUMN note INT NULL");
  o.throttle.throttle_flag_file = flag.string();
  Migration m(o);
  auto run = std::async(std::launch::async, [&] { return m.Run({}); });
  ASSERT_TRUE(WaitFor(m, [](const ProgressSnapshot& p) { return p.state == "copying"; }));
  std::this_thread::sleep_for(1500ms);
  const ProgressSnapshot paused = m.progress();
  EXPECT_EQ(paused.rows_copied, 0u) << "a throttled copy must not copy";
  EXPECT_NE(paused.throttle_reason.find("throttle-flag-file"), std::string::npos) << paused.throttle_reason;
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM _flagged_osc_new").rows[0][0], "0");
  fs::remove(flag);
  const Status s = run.get();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectEqualsDirectAlter("flagged", "flagged_mirror", "ADD COLUMN note INT NULL");
}

TEST_F(MigrationControlTest, EverySocketCommandActsOnTheRunningMigration) {
  MakeMirroredTable("steered", 30000);
  const std::string sock = (dir_ / "osc.sock").string();
  MigrationOptions o = Options("steered", "ADD COLUMN note INT NULL");
  o.serve_socket_file = sock;
  Migration m(o);
  std::stop_source stop;
  auto run = std::async(std::launch::async, [&] { return m.Run(stop.get_token()); });
  ASSERT_TRUE(WaitFor(m, [](const ProgressSnapshot& p) { return p.rows_copied > 0; }));

  EXPECT_NE(SocketCommand(sock, "throttle").find("throttled"), std::string::npos);
  std::this_thread::sleep_for(700ms);  // a chunk in flight may still finish
  const uint64_t frozen = m.progress().rows_copied;
  std::this_thread::sleep_for(1000ms);
  EXPECT_EQ(m.progress().rows_copied, frozen) << "the operator throttle must stop the copy";
  EXPECT_NE(SocketCommand(sock, "status").find("operator"), std::string::npos);
  const std::string json = SocketCommand(sock, "status json");
  EXPECT_EQ(json.rfind("{", 0), 0u) << json;
  EXPECT_NE(json.find("\"rows_copied\""), std::string::npos) << json;
  EXPECT_NE(SocketCommand(sock, "chunk-size=150").find("150"), std::string::npos);
  EXPECT_NE(SocketCommand(sock, "chunk-size?").find("150"), std::string::npos);
  EXPECT_NE(SocketCommand(sock, "threads=3").find("3"), std::string::npos);
  EXPECT_NE(SocketCommand(sock, "max-lag-millis=2500").find("2500"), std::string::npos);
  EXPECT_NE(SocketCommand(sock, "max-lag-millis?").find("2500"), std::string::npos);
  EXPECT_NE(SocketCommand(sock, "max-load=Threads_running=1000").find("Threads_running"), std::string::npos);
  EXPECT_NE(SocketCommand(sock, "critical-load=Threads_running=5000").find("Threads_running"), std::string::npos);
  EXPECT_NE(SocketCommand(sock, "bogus").find("unknown command"), std::string::npos);

  EXPECT_NE(SocketCommand(sock, "no-throttle").find("lifted"), std::string::npos);
  EXPECT_TRUE(WaitFor(m, [&](const ProgressSnapshot& p) { return p.rows_copied > frozen; }, 10s))
      << "the copy must go on after no-throttle";
  EXPECT_NE(SocketCommand(sock, "panic").find("stopping"), std::string::npos);
  const Status s = run.get();
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_TRUE(m.outcome().helpers_kept) << m.outcome().summary;
  EXPECT_FALSE(fs::exists(sock)) << "the socket file is removed at the end";
  // The kept run resumes and still ends exactly.
  Migration again(Options("steered", "ADD COLUMN note INT NULL"));
  const Status s2 = again.Run({});
  ASSERT_TRUE(s2.ok()) << s2.ToString();
  ExpectEqualsDirectAlter("steered", "steered_mirror", "ADD COLUMN note INT NULL");
}

TEST_F(MigrationControlTest, StoppedReplicaPausesTheCopyUntilItRuns) {
  auto replica_ep = testing::SandboxReplica();
  if (!replica_ep) OSC_SKIP_OR_FAIL("no sandbox replica");
  db::ConnectionOptions ro = conn_opts_;
  ro.host = replica_ep->host;
  ro.port = replica_ep->port;
  auto rc = db::Connection::Open(ro);
  ASSERT_TRUE(rc.ok()) << rc.status().ToString();
  MakeMirroredTable("lagged", 5000);
  // Let the replica have the table before its SQL thread stops.
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(rc->Execute("STOP SLAVE SQL_THREAD").ok());
  struct Restart {
    db::Connection* c;
    ~Restart() { (void)c->Execute("START SLAVE"); }
  } restart{&*rc};

  MigrationOptions o = Options("lagged", "ADD COLUMN note INT NULL");
  o.throttle.control_replicas = {replica_ep->host + ":" + std::to_string(replica_ep->port)};
  Migration m(o);
  auto run = std::async(std::launch::async, [&] { return m.Run({}); });
  ASSERT_TRUE(WaitFor(m, [](const ProgressSnapshot& p) { return p.state == "copying"; }));
  std::this_thread::sleep_for(1500ms);
  const ProgressSnapshot paused = m.progress();
  EXPECT_EQ(paused.rows_copied, 0u);
  EXPECT_NE(paused.throttle_reason.find("replica-lag"), std::string::npos) << paused.throttle_reason;
  ASSERT_TRUE(rc->Execute("START SLAVE SQL_THREAD").ok());
  const Status s = run.get();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectEqualsDirectAlter("lagged", "lagged_mirror", "ADD COLUMN note INT NULL");
}

TEST_F(MigrationControlTest, LowHostMemoryPausesTheCopyUntilMemoryIsBack) {
  MakeMirroredTable("memory", 3000);
  const fs::path meminfo = dir_ / "meminfo";
  auto write_meminfo = [&](uint64_t available_kb) {
    std::ofstream(meminfo) << "MemTotal:       8000000 kB\nMemFree:         100000 kB\nMemAvailable:   "
                           << available_kb << " kB\n";
  };
  write_meminfo(200000);  // 2.5% available
  MigrationOptions o = Options("memory", "ADD COLUMN note INT NULL");
  o.throttle.min_available_memory = "10%";
  o.throttle.meminfo_path = meminfo.string();
  Migration m(o);
  auto run = std::async(std::launch::async, [&] { return m.Run({}); });
  ASSERT_TRUE(WaitFor(m, [](const ProgressSnapshot& p) { return p.state == "copying"; }));
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(m.progress().rows_copied, 0u);
  EXPECT_NE(m.progress().throttle_reason.find("host-memory"), std::string::npos) << m.progress().throttle_reason;
  write_meminfo(4000000);
  const Status s = run.get();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectEqualsDirectAlter("memory", "memory_mirror", "ADD COLUMN note INT NULL");
}

TEST_F(MigrationControlTest, SessionsWaitingForAMetadataLockPauseTheCopy) {
  MakeMirroredTable("queued", 5000);
  const fs::path flag = dir_ / "hold.flag";
  std::ofstream(flag) << "hold";
  MigrationOptions o = Options("queued", "ADD COLUMN note INT NULL");
  o.throttle.throttle_flag_file = flag.string();
  Migration m(o);
  auto run = std::async(std::launch::async, [&] { return m.Run({}); });
  ASSERT_TRUE(WaitFor(m, [](const ProgressSnapshot& p) { return p.state == "copying"; }));

  // An open transaction holds the table's metadata lock; LOCK TABLES ...
  // WRITE from another session queues behind it: one MDL waiter.
  auto holder = db::Connection::Open(conn_opts_);
  auto waiter = db::Connection::Open(conn_opts_);
  ASSERT_TRUE(holder.ok() && waiter.ok());
  ASSERT_TRUE(holder->Execute("BEGIN").ok());
  ASSERT_TRUE(holder->Query(std::string("SELECT id FROM ") + kDb + ".queued LIMIT 1").ok());
  auto locked = std::async(std::launch::async, [&] {
    Status s = waiter->Execute("SET SESSION lock_wait_timeout = 30");
    if (s.ok()) s = waiter->Execute(std::string("LOCK TABLES ") + kDb + ".queued WRITE");
    if (s.ok()) s = waiter->Execute("UNLOCK TABLES");
    return s;
  });
  std::this_thread::sleep_for(500ms);
  fs::remove(flag);  // only the metadata-lock waiter can hold the copy now
  ASSERT_TRUE(WaitFor(m, [](const ProgressSnapshot& p) {
    return p.throttle_reason.find("metadata-lock") != std::string::npos;
  }, 10s)) << m.progress().throttle_reason;
  EXPECT_EQ(m.progress().rows_copied, 0u) << "the copy must not add to a metadata-lock queue";
  ASSERT_TRUE(holder->Execute("COMMIT").ok());
  const Status lock_status = locked.get();
  EXPECT_TRUE(lock_status.ok()) << lock_status.ToString();
  const Status s = run.get();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectEqualsDirectAlter("queued", "queued_mirror", "ADD COLUMN note INT NULL");
}

TEST_F(MigrationControlTest, PanicFlagFileAbortsResumably) {
  MakeMirroredTable("panicky", 20000);
  const fs::path flag = dir_ / "panic.flag";
  MigrationOptions o = Options("panicky", "ADD COLUMN note INT NULL");
  o.throttle.panic_flag_file = flag.string();
  o.checkpoint_interval = 100ms;
  Migration m(o);
  auto run = std::async(std::launch::async, [&] { return m.Run({}); });
  ASSERT_TRUE(WaitFor(m, [](const ProgressSnapshot& p) { return p.rows_copied > 1000; }));
  std::ofstream(flag) << "stop";
  const Status s = run.get();
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_NE(s.ToString().find("panic"), std::string::npos) << s.ToString();
  EXPECT_TRUE(m.outcome().helpers_kept) << m.outcome().summary;
  EXPECT_EQ(Rows("SHOW COLUMNS FROM panicky LIKE 'note'").rows.size(), 0u);
}

}  // namespace
}  // namespace osc::migration
