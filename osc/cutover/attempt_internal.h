// One cut-over attempt (see cut_over.h for the protocol). Internal to
// osc/cutover: CutOver::Run creates one Attempt per try.
//
// Thread safety: Run() from one thread; the object owns B's thread and
// joins it before Run() returns (and again, as a safety net, on
// destruction).
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "common/status.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/cut_over.h"
#include "osc/cutover/executor.h"
#include "osc/schema/names.h"

namespace osc::cutover::internal {

struct AttemptPlan {
  std::string database;
  std::string table;
  schema::HelperTableNames names;
  std::chrono::seconds lock_timeout{3};
  std::chrono::milliseconds poll_interval{10};
  // performance_schema.metadata_locks works (as the blocker listing before
  // the attempt found): then B counts as queued only once it has a PENDING
  // lock on t itself, not merely "Waiting for table metadata lock", which
  // it also shows while it waits for a helper table someone else holds.
  bool check_rename_target = false;
};

class Attempt {
 public:
  Attempt(const AttemptPlan& plan, const CutOverContext& context);
  ~Attempt();
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  // OK when t is the new table (verified). Otherwise the status says why
  // the attempt failed and the tables are either the original in place
  // (verified), or swapped all the same (swapped(): B's RENAME won a race
  // with the failure; the caller must confirm that swap), or in an
  // unexpected state (Internal). A RENAME that reported success counts as
  // a swap even when the tables cannot be inspected afterwards.
  Status Run(std::stop_token stop);

  // True when the attempt ended with the tables swapped (also after a
  // failure: see Run).
  bool swapped() const { return swapped_; }
  // True when B was seen waiting for a metadata lock while A still held t,
  // so the RENAME was queued ahead of the application's queries.
  bool rename_was_queued() const { return rename_queued_; }

  // How long t was locked by A; zero if the lock was never granted.
  Clock::Duration lock_held() const { return lock_held_; }

 private:
  enum class Layout : uint8_t { kOriginal, kSwapped, kUnexpected };

  Status Prepare();
  Status OpenSession(std::string_view role, std::unique_ptr<Session>* out);
  Status Swap(std::stop_token stop);
  Status LockTable();
  Status Drain(std::stop_token stop);
  // Takes and drops the shadow's lock from a session of ours without
  // waiting (MariaDB; up to 1 s on MySQL), so that B does not start while
  // another session holds it. Timeout when one does.
  Status ProbeShadow();
  // "; sessions that may hold it: ..." from the blocker listing for the
  // shadow, or "" when it lists nobody.
  std::string ShadowHolders();
  Status StartRename();
  Status AwaitRenameWaiting(std::stop_token stop);
  // With check_rename_target: true when B has a PENDING metadata lock on
  // t, false when it has none there but a lock row on the shadow (it waits
  // for or holds the shadow first); nullopt when B's rows cannot be read or
  // B has none at all (then the processlist state decides).
  std::optional<bool> RenamePendingOnTable();
  Status Release();
  Status Recover(const Status& cause);
  Status JoinRename();
  // Ends B for good before A lets go of t: KILL CONNECTION (also when B's
  // client call has returned, as the server may still be running the
  // RENAME), then wait until B's call returned and its session is gone from
  // the processlist. False when that could not be seen in time.
  bool EndRename();
  void Unlock();
  Result<Layout> Inspect(std::string* detail);
  // Inspect, tried twice more on a new session after a failure (a lost
  // control session must not decide what the tables look like).
  Result<Layout> InspectPatiently(std::string* detail);
  Status Verify();

  const AttemptPlan& plan_;
  const CutOverContext& context_;
  Clock* const clock_;

  std::unique_ptr<Session> rename_session_;  // B
  // B's RENAME. Declared after B's session and before A's, so that on
  // destruction A's session closes first (releasing t, so a still pending
  // B finishes at once) and B's thread is joined before its session goes
  // away.
  std::future<Status> rename_;
  std::unique_ptr<Session> lock_session_;     // A
  std::unique_ptr<Session> control_session_;  // C
  std::unique_ptr<Session> probe_session_;    // ProbeShadow's, lock_wait_timeout 0

  std::string original_definition_;  // SHOW CREATE TABLE t, before the attempt
  std::string shadow_definition_;    // SHOW CREATE TABLE _t_osc_new
  bool locked_ = false;
  bool rename_queued_ = false;
  bool swapped_ = false;
  std::optional<Status> rename_result_;
  Clock::SteadyTime deadline_{};
  Clock::SteadyTime locked_at_{};
  Clock::Duration lock_held_{};
};

}  // namespace osc::cutover::internal
