#include <system_error>
#include <utility>

#include "common/logging.h"
#include "common/sync_point.h"
#include "db/errors.h"
#include "db/quoting.h"
#include "osc/cutover/attempt_internal.h"
#include "osc/cutover/server_queries.h"

namespace osc::cutover::internal {
namespace {

constexpr std::string_view kWaitingForMdl = "Waiting for table metadata lock";

bool IsReady(const std::future<Status>& f) {
  return f.valid() && f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

std::string Ms(Clock::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

Attempt::Attempt(const AttemptPlan& plan, const CutOverContext& context)
    : plan_(plan), context_(context), clock_(context.clock) {}

Attempt::~Attempt() {
  // Run() always joins B; this only matters if that path is ever broken.
  // Closing A releases t; B (only ever started after the drain) may then
  // complete the swap, which is consistent.
  lock_session_.reset();
  if (rename_.valid()) rename_.wait();
}

Status Attempt::Run(std::stop_token stop) {
  OSC_SYNC_POINT("cutover:attempt_start");
  // Nothing has changed on the server if Prepare fails.
  OSC_RETURN_IF_ERROR(Prepare());
  Status s = Swap(stop);
  if (s.ok()) return Verify();
  return Recover(s);
}

Status Attempt::OpenSession(std::string_view role, std::unique_ptr<Session>* out) {
  OSC_ASSIGN_OR_RETURN(*out, context_.executor->OpenSession(role));
  // Bounds LOCK TABLES, RENAME, DROP and SHOW CREATE TABLE on a locked
  // table (SERVER-FACTS: lock_wait_timeout covers them all); InnoDB's own
  // timeout bounds the marker write's row lock.
  const std::string secs = std::to_string(plan_.lock_timeout.count());
  OSC_RETURN_IF_ERROR((*out)->Execute("SET SESSION lock_wait_timeout = " + secs));
  return (*out)->Execute("SET SESSION innodb_lock_wait_timeout = " + secs);
}

Status Attempt::Prepare() {
  OSC_RETURN_IF_ERROR(OpenSession("cutover-control", &control_session_));
  OSC_RETURN_IF_ERROR(OpenSession("cutover-lock", &lock_session_));
  OSC_RETURN_IF_ERROR(OpenSession("cutover-rename", &rename_session_));
  OSC_RETURN_IF_ERROR(OpenSession("cutover-probe", &probe_session_));
  // No waiting: after the drain osc's applier has nothing left to write
  // to the shadow, so any lock on it is another session's. MySQL raises 0
  // to its minimum, 1 s (with a warning).
  OSC_RETURN_IF_ERROR(probe_session_->Execute("SET SESSION lock_wait_timeout = 0"));
  Session& c = *control_session_;
  OSC_ASSIGN_OR_RETURN(auto original, ShowCreateTable(c, plan_.database, plan_.table));
  OSC_ASSIGN_OR_RETURN(auto shadow, ShowCreateTable(c, plan_.database, plan_.names.shadow));
  if (!original || !shadow) {
    return Status::FailedPrecondition(
        "cannot cut over: " +
        db::QuoteQualified(plan_.database, original ? plan_.names.shadow : plan_.table) +
        " does not exist");
  }
  original_definition_ = std::move(*original);
  shadow_definition_ = std::move(*shadow);
  // The RENAME needs the old table's name free; whatever holds it is not
  // ours to drop (osc never creates it except by the RENAME itself).
  OSC_ASSIGN_OR_RETURN(auto old, ShowCreateTable(c, plan_.database, plan_.names.old));
  if (old) {
    return Status::FailedPrecondition(
        db::QuoteQualified(plan_.database, plan_.names.old) +
        " already exists (an old table left by an earlier migration?); rename or drop it, then "
        "cut over");
  }
  return Status::Ok();
}

Status Attempt::Swap(std::stop_token stop) {
  OSC_RETURN_IF_ERROR(LockTable());
  OSC_RETURN_IF_ERROR(Drain(stop));
  OSC_RETURN_IF_ERROR(ProbeShadow());
  OSC_RETURN_IF_ERROR(StartRename());
  OSC_RETURN_IF_ERROR(AwaitRenameWaiting(stop));
  return Release();
}

// Why there is no sentry table (gh-ost's "_t_del" created and locked by A):
// RENAME TABLE takes its metadata locks in name order, and the helper names
// ("_t_osc_new", "_t_osc_old") sort before most table names. With a locked
// sentry, B queues on the SENTRY, not on t; when A drops the sentry and
// unlocks, DML that was waiting for t is granted before B even asks for t,
// and runs against the old table after the drain: a lost change (observed
// on MariaDB 10.11 under the end-to-end test's writer). Without a sentry the
// only lock B waits for is t's, where an exclusive waiter is granted ahead of
// the queued DML. The sentry's other job, stopping B if A dies before the
// shadow is current, is done by ordering instead: B is issued only after the
// drain, so a RENAME that runs at any later moment swaps in a complete shadow.
Status Attempt::LockTable() {
  // From here on application queries on t queue behind us: the clock for
  // "how long may they wait" starts now.
  deadline_ = clock_->Now() + plan_.lock_timeout;
  OSC_RETURN_IF_ERROR(
      lock_session_
          ->Execute("LOCK TABLES " + db::QuoteQualified(plan_.database, plan_.table) + " WRITE")
          .WithContext("LOCK TABLES"));
  locked_ = true;
  locked_at_ = clock_->Now();
  OSC_SYNC_POINT("cutover:locked");
  return Status::Ok();
}

Status Attempt::Drain(std::stop_token stop) {
  OSC_ASSIGN_OR_RETURN(std::string marker,
                       context_.changelog->WriteMarker(*control_session_, "cutover"));
  OSC_SYNC_POINT("cutover:marker_written");
  Status s = context_.wait_for_marker(marker, deadline_, stop);
  if (!s.ok())
    return s.WithContext("waiting for the applier to apply marker " + marker + " under the lock");
  if (stop.stop_requested()) return Status::Aborted("stop requested during the cut-over");
  OSC_SYNC_POINT("cutover:marker_applied");
  return Status::Ok();
}

// RENAME takes its metadata locks in name order, and the shadow's name
// sorts before most table names: while another session holds the shadow
// (an open transaction that read it, a dump's snapshot, a DBA's query), B
// waits for the shadow, not for t, and looks the same in the processlist.
// Where performance_schema shows B's locks, AwaitRenameWaiting then keeps t
// locked until the lock timeout; without it nothing tells the two waits
// apart, and unlocking t would let writes reach the old table (caught only
// afterwards, from the binlog: cut-over incomplete). So just before B asks,
// a session of ours takes and drops the shadow's lock without waiting: a
// holder ends the attempt at once, t is unlocked and the original stays in
// place. A holder arriving between this and B's request is left to those
// two checks.
Status Attempt::ProbeShadow() {
  const std::string shadow = db::QuoteQualified(plan_.database, plan_.names.shadow);
  Status locked = probe_session_->Execute("LOCK TABLES " + shadow + " WRITE");
  if (!locked.ok()) {
    if (locked.IsServerError() && locked.server_errno() == db::errc::kLockWaitTimeout) {
      return Status::Timeout("the lock on " + shadow +
                             " could not be taken at once: another session holds it (an open transaction that read "
                             "it, a dump, a DBA's query) or waits for it (FLUSH TABLES), and the RENAME would wait "
                             "there instead of queuing on " +
                             db::QuoteQualified(plan_.database, plan_.table) + ShadowHolders());
    }
    return locked.WithContext("LOCK TABLES " + shadow + " (checking that the RENAME can take it)");
  }
  // Our own lock left on the shadow would be the very wait this avoids;
  // if UNLOCK fails, closing the session releases it.
  if (Status unlocked = probe_session_->Execute("UNLOCK TABLES"); !unlocked.ok()) {
    probe_session_.reset();
    return unlocked.WithContext("UNLOCK TABLES on " + shadow);
  }
  OSC_SYNC_POINT("cutover:shadow_probed");
  // On MySQL the probe may have waited its 1 s minimum with t locked.
  if (clock_->Now() >= deadline_) {
    return Status::Timeout("the cut-over lock timeout passed while checking the lock on " + shadow);
  }
  return Status::Ok();
}

std::string Attempt::ShadowHolders() {
  BlockerQuery query{plan_.database, plan_.names.shadow, std::chrono::seconds(1), context_.own_session_ids};
  auto report = context_.executor->ListBlockers(query);
  if (!report.ok() || report->blockers.empty()) return "";
  std::string out = "; sessions that may hold it: ";
  constexpr size_t kMax = 3;
  for (size_t i = 0; i < report->blockers.size() && i < kMax; ++i) {
    out += (i == 0 ? "" : "; ") + report->blockers[i].Describe();
  }
  if (report->blockers.size() > kMax) out += "; and " + std::to_string(report->blockers.size() - kMax) + " more";
  return out;
}

Status Attempt::StartRename() {
  // Without a sentry nothing on the server stops B if A's lock is already
  // gone: B would rename at once, and writes made to t after A died would be
  // missing from the shadow. A's session still answering proves its lock was
  // held throughout the drain (LOCK TABLES ends only by UNLOCK or by the
  // session ending). What is left is the moment between this round trip and
  // B's lock request.
  Status alive = lock_session_->Execute("SELECT 1");
  if (!alive.ok()) {
    return alive.WithContext("the session holding the lock on " +
                             db::QuoteQualified(plan_.database, plan_.table) +
                             " was lost before the RENAME; not renaming");
  }
  const std::string sql = "RENAME TABLE " + db::QuoteQualified(plan_.database, plan_.table) +
                          " TO " + db::QuoteQualified(plan_.database, plan_.names.old) + ", " +
                          db::QuoteQualified(plan_.database, plan_.names.shadow) + " TO " +
                          db::QuoteQualified(plan_.database, plan_.table);
  Session* b = rename_session_.get();
  try {
    rename_ = std::async(std::launch::async, [b, sql] {
      OSC_SYNC_POINT("cutover:before_rename");
      return b->Execute(sql);
    });
  } catch (const std::system_error& e) {
    return Status::Internal(std::string("cannot start the RENAME thread: ") + e.what());
  }
  return Status::Ok();
}

// B must be queued on the metadata lock before A lets go: only then is the
// RENAME granted ahead of the application's queued DML (SERVER-FACTS).
Status Attempt::AwaitRenameWaiting(std::stop_token stop) {
  bool waiting_elsewhere_logged = false;
  for (;;) {
    if (IsReady(rename_)) {
      OSC_RETURN_IF_ERROR(JoinRename().WithContext("RENAME ended before it waited for the lock"));
      // Only possible if A's lock vanished after the liveness check above:
      // writes to t in that instant may have gone to the old table.
      // Recover() finds the tables swapped and the caller checks the binlog.
      spdlog::error(
          "cut-over: the RENAME ran without waiting for osc's lock (the locking session was "
          "lost just before it); writes to {} in that instant may be missing from the new table",
          db::QuoteQualified(plan_.database, plan_.table));
      return Status::Internal("RENAME completed while the table was supposed to be locked by osc");
    }
    auto process = context_.executor->FindProcess(rename_session_->id());
    if (!process.ok())
      return process.status().WithContext("looking for the RENAME session in the processlist");
    if (*process && (*process)->state == kWaitingForMdl) {
      // RENAME locks its tables in name order and the helper names sort
      // before most table names: B may be waiting for a helper table that
      // another session holds, not yet for t. Unlocking t then would let
      // queued writes in ahead of B. Where performance_schema can tell,
      // wait until B's request on t itself is pending.
      const std::optional<bool> on_table = plan_.check_rename_target ? RenamePendingOnTable() : std::nullopt;
      if (on_table.value_or(true)) {
        rename_queued_ = true;
        break;
      }
      if (!waiting_elsewhere_logged) {
        spdlog::warn("cut-over: the RENAME waits for a metadata lock on another of its tables (does a session "
                     "hold {}?); waiting until it queues on {}",
                     db::QuoteQualified(plan_.database, plan_.names.shadow),
                     db::QuoteQualified(plan_.database, plan_.table));
        waiting_elsewhere_logged = true;
      }
    }
    if (clock_->Now() >= deadline_) {
      return Status::Timeout(waiting_elsewhere_logged
                                 ? "the RENAME session waited for a lock on another of its tables until the "
                                   "cut-over lock timeout"
                                 : "the RENAME session was not seen waiting for the metadata lock within the "
                                   "cut-over lock timeout");
    }
    if (!clock_->SleepFor(plan_.poll_interval, stop))
      return Status::Aborted("stop requested during the cut-over");
  }
  OSC_SYNC_POINT("cutover:rename_waiting");
  return Status::Ok();
}

std::optional<bool> Attempt::RenamePendingOnTable() {
  const uint64_t b = rename_session_->id();
  // B's metadata-lock rows on `table`; nullopt when they cannot be read.
  auto rows_of_b = [&](const std::string& table) -> std::optional<std::vector<Blocker>> {
    // A long threshold keeps the listing to what matters here.
    BlockerQuery query{plan_.database, table, std::chrono::hours(24), {}};
    auto report = context_.executor->ListBlockers(query);
    if (!report.ok() || !report->metadata_locks_usable) return std::nullopt;
    std::vector<Blocker> rows;
    for (Blocker& blocker : report->blockers) {
      if (blocker.kind == BlockerKind::kMetadataLock && blocker.process.id == b) rows.push_back(std::move(blocker));
    }
    return rows;
  };
  const auto on_table = rows_of_b(plan_.table);
  if (!on_table) return std::nullopt;
  for (const Blocker& row : *on_table) {
    if (row.lock_status == "PENDING") return true;
  }
  // Not on t: B either waits for (or holds) the shadow's lock, or is not
  // instrumented at all (performance_schema's setup_actors, a full lock
  // table), and then its rows say nothing and the processlist decides.
  const auto on_shadow = rows_of_b(plan_.names.shadow);
  if (!on_shadow || on_shadow->empty()) return std::nullopt;
  return false;
}

Status Attempt::Release() {
  Status unlock = lock_session_->Execute("UNLOCK TABLES");
  // A lost session has released its locks on the server: B proceeds either
  // way, so only a live session that failed to unlock is an error.
  if (!unlock.ok() && !lock_session_->broken()) return unlock.WithContext("UNLOCK TABLES");
  locked_ = false;
  lock_held_ = clock_->Now() - locked_at_;
  OSC_SYNC_POINT("cutover:unlocked");
  OSC_RETURN_IF_ERROR(JoinRename().WithContext("RENAME TABLE"));
  OSC_SYNC_POINT("cutover:renamed");
  return Status::Ok();
}

Status Attempt::JoinRename() {
  if (!rename_result_ && rename_.valid()) rename_result_ = rename_.get();
  return rename_result_.value_or(Status::Ok());
}

void Attempt::Unlock() {
  if (!locked_) return;
  Status s = lock_session_->Execute("UNLOCK TABLES");
  if (!s.ok())
    spdlog::warn("cut-over: UNLOCK TABLES failed (a lost session's locks are released): {}",
                 s.ToString());
  locked_ = false;
  lock_held_ = clock_->Now() - locked_at_;
}

bool Attempt::EndRename() {
  if (!rename_session_ || (!rename_.valid() && !rename_result_)) return true;  // B never started
  if (rename_result_ && rename_result_->ok()) return true;  // B renamed: nothing left to stop
  // KILL QUERY would miss a RENAME that has not reached the server yet (it
  // would arrive at an idle session and run later, after t is unlocked and
  // after writes the shadow lacks), and nothing at all is sent when B's
  // client call already failed, yet the server may still be waiting in the
  // RENAME (a read timeout, a dropped proxy connection). A killed session
  // runs nothing more.
  const uint64_t b = rename_session_->id();
  Status k = context_.executor->Kill(b, KillScope::kConnection);
  if (!k.ok() && !k.IsNotFound())
    spdlog::warn("cut-over: KILL CONNECTION of the RENAME session failed: {}", k.ToString());
  // A RENAME waiting for a lock ends at once when killed; lock_wait_timeout
  // bounds it in any case. Both waits here only run long when something is
  // already wrong (the kill did not take), while t is still locked.
  if (rename_.valid() && rename_.wait_for(plan_.lock_timeout) != std::future_status::ready) return false;
  Status rename = JoinRename();
  if (!rename.ok()) spdlog::info("cut-over: the RENAME ended with: {}", rename.ToString());
  const Clock::SteadyTime until = clock_->Now() + std::chrono::seconds(2);
  for (;;) {
    auto process = context_.executor->FindProcess(b);
    if (process.ok() && !*process) return true;
    if (clock_->Now() >= until || !clock_->SleepFor(plan_.poll_interval, std::stop_token{})) return false;
  }
}

// B is ended before A unlocks, so a failed attempt normally leaves the
// original in place. If B's RENAME won the race anyway the tables are
// swapped (Layout::kSwapped): the attempt still fails, with swapped() set,
// and the caller confirms the swap from the binlog.
Status Attempt::Recover(const Status& cause) {
  spdlog::warn("cut-over attempt failed, restoring: {}", cause.ToString());
  const bool ended = EndRename();
  if (!ended) {
    // Holding t longer would stall the application without making B's
    // outcome any more certain. B may still rename after the unlock, so its
    // call is awaited (its read timeout exceeds its lock wait) before the
    // tables are looked at; a late swap is then confirmed like any other.
    spdlog::warn("cut-over: the RENAME session {} did not end in time; unlocking anyway",
                 rename_session_->id());
  }
  Unlock();
  if (!ended && rename_.valid()) {
    rename_.wait();
    (void)JoinRename();
  }

  std::string detail;
  Result<Layout> layout = InspectPatiently(&detail);
  if (!layout.ok()) {
    if (rename_result_ && rename_result_->ok()) {
      // The server said the RENAME committed: the tables are swapped.
      spdlog::warn("cut-over: the RENAME completed despite: {}; the tables could not be inspected: {}",
                   cause.ToString(), layout.status().ToString());
      swapped_ = true;
      return cause;
    }
    return Status::Internal(
        "cut-over attempt failed (" + cause.ToString() +
        ") and the tables could not be inspected afterwards: " + layout.status().ToString());
  }
  switch (*layout) {
    case Layout::kOriginal:
      spdlog::info("cut-over: original table {} intact",
                   db::QuoteQualified(plan_.database, plan_.table));
      OSC_SYNC_POINT("cutover:rolled_back");
      return cause;
    case Layout::kSwapped:
      // The RENAME ran although the attempt failed around it (e.g. A's
      // session died after B had queued).
      spdlog::warn("cut-over: the RENAME completed despite: {}", cause.ToString());
      swapped_ = true;
      return cause;
    case Layout::kUnexpected:
      break;
  }
  return Status::Internal("after a failed cut-over attempt (" + cause.ToString() +
                          ") the tables are not as expected: " + detail);
}

Result<Attempt::Layout> Attempt::InspectPatiently(std::string* detail) {
  Result<Layout> layout = Inspect(detail);
  for (int retry = 0; !layout.ok() && retry < 2; ++retry) {
    if (!clock_->SleepFor(std::chrono::milliseconds(200), std::stop_token{})) break;
    control_session_.reset();  // Inspect opens a new one
    layout = Inspect(detail);
  }
  return layout;
}

Result<Attempt::Layout> Attempt::Inspect(std::string* detail) {
  if (!control_session_ || control_session_->broken()) {
    OSC_RETURN_IF_ERROR(OpenSession("cutover-control", &control_session_));
  }
  Session& c = *control_session_;
  OSC_ASSIGN_OR_RETURN(auto t, ShowCreateTable(c, plan_.database, plan_.table));
  OSC_ASSIGN_OR_RETURN(auto shadow, ShowCreateTable(c, plan_.database, plan_.names.shadow));
  OSC_ASSIGN_OR_RETURN(auto old, ShowCreateTable(c, plan_.database, plan_.names.old));
  const auto same = [](const std::optional<std::string>& a, const std::string& b) {
    return a && NormalizeCreateTable(*a) == NormalizeCreateTable(b);
  };
  if (same(t, original_definition_) && shadow && !old) return Layout::kOriginal;
  if (same(t, shadow_definition_) && !shadow && same(old, original_definition_))
    return Layout::kSwapped;
  *detail = std::string("table ") + (t ? "exists" : "is missing") + ", shadow " +
            (shadow ? "exists" : "is missing") + ", old table " + (old ? "exists" : "is missing") +
            (t ? (same(t, original_definition_) ? "; table has the original definition"
                  : same(t, shadow_definition_) ? "; table has the new definition"
                                                : "; table has an unknown definition")
               : "");
  return Layout::kUnexpected;
}

Status Attempt::Verify() {
  // The RENAME reported success: the server committed the swap. Failing to
  // look at the tables afterwards (a lost session) must not turn into
  // another attempt, which would find the shadow gone and fail.
  swapped_ = true;
  std::string detail;
  Result<Layout> inspected = InspectPatiently(&detail);
  if (!inspected.ok()) {
    spdlog::warn("cut-over: the RENAME reported success; the tables could not be inspected afterwards: {}",
                 inspected.status().ToString());
    return Status::Ok();
  }
  const Layout layout = *inspected;
  if (layout != Layout::kSwapped) {
    swapped_ = false;
    return Status::Internal("the RENAME reported success but the tables are not swapped: " +
                            detail);
  }
  spdlog::info("cut-over: {} is now the new table; the original is {} (table locked for {})",
               db::QuoteQualified(plan_.database, plan_.table),
               db::QuoteQualified(plan_.database, plan_.names.old), Ms(lock_held_));
  return Status::Ok();
}

}  // namespace osc::cutover::internal
