// ThrottleControl: the migration's throttle, built from ThrottleOptions.
// It owns a throttle::Throttler with one signal per configured source
// (replica lag, metadata-lock waits, host memory, server load, flag files,
// throttle query, time windows) and keeps typed handles to the signals
// whose limits the control socket may change at run time.
//
// Which signals exist:
//   replica-lag      always (it finds no replicas on a lone primary and
//                    says go); replica discovery is dropped with a warning
//                    when the user may not run SHOW SLAVE HOSTS
//   metadata-lock    always (max_mdl_waiters = 0 by default)
//   load             with --max-load or --critical-load, or once set
//                    through the control socket
//   host-memory      with --min-available-memory
//   throttle-flag, panic-flag, throttle-query, window: when given
//
// Thread safety: Create from the orchestrator; the Set* methods and
// Describe from any thread (the signals' settings are LiveSettings).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/connection_options.h"
#include "osc/options.h"
#include "throttle/load_signal.h"
#include "throttle/mdl_signal.h"
#include "throttle/replica_lag_signal.h"
#include "throttle/throttler.h"
#include "throttle/time_window.h"

namespace osc::migration {

struct ThrottleSetup {
  Clock* clock = nullptr;            // not owned; outlives the ThrottleControl
  db::ConnectionOptions primary;     // how signals reach the primary
  std::string database;
  std::string table;
  std::string changelog_table;       // its heartbeat row is read on replicas
  // Connection ids of osc's own sessions, never counted as MDL waiters.
  throttle::MdlSignal::OwnSessions own_sessions;
};

class ThrottleControl {
 public:
  // Builds every configured signal. InvalidArgument for settings that do
  // not parse; the error of a start-up probe (a load variable the server
  // does not have, an unreadable memory file). `notes` receives one line
  // per thing the user should know (instrument off, discovery dropped).
  static Result<std::unique_ptr<ThrottleControl>> Create(const ThrottleOptions& options, ThrottleSetup setup,
                                                         std::vector<std::string>* notes);

  throttle::Throttler& throttler() { return *throttler_; }
  // The copy-time windows; empty: always open. Also holds the cut-over.
  const throttle::WindowSchedule& windows() const { return windows_; }

  // Control-socket setters: validate, apply at once, return the old value
  // as text (for the log line). InvalidArgument leaves everything as it was.
  Result<std::string> SetMaxLag(std::chrono::milliseconds max_lag);
  Result<std::string> SetMaxLoad(const std::string& spec);
  Result<std::string> SetCriticalLoad(const std::string& spec);
  // "max-lag-millis=1500 max-load=Threads_running=25 ..." for status.
  std::string Describe() const;
  // The limits as last set (a copy).
  ThrottleOptions current() const;

 private:
  ThrottleControl(Clock* clock, ThrottleSetup setup, ThrottleOptions options);
  // Sets max_load or critical_load (`field`) and applies it; restores the
  // old text when the server refuses it.
  Result<std::string> SetLoadSpec(std::string ThrottleOptions::*field, const std::string& spec);
  // Creates the load signal on first use (REQUIRES mu_).
  Status EnsureLoadSignalLocked();

  Clock* const clock_;
  const ThrottleSetup setup_;
  std::unique_ptr<throttle::Throttler> throttler_;
  throttle::WindowSchedule windows_;

  mutable std::mutex mu_;                            // guards the fields below
  ThrottleOptions current_;                          // as last set
  throttle::ReplicaLagSignal* lag_ = nullptr;        // owned by throttler_
  throttle::LoadSignal* load_ = nullptr;             // owned by throttler_; may stay null
};

}  // namespace osc::migration
