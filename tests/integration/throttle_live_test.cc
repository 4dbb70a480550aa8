// The SQL-backed throttle signals against the MariaDB sandbox (primary and
// replica): replica lag from a heartbeat row and SHOW SLAVE STATUS,
// metadata-lock waiters and long transactions, max-load / critical-load and
// the throttle query.
//
// Every test that touches replication restores it in TearDown (MASTER_DELAY
// 0, both threads running) so later tests start from a healthy replica.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "db/connection.h"
#include "osc/cutover/changelog.h"
#include "tests/integration/sandbox_options.h"
#include "tests/support/test_env.h"
#include "throttle/load_signal.h"
#include "throttle/mdl_signal.h"
#include "throttle/query_signal.h"
#include "throttle/replica_lag_signal.h"
#include "throttle/throttler.h"

namespace osc::throttle {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kDb = "osc_throttle_it";
const std::string kT = std::string("`") + kDb + "`.`t`";
const std::string kLog = std::string("`") + kDb + "`.`_t_osc_log`";
const std::string kHeartbeatQuery = "SELECT value FROM " + kLog + " WHERE id = 1";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

CheckContext Context(Clock::Duration budget = seconds(2)) {
  CheckContext ctx;
  ctx.now = SystemClock()->Now();
  ctx.wall_now = SystemClock()->WallNow();
  ctx.deadline = ctx.now + budget;
  return ctx;
}

class ThrottleLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = testing::SandboxPrimaryOptions();
    auto r = testing::SandboxReplica();
    if (!p || !r) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    primary_options_ = *p;
    replica_ = ReplicaEndpoint{r->host, r->port};
    primary_.emplace(Open(primary_options_));
    replica_conn_.emplace(Open(ReplicaConnectionOptions(primary_options_, replica_)));
    for (const std::string& sql : std::vector<std::string>{
             std::string("CREATE DATABASE IF NOT EXISTS `") + kDb + "`",
             "DROP TABLE IF EXISTS " + kT + ", " + kLog,
             "CREATE TABLE " + kT + " (id INT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB",
             "INSERT INTO " + kT + " VALUES (1, 1), (2, 2)",
             // The changelog's layout (osc/cutover/changelog.h).
             "CREATE TABLE " + kLog +
                 " (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, kind VARCHAR(32) NOT NULL,"
                 " value TEXT, updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))"}) {
      ASSERT_TRUE(primary_->Execute(sql).ok()) << sql;
    }
  }

  void TearDown() override {
    if (!replica_conn_) return;
    // Restore replication whatever the test did to it.
    for (const char* sql : {"STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE"}) {
      Status s = replica_conn_->Execute(sql);
      EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
    }
  }

  static db::Connection Open(const db::ConnectionOptions& o) {
    auto c = db::Connection::Open(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(*c);
  }

  void WriteHeartbeat(Clock::WallTime t) {
    const std::string sql = "REPLACE INTO " + kLog +
                            " (id, kind, value) VALUES (1, 'heartbeat', '" +
                            cutover::FormatUtcMicros(t) + "')";
    ASSERT_TRUE(primary_->Execute(sql).ok()) << sql;
  }

  // Waits until the replica has applied everything the primary has logged.
  void WaitForReplica() {
    auto pos = primary_->QueryScalar("SELECT @@gtid_binlog_pos");
    ASSERT_TRUE(pos.ok() && pos->has_value());
    auto waited = replica_conn_->QueryScalar("SELECT MASTER_GTID_WAIT('" + **pos + "', 20)");
    ASSERT_TRUE(waited.ok()) << waited.status().ToString();
    ASSERT_EQ(waited->value_or("?"), "0") << "replica did not catch up";
  }

  std::unique_ptr<ReplicaLagSignal> LagSignal(std::vector<ReplicaEndpoint> replicas, bool discover,
                                              milliseconds max_lag) {
    ReplicaLagOptions o;
    o.replicas = std::move(replicas);
    o.discover = discover;
    o.max_lag = max_lag;
    auto s = ReplicaLagSignal::Create(SystemClock(), primary_options_, kHeartbeatQuery, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  db::ConnectionOptions primary_options_;
  ReplicaEndpoint replica_;
  std::optional<db::Connection> primary_;
  std::optional<db::Connection> replica_conn_;
};

using ThrottleLiveReplicaLag = ThrottleLiveTest;
using ThrottleLiveMdl = ThrottleLiveTest;
using ThrottleLiveLoad = ThrottleLiveTest;
using ThrottleLiveQuery = ThrottleLiveTest;

TEST_F(ThrottleLiveReplicaLag, CurrentReplicaGoesAndIsFoundByDiscovery) {
  WriteHeartbeat(SystemClock()->WallNow());
  WaitForReplica();
  for (const bool discover : {false, true}) {
    auto signal = LagSignal(discover ? std::vector<ReplicaEndpoint>{} : std::vector{replica_},
                            discover, milliseconds(1500));
    ASSERT_NE(signal, nullptr);
    const Decision d = signal->Check(Context());
    EXPECT_TRUE(d.is_go()) << "discover=" << discover << ": " << d.ToString();
    ASSERT_TRUE(d.measured.has_value()) << "no replica was checked, discover=" << discover;
    EXPECT_LT(*d.measured, 1500.0);
  }
}

TEST_F(ThrottleLiveReplicaLag, NoHeartbeatRowIsUnavailableNotZero) {
  WaitForReplica();  // the empty changelog exists on the replica
  auto signal = LagSignal({replica_}, false, milliseconds(1500));
  ASSERT_NE(signal, nullptr);
  const Decision d = signal->Check(Context());
  ASSERT_TRUE(d.is_throttle()) << d.ToString();
  EXPECT_TRUE(d.unavailable);
  EXPECT_TRUE(Contains(d.reason, "no heartbeat row yet")) << d.reason;
}

TEST_F(ThrottleLiveReplicaLag, StoppedSqlThreadIsInfiniteLagUntilStarted) {
  WriteHeartbeat(SystemClock()->WallNow());
  WaitForReplica();
  auto signal = LagSignal({replica_}, false, milliseconds(1500));
  ASSERT_NE(signal, nullptr);
  ASSERT_TRUE(replica_conn_->Execute("STOP SLAVE SQL_THREAD").ok());
  const Decision stopped = signal->Check(Context());
  RecordProperty("decision", stopped.ToString());
  ASSERT_TRUE(stopped.is_throttle()) << stopped.ToString();
  EXPECT_FALSE(stopped.unavailable);
  EXPECT_TRUE(Contains(stopped.reason, replica_.ToString())) << stopped.reason;
  EXPECT_TRUE(Contains(stopped.reason, "SQL thread not running")) << stopped.reason;
  ASSERT_TRUE(stopped.measured.has_value());
  EXPECT_TRUE(std::isinf(*stopped.measured));

  ASSERT_TRUE(replica_conn_->Execute("START SLAVE SQL_THREAD").ok());
  WriteHeartbeat(SystemClock()->WallNow());
  WaitForReplica();
  const Decision running = signal->Check(Context());  // same connection, reused
  EXPECT_TRUE(running.is_go()) << running.ToString();
}

TEST_F(ThrottleLiveReplicaLag, MasterDelayMakesLagGrowPastTheLimit) {
  WriteHeartbeat(SystemClock()->WallNow());
  WaitForReplica();
  for (const char* sql : {"STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 4", "START SLAVE"}) {
    ASSERT_TRUE(replica_conn_->Execute(sql).ok()) << sql;
  }
  auto signal = LagSignal({replica_}, false, milliseconds(1000));
  ASSERT_NE(signal, nullptr);
  // osc keeps writing heartbeats; the replica applies each 4 s late.
  std::optional<Decision> last;
  for (int i = 0; i < 12; ++i) {
    WriteHeartbeat(SystemClock()->WallNow());
    std::this_thread::sleep_for(milliseconds(250));
    last = signal->Check(Context());
  }
  RecordProperty("decision", last->ToString());
  ASSERT_TRUE(last->is_throttle()) << last->ToString();
  EXPECT_FALSE(last->unavailable);
  EXPECT_TRUE(Contains(last->reason, "replica " + replica_.ToString() + " lag")) << last->reason;
  ASSERT_TRUE(last->measured.has_value());
  EXPECT_GT(*last->measured, 1000.0);
  EXPECT_LT(*last->measured, 10000.0);  // measured, not infinite
}

TEST_F(ThrottleLiveReplicaLag, RowLockOnReplicaBlocksTheApplierAndLagGrows) {
  WriteHeartbeat(SystemClock()->WallNow());
  WaitForReplica();
  db::Connection locker = Open(ReplicaConnectionOptions(primary_options_, replica_));
  ASSERT_TRUE(locker.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(locker.QueryScalar("SELECT value FROM " + kLog + " WHERE id = 1 FOR UPDATE").ok());
  auto signal = LagSignal({replica_}, false, milliseconds(1000));
  ASSERT_NE(signal, nullptr);
  WriteHeartbeat(SystemClock()->WallNow());  // the applier blocks on this row
  std::this_thread::sleep_for(milliseconds(1800));
  const Decision blocked = signal->Check(Context());
  ASSERT_TRUE(blocked.is_throttle()) << blocked.ToString();
  EXPECT_TRUE(Contains(blocked.reason, "lag")) << blocked.reason;
  EXPECT_FALSE(Contains(blocked.reason, "not running")) << blocked.reason;
  ASSERT_TRUE(blocked.measured.has_value());
  EXPECT_GT(*blocked.measured, 1000.0);
  EXPECT_FALSE(std::isinf(*blocked.measured));

  ASSERT_TRUE(locker.Execute("ROLLBACK").ok());
  WriteHeartbeat(SystemClock()->WallNow());
  WaitForReplica();
  EXPECT_TRUE(signal->Check(Context()).is_go());
}

TEST_F(ThrottleLiveReplicaLag, UnreachableReplicaThrottles) {
  // The primary's port + 100 is not a sandbox port (they come in pairs).
  const ReplicaEndpoint nowhere{replica_.host, static_cast<uint16_t>(primary_options_.port + 100)};
  auto signal = LagSignal({nowhere}, false, milliseconds(1500));
  ASSERT_NE(signal, nullptr);
  const auto start = SystemClock()->Now();
  const Decision d = signal->Check(Context(seconds(1)));
  EXPECT_LT(SystemClock()->Now() - start, seconds(3));
  RecordProperty("decision", d.ToString());
  ASSERT_TRUE(d.is_throttle()) << d.ToString();
  EXPECT_TRUE(d.unavailable);
  EXPECT_TRUE(Contains(d.reason, nowhere.ToString() + " lag unknown: unreachable")) << d.reason;
}

// Runs `sql` on its own connection in a thread (a statement that blocks).
class Blocked {
 public:
  Blocked(const db::ConnectionOptions& o, std::string sql) {
    auto c = db::Connection::Open(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (!c.ok()) return;
    conn_.emplace(std::move(*c));
    id_ = conn_->thread_id();
    thread_ = std::thread([this, sql = std::move(sql)] { status_ = conn_->Execute(sql); });
  }
  ~Blocked() { Join(); }
  uint64_t id() const { return id_; }
  Status Join() {
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  std::optional<db::Connection> conn_;
  uint64_t id_ = 0;
  Status status_;
  std::thread thread_;
};

// Checks until the decision is not go or `limit` passes.
Decision CheckUntilThrottled(Signal& signal, milliseconds limit = milliseconds(5000)) {
  const auto end = SystemClock()->Now() + limit;
  Decision d = signal.Check(Context());
  while (d.is_go() && SystemClock()->Now() < end) {
    std::this_thread::sleep_for(milliseconds(100));
    d = signal.Check(Context());
  }
  return d;
}

std::unique_ptr<MdlSignal> MakeMdl(const db::ConnectionOptions& o, MdlSignal::OwnSessions own,
                                   seconds long_trx = seconds(60)) {
  MdlOptions options;
  options.long_transaction = long_trx;
  auto s = MdlSignal::Create(SystemClock(), o, {TableRef{kDb, "t"}, TableRef{kDb, "parent"}},
                             std::move(own), options);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

void SetMdlInstrument(db::Connection& c, bool on) {
  const std::string value = on ? "'YES'" : "'NO'";
  ASSERT_TRUE(c.Execute("UPDATE performance_schema.setup_instruments SET ENABLED = " + value +
                        ", TIMED = " + value + " WHERE NAME = 'wait/lock/metadata/sql/mdl'")
                  .ok());
}

TEST_F(ThrottleLiveMdl, AlterWaitingBehindOpenTransactionIsNamedUntilCommit) {
  auto state = MdlInstrumentEnabled(*primary_);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_TRUE(state->enabled) << "the sandbox enables the MDL instrument: " << state->why_not;

  db::Connection holder = Open(primary_options_);
  ASSERT_TRUE(holder.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(holder.QueryScalar("SELECT COUNT(*) FROM " + kT).ok());
  auto signal = MakeMdl(primary_options_, nullptr);
  ASSERT_NE(signal, nullptr);
  EXPECT_TRUE(signal->Check(Context()).is_go());

  Blocked alter(primary_options_, "ALTER TABLE " + kT + " ADD COLUMN x INT");
  const Decision d = CheckUntilThrottled(*signal);
  RecordProperty("decision", d.ToString());
  ASSERT_TRUE(d.is_throttle()) << d.ToString();
  EXPECT_TRUE(Contains(d.reason, "id " + std::to_string(alter.id()) + " ")) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "ALTER TABLE")) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "held by id " + std::to_string(holder.thread_id()))) << d.reason;
  EXPECT_EQ(*d.measured, 1.0);

  // The same pile-up with the ALTER's session declared as osc's own.
  const uint64_t alter_id = alter.id();
  auto own = MakeMdl(primary_options_, [alter_id] { return std::vector<uint64_t>{alter_id}; });
  ASSERT_NE(own, nullptr);
  EXPECT_TRUE(own->Check(Context()).is_go());

  ASSERT_TRUE(holder.Execute("COMMIT").ok());
  EXPECT_TRUE(alter.Join().ok());
  const Decision after = signal->Check(Context());
  EXPECT_TRUE(after.is_go()) << after.ToString();
}

TEST_F(ThrottleLiveMdl, WithoutTheInstrumentFallsBackToProcesslist) {
  SetMdlInstrument(*primary_, false);
  auto state = MdlInstrumentEnabled(*primary_);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->enabled);
  EXPECT_TRUE(Contains(state->why_not, "wait/lock/metadata/sql/mdl")) << state->why_not;

  db::Connection holder = Open(primary_options_);
  ASSERT_TRUE(holder.Execute("START TRANSACTION").ok());
  ASSERT_TRUE(holder.QueryScalar("SELECT COUNT(*) FROM " + kT).ok());
  auto signal = MakeMdl(primary_options_, nullptr);
  ASSERT_NE(signal, nullptr);
  Blocked alter(primary_options_, "ALTER TABLE " + kT + " ADD COLUMN y INT");
  const Decision d = CheckUntilThrottled(*signal);
  ASSERT_TRUE(holder.Execute("COMMIT").ok());
  EXPECT_TRUE(alter.Join().ok());
  SetMdlInstrument(*primary_, true);

  ASSERT_TRUE(d.is_throttle()) << d.ToString();
  EXPECT_TRUE(Contains(d.reason, "id " + std::to_string(alter.id()) + " ")) << d.reason;
  EXPECT_TRUE(Contains(d.detail, "approximate")) << d.detail;
  EXPECT_TRUE(signal->Check(Context()).is_go());
}

TEST_F(ThrottleLiveMdl, LongTransactionHoldingALockIsNamed) {
  db::Connection holder = Open(primary_options_);
  ASSERT_TRUE(holder.Execute("START TRANSACTION").ok());
  // A plain read in an open transaction, then idle: the session shows only
  // as Sleep, yet holds SHARED_READ on t (SERVER-FACTS' pile-up blocker).
  ASSERT_TRUE(holder.QueryScalar("SELECT COUNT(*) FROM " + kT).ok());
  auto signal = MakeMdl(primary_options_, nullptr, seconds(1));
  ASSERT_NE(signal, nullptr);
  std::this_thread::sleep_for(milliseconds(2200));
  const Decision d = signal->Check(Context());
  RecordProperty("decision", d.ToString());
  ASSERT_TRUE(d.is_throttle()) << d.ToString();
  EXPECT_TRUE(Contains(d.reason, "transaction open")) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "id " + std::to_string(holder.thread_id()) + " ")) << d.reason;

  ASSERT_TRUE(holder.Execute("COMMIT").ok());
  const Decision after = signal->Check(Context());
  EXPECT_TRUE(after.is_go()) << after.ToString();
}

std::unique_ptr<LoadSignal> MakeLoad(const db::ConnectionOptions& o, const char* max_load,
                                     const char* critical_load) {
  LoadOptions options;
  options.max_load = *ParseLoadThresholds(max_load);
  options.critical_load = *ParseLoadThresholds(critical_load);
  auto s = LoadSignal::Create(SystemClock(), o, options);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST_F(ThrottleLiveLoad, MaxLoadThrottlesAtALowThreshold) {
  auto low = MakeLoad(primary_options_, "Threads_connected=1", "");
  ASSERT_NE(low, nullptr);
  const Decision d = low->Check(Context());
  ASSERT_TRUE(d.is_throttle()) << d.ToString();
  EXPECT_FALSE(d.unavailable);
  EXPECT_TRUE(Contains(d.reason, "max-load Threads_connected=")) << d.reason;
  EXPECT_GE(*d.measured, 2.0);  // this test's connection and the signal's

  auto high = MakeLoad(primary_options_, "threads_running=100000", "");
  ASSERT_NE(high, nullptr);
  EXPECT_TRUE(high->Check(Context()).is_go());
}

TEST_F(ThrottleLiveLoad, UnknownVariableIsCaughtUpFrontAndUnavailableLater) {
  LoadOptions typo;
  typo.max_load = *ParseLoadThresholds("Threds_running=5");
  const Status verify = LoadSignal::VerifyVariables(*primary_, typo);
  EXPECT_TRUE(verify.IsInvalidArgument()) << verify.ToString();
  EXPECT_TRUE(Contains(std::string(verify.message()), "Threds_running"));
  auto signal = MakeLoad(primary_options_, "Threds_running=5", "");
  ASSERT_NE(signal, nullptr);
  const Decision d = signal->Check(Context());
  EXPECT_TRUE(d.unavailable) << d.ToString();
}

TEST_F(ThrottleLiveLoad, CriticalLoadAbortsTheThrottler) {
  auto signal = MakeLoad(primary_options_, "", "Threads_connected=1");
  ASSERT_NE(signal, nullptr);
  const Decision d = signal->Check(Context());
  ASSERT_TRUE(d.is_abort()) << d.ToString();
  EXPECT_TRUE(Contains(d.reason, "critical-load Threads_connected=")) << d.reason;

  Throttler throttler(SystemClock(), ThrottlerOptions{});
  throttler.AddSignal(std::move(signal));
  throttler.CheckOnce();
  EXPECT_TRUE(throttler.Current().is_abort()) << throttler.Current().ToString();
}

TEST_F(ThrottleLiveQuery, PositiveAnswerThrottlesAndErrorsAreUnavailable) {
  auto created = QuerySignal::Create(SystemClock(), primary_options_, QueryOptions{"SELECT 1"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  QuerySignal& signal = **created;
  const Decision one = signal.Check(Context());
  ASSERT_TRUE(one.is_throttle()) << one.ToString();
  EXPECT_FALSE(one.unavailable);

  ASSERT_TRUE(
      signal.UpdateOptions(QueryOptions{"SELECT COUNT(*) FROM " + kT + " WHERE v > 5"}).ok());
  EXPECT_TRUE(signal.Check(Context()).is_go());

  ASSERT_TRUE(
      signal.UpdateOptions(QueryOptions{"SELECT x FROM " + std::string(kDb) + ".nope"}).ok());
  const Decision error = signal.Check(Context());
  ASSERT_TRUE(error.is_throttle()) << error.ToString();
  EXPECT_TRUE(error.unavailable);
  EXPECT_TRUE(Contains(error.reason, "doesn't exist")) << error.reason;

  // A statement slower than the check budget times out instead of hanging.
  ASSERT_TRUE(signal.UpdateOptions(QueryOptions{"SELECT SLEEP(5) + 1"}).ok());
  const auto start = SystemClock()->Now();
  const Decision slow = signal.Check(Context(seconds(1)));
  EXPECT_LT(SystemClock()->Now() - start, seconds(4));
  EXPECT_TRUE(slow.unavailable) << slow.ToString();

  // The session broke on the timeout; the next check reopens it.
  ASSERT_TRUE(signal.UpdateOptions(QueryOptions{"SELECT 0"}).ok());
  const Decision again = signal.Check(Context());
  EXPECT_TRUE(again.is_go()) << again.ToString();
}

}  // namespace
}  // namespace osc::throttle
