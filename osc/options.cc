#include "osc/options.h"

#include <string>

#include "db/quoting.h"

namespace osc::migration {

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
  if (checksum.chunk_size == 0) return Status::InvalidArgument("checksum chunk size must be positive");
  if (progress_interval.count() <= 0) return Status::InvalidArgument("--progress-interval must be positive");
  if (heartbeat_interval.count() <= 0) return Status::InvalidArgument("--heartbeat-interval must be positive");
  return Status::Ok();
}

}  // namespace osc::migration
