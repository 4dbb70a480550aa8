#include "osc/options.h"

#include <string>

#include "db/quoting.h"
#include "throttle/load_thresholds.h"
#include "throttle/time_window.h"
#include "throttle/units.h"

namespace osc::migration {
namespace {

// The throttle settings are text on the command line and in the control
// socket; they are parsed here once so a typo fails before anything runs.
Status ValidateThrottle(const ThrottleOptions& t) {
  if (t.max_lag.count() <= 0) return Status::InvalidArgument("--max-lag-millis must be positive");
  if (t.check_interval.count() <= 0) return Status::InvalidArgument("throttle check interval must be positive");
  if (!t.max_load.empty()) OSC_RETURN_IF_ERROR(throttle::ParseLoadThresholds(t.max_load).status().WithContext("--max-load"));
  if (!t.critical_load.empty()) {
    OSC_RETURN_IF_ERROR(throttle::ParseLoadThresholds(t.critical_load).status().WithContext("--critical-load"));
  }
  if (!t.min_available_memory.empty()) {
    OSC_RETURN_IF_ERROR(throttle::ParseSize(t.min_available_memory).status().WithContext("--min-available-memory"));
  }
  if (!t.windows.empty()) OSC_RETURN_IF_ERROR(throttle::WindowSchedule::Parse(t.windows).status().WithContext("--window"));
  for (const std::string& r : t.control_replicas) {
    const size_t colon = r.rfind(':');
    if (r.empty() || colon == 0 || colon == r.size() - 1) {
      return Status::InvalidArgument("--throttle-control-replicas: '" + r + "' is not host or host:port");
    }
  }
  return Status::Ok();
}

}  // namespace

Status MigrationOptions::Validate() const {
  if (database.empty()) return Status::InvalidArgument("--database is required");
  if (table.empty()) return Status::InvalidArgument("--table is required");
  if (alter.empty()) return Status::InvalidArgument("--alter is required");
  return ValidateSettings();
}

Status MigrationOptions::ValidateSettings() const {
  OSC_RETURN_IF_ERROR(connection.Validate());
  if (!database.empty()) OSC_RETURN_IF_ERROR(db::ValidateIdentifier(database).WithContext("--database"));
  if (!table.empty()) OSC_RETURN_IF_ERROR(db::ValidateIdentifier(table).WithContext("--table"));
  if (copy.threads < 1 || copy.threads > 64) {
    return Status::InvalidArgument("--threads must be between 1 and 64");
  }
  if (copy.min_chunk_size == 0 || copy.min_chunk_size > copy.max_chunk_size) {
    return Status::InvalidArgument("chunk size bounds must satisfy 0 < min <= max");
  }
  if (copy.chunk_size < copy.min_chunk_size || copy.chunk_size > copy.max_chunk_size) {
    return Status::InvalidArgument("--chunk-size must be between " + std::to_string(copy.min_chunk_size) +
                                   " and " + std::to_string(copy.max_chunk_size));
  }
  if (copy.chunk_target_time.count() <= 0) {
    return Status::InvalidArgument("--chunk-target-time must be positive");
  }
  if (apply.max_batch_rows == 0 || apply.queue_capacity == 0) {
    return Status::InvalidArgument("apply batch size and queue capacity must be positive");
  }
  if (cut_over.lock_timeout.count() < 1 || cut_over.lock_timeout.count() > 3600) {
    return Status::InvalidArgument("--cut-over-lock-timeout-seconds must be between 1 and 3600");
  }
  if (cut_over.max_attempts < 1) return Status::InvalidArgument("--cut-over-max-attempts must be at least 1");
  if (cut_over.backoff_initial.count() <= 0 || cut_over.backoff_max < cut_over.backoff_initial) {
    return Status::InvalidArgument("cut-over back-off must satisfy 0 < initial <= max");
  }
  OSC_RETURN_IF_ERROR(ValidateThrottle(throttle));
  if (checksum.chunk_size == 0) return Status::InvalidArgument("checksum chunk size must be positive");
  if (progress_interval.count() <= 0) return Status::InvalidArgument("--progress-interval must be positive");
  if (reconnect_timeout.count() < 0) return Status::InvalidArgument("--reconnect-timeout must not be negative");
  if (checkpoint_interval.count() <= 0) return Status::InvalidArgument("--checkpoint-interval must be positive");
  if (heartbeat_interval.count() <= 0) return Status::InvalidArgument("--heartbeat-interval must be positive");
  return Status::Ok();
}

}  // namespace osc::migration
