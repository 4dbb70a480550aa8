// Internal to the orchestrator (osc/migration*.cc): the port through which the orchestrator
// drives the binlog applier, so the phases do not depend on the applier's
// construction details (and tests can substitute one).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "binlog/change_stream.h"
#include "common/clock.h"
#include "common/status.h"
#include "db/connection_options.h"
#include "osc/alter/column_mapping.h"
#include "osc/options.h"
#include "osc/schema/chunk_key.h"
#include "osc/schema/table_schema.h"

namespace osc::migration::internal {

class ChangeApplier {
 public:
  virtual ~ChangeApplier() = default;
  // The consumer loop (run on a thread the orchestrator owns): reads the
  // change stream and applies it to the shadow until `stop` or an error.
  virtual Status Run(std::stop_token stop) = 0;
  // Row changes read but not applied yet.
  virtual uint64_t backlog() const = 0;
  // Row changes applied so far.
  virtual uint64_t applied() const = 0;
  // OK once the changelog row carrying `marker` was applied (and so every
  // change before it); Timeout at `deadline`; Aborted on `stop`; the
  // applier's error if it failed.
  virtual Status WaitForMarker(const std::string& marker, Clock::SteadyTime deadline,
                               std::stop_token stop) = 0;
  // The cut-over's own RENAME of the original is about to happen: when the
  // applier reads it, its work is done (Run returns OK).
  virtual void ExpectRename() = 0;
  // After the cut-over's RENAME: OK once the applier has read the RENAME's
  // own binlog event having applied every change before it to the shadow
  // (so no change made to the original before the swap is missing from the
  // new table); Timeout at `deadline`; Aborted on `stop` or when the
  // applier stopped before the RENAME; else the applier's error (e.g. a
  // change that arrived after the shadow was renamed away and could not be
  // applied).
  virtual Status WaitPastRename(Clock::SteadyTime deadline, std::stop_token stop) = 0;
  // How far the newest heartbeat row the applier saw trails now; nullopt
  // before the first one.
  virtual std::optional<std::chrono::milliseconds> HeartbeatLag(Clock::WallTime now) const = 0;
  // Every change before this position is applied to the shadow (committed).
  // Empty file name before the first event was handled.
  virtual binlog::Checkpoint applied_position() const = 0;
  // apply::Applier::HoldAfter / WaitHolding / Release: the applier stops
  // right after `position` until released (lock-free consistent points).
  virtual bool HoldAfter(const binlog::BinlogPosition& position) = 0;
  virtual Status WaitHolding(std::chrono::milliseconds timeout, std::stop_token stop) = 0;
  virtual void Release() = 0;
};

struct ApplierSetup {
  db::ConnectionOptions connection;
  std::string database;
  std::string table;
  std::string shadow_table;
  std::string changelog_table;
  const schema::TableSchema* original = nullptr;  // outlives the applier
  const schema::TableSchema* shadow = nullptr;
  const alter::ColumnMapping* mapping = nullptr;
  const schema::ChunkKey* key = nullptr;
  ApplyOptions options;
  Clock* clock = nullptr;
  // How long lost or refused connections are retried (a server restart).
  std::chrono::milliseconds reconnect_budget{0};
  // Every key the applier changed in the shadow (ApplierConfig).
  std::function<void(const std::vector<std::vector<std::string>>&)> on_applied_keys;
};

// Builds the production applier over `stream` (which it consumes).
Result<std::unique_ptr<ChangeApplier>> MakeApplier(ApplierSetup setup, binlog::ChangeStream* stream);

}  // namespace osc::migration::internal
