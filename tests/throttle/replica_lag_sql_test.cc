// ReplicaLagSignal's pure parts: replica list and SHOW SLAVE HOSTS parsing,
// heartbeat times, and the per-replica and overall decisions.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "throttle/replica_lag_signal.h"

namespace osc::throttle {
namespace {

using std::chrono::milliseconds;

// 2024-03-01 12:00:00 UTC = 1709294400 s since the epoch (date -u -d).
const Clock::WallTime kNoon = Clock::WallTime(std::chrono::seconds(1709294400));

db::ReplicaStatus Running() {
  db::ReplicaStatus s;
  s.io_running = true;
  s.io_running_text = "Yes";
  s.sql_running = true;
  s.seconds_behind = 0;
  return s;
}

ReplicaReading WithHeartbeat(std::string value) {
  ReplicaReading r;
  r.name = "r1:3306";
  r.status = Running();
  r.heartbeat = Result<std::optional<std::string>>(std::optional<std::string>(std::move(value)));
  return r;
}

TEST(ReplicaListTest, ParsesHostsPortsAndIpv6WithThePrimaryPortAsDefault) {
  auto list = ParseReplicaList(" db1:3307 , db2,[::1]:3310,[fe80::1] ", 3306);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0], (ReplicaEndpoint{"db1", 3307}));
  EXPECT_EQ((*list)[1], (ReplicaEndpoint{"db2", 3306}));
  EXPECT_EQ((*list)[2], (ReplicaEndpoint{"::1", 3310}));
  EXPECT_EQ((*list)[3], (ReplicaEndpoint{"fe80::1", 3306}));
  EXPECT_EQ((*list)[2].ToString(), "[::1]:3310");
  EXPECT_EQ((*list)[0].ToString(), "db1:3307");
}

TEST(ReplicaListTest, EmptyTextIsNoReplicasAndDuplicatesCollapse) {
  auto empty = ParseReplicaList("  ", 3306);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto dup = ParseReplicaList("a:1,a:1,a:2", 3306);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->size(), 2u);
}

TEST(ReplicaListTest, RejectsMalformedItems) {
  for (const char* bad :
       {"a,,b", "a:", ":3306", "a:0", "a:65536", "a:x", "[::1", "::1:3306", "[::1]x", "[::1]:"}) {
    auto r = ParseReplicaList(bad, 3306);
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
  }
}

TEST(ReplicaConnectionOptionsTest, KeepsCredentialsAndTlsButNotSocketOrDatabase) {
  db::ConnectionOptions primary;
  primary.host = "p";
  primary.port = 1;
  primary.socket = "/tmp/p.sock";
  primary.user = "osc";
  primary.password = "secret";
  primary.database = "app";
  primary.ssl_mode = db::SslMode::kRequired;
  primary.ssl_ca = "/ca.pem";
  const db::ConnectionOptions r = ReplicaConnectionOptions(primary, ReplicaEndpoint{"r", 2});
  EXPECT_EQ(r.host, "r");
  EXPECT_EQ(r.port, 2);
  EXPECT_EQ(r.socket, "");
  EXPECT_EQ(r.database, "");
  EXPECT_EQ(r.user, "osc");
  EXPECT_EQ(r.password, "secret");
  EXPECT_EQ(r.ssl_mode, db::SslMode::kRequired);
  EXPECT_EQ(r.ssl_ca, "/ca.pem");
}

TEST(SlaveHostsTest, ReplicasWithoutReportHostAreListedAsUnreachable) {
  db::QueryResult rows;
  for (const char* name : {"Server_id", "Host", "Port", "Master_id"}) {
    db::Column c;
    c.name = name;
    rows.columns.push_back(c);
  }
  rows.rows.push_back({"11", "10.0.0.2", "3306", "1"});
  rows.rows.push_back({"12", "", "3306", "1"});
  rows.rows.push_back({"13", "10.0.0.3", "3307", "1"});
  const DiscoveredReplicas d = ParseSlaveHosts(rows);
  ASSERT_EQ(d.endpoints.size(), 2u);
  EXPECT_EQ(d.endpoints[0], (ReplicaEndpoint{"10.0.0.2", 3306}));
  EXPECT_EQ(d.endpoints[1], (ReplicaEndpoint{"10.0.0.3", 3307}));
  ASSERT_EQ(d.unreachable.size(), 1u);
  EXPECT_EQ(d.unreachable[0], "server_id 12");
}

TEST(HeartbeatTimeTest, ParsesUtcWithAndWithoutFraction) {
  auto t = ParseHeartbeatTime("2024-03-01 12:00:00");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, kNoon);
  auto micro = ParseHeartbeatTime("2024-03-01 12:00:00.000250");
  ASSERT_TRUE(micro.ok());
  EXPECT_EQ(*micro - kNoon, std::chrono::microseconds(250));
  auto tenth = ParseHeartbeatTime("2024-03-01 11:59:59.5");
  ASSERT_TRUE(tenth.ok());
  EXPECT_EQ(kNoon - *tenth, milliseconds(500));
}

TEST(HeartbeatTimeTest, RejectsMalformedValues) {
  for (const char* bad :
       {"", "2024-03-01", "2024-03-01T12:00:00", "2024-02-30 12:00:00", "2024-03-01 24:00:00",
        "2024-03-01 12:00:00.", "2024-03-01 12:00:00.1234567", "2024-03-01 12:00:00x",
        "abcd-03-01 12:00:00"}) {
    EXPECT_TRUE(ParseHeartbeatTime(bad).status().IsInvalidArgument()) << bad;
  }
}

TEST(EvaluateReplicaTest, LagIsWallNowMinusHeartbeat) {
  const ReplicaLag l = EvaluateReplica(WithHeartbeat("2024-03-01 11:59:57.750000"), kNoon);
  ASSERT_TRUE(l.lag.has_value()) << l.why;
  EXPECT_EQ(*l.lag, milliseconds(2250));
}

TEST(EvaluateReplicaTest, HeartbeatFromTheFutureCountsAsZero) {
  const ReplicaLag l = EvaluateReplica(WithHeartbeat("2024-03-01 12:00:01"), kNoon);
  ASSERT_TRUE(l.lag.has_value());
  EXPECT_EQ(*l.lag, milliseconds(0));
}

TEST(EvaluateReplicaTest, MissingOrNullOrBadHeartbeatIsUnknownNotZero) {
  ReplicaReading no_row = WithHeartbeat("");
  no_row.heartbeat = Result<std::optional<std::string>>(Status::NotFound("no rows"));
  ReplicaReading null_value = WithHeartbeat("");
  null_value.heartbeat = Result<std::optional<std::string>>(std::optional<std::string>());
  ReplicaReading failed = WithHeartbeat("");
  failed.heartbeat = Result<std::optional<std::string>>(
      Status::ServerError(1146, "42S02 Table 'd._t_osc_log' doesn't exist"));
  for (const auto& [reading, expected] :
       std::vector<std::pair<ReplicaReading, std::string>>{{no_row, "no heartbeat row"},
                                                           {null_value, "NULL"},
                                                           {failed, "doesn't exist"},
                                                           {WithHeartbeat("soon"), "not a time"}}) {
    const ReplicaLag l = EvaluateReplica(reading, kNoon);
    EXPECT_FALSE(l.lag.has_value()) << expected;
    EXPECT_TRUE(l.unavailable) << expected;
    EXPECT_NE(l.why.find(expected), std::string::npos) << l.why;
  }
}

TEST(EvaluateReplicaTest, StoppedThreadsAreInfiniteWithTheServerError) {
  ReplicaReading sql = WithHeartbeat("2024-03-01 12:00:00");
  sql.status->sql_running = false;
  sql.status->seconds_behind.reset();
  sql.status->last_sql_errno = 1062;
  sql.status->last_sql_error = "Duplicate entry '1' for key 'PRIMARY'";
  const ReplicaLag l = EvaluateReplica(sql, kNoon);
  EXPECT_FALSE(l.lag.has_value());
  EXPECT_FALSE(l.unavailable);
  EXPECT_NE(l.why.find("SQL thread not running"), std::string::npos) << l.why;
  EXPECT_NE(l.why.find("Duplicate entry"), std::string::npos) << l.why;

  ReplicaReading io = WithHeartbeat("2024-03-01 12:00:00");
  io.status->io_running = false;
  io.status->io_running_text = "Connecting";
  io.status->last_io_error = "error connecting to master";
  const ReplicaLag li = EvaluateReplica(io, kNoon);
  EXPECT_FALSE(li.lag.has_value());
  EXPECT_NE(li.why.find("IO thread not running (Connecting)"), std::string::npos) << li.why;
  EXPECT_NE(li.why.find("error connecting to master"), std::string::npos) << li.why;
}

TEST(EvaluateReplicaTest, NullSecondsBehindIsInfiniteEvenWithAFreshHeartbeat) {
  ReplicaReading r = WithHeartbeat("2024-03-01 12:00:00");
  r.status->seconds_behind.reset();
  const ReplicaLag l = EvaluateReplica(r, kNoon);
  EXPECT_FALSE(l.lag.has_value());
  EXPECT_NE(l.why.find("Seconds_Behind_Master is NULL"), std::string::npos);
}

TEST(EvaluateReplicaTest, UnreachableAndNotAReplica) {
  ReplicaReading down;
  down.name = "r9:1";
  down.error = Status::ServerError(2003, "Can't connect");
  const ReplicaLag l = EvaluateReplica(down, kNoon);
  EXPECT_FALSE(l.lag.has_value());
  EXPECT_TRUE(l.unavailable);
  EXPECT_NE(l.why.find("unreachable"), std::string::npos);

  ReplicaReading primary;
  primary.name = "p:1";
  const ReplicaLag lp = EvaluateReplica(primary, kNoon);
  EXPECT_FALSE(lp.lag.has_value());
  EXPECT_NE(lp.why.find("not a replica"), std::string::npos);
}

TEST(DecideReplicaLagTest, GoAtOrBelowTheLimitReportingTheWorst) {
  const Decision d =
      DecideReplicaLag({{"a", milliseconds(200), "", false}, {"b", milliseconds(1500), "", false}},
                       milliseconds(1500));
  EXPECT_TRUE(d.is_go());
  ASSERT_TRUE(d.measured.has_value());
  EXPECT_EQ(*d.measured, 1500.0);
}

TEST(DecideReplicaLagTest, ThrottlesNamingEveryReplicaOverTheLimit) {
  const Decision d = DecideReplicaLag({{"a:1", milliseconds(200), "", false},
                                       {"b:2", milliseconds(3200), "", false},
                                       {"c:3", std::nullopt, "SQL thread not running", false}},
                                      milliseconds(1500));
  ASSERT_TRUE(d.is_throttle());
  EXPECT_FALSE(d.unavailable);
  EXPECT_NE(d.reason.find("replica b:2 lag 3.2s > 1.5s"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("replica c:3 lag unknown: SQL thread not running"), std::string::npos)
      << d.reason;
  EXPECT_EQ(d.reason.find("a:1"), std::string::npos) << d.reason;
  ASSERT_TRUE(d.measured.has_value());
  EXPECT_TRUE(std::isinf(*d.measured));
  EXPECT_EQ(*d.limit, 1500.0);
}

TEST(DecideReplicaLagTest, OnlyMeasurementFailuresMakeItUnavailable) {
  const Decision d =
      DecideReplicaLag({{"a:1", std::nullopt, "unreachable: refused", true}}, milliseconds(1500));
  ASSERT_TRUE(d.is_throttle());
  EXPECT_TRUE(d.unavailable);
}

TEST(DecideReplicaLagTest, NoReplicasIsGo) {
  EXPECT_TRUE(DecideReplicaLag({}, milliseconds(1500)).is_go());
}

TEST(ReplicaLagOptionsTest, RejectsNonPositiveLagAndEmptyHosts) {
  ReplicaLagOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.max_lag = milliseconds(0);
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
  o.max_lag = milliseconds(10);
  o.replicas.push_back(ReplicaEndpoint{"", 3306});
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::throttle
