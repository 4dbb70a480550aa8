#include "throttle/replica_lag_signal.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <limits>

#include "common/numbers.h"
#include "db/errors.h"
#include "throttle/strings_internal.h"

namespace osc::throttle {
namespace {

using internal::Trim;
using std::chrono::milliseconds;

Status BadReplicaItem(std::string_view item, std::string_view why) {
  return Status::InvalidArgument(fmt::format("invalid replica \"{}\": {}", item, why));
}

Result<ReplicaEndpoint> ParseReplicaItem(std::string_view item, uint16_t default_port) {
  std::string_view host = item;
  std::string_view port_text;
  if (!item.empty() && item.front() == '[') {  // [IPv6]:port
    const size_t close = item.find(']');
    if (close == std::string_view::npos) return BadReplicaItem(item, "unbalanced '['");
    host = item.substr(1, close - 1);
    const std::string_view rest = item.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return BadReplicaItem(item, "expected ':' after ']'");
      port_text = rest.substr(1);
      if (port_text.empty()) return BadReplicaItem(item, "empty port");
    }
  } else if (const size_t colon = item.rfind(':'); colon != std::string_view::npos) {
    if (item.find(':') != colon) return BadReplicaItem(item, "put an IPv6 address in brackets");
    host = item.substr(0, colon);
    port_text = item.substr(colon + 1);
    if (port_text.empty()) return BadReplicaItem(item, "empty port");
  }
  if (host.empty()) return BadReplicaItem(item, "empty host");
  uint16_t port = default_port;
  if (!port_text.empty()) {
    port = ParseNumber<uint16_t>(port_text).value_or(0);
    if (port == 0) return BadReplicaItem(item, "the port must be 1-65535");
  }
  return ReplicaEndpoint{std::string(host), port};
}

// Fixed-width decimal field of `text` at [pos, pos + len).
bool Digits(std::string_view text, size_t pos, size_t len, int* out) {
  if (pos + len > text.size()) return false;
  const std::optional<int> v = ParseNumber<int>(text.substr(pos, len));
  if (!v || *v < 0) return false;
  *out = *v;
  return true;
}

std::string FormatLag(milliseconds lag) {
  return fmt::format("{:.1f}s", static_cast<double>(lag.count()) / 1000.0);
}

ReplicaLag Infinite(const std::string& name, std::string why, bool unavailable) {
  return ReplicaLag{name, std::nullopt, std::move(why), unavailable};
}

// The thread-state verdict of SHOW SLAVE STATUS, or nullopt when it is
// replicating.
std::optional<ReplicaLag> StatusProblem(const std::string& name, const db::ReplicaStatus& s) {
  if (!s.io_running) {
    std::string why = fmt::format("IO thread not running ({})", s.io_running_text);
    if (!s.last_io_error.empty()) {
      why += fmt::format(", Last_IO_Error {}: {}", s.last_io_errno, s.last_io_error);
    }
    return Infinite(name, std::move(why), false);
  }
  if (!s.sql_running) {
    std::string why = "SQL thread not running";
    if (!s.last_sql_error.empty()) {
      why += fmt::format(", Last_SQL_Error {}: {}", s.last_sql_errno, s.last_sql_error);
    }
    return Infinite(name, std::move(why), false);
  }
  if (!s.seconds_behind) return Infinite(name, "Seconds_Behind_Master is NULL", false);
  return std::nullopt;
}

}  // namespace

std::string ReplicaEndpoint::ToString() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<std::vector<ReplicaEndpoint>> ParseReplicaList(std::string_view text,
                                                      uint16_t default_port) {
  std::vector<ReplicaEndpoint> out;
  if (Trim(text).empty()) return out;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = Trim(text.substr(pos, comma - pos));
    if (item.empty()) {
      return Status::InvalidArgument(fmt::format("invalid replica list \"{}\": empty item", text));
    }
    OSC_ASSIGN_OR_RETURN(ReplicaEndpoint endpoint, ParseReplicaItem(item, default_port));
    if (std::find(out.begin(), out.end(), endpoint) == out.end())
      out.push_back(std::move(endpoint));
    pos = comma + 1;
  }
  return out;
}

db::ConnectionOptions ReplicaConnectionOptions(const db::ConnectionOptions& primary,
                                               const ReplicaEndpoint& replica) {
  db::ConnectionOptions o = primary;
  o.host = replica.host;
  o.port = replica.port;
  o.socket.clear();
  // The replica may not have the primary's default database yet (or at
  // all, with replication filters); the heartbeat query qualifies names.
  o.database.clear();
  return o;
}

DiscoveredReplicas ParseSlaveHosts(const db::QueryResult& rows) {
  DiscoveredReplicas out;
  const std::optional<size_t> host_col = rows.ColumnIndex("Host");
  const std::optional<size_t> port_col = rows.ColumnIndex("Port");
  std::optional<size_t> id_col = rows.ColumnIndex("Server_id");
  for (const db::Row& row : rows.rows) {
    const std::string id = id_col ? internal::CellText(row, *id_col) : std::string("?");
    const std::string host = host_col ? internal::CellText(row, *host_col) : std::string();
    const std::string port_text = port_col ? internal::CellText(row, *port_col) : std::string();
    const uint16_t port = ParseNumber<uint16_t>(port_text).value_or(0);
    if (host.empty() || port == 0) {
      out.unreachable.push_back(fmt::format("server_id {}", id));
      continue;
    }
    ReplicaEndpoint e{host, port};
    if (std::find(out.endpoints.begin(), out.endpoints.end(), e) == out.endpoints.end()) {
      out.endpoints.push_back(std::move(e));
    }
  }
  return out;
}

Result<Clock::WallTime> ParseHeartbeatTime(std::string_view text) {
  const auto bad = [&] {
    return Status::InvalidArgument(
        fmt::format("heartbeat value \"{}\" is not a time", db::StatementExcerpt(text, 40)));
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':' || !Digits(text, 0, 4, &y) || !Digits(text, 5, 2, &mo) ||
      !Digits(text, 8, 2, &d) || !Digits(text, 11, 2, &h) || !Digits(text, 14, 2, &mi) ||
      !Digits(text, 17, 2, &s)) {
    return bad();
  }
  int micros = 0;
  if (text.size() > 19) {
    const size_t digits = text.size() - 20;
    if (text[19] != '.' || digits < 1 || digits > 6 || !Digits(text, 20, digits, &micros)) {
      return bad();
    }
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  const std::chrono::year_month_day date{std::chrono::year(y),
                                         std::chrono::month(static_cast<unsigned>(mo)),
                                         std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || s > 59) return bad();
  const auto since_epoch = std::chrono::sys_days(date).time_since_epoch() + std::chrono::hours(h) +
                           std::chrono::minutes(mi) + std::chrono::seconds(s) +
                           std::chrono::microseconds(micros);
  return Clock::WallTime(std::chrono::duration_cast<Clock::WallTime::duration>(since_epoch));
}

ReplicaLag EvaluateReplica(const ReplicaReading& r, Clock::WallTime wall_now) {
  if (!r.error.ok()) return Infinite(r.name, "unreachable: " + r.error.ToString(), true);
  if (!r.status) return Infinite(r.name, "is not a replica (SHOW SLAVE STATUS is empty)", false);
  if (std::optional<ReplicaLag> problem = StatusProblem(r.name, *r.status)) return *problem;
  if (!r.heartbeat) return Infinite(r.name, "heartbeat not read", true);
  const Result<std::optional<std::string>>& hb = *r.heartbeat;
  if (!hb.ok()) {
    if (hb.status().IsNotFound()) return Infinite(r.name, "no heartbeat row yet", true);
    return Infinite(r.name, "heartbeat query failed: " + hb.status().ToString(), true);
  }
  if (!hb->has_value()) return Infinite(r.name, "heartbeat value is NULL", true);
  Result<Clock::WallTime> written = ParseHeartbeatTime(**hb);
  if (!written.ok()) return Infinite(r.name, written.status().ToString(), true);
  const auto lag = std::chrono::duration_cast<milliseconds>(wall_now - *written);
  return ReplicaLag{r.name, std::max(lag, milliseconds(0)), "", false};
}

Decision DecideReplicaLag(const std::vector<ReplicaLag>& lags, milliseconds max_lag) {
  std::string reason;
  bool all_unavailable = true;
  std::optional<double> worst;
  for (const ReplicaLag& l : lags) {
    const double value =
        l.lag ? static_cast<double>(l.lag->count()) : std::numeric_limits<double>::infinity();
    if (!worst || value > *worst) worst = value;
    if (l.lag && *l.lag <= max_lag) continue;
    if (!reason.empty()) reason += "; ";
    if (l.lag) {
      reason +=
          fmt::format("replica {} lag {} > {}", l.name, FormatLag(*l.lag), FormatLag(max_lag));
      all_unavailable = false;
    } else {
      reason += fmt::format("replica {} lag unknown: {}", l.name, l.why);
      all_unavailable = all_unavailable && l.unavailable;
    }
  }
  if (reason.empty()) {
    Decision go = Decision::Go();
    go.measured = worst;
    if (worst) go.limit = static_cast<double>(max_lag.count());
    return go;
  }
  Decision d = all_unavailable ? Decision::Unavailable(std::move(reason))
                               : Decision::Throttle(std::move(reason));
  d.measured = worst;
  d.limit = static_cast<double>(max_lag.count());
  return d;
}

Status ReplicaLagOptions::Validate() const {
  if (max_lag <= milliseconds(0)) {
    return Status::InvalidArgument("--max-lag-millis must be positive");
  }
  for (const ReplicaEndpoint& r : replicas) {
    if (r.host.empty() || r.port == 0) {
      return Status::InvalidArgument(fmt::format("invalid replica \"{}\"", r.ToString()));
    }
  }
  return Status::Ok();
}

ReplicaLagSignal::ReplicaLagSignal(Clock* clock, db::ConnectionOptions primary,
                                   std::string heartbeat_query, ReplicaLagOptions options)
    : clock_(clock),
      primary_options_(primary),
      heartbeat_query_(std::move(heartbeat_query)),
      options_(std::move(options)),
      primary_(clock, std::move(primary)) {}

Result<std::unique_ptr<ReplicaLagSignal>> ReplicaLagSignal::Create(Clock* clock,
                                                                   db::ConnectionOptions primary,
                                                                   std::string heartbeat_query,
                                                                   ReplicaLagOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  OSC_RETURN_IF_ERROR(primary.Validate());
  if (Trim(heartbeat_query).empty()) {
    return Status::InvalidArgument("replica lag: the heartbeat query is empty");
  }
  return std::unique_ptr<ReplicaLagSignal>(new ReplicaLagSignal(
      clock, std::move(primary), std::move(heartbeat_query), std::move(options)));
}

Status ReplicaLagSignal::UpdateOptions(ReplicaLagOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  options_.Set(std::move(options));
  return Status::Ok();
}

std::vector<ReplicaEndpoint> ReplicaLagSignal::Targets(const ReplicaLagOptions& options,
                                                       const CheckContext& ctx,
                                                       std::vector<ReplicaLag>* problems) {
  std::vector<ReplicaEndpoint> targets = options.replicas;
  if (!options.discover) return targets;
  const std::string label = "discovery on " + primary_.Describe();
  Result<db::Connection*> conn = primary_.Get(ctx.deadline);
  if (!conn.ok()) {
    problems->push_back(Infinite(label, "cannot connect: " + conn.status().ToString(), true));
    return targets;
  }
  Result<db::QueryResult> hosts = (*conn)->Query("SHOW SLAVE HOSTS");
  if (!hosts.ok()) {
    primary_.AfterError();
    problems->push_back(
        Infinite(label, "SHOW SLAVE HOSTS failed: " + hosts.status().ToString(), true));
    return targets;
  }
  DiscoveredReplicas found = ParseSlaveHosts(*hosts);
  for (const std::string& id : found.unreachable) {
    problems->push_back(Infinite(
        id, "does not set report_host, so osc cannot reach it; list it in the replicas option",
        true));
  }
  for (ReplicaEndpoint& e : found.endpoints) {
    if (std::find(targets.begin(), targets.end(), e) == targets.end())
      targets.push_back(std::move(e));
  }
  return targets;
}

ReplicaReading ReplicaLagSignal::Read(const ReplicaEndpoint& replica, const CheckContext& ctx) {
  ReplicaReading r;
  r.name = replica.ToString();
  std::unique_ptr<internal::SqlSession>& session = replicas_[r.name];
  if (!session) {
    session = std::make_unique<internal::SqlSession>(
        clock_, ReplicaConnectionOptions(primary_options_, replica));
  }
  Result<db::Connection*> conn = session->Get(ctx.deadline);
  if (!conn.ok()) {
    r.error = conn.status();
    return r;
  }
  Result<std::optional<db::ReplicaStatus>> status = db::ReadReplicaStatus(**conn);
  if (!status.ok()) {
    session->AfterError();
    r.error = status.status().WithContext("SHOW SLAVE STATUS");
    return r;
  }
  r.status = std::move(*status);
  if (!r.status || StatusProblem(r.name, *r.status)) return r;
  r.heartbeat = (*conn)->QueryScalar(heartbeat_query_);
  if (!r.heartbeat->ok() && !r.heartbeat->status().IsNotFound()) session->AfterError();
  return r;
}

Decision ReplicaLagSignal::Check(const CheckContext& ctx) {
  const std::shared_ptr<const ReplicaLagOptions> options = options_.Get();
  std::vector<ReplicaLag> lags;
  const std::vector<ReplicaEndpoint> targets = Targets(*options, ctx, &lags);
  std::map<std::string, std::unique_ptr<internal::SqlSession>> keep;
  for (const ReplicaEndpoint& replica : targets) {
    const std::string name = replica.ToString();
    if (ctx.stop.stop_requested()) return Decision::Unavailable("stopping");
    if (clock_->Now() >= ctx.deadline) {
      lags.push_back(Infinite(name, "not checked: out of time", true));
    } else {
      lags.push_back(EvaluateReplica(Read(replica, ctx), ctx.wall_now));
    }
    if (auto it = replicas_.find(name); it != replicas_.end())
      keep.emplace(name, std::move(it->second));
  }
  // Replicas no longer listed or discovered: their sessions close here.
  replicas_ = std::move(keep);
  return DecideReplicaLag(lags, options->max_lag);
}

}  // namespace osc::throttle
