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
};

class Attempt {
 public:
  Attempt(const AttemptPlan& plan, const CutOverContext& context);
  ~Attempt();
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  // OK when t is the new table (verified). Otherwise the original is in
  // place (verified) and the status says why the attempt failed, or
  // Internal when the tables are in an unexpected state.
  Status Run(std::stop_token stop);

  // How long t was locked by A; zero if the lock was never granted.
  Clock::Duration lock_held() const { return lock_held_; }

 private:
  enum class Layout : uint8_t { kOriginal, kSwapped, kUnexpected };

  Status Prepare();
  Status OpenSession(std::string_view role, std::unique_ptr<Session>* out);
  Status Swap(std::stop_token stop);
  Status CreateSentryAndLock();
  Status Drain(std::stop_token stop);
  Status StartRename();
  Status AwaitRenameWaiting(std::stop_token stop);
  Status Release();
  Status Recover(const Status& cause);
  Status JoinRename();
  void Unlock();
  Result<Layout> Inspect(std::string* detail);
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

  std::string original_definition_;  // SHOW CREATE TABLE t, before the attempt
  std::string shadow_definition_;    // SHOW CREATE TABLE _t_osc_new
  bool locked_ = false;
  std::optional<Status> rename_result_;
  Clock::SteadyTime deadline_{};
  Clock::SteadyTime locked_at_{};
  Clock::Duration lock_held_{};
};

}  // namespace osc::cutover::internal
