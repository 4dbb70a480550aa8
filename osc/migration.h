// Migration: one online schema change, end to end. The orchestrator owns
// every thread of the migration (binlog reader, applier, heartbeat,
// progress, copier workers) and drives the state machine in osc/state.h,
// one function per phase.
//
//   preflight -> [plan only: stop]                        no --execute
//             -> create shadow + changelog
//             -> stream: remember the binlog position, follow it from there
//             -> copy (the applier keeps the shadow current meanwhile)
//             -> catch up -> checksum (+repair) -> cut-over -> done
//
// Failure at any phase before the swap leaves the original table untouched
// and in use. Once the copy has begun, osc writes a checkpoint to its
// changelog every checkpoint_interval (osc/resume_state.h); a stop request
// or a lost server then keeps the helper tables for a later run to resume
// (the same command resumes by itself); other failures, and any failure
// before the copy began, drop them. The summary says which. After a
// successful swap the original data stays as _<table>_osc_old unless
// ok_to_drop_table.
//
// Thread safety: Run() once, from one thread. state(), progress() and
// preflight() may be called from other threads while it runs (progress()
// and state() are meant for that; preflight() only after Run returned).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "osc/options.h"
#include "osc/progress.h"
#include "osc/schema/preflight.h"
#include "osc/state.h"

namespace osc::migration {

struct MigrationHooks {
  // Called on the progress thread every options.progress_interval, and
  // once more at the end.
  std::function<void(const ProgressSnapshot&)> on_progress;
  // Called on the orchestrator thread after each state change.
  std::function<void(State from, State to)> on_state;
};

// What happened, for the final report and the exit code.
struct MigrationOutcome {
  State final_state = State::kInit;
  // The preflight refused (state kFailed, status FailedPrecondition).
  bool refused = false;
  // The helper tables osc created were dropped again (failure/abort paths).
  bool helpers_dropped = false;
  // The helper tables were kept with a checkpoint, for a later run to
  // resume (aborts and connection failures after the copy began).
  bool helpers_kept = false;
  // Set when this run continued an earlier one: the rows that run had
  // copied (from its checkpoint).
  std::optional<uint64_t> resumed_rows;
  // Rows the checksum compared during the copy (the rest was compared
  // before the cut-over); 0 when it compared everything after the copy.
  uint64_t rows_compared_during_copy = 0;
  // The cut-over swapped the tables but changes made to the original after
  // osc's drain may be missing from the new table (the binlog showed a
  // change that could not be applied before the RENAME); the old table is
  // kept, and so is osc's changelog, its state kSwapIncompleteState, so
  // that `osc --cleanup` keeps the old table too. The run fails (Internal)
  // and the summary says what to compare.
  bool swap_incomplete = false;
  // The swap happened and the run succeeded, but the binlog check did not
  // finish (it timed out or was stopped): nothing says a change is missing,
  // nothing proves it is not. The old table is kept, and so is osc's
  // changelog, its state kSwapUnconfirmedState, so that `osc --cleanup`
  // keeps the old table too.
  bool swap_unconfirmed = false;
  // One paragraph for people: what was done, where the old table is, or
  // why it stopped and what state the server is in.
  std::string summary;
};

class Migration {
 public:
  // `clock` is not owned (null: SystemClock()).
  explicit Migration(MigrationOptions options, Clock* clock = nullptr, MigrationHooks hooks = {});
  ~Migration();
  Migration(const Migration&) = delete;
  Migration& operator=(const Migration&) = delete;

  // Plans (options.execute false) or migrates. OK: planned, or swapped.
  // Otherwise: FailedPrecondition when the preflight refused (outcome()
  // .refused), Aborted when `stop` was requested, or the error that stopped
  // the migration (with its server errno).
  Status Run(std::stop_token stop);

  State state() const;
  ProgressSnapshot progress() const;
  const MigrationOutcome& outcome() const;
  // The preflight report, once the preflight ran.
  const schema::PreflightReport* preflight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace osc::migration
