// The changelog table `_<table>_osc_log`: osc's own small table next to the
// migrated one. Its rows travel through the binlog like any other write, so
// the applier sees them in stream order; that is what makes them useful:
//   heartbeat   the writer's wall time, rewritten every heartbeat interval:
//               how current the binlog stream is, and replica lag
//   state       the migration state, for humans looking at the table
//   checkpoint  opaque text the orchestrator serialises (resume)
//   marker      a unique value written on demand; when the applier reports
//               it has applied the event carrying it, everything written
//               to the table before the marker has been applied too
//
// Layout (part of the contract with the applier, which recognises markers
// in row events of this table by these positions):
//   id BIGINT UNSIGNED PRIMARY KEY   one of RowId below
//   kind VARCHAR(32)                 "heartbeat", "state", "checkpoint", "marker"
//   value TEXT                       see above; utf8mb4
//   updated_at TIMESTAMP(6)          server time of the last write
// Every write is a REPLACE of the whole row: in ROW format it is logged as
// a write or an update whose after-image carries the new value.
//
// Thread safety: a Changelog is an immutable description plus an atomic
// marker counter; its methods may be called from several threads, each
// with its own Session.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "common/status.h"
#include "osc/cutover/executor.h"

namespace osc::cutover {

enum class RowId : uint64_t {
  kHeartbeat = 1,
  kState = 2,
  kCheckpoint = 3,
  kMarker = 4,
};

// The state a run writes when it stops and keeps its helper tables for a
// resume ("stopped (resumable)"): a changelog whose state starts with this
// belongs to no live run, however fresh its rows are.
inline constexpr std::string_view kStoppedState = "stopped";

// The state a run writes when its swap happened but a change made during
// it was found missing (cut-over incomplete, exit code 7). It starts with kStoppedState (no
// live run owns the changelog), and the changelog is kept as the marker
// that `_<t>_osc_old` may hold changes the new table lacks: `osc
// --cleanup` then keeps both tables, even with --ok-to-drop-table.
inline constexpr std::string_view kSwapIncompleteState = "stopped (swap incomplete)";
// The same for a swap whose binlog check did not finish (the run itself
// succeeded): kept the same way.
inline constexpr std::string_view kSwapUnconfirmedState = "stopped (swap unconfirmed)";
// Written as soon as a swap is confirmed, so that a run stopped before it
// dropped its changelog does not leave what looks like an unconfirmed swap.
inline constexpr std::string_view kSwapConfirmedState = "stopped (swap confirmed)";

// Column positions in row images of the changelog table.
inline constexpr size_t kIdColumn = 0;
inline constexpr size_t kKindColumn = 1;
inline constexpr size_t kValueColumn = 2;

// "2023-11-14 22:13:20.123456": UTC, microseconds, the format TIMESTAMP(6)
// and DATETIME(6) literals take. Sub-microsecond parts are dropped.
std::string FormatUtcMicros(Clock::WallTime t);

class Changelog {
 public:
  // The changelog of `database`.`table` (the table being migrated; the
  // changelog's name comes from schema::HelperNamesFor). InvalidArgument
  // for names the server could not hold.
  static Result<Changelog> For(std::string_view database, std::string_view table);

  Changelog(Changelog&& other) noexcept;
  Changelog& operator=(Changelog&&) = delete;
  Changelog(const Changelog&) = delete;
  Changelog& operator=(const Changelog&) = delete;

  const std::string& database() const { return database_; }
  const std::string& table_name() const { return table_; }
  // `database`.`_<table>_osc_log`, quoted.
  const std::string& qualified_name() const { return qualified_; }

  // CREATE TABLE. FailedPrecondition when it already exists (a leftover of
  // an earlier run: resuming or cleaning up is the caller's decision).
  Status CreateTable(Session& session) const;
  // DROP TABLE IF EXISTS.
  Status DropTable(Session& session) const;

  // Rewrites the heartbeat row with `now` (FormatUtcMicros).
  Status WriteHeartbeat(Session& session, Clock::WallTime now) const;
  Status WriteState(Session& session, std::string_view state) const;
  Status WriteCheckpoint(Session& session, std::string_view checkpoint) const;
  // The checkpoint text, or nullopt when none was written.
  Result<std::optional<std::string>> ReadCheckpoint(Session& session) const;

  // Writes a marker row and returns its value: "<name>:<nonce>:<sequence>",
  // unique across processes (random 64-bit nonce per Changelog) and within
  // one (sequence). `name` is [A-Za-z0-9_-]{1,32}, else InvalidArgument.
  Result<std::string> WriteMarker(Session& session, std::string_view name);

 private:
  Changelog(std::string database, std::string table, uint64_t nonce);
  Status WriteRow(Session& session, RowId id, std::string_view kind, std::string_view value) const;

  std::string database_;
  std::string table_;
  std::string qualified_;
  uint64_t nonce_ = 0;
  // Atomic so threads writing markers concurrently get distinct values.
  std::atomic<uint64_t> marker_sequence_{0};
};

}  // namespace osc::cutover
