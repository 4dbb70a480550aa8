// The atomic cut-over: the shadow table takes the original's name in one
// RENAME while application queries wait briefly and never see the table
// missing (engine rule 8; SERVER-FACTS "Cut-over").
//
// One attempt (session A locks, session B renames, session C writes the
// marker and looks around, session P checks the shadow's lock):
//   A  LOCK TABLES t WRITE                        lock_wait_timeout = lock_timeout
//   C  write a marker row to the changelog; wait until the applier has
//      applied it (so every change made to t before the lock is in the shadow)
//   P  LOCK TABLES _t_osc_new WRITE; UNLOCK TABLES    lock_wait_timeout = 0
//      (1 s on MySQL): no other session holds the shadow, which B locks
//      before t (name order) and would otherwise wait for instead of t
//   A  SELECT 1: A still answers, so its lock held throughout the drain
//   B  RENAME TABLE t TO _t_osc_old, _t_osc_new TO t     (in its own thread;
//      it queues on t's metadata lock, ahead of the application's queries)
//   -  confirm B is "Waiting for table metadata lock" in the processlist
//      and, where performance_schema.metadata_locks works, that B's request
//      pending there is on t itself (not on a helper table another session
//      holds: RENAME locks its tables in name order)
//   A  UNLOCK TABLES                              B's RENAME is granted first
//   C  verify: t has the shadow's definition, _t_osc_old the original's
//
// No sentry table: see attempt.cc (with a locked sentry, B queues on the
// sentry instead of t, and DML waiting for t slips in between UNLOCK and
// RENAME). B is only issued after the drain and after A proved it still
// holds the lock. What makes the swap complete is B being queued on t
// before t is unlocked; where that is not certain (A died before B was
// seen waiting, B's RENAME ran without waiting, a session took the shadow
// between P's check and B's request), a write may have
// reached the old table after the drain. So every swap, expected or not,
// is confirmed from the binlog (CutOverContext::confirm_swap) before the
// old table may be dropped.
//
// Bounds: LOCK TABLES waits at most lock_timeout; everything after it
// (draining the applier, P's check, B reaching its wait) must finish within
// lock_timeout of the moment LOCK TABLES was sent, or the attempt is
// abandoned. So application queries on t wait about lock_timeout at most
// per attempt, plus the recovery's round trips (and on MySQL, where P's
// lock_wait_timeout cannot go below 1 s, up to 1 s more when another
// session holds the shadow).
//
// Failure: B's session is killed (KILL CONNECTION, even when its client
// call already returned: the server may still be running the RENAME), A
// unlocks only once B is gone from the processlist, and the tables are
// inspected: the original in place (retry later), or, if B's RENAME won
// the race, swapped (then confirmed like any swap).
// Retryable failures back off (doubling from backoff_initial up to
// backoff_max) and try again, up to max_attempts.
//
// Before each attempt: wait while the postpone flag file exists; list and
// log blockers (blocker.h); with force_cut_over_after set and that long
// since the first failed attempt, KILL the sessions that block this table
// (SessionsToForceKill) and log that it did.
//
// Sync points, in order: cutover:attempt_start, cutover:locked,
// cutover:marker_written, cutover:marker_applied, cutover:shadow_probed,
// cutover:before_rename (on
// B's thread), cutover:rename_waiting, cutover:unlocked, cutover:renamed;
// cutover:rolled_back after a failed attempt left the original in place.
//
// Thread safety: Run() from one thread (the orchestrator's). It starts
// and joins B's thread itself; nothing outlives Run().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "osc/cutover/blocker.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/executor.h"
#include "osc/options.h"
#include "osc/schema/names.h"

namespace osc::cutover {
namespace internal {
class Attempt;
}  // namespace internal

// Supplied by the orchestrator: returns OK once the applier has applied the
// binlog event that carries `marker` (and so everything before it);
// Timeout when `deadline` passes first; Aborted when `stop` is requested.
// Any other error is treated as permanent (the applier broke). Called on
// Run()'s thread while t is locked: it must honour the deadline.
using WaitForMarkerFn = std::function<Status(const std::string& marker, Clock::SteadyTime deadline,
                                             std::stop_token stop)>;

// What the cut-over needs from its surroundings. Pointers are not owned
// and must outlive Run().
struct CutOverContext {
  Executor* executor = nullptr;
  Changelog* changelog = nullptr;
  Clock* clock = nullptr;
  WaitForMarkerFn wait_for_marker;
  // Called after every swap, before the old table may be dropped: OK when
  // the binlog shows that each change made to t before the RENAME reached
  // the new table (the applier applied every row event up to the RENAME's
  // own event); Timeout when that could not be seen in time (the old table
  // is then kept and the swap reported with a warning); any other error
  // means changes are missing from the new table. Unset (unit tests): a
  // swap counts as confirmed when B was seen queued before t was unlocked.
  std::function<Status(std::stop_token stop)> confirm_swap;
  // Connection ids of osc's own sessions (applier, heartbeat): never
  // reported as blockers, never killed.
  std::vector<uint64_t> own_session_ids;
};

// Knobs that are not user options; the defaults suit production, tests
// shorten them.
struct CutOverTuning {
  // How often the processlist is polled for B's metadata-lock wait.
  std::chrono::milliseconds rename_poll_interval{10};
  // How often the postpone flag file is checked.
  std::chrono::milliseconds postpone_poll_interval{1000};
  // Transactions open this long are listed as blockers.
  std::chrono::seconds long_transaction_threshold{5};
};

struct AttemptRecord {
  int number = 0;                 // 1-based
  Status status;                  // OK for the attempt that swapped
  std::vector<Blocker> blockers;  // listed just before the attempt
  std::vector<uint64_t> killed;   // sessions killed by force before it
  Clock::Duration lock_held{};    // how long t was locked; 0 if never
};

struct CutOverReport {
  std::vector<AttemptRecord> attempts;
  bool swapped = false;                // t is the new table
  // The swap happened but changes made to t after the drain may be missing
  // from the new table (confirm_swap said so); the old table is kept.
  bool swap_incomplete = false;
  // The swap could not be confirmed in time (see confirm_swap); the old
  // table is kept, the cut-over counts as done.
  bool swap_unconfirmed = false;
  std::string old_table;               // _<table>_osc_old
  bool old_table_dropped = false;      // ok_to_drop_table and the DROP worked
  Clock::Duration postponed{};         // time spent waiting for the flag file
  bool metadata_locks_usable = false;  // as last seen by ListBlockers
};

class CutOver {
 public:
  CutOver(migration::CutOverOptions options, std::string database, std::string table,
          CutOverContext context, CutOverTuning tuning = {});

  // Cuts over, retrying as described above. OK: t is the new table (and the
  // old one was dropped if ok_to_drop_table and the swap was confirmed; a
  // failure to drop it is only logged). With report().swap_incomplete the
  // tables were swapped but changes may be missing from the new table:
  // Internal, the old table kept, nothing retried. Otherwise the original
  // table is in place and writable, and the error is the last attempt's
  // (with its server errno), or:
  //   InvalidArgument     bad options, names or context
  //   FailedPrecondition  _<table>_osc_old already exists;
  //                       the table or the shadow is missing; the postpone
  //                       flag file cannot be checked
  //   Aborted             `stop` was requested
  //   Internal            the tables are in a state osc did not expect
  //                       (described in the message; nothing is retried)
  Status Run(std::stop_token stop);

  // What happened; complete once Run() returned.
  const CutOverReport& report() const { return report_; }

 private:
  Status Validate() const;
  Status WaitWhilePostponed(std::stop_token stop);
  void ListBlockers(AttemptRecord* record);
  void ForceKillBlockers(const BlockerReport& blockers, AttemptRecord* record);
  void DropOldTable();
  // See CutOverContext::confirm_swap.
  Status ConfirmSwap(bool rename_was_queued, std::stop_token stop);
  // After an attempt that left the tables swapped (OK or not): confirm,
  // then drop the old table or keep it and say why.
  Status FinishSwap(const internal::Attempt& attempt, const Status& attempt_status, std::stop_token stop);

  const migration::CutOverOptions options_;
  const std::string database_;
  const std::string table_;
  const CutOverContext context_;
  const CutOverTuning tuning_;
  bool mdl_note_logged_ = false;
  CutOverReport report_;
};

}  // namespace osc::cutover
