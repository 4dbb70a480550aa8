#include "osc/cutover/cut_over.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/logging.h"
#include "db/errors.h"
#include "db/quoting.h"
#include "osc/cutover/attempt_internal.h"

namespace osc::cutover {
namespace {

// Whether trying again later may succeed without anyone changing anything.
bool IsRetryableAttemptError(const Status& s) {
  if (s.IsTimeout()) return true;
  if (!s.IsServerError()) return false;
  switch (s.server_errno()) {
    // Our own KILL QUERY of B, or A's session killed from outside.
    case db::errc::kQueryInterrupted:
    case db::errc::kConnectionKilled:
      return true;
    default:
      return db::IsRetryable(s.server_errno());
  }
}

}  // namespace

CutOver::CutOver(migration::CutOverOptions options, std::string database, std::string table,
                 CutOverContext context, CutOverTuning tuning)
    : options_(std::move(options)),
      database_(std::move(database)),
      table_(std::move(table)),
      context_(std::move(context)),
      tuning_(tuning) {}

Status CutOver::Validate() const {
  if (context_.executor == nullptr || context_.changelog == nullptr || context_.clock == nullptr ||
      !context_.wait_for_marker) {
    return Status::InvalidArgument(
        "cut-over context needs an executor, a changelog, a clock and wait_for_marker");
  }
  if (options_.lock_timeout < std::chrono::seconds(1)) {
    return Status::InvalidArgument("--cut-over-lock-timeout-seconds must be at least 1");
  }
  if (options_.max_attempts < 1)
    return Status::InvalidArgument("--cut-over-max-attempts must be at least 1");
  if (options_.backoff_initial.count() <= 0 || options_.backoff_max < options_.backoff_initial) {
    return Status::InvalidArgument("cut-over back-off must be positive, with max >= initial");
  }
  return db::ValidateIdentifier(database_).WithContext("database name");
}

Status CutOver::Run(std::stop_token stop) {
  OSC_RETURN_IF_ERROR(Validate());
  OSC_ASSIGN_OR_RETURN(schema::HelperTableNames names, schema::HelperNamesFor(table_));
  report_ = CutOverReport{};
  report_.old_table = names.old;
  internal::AttemptPlan plan{database_, table_, names, options_.lock_timeout,
                             tuning_.rename_poll_interval};
  Clock& clock = *context_.clock;
  std::chrono::milliseconds backoff = options_.backoff_initial;
  std::optional<Clock::SteadyTime> first_failure;
  Status last;
  for (int n = 1; n <= options_.max_attempts; ++n) {
    if (stop.stop_requested())
      return Status::Aborted("stop requested before cut-over attempt " + std::to_string(n));
    OSC_RETURN_IF_ERROR(WaitWhilePostponed(stop));
    AttemptRecord& record = report_.attempts.emplace_back();
    record.number = n;
    ListBlockers(&record);
    if (options_.force_cut_over_after && first_failure &&
        clock.Now() - *first_failure >= *options_.force_cut_over_after) {
      ForceKillBlockers(BlockerReport{record.blockers, report_.metadata_locks_usable, ""}, &record);
    }
    spdlog::info("cut-over attempt {}/{} on {}", n, options_.max_attempts,
                 db::QuoteQualified(database_, table_));
    plan.check_rename_target = report_.metadata_locks_usable;
    internal::Attempt attempt(plan, context_);
    record.status = attempt.Run(stop);
    record.lock_held = attempt.lock_held();
    if (record.status.ok() || attempt.swapped()) return FinishSwap(attempt, record.status, stop);
    last = record.status;
    if (!IsRetryableAttemptError(last))
      return last.WithContext("cut-over attempt " + std::to_string(n));
    if (!first_failure) first_failure = clock.Now();
    if (n == options_.max_attempts) break;
    spdlog::warn("cut-over attempt {} failed, original intact; retrying in {} ms: {}", n,
                 backoff.count(), last.ToString());
    if (!clock.SleepFor(backoff, stop))
      return Status::Aborted("stopped while backing off between cut-over attempts");
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
  return last.WithContext("cut-over gave up after " + std::to_string(options_.max_attempts) +
                          " attempt(s); the original table is in place; last error");
}

Status CutOver::WaitWhilePostponed(std::stop_token stop) {
  if (options_.postpone_flag_file.empty()) return Status::Ok();
  Clock& clock = *context_.clock;
  const Clock::SteadyTime start = clock.Now();
  bool logged = false;
  for (;;) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(options_.postpone_flag_file, ec);
    // A flag we cannot check must not be read as "absent": that would cut
    // over against the operator's wish.
    if (ec) {
      return Status::FailedPrecondition("cannot check --postpone-cut-over-flag-file " +
                                        options_.postpone_flag_file + ": " + ec.message());
    }
    if (!exists) break;
    if (!logged) {
      spdlog::info("cut-over postponed while {} exists (the shadow stays in sync)",
                   options_.postpone_flag_file);
      logged = true;
    }
    if (!clock.SleepFor(tuning_.postpone_poll_interval, stop)) {
      return Status::Aborted("stopped while the cut-over was postponed");
    }
  }
  report_.postponed += clock.Now() - start;
  if (logged)
    spdlog::info("postpone flag file {} is gone; cutting over", options_.postpone_flag_file);
  return Status::Ok();
}

void CutOver::ListBlockers(AttemptRecord* record) {
  BlockerQuery query{database_, table_, tuning_.long_transaction_threshold,
                     context_.own_session_ids};
  auto found = context_.executor->ListBlockers(query);
  if (!found.ok()) {
    // Not knowing who blocks is no reason not to try.
    spdlog::warn("cut-over: cannot list blockers: {}", found.status().ToString());
    return;
  }
  report_.metadata_locks_usable = found->metadata_locks_usable;
  if (!found->metadata_locks_usable && !mdl_note_logged_) {
    spdlog::warn(
        "cut-over: metadata locks cannot be inspected ({}); sessions holding a lock on {} while "
        "idle can only be guessed from long transactions, and a RENAME waiting for the shadow "
        "cannot be told from one waiting for the table: osc checks that nobody holds the shadow "
        "just before the RENAME, and a session taking it in that moment is caught from the "
        "binlog after the swap",
        found->metadata_locks_note, db::QuoteQualified(database_, table_));
    mdl_note_logged_ = true;
  }
  // On a busy table every running statement shows up; a few lines say who
  // is there without flooding the log on each attempt.
  constexpr size_t kMaxLogged = 20;
  for (size_t i = 0; i < found->blockers.size() && i < kMaxLogged; ++i) {
    spdlog::info("cut-over blocker: {}", found->blockers[i].Describe());
  }
  if (found->blockers.size() > kMaxLogged) {
    spdlog::info("cut-over: {} more blocker rows not shown", found->blockers.size() - kMaxLogged);
  }
  record->blockers = std::move(found->blockers);
}

void CutOver::ForceKillBlockers(const BlockerReport& blockers, AttemptRecord* record) {
  for (uint64_t id : SessionsToForceKill(blockers)) {
    if (std::find(context_.own_session_ids.begin(), context_.own_session_ids.end(), id) !=
        context_.own_session_ids.end()) {
      continue;
    }
    Status s = context_.executor->Kill(id, KillScope::kConnection);
    if (s.ok()) {
      spdlog::warn("cut-over forced (--force-cut-over-after): killed session {} blocking {}", id,
                   db::QuoteQualified(database_, table_));
      record->killed.push_back(id);
    } else if (!s.IsNotFound()) {
      spdlog::warn("cut-over forced: KILL CONNECTION {} failed: {}", id, s.ToString());
    }
  }
}

Status CutOver::ConfirmSwap(bool rename_was_queued, std::stop_token stop) {
  if (context_.confirm_swap) return context_.confirm_swap(stop);
  if (rename_was_queued) return Status::Ok();
  return Status::FailedPrecondition(
      "the RENAME was not seen queued on the table before it was unlocked, and no binlog check is "
      "available to show that no change was missed");
}

Status CutOver::FinishSwap(const internal::Attempt& attempt, const Status& attempt_status,
                           std::stop_token stop) {
  report_.swapped = true;
  const std::string table = db::QuoteQualified(database_, table_);
  const std::string old = db::QuoteQualified(database_, report_.old_table);
  if (!attempt_status.ok()) {
    spdlog::warn("cut-over: the tables were swapped although the attempt failed ({}); checking that no change "
                 "to {} was missed",
                 attempt_status.ToString(), table);
  }
  Status confirmed = ConfirmSwap(attempt.rename_was_queued(), stop);
  if (confirmed.ok()) {
    if (options_.ok_to_drop_table) DropOldTable();
    return Status::Ok();
  }
  if (confirmed.IsTimeout() || confirmed.IsAborted()) {
    // Nothing says a change is missing; nothing proves it is not either.
    report_.swap_unconfirmed = true;
    spdlog::warn("cut-over: {} is the new table, but osc could not confirm that it missed no change ({}); the "
                 "original data is kept as {}{}: compare the two before dropping it",
                 table, confirmed.ToString(), old, options_.ok_to_drop_table ? " despite --ok-to-drop-table" : "");
    return Status::Ok();
  }
  report_.swap_incomplete = true;
  return Status::Internal("the tables were swapped, but changes made to " + table +
                          " after osc drained the binlog may be missing from the new table (" +
                          confirmed.ToString() + "); the original data, with those changes, is kept as " + old +
                          ": compare the two and copy what is missing before dropping it");
}

void CutOver::DropOldTable() {
  const std::string old = db::QuoteQualified(database_, report_.old_table);
  auto session = context_.executor->OpenSession("cutover-drop-old");
  Status s = session.ok() ? (*session)->Execute("DROP TABLE " + old) : session.status();
  if (!s.ok()) {
    spdlog::warn("cut-over done, but dropping the old table {} failed (drop it yourself): {}", old,
                 s.ToString());
    return;
  }
  report_.old_table_dropped = true;
  spdlog::info("dropped the old table {} (--ok-to-drop-table)", old);
}

}  // namespace osc::cutover
