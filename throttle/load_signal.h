// LoadSignal: server load on the primary, read from SHOW GLOBAL STATUS,
// against --max-load (pause the row copy) and --critical-load (stop the
// migration), with gh-ost's semantics:
//   - a threshold is met when the value is AT OR ABOVE it (gh-ost compares
//     `value >= threshold` for both lists; load_thresholds.h says the same);
//   - critical load aborts. critical_load_interval (gh-ost's
//     --critical-load-interval-millis) defaults to zero like gh-ost: abort at
//     the first sighting. A positive interval pauses first and aborts only if
//     every check until the interval has passed still sees it (the Throttler
//     implements the confirmation, see Decision::confirm_for). Zero is the
//     default because critical load is meant as "the server is about to fall
//     over": an operator who expects short spikes sets an interval.
//   - a variable that cannot be read (no such status variable, not a number,
//     the query failed) pauses the copy (Decision::Unavailable), as gh-ost
//     throttles on a read error. It never aborts: not knowing is not the
//     same as knowing the server is overloaded.
// Critical load is checked before max load, so the stronger decision wins.
//
// Status variable names are matched case-insensitively, as the server does.
// Only counters that are levels make sense (Threads_running,
// Threads_connected); cumulative counters such as Questions only grow.
//
// Measuring (SQL) and deciding (DecideLoad) are separate so the decision is
// unit-tested without a server.
//
// Thread safety: Check() from the throttler's thread; UpdateOptions() and
// options() from any thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "db/connection.h"
#include "db/connection_options.h"
#include "throttle/live_settings.h"
#include "throttle/load_thresholds.h"
#include "throttle/signal.h"
#include "throttle/sql_session_internal.h"

namespace osc::throttle {

struct LoadOptions {
  // --max-load: pause the copy while any value is at or above its
  // threshold. Empty: no max-load check.
  LoadThresholds max_load;
  // --critical-load: abort the migration when any value is at or above its
  // threshold. Empty: no critical-load check.
  LoadThresholds critical_load;
  // --critical-load-interval: how long critical load must persist before the
  // abort (see the file comment). Zero: abort at once (gh-ost's default).
  Clock::Duration critical_load_interval{0};

  // InvalidArgument for a negative interval or a name that
  // ParseLoadThresholds would reject.
  Status Validate() const;
};

// Values of SHOW GLOBAL STATUS, keyed by the LOWER-CASED variable name; the
// value text exactly as the server printed it.
using StatusValues = std::map<std::string, std::string>;

// Lower-cases `rows` (Variable_name, Value) into StatusValues. Pure.
StatusValues StatusValuesFromResult(const db::QueryResult& rows);

// The statement that reads every variable either list names:
// SHOW GLOBAL STATUS WHERE Variable_name IN (...). Empty when both lists are
// empty. Pure.
std::string LoadStatusQuery(const LoadOptions& options);

// The decision for `values` (as read by LoadStatusQuery). kAbort with
// confirm_for = critical_load_interval when a critical threshold is met;
// kThrottle when a max-load threshold is met (all of them listed);
// Unavailable when a named variable is missing or not a whole number; kGo
// otherwise. measured/limit: the first met threshold's value and limit.
Decision DecideLoad(const LoadOptions& options, const StatusValues& values);

class LoadSignal final : public Signal {
 public:
  // `clock` must outlive the signal. `primary` is how to reach the server
  // to watch (its timeouts are replaced by the check budget).
  // InvalidArgument when options or `primary` do not validate.
  static Result<std::unique_ptr<LoadSignal>> Create(Clock* clock, db::ConnectionOptions primary,
                                                    LoadOptions options);

  std::string_view name() const override { return "load"; }
  Decision Check(const CheckContext& ctx) override;

  // Validates; on error the old options stay.
  Status UpdateOptions(LoadOptions options);
  std::shared_ptr<const LoadOptions> options() const { return options_.Get(); }

  // OK when every variable `options` names exists on the server `conn` is
  // connected to and is a whole number; InvalidArgument naming the unknown
  // ones otherwise (catches a typo such as "Threds_running" at start-up,
  // where Check() could only keep the copy paused).
  static Status VerifyVariables(db::Connection& conn, const LoadOptions& options);

 private:
  LoadSignal(Clock* clock, db::ConnectionOptions primary, LoadOptions options)
      : session_(clock, std::move(primary)), options_(std::move(options)) {}

  internal::SqlSession session_;  // Check() thread only
  LiveSettings<LoadOptions> options_;
};

}  // namespace osc::throttle
