// Building the throttle from the user's options. The probes here run once,
// at start-up, so a typo or a missing privilege is one clear message (or
// one warning) instead of a copy that stays paused for a reason nobody
// reads.

#include "osc/throttle_setup.h"

#include "common/logging.h"
#include "db/connection.h"
#include "db/errors.h"
#include "db/quoting.h"
#include "throttle/flag_file_signal.h"
#include "throttle/memory_signal.h"
#include "throttle/query_signal.h"
#include "throttle/units.h"
#include "throttle/window_signal.h"

namespace osc::migration {
namespace {

// Whether this user may list the primary's replicas. MariaDB 10.11 wants
// REPLICATION MASTER ADMIN for SHOW SLAVE HOSTS; without it the replica-lag
// signal could never finish a round and would pause the copy for good.
Result<bool> CanDiscoverReplicas(const db::ConnectionOptions& primary, std::vector<std::string>* notes) {
  OSC_ASSIGN_OR_RETURN(db::Connection conn, db::Connection::Open(primary));
  auto r = conn.Query("SHOW SLAVE HOSTS");
  if (r.ok()) return true;
  if (db::Classify(r.status().server_errno()) == db::ErrorClass::kAccessDenied ||
      r.status().server_errno() == 1227) {
    notes->push_back("replica discovery is off: this user may not run SHOW SLAVE HOSTS (grant REPLICATION "
                     "MASTER ADMIN, or list replicas with --throttle-control-replicas)");
    return false;
  }
  return r.status();
}

Status AddReplicaLag(const ThrottleOptions& o, const ThrottleSetup& s, std::vector<std::string>* notes,
                     throttle::Throttler& t, throttle::ReplicaLagSignal** out) {
  throttle::ReplicaLagOptions lo;
  lo.max_lag = o.max_lag;
  std::string list;
  for (const std::string& r : o.control_replicas) list += (list.empty() ? "" : ",") + r;
  OSC_ASSIGN_OR_RETURN(lo.replicas, throttle::ParseReplicaList(list, s.primary.port));
  lo.discover = false;
  if (o.discover_replicas) {
    OSC_ASSIGN_OR_RETURN(lo.discover, CanDiscoverReplicas(s.primary, notes));
  }
  const std::string query = "SELECT value FROM " + db::QuoteQualified(s.database, s.changelog_table) + " WHERE id = 1";
  OSC_ASSIGN_OR_RETURN(auto signal, throttle::ReplicaLagSignal::Create(s.clock, s.primary, query, lo));
  *out = signal.get();
  t.AddSignal(std::move(signal));
  return Status::Ok();
}

Status AddMdl(const ThrottleOptions& o, const ThrottleSetup& s, std::vector<std::string>* notes,
              throttle::Throttler& t) {
  {
    OSC_ASSIGN_OR_RETURN(db::Connection conn, db::Connection::Open(s.primary));
    OSC_ASSIGN_OR_RETURN(throttle::MdlInstrumentState state, throttle::MdlInstrumentEnabled(conn));
    if (!state.enabled) {
      notes->push_back("metadata-lock waits are watched through the process list only (" + state.why_not +
                       "): lock holders and long transactions are not named");
    }
  }
  throttle::MdlOptions mo;
  mo.max_waiters = o.max_mdl_waiters;
  mo.long_transaction = o.max_transaction_age;
  OSC_ASSIGN_OR_RETURN(auto signal, throttle::MdlSignal::Create(s.clock, s.primary, {{s.database, s.table}},
                                                                s.own_sessions, mo));
  t.AddSignal(std::move(signal));
  return Status::Ok();
}

Status AddLocalSignals(const ThrottleOptions& o, throttle::Throttler& t) {
  if (!o.min_available_memory.empty()) {
    throttle::MemoryOptions mo;
    OSC_ASSIGN_OR_RETURN(mo.min_available, throttle::ParseSize(o.min_available_memory));
    mo.meminfo_path = o.meminfo_path;
    mo.cgroup_dir = o.memory_cgroup;
    OSC_ASSIGN_OR_RETURN(auto signal, throttle::MemorySignal::Create(mo));
    t.AddSignal(std::move(signal));
  }
  using Action = throttle::FlagFileSignal::Action;
  if (!o.throttle_flag_file.empty()) {
    OSC_ASSIGN_OR_RETURN(auto signal, throttle::FlagFileSignal::Create(o.throttle_flag_file, Action::kThrottle));
    t.AddSignal(std::move(signal));
  }
  if (!o.panic_flag_file.empty()) {
    OSC_ASSIGN_OR_RETURN(auto signal, throttle::FlagFileSignal::Create(o.panic_flag_file, Action::kAbort));
    t.AddSignal(std::move(signal));
  }
  return Status::Ok();
}

}  // namespace

ThrottleControl::ThrottleControl(Clock* clock, ThrottleSetup setup, ThrottleOptions options)
    : clock_(clock), setup_(std::move(setup)), current_(std::move(options)) {
  throttle::ThrottlerOptions to;
  to.check_interval = current_.check_interval;
  throttler_ = std::make_unique<throttle::Throttler>(clock_, to);
}

Result<std::unique_ptr<ThrottleControl>> ThrottleControl::Create(const ThrottleOptions& options, ThrottleSetup setup,
                                                                 std::vector<std::string>* notes) {
  Clock* clock = setup.clock;
  std::unique_ptr<ThrottleControl> c(new ThrottleControl(clock, std::move(setup), options));
  throttle::Throttler& t = *c->throttler_;
  OSC_RETURN_IF_ERROR(AddReplicaLag(options, c->setup_, notes, t, &c->lag_).WithContext("replica lag"));
  OSC_RETURN_IF_ERROR(AddMdl(options, c->setup_, notes, t).WithContext("metadata-lock waits"));
  OSC_RETURN_IF_ERROR(AddLocalSignals(options, t));
  if (!options.max_load.empty() || !options.critical_load.empty()) {
    std::lock_guard lock(c->mu_);
    OSC_RETURN_IF_ERROR(c->EnsureLoadSignalLocked());
  }
  if (!options.throttle_query.empty()) {
    OSC_ASSIGN_OR_RETURN(auto signal, throttle::QuerySignal::Create(clock, c->setup_.primary,
                                                                    throttle::QueryOptions{options.throttle_query}));
    t.AddSignal(std::move(signal));
  }
  if (!options.windows.empty()) {
    OSC_ASSIGN_OR_RETURN(c->windows_, throttle::WindowSchedule::Parse(options.windows));
    t.AddSignal(std::make_unique<throttle::WindowSignal>(c->windows_));
  }
  return c;
}

Status ThrottleControl::EnsureLoadSignalLocked() {
  throttle::LoadOptions lo;
  if (!current_.max_load.empty()) {
    OSC_ASSIGN_OR_RETURN(lo.max_load, throttle::ParseLoadThresholds(current_.max_load));
  }
  if (!current_.critical_load.empty()) {
    OSC_ASSIGN_OR_RETURN(lo.critical_load, throttle::ParseLoadThresholds(current_.critical_load));
  }
  lo.critical_load_interval = current_.critical_load_interval;
  if (load_ != nullptr) return load_->UpdateOptions(lo);
  {
    OSC_ASSIGN_OR_RETURN(db::Connection conn, db::Connection::Open(setup_.primary));
    OSC_RETURN_IF_ERROR(throttle::LoadSignal::VerifyVariables(conn, lo));
  }
  OSC_ASSIGN_OR_RETURN(auto signal, throttle::LoadSignal::Create(clock_, setup_.primary, lo));
  load_ = signal.get();
  throttler_->AddSignal(std::move(signal));
  return Status::Ok();
}

Result<std::string> ThrottleControl::SetMaxLag(std::chrono::milliseconds max_lag) {
  std::lock_guard lock(mu_);
  if (lag_ == nullptr) return Status::FailedPrecondition("replica lag is not watched");
  throttle::ReplicaLagOptions lo = *lag_->options();
  lo.max_lag = max_lag;
  OSC_RETURN_IF_ERROR(lag_->UpdateOptions(lo));
  const std::string old = std::to_string(current_.max_lag.count());
  current_.max_lag = max_lag;
  return old;
}

Result<std::string> ThrottleControl::SetLoadSpec(std::string ThrottleOptions::*field, const std::string& spec) {
  if (!spec.empty()) OSC_RETURN_IF_ERROR(throttle::ParseLoadThresholds(spec).status());
  std::lock_guard lock(mu_);
  std::string old = current_.*field;
  current_.*field = spec;
  if (Status s = EnsureLoadSignalLocked(); !s.ok()) {
    current_.*field = std::move(old);
    return s;
  }
  return old;
}

Result<std::string> ThrottleControl::SetMaxLoad(const std::string& spec) {
  return SetLoadSpec(&ThrottleOptions::max_load, spec);
}

Result<std::string> ThrottleControl::SetCriticalLoad(const std::string& spec) {
  return SetLoadSpec(&ThrottleOptions::critical_load, spec);
}

ThrottleOptions ThrottleControl::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::string ThrottleControl::Describe() const {
  std::lock_guard lock(mu_);
  std::string out = "max-lag-millis=" + std::to_string(current_.max_lag.count());
  out += " max-load=" + (current_.max_load.empty() ? std::string("none") : current_.max_load);
  out += " critical-load=" + (current_.critical_load.empty() ? std::string("none") : current_.critical_load);
  out += " max-mdl-waiters=" + std::to_string(current_.max_mdl_waiters);
  if (!windows_.empty()) out += " window=" + windows_.ToString();
  return out;
}

}  // namespace osc::migration
