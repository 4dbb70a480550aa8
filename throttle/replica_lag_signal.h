// ReplicaLagSignal: pauses the row copy while any replica is too far behind
// the primary (--max-lag-millis), or while osc cannot tell how far behind it
// is. Unknown is never zero.
//
// Which replicas: an explicit list (--throttle-control-replicas,
// "host[:port],..."; each is reached with the primary's user, password and
// TLS settings) and/or the replicas the primary knows (SHOW SLAVE HOSTS,
// re-read at every check so a replica that attaches mid-migration is
// watched; only replicas that set report_host can be found this way).
//
// How lag is measured, per replica, on one connection kept open across
// checks (reopened after a failure):
//   1. SHOW SLAVE STATUS. IO or SQL thread not running, Seconds_Behind_Master
//      NULL, or the server not being a replica at all: infinite lag, with the
//      reason (Last_IO_Error / Last_SQL_Error) in the decision.
//   2. The caller's heartbeat query (e.g. SELECT value FROM
//      `d`.`_t_osc_log` WHERE id = 1), whose first cell is the wall time, UTC,
//      at which osc wrote the heartbeat row on the primary
//      ("YYYY-MM-DD HH:MM:SS[.ffffff]"). Lag = CheckContext::wall_now minus
//      that time. No row, NULL, an unparsable value or a failing query (the
//      changelog not replicated yet): unavailable, never zero.
// Seconds_Behind_Master is used only for its NULL; its value is not
// compared: it has one-second resolution and, on a replica that was idle, it
// jumps to the age of the first event of a long transaction (it is computed
// from event timestamps), which would throttle for nothing. The heartbeat is
// exact to the heartbeat interval: the measured lag includes up to one
// interval of heartbeat age, so keep the interval well below max_lag
// (gh-ost's advice too), and assumes osc's clock and the timestamps it writes
// come from the same host (they do: osc writes its own wall time).
// An unreachable replica (connect or query failure) is unavailable.
//
// Decision: kThrottle when any replica's lag exceeds max_lag or is infinite
// (unavailable = true only when every problem is a failure to measure);
// measured = the worst replica's lag in milliseconds (+infinity for
// infinite), limit = max_lag in milliseconds; the reason names each
// offending replica. No replica at all: kGo.
//
// Every query is bounded by the check deadline (connect and read timeouts of
// the remaining budget, at least 1 s, see sql_session_internal.h). Replicas
// are checked one after another; a replica reached after the deadline is
// reported unavailable ("not checked: out of time") without a query.
//
// Privileges (MariaDB 10.11, checked against the sandbox): SHOW SLAVE
// STATUS on each replica needs SLAVE MONITOR (REPLICATION CLIENT on MySQL);
// SHOW SLAVE HOSTS on the primary needs REPLICATION MASTER ADMIN (MariaDB
// >= 10.5.2; REPLICATION SLAVE on MySQL). Without it discovery fails with
// error 1227 and the signal stays unavailable: grant it, or set
// discover = false and list the replicas.
//
// Measuring (SQL) and deciding (EvaluateReplica, DecideReplicaLag) are
// separate so the decision is unit-tested without a server.
//
// Thread safety: Check() from the throttler's thread; UpdateOptions() and
// options() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/connection_options.h"
#include "db/query_result.h"
#include "db/replica_status.h"
#include "throttle/live_settings.h"
#include "throttle/signal.h"
#include "throttle/sql_session_internal.h"

namespace osc::throttle {

struct ReplicaEndpoint {
  std::string host;
  uint16_t port = 3306;

  // "host:port", or "[v6addr]:port" for an IPv6 address.
  std::string ToString() const;
  bool operator==(const ReplicaEndpoint&) const = default;
};

// Parses "host[:port][,host[:port]...]"; IPv6 addresses in brackets
// ("[::1]:3307"). A missing port is `default_port` (the primary's, as
// gh-ost does). Spaces around items are ignored; empty text gives an empty
// list. InvalidArgument (quoting the item) for an empty item, a bad port or
// an unbalanced bracket. Duplicates are removed. Pure.
Result<std::vector<ReplicaEndpoint>> ParseReplicaList(std::string_view text, uint16_t default_port);

// Connection settings for a replica: `primary`'s with host and port
// replaced, no socket and no default database. Pure.
db::ConnectionOptions ReplicaConnectionOptions(const db::ConnectionOptions& primary,
                                               const ReplicaEndpoint& replica);

// Replicas named by a SHOW SLAVE HOSTS (or SHOW REPLICAS) result. A row
// without a Host (the replica does not set report_host) cannot be reached:
// it goes to `unreachable` as "server_id N" instead. Pure.
struct DiscoveredReplicas {
  std::vector<ReplicaEndpoint> endpoints;
  std::vector<std::string> unreachable;
};
DiscoveredReplicas ParseSlaveHosts(const db::QueryResult& rows);

// "YYYY-MM-DD HH:MM:SS" with an optional fraction of 1-6 digits, read as
// UTC. InvalidArgument otherwise (quoting at most 40 bytes). Pure.
Result<Clock::WallTime> ParseHeartbeatTime(std::string_view text);

// What one check saw on one replica.
struct ReplicaReading {
  std::string name;  // ReplicaEndpoint::ToString(), or a label
  // Not OK: the replica could not be reached or SHOW SLAVE STATUS failed;
  // nothing below is meaningful.
  Status error;
  // nullopt: the server says it is not a replica.
  std::optional<db::ReplicaStatus> status;
  // The heartbeat query's outcome: the first cell (nullopt for NULL),
  // NotFound for no row, or its error. Unset when it was not run (because
  // the status already showed a problem).
  std::optional<Result<std::optional<std::string>>> heartbeat;
};

// One replica's verdict.
struct ReplicaLag {
  std::string name;
  // nullopt: infinite (stopped, unknown, unreachable).
  std::optional<std::chrono::milliseconds> lag;
  // Why lag is infinite; empty when it was measured.
  std::string why;
  // True when infinite because osc could not measure (unreachable, no
  // heartbeat), false when the replica itself says it is not replicating.
  bool unavailable = false;
};

// The verdict for `reading` at `wall_now`. A heartbeat from the future
// (clock step) counts as zero lag. Pure.
ReplicaLag EvaluateReplica(const ReplicaReading& reading, Clock::WallTime wall_now);

// The signal's decision over every replica's verdict; see the file comment.
// Pure.
Decision DecideReplicaLag(const std::vector<ReplicaLag>& lags, std::chrono::milliseconds max_lag);

struct ReplicaLagOptions {
  // --max-lag-millis: pause while any replica is further behind. 1.5 s (gh-ost's default) keeps
  // replicas fresh enough for reads while letting the copy run most of the time; lower values pause
  // more often.
  std::chrono::milliseconds max_lag{1500};
  // --throttle-control-replicas.
  std::vector<ReplicaEndpoint> replicas;
  // Also watch the replicas SHOW SLAVE HOSTS lists on the primary. A
  // failing SHOW SLAVE HOSTS makes the signal unavailable (replicas osc
  // cannot list are replicas it cannot watch).
  bool discover = true;

  // InvalidArgument unless max_lag > 0 and every endpoint has a host and a
  // non-zero port.
  Status Validate() const;
};

class ReplicaLagSignal final : public Signal {
 public:
  // `clock` must outlive the signal (it bounds each check by its deadline).
  // `primary`: how osc reaches the primary (discovery runs there; replicas
  // inherit its user, password and TLS). `heartbeat_query`: run on each
  // replica, see the file comment. InvalidArgument when anything does not
  // validate or the query is empty.
  static Result<std::unique_ptr<ReplicaLagSignal>> Create(Clock* clock,
                                                          db::ConnectionOptions primary,
                                                          std::string heartbeat_query,
                                                          ReplicaLagOptions options);

  std::string_view name() const override { return "replica-lag"; }
  Decision Check(const CheckContext& ctx) override;

  // Validates; on error the old options stay. Connections to replicas no
  // longer watched are closed at the next check.
  Status UpdateOptions(ReplicaLagOptions options);
  std::shared_ptr<const ReplicaLagOptions> options() const { return options_.Get(); }

 private:
  ReplicaLagSignal(Clock* clock, db::ConnectionOptions primary, std::string heartbeat_query,
                   ReplicaLagOptions options);

  // The replicas to check this round; problems with discovery go to
  // `problems` as unavailable verdicts.
  std::vector<ReplicaEndpoint> Targets(const ReplicaLagOptions& options, const CheckContext& ctx,
                                       std::vector<ReplicaLag>* problems);
  ReplicaReading Read(const ReplicaEndpoint& replica, const CheckContext& ctx);

  Clock* const clock_;
  const db::ConnectionOptions primary_options_;
  const std::string heartbeat_query_;
  LiveSettings<ReplicaLagOptions> options_;
  // Check() thread only.
  internal::SqlSession primary_;                                           // for SHOW SLAVE HOSTS
  std::map<std::string, std::unique_ptr<internal::SqlSession>> replicas_;  // by ToString()
};

}  // namespace osc::throttle
