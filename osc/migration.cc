// The orchestrator. Why the phases run in this order, and what each
// failure leaves behind, is engine rule by rule (see the design notes in
// the README and the comments below); each phase is one function.

#include "osc/migration.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "binlog/server_event_source.h"
#include "common/logging.h"
#include "db/connection.h"
#include "db/errors.h"
#include "db/quoting.h"
#include "osc/copy/changed_keys.h"
#include "osc/copy/chunk_size.h"
#include "osc/copy/copier.h"
#include "osc/copy/key_range.h"
#include "osc/copy/statements.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/connection_executor.h"
#include "osc/cutover/cut_over.h"
#include "osc/cutover/heartbeat.h"
#include "osc/control/server.h"
#include "osc/control_bridge.h"
#include "osc/hooks/hook_runner.h"
#include "osc/migration_internal.h"
#include "osc/migration_impl.h"
#include "osc/resume_state.h"
#include "osc/schema/inspect.h"
#include "osc/schema/names.h"
#include "osc/schema/preflight_internal.h"
#include "osc/throttle_setup.h"

namespace osc::migration {

namespace {

// Server id for osc's binlog reader: the user's, or one derived from the
// process id in a range servers rarely use, so two concurrent osc runs on
// one primary do not disconnect each other (a duplicate id drops the older
// reader, SERVER-FACTS "Binlog client").
uint32_t ReaderServerId(uint32_t configured) {
  if (configured != 0) return configured;
  return 0x6f000000u | (static_cast<uint32_t>(getpid()) & 0x00ffffffu);
}

Result<binlog::BinlogPosition> CurrentBinlogPosition(db::Connection& conn) {
  auto r = conn.Query("SHOW MASTER STATUS");
  if (!r.ok()) return r.status();
  if (r->rows.empty() || r->rows[0].size() < 2 || !r->rows[0][0] || !r->rows[0][1]) {
    return Status::FailedPrecondition("SHOW MASTER STATUS returned no position: is log_bin ON?");
  }
  return binlog::BinlogPosition{*r->rows[0][0], std::stoull(*r->rows[0][1])};
}

}  // namespace

db::ConnectionOptions Migration::Impl::SessionOptions() const {
  db::ConnectionOptions o = options.connection;
  o.database = options.database;
  return o;
}

// The cut-over's sessions wait in LOCK TABLES and RENAME for up to the
// cut-over lock timeout; a client read timeout shorter than that would
// abandon a RENAME the server is still running.
db::ConnectionOptions Migration::Impl::CutOverSessionOptions() const {
  db::ConnectionOptions o = SessionOptions();
  o.read_timeout = std::max(o.read_timeout, std::chrono::seconds(options.cut_over.lock_timeout.count() + 30));
  return o;
}

Status Migration::Impl::Preflight() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kPreflight));
  OSC_RETURN_IF_ERROR(EnsureControl());
  if (options.execute) OSC_RETURN_IF_ERROR(DropInitially());
  OSC_ASSIGN_OR_RETURN(schema::PreflightReport r, schema::RunPreflight(*control, options));
  report.emplace(std::move(r));
  OSC_RETURN_IF_ERROR(DetectResume());
  if (!report->CanRun()) {
    outcome.refused = true;
    for (const auto& f : report->findings) {
      if (f.severity == Severity::kFatal) return Status::FailedPrecondition(f.name + ": " + f.message);
    }
    return Status::FailedPrecondition("preflight refused the migration");
  }
  rows_estimated = report->estimate ? report->estimate->rows : 0;
  return Status::Ok();
}

namespace {

// The command that removes a run's helper tables: the way out of a run
// that cannot or should not be resumed.
std::string CleanupHint(const MigrationOptions& o) {
  return "osc --cleanup --database " + o.database + " --table " + o.table;
}

}  // namespace

// The orchestrator's own session (preflight, INSTANT, the checksum's
// LOCK TABLES): opened on first use and again after the server dropped it
// (a restart during the copy), so a later phase does not fail on a
// connection that died while it was idle.
Status Migration::Impl::EnsureControl() {
  if (control && !control->broken()) return Status::Ok();
  db::ConnectionOptions co = SessionOptions();
  co.init_statements.push_back("SET SESSION lock_wait_timeout = " +
                               std::to_string(options.cut_over.lock_timeout.count()));
  OSC_ASSIGN_OR_RETURN(db::Connection conn, db::Connection::Open(co));
  control.emplace(std::move(conn));
  return Status::Ok();
}

// gh-ost's --initially-drop-ghost-table / --initially-drop-old-table: the
// user says the leftovers are disposable, so they go before the preflight
// looks for them (and a resume is not attempted).
Status Migration::Impl::DropInitially() {
  if (!options.initially_drop_helpers && !options.initially_drop_old_table) return Status::Ok();
  OSC_ASSIGN_OR_RETURN(schema::HelperTableNames h, schema::HelperNamesFor(table()));
  // Not the record of an unconfirmed swap (osc/cleanup.h): the old table
  // may hold the only copy of some changes, and the changelog is what
  // keeps --cleanup off it.
  OSC_ASSIGN_OR_RETURN(schema::HelperPresence presence, schema::internal::ObserveHelperPresence(*control, db(), h));
  if (schema::IsUnconfirmedSwap(presence)) {
    return Status::FailedPrecondition(
        "--initially-drop-*: not dropping " + db::QuoteQualified(db(), h.old) + " or " +
        db::QuoteQualified(db(), h.changelog) + ": " + std::string(schema::kUnconfirmedSwapNote) + ", so " +
        db::QuoteIdentifier(h.old) + " may hold changes the table lacks; compare the two, then drop both by hand");
  }
  std::vector<std::string> names;
  if (options.initially_drop_helpers) names = {h.shadow, h.changelog};
  if (options.initially_drop_old_table) names.push_back(h.old);
  for (const std::string& name : names) {
    const Status s = control->Execute("DROP TABLE IF EXISTS " + db::QuoteQualified(db(), name));
    if (!s.ok()) return s.WithContext("dropping " + name + " first");
    spdlog::info("dropped {} if it existed (--initially-drop-*)", name);
  }
  return Status::Ok();
}

// Turns the preflight's leftover-tables refusal into a resume when the
// leftovers are this very migration's, with a checkpoint to continue from.
Status Migration::Impl::DetectResume() {
  if (!report->helpers || !report->table_schema) return Status::Ok();
  OSC_ASSIGN_OR_RETURN(db::QueryResult create,
                       control->Query("SHOW CREATE TABLE " + db::QuoteQualified(db(), table())));
  if (create.rows.empty() || create.rows[0].size() < 2 || !create.rows[0][1]) {
    return Status::Internal("SHOW CREATE TABLE returned nothing");
  }
  fingerprint = MigrationFingerprint(options.alter, *create.rows[0][1]);
  auto it = std::find_if(report->findings.begin(), report->findings.end(),
                         [](const schema::Finding& f) { return f.name == "leftover_tables"; });
  const bool leftovers = it != report->findings.end() && it->severity == Severity::kFatal;
  if (!leftovers) {
    if (options.resume) {
      report->findings.push_back({"resume", Severity::kFatal,
                                  "--resume: there is no earlier run of osc on this table to resume",
                                  "run the same command without --resume to start a new migration"});
    }
    return Status::Ok();
  }
  std::string why_not;
  bool compare_first = false;
  Result<ResumeState> state = ReadResumable(&why_not, &compare_first);
  if (!state.ok() && why_not.empty()) return state.status();  // the server could not be asked
  if (!state.ok() && start_over) {
    it->severity = Severity::kOk;
    it->message += "; " + why_not + ", so they are dropped and the migration starts over";
    it->fix.clear();
    if (!options.execute) return Status::Ok();
    for (const std::string& name : {helpers().shadow, helpers().changelog}) {
      OSC_RETURN_IF_ERROR(control->Execute("DROP TABLE IF EXISTS " + db::QuoteQualified(db(), name)));
    }
    spdlog::warn("dropped {} and {} of an earlier run that stopped before its first checkpoint", helpers().shadow,
                 helpers().changelog);
    return Status::Ok();
  }
  if (!state.ok() && compare_first) {
    // An unconfirmed swap: the fix stays the preflight's (compare, then
    // drop by hand); --cleanup would keep these tables anyway.
    it->message += "; " + why_not;
    return Status::Ok();
  }
  if (!state.ok()) {
    it->message += "; they cannot be resumed: " + why_not;
    it->fix = "if no osc run on this table is still in progress: " + CleanupHint(options) +
              " (removes them; never touches the original table), then run again";
    return Status::Ok();
  }
  it->severity = Severity::kOk;
  it->message = "resuming the earlier run of this ALTER: " + std::to_string(state->rows_copied) +
                " rows were copied, binlog replay from " + state->applied.ToString();
  it->fix.clear();
  rows_copied_before = state->rows_copied;
  outcome.resumed_rows = state->rows_copied;
  resume = std::move(state).value();
  return Status::Ok();
}

// The checkpoint of the leftover helper tables, if this run may continue
// from it. A reason in `why_not` (and an error) when it may not; an error
// with `why_not` empty when the server could not be asked.
Result<ResumeState> Migration::Impl::ReadResumable(std::string* why_not, bool* compare_first) {
  auto fail = [&](std::string why) -> Result<ResumeState> {
    *why_not = std::move(why);
    return Status::FailedPrecondition(*why_not);
  };
  const schema::HelperTableNames& h = helpers();
  OSC_ASSIGN_OR_RETURN(schema::HelperPresence found, schema::internal::ObserveHelperPresence(*control, db(), h));
  if (schema::IsUnconfirmedSwap(found)) {
    // The preflight's finding already says what to compare and drop.
    *compare_first = true;
    return fail("an earlier run already swapped the tables, so there is nothing to continue");
  }
  if (found.old) {
    return fail(db::QuoteIdentifier(h.old) + " exists: an earlier run already swapped the tables (or its old data "
                "was kept), so there is nothing to continue");
  }
  if (!found.shadow || !found.changelog) {
    return fail("both " + db::QuoteIdentifier(h.shadow) + " and " + db::QuoteIdentifier(h.changelog) +
                " are needed to resume");
  }
  OSC_ASSIGN_OR_RETURN(cutover::Changelog cl, cutover::Changelog::For(db(), table()));
  auto rows = control->Query("SELECT id, value, TIMESTAMPDIFF(MICROSECOND, updated_at, NOW(6)) FROM " +
                             cl.qualified_name() + " WHERE id IN (1, 2, 3)");
  if (!rows.ok()) return fail("its changelog cannot be read: " + std::string(rows.status().message()));
  std::optional<std::string> text;
  std::optional<int64_t> heartbeat_age_us;
  bool stopped_cleanly = false;
  for (const db::Row& row : rows->rows) {
    if (row.size() < 3 || !row[0] || !row[1]) continue;
    if (*row[0] == "3") text = *row[1];
    if (*row[0] == "2") stopped_cleanly = row[1]->starts_with(cutover::kStoppedState);
    if (*row[0] == "1" && row[2]) heartbeat_age_us = std::stoll(*row[2]);
  }
  // A run that stopped cleanly says so; one that was killed only stops
  // writing heartbeats, so a fresh heartbeat may be a live run.
  const auto live_limit = std::max<std::chrono::microseconds>(std::chrono::seconds(10), 4 * options.heartbeat_interval);
  if (!stopped_cleanly && heartbeat_age_us && *heartbeat_age_us < live_limit.count()) {
    return fail("another osc run on this table looks alive (its heartbeat is " +
                std::to_string(*heartbeat_age_us / 1000) + " ms old): stop it first, or if it was killed, try again in " +
                std::to_string(live_limit.count() / 1000000) + " s");
  }
  if (!text) {
    // Killed before its first checkpoint: nothing in its tables is worth
    // keeping (at most one checkpoint interval of copying).
    start_over = true;
    return fail("the earlier run stopped before it wrote its first checkpoint");
  }
  auto decoded = DecodeResumeState(*text);
  if (!decoded.ok()) return fail(std::string(decoded.status().message()));
  if (decoded->fingerprint != fingerprint) {
    return fail("the checkpoint belongs to a different ALTER or to another definition of the table");
  }
  OSC_ASSIGN_OR_RETURN(copy::KeySpec key, copy::MakeKeySpec(*report->table_schema, *report->chunk_key));
  if (Status v = ValidateResumeKeys(key, *decoded); !v.ok()) {
    return fail("the checkpoint does not fit the table's key: " + std::string(v.message()));
  }
  OSC_ASSIGN_OR_RETURN(db::QueryResult logs, control->Query("SHOW BINARY LOGS"));
  const bool present = std::any_of(logs.rows.begin(), logs.rows.end(), [&](const db::Row& row) {
    return !row.empty() && row[0] == decoded->applied.file;
  });
  if (!present) {
    return fail("the binary log it must replay from (" + decoded->applied.ToString() +
                ") has been purged from the server");
  }
  return std::move(decoded).value();
}

Status Migration::Impl::WriteCheckpoint(cutover::Session& session) {
  copy::Checkpoint cp = copier->checkpoint();
  if (!cp.range && !cp.complete) return Status::Ok();  // the copy range is not read yet
  ResumeState rs;
  rs.fingerprint = fingerprint;
  rs.phase = std::string(ToString(sm.current()));
  const binlog::Checkpoint applied = applier->applied_position();
  // restart is the start of the transaction the applier is in, or the
  // boundary after its last event: replay from there repeats at most that
  // transaction's changes, which are idempotent.
  rs.applied = applied.restart.file.empty() ? stream_start : applied.restart;
  rs.rows_copied = rows_copied_before + copier->progress().rows_copied;
  rs.copy = std::move(cp);
  OSC_RETURN_IF_ERROR(changelog->WriteCheckpoint(session, EncodeResumeState(rs)));
  checkpoint_written = true;
  return Status::Ok();
}

// Starts the checkpoint writer. REQUIRES: copier and applier exist (they
// outlive the thread: StopCheckpointing joins it first).
void Migration::Impl::StartCheckpointing() {
  checkpoint_thread = std::jthread([this](std::stop_token st) {
    std::unique_ptr<cutover::Session> session;
    while (clock->SleepFor(options.checkpoint_interval, st) && !pipeline.stop_requested()) {
      if (!session || session->broken()) {
        auto opened = executor->OpenSession("checkpoint");
        if (!opened.ok()) continue;  // the server may be restarting; try again next time
        session = std::move(opened).value();
      }
      if (Status s = WriteCheckpoint(*session); !s.ok()) spdlog::warn("checkpoint not written: {}", s.ToString());
    }
  });
}

void Migration::Impl::StopCheckpointing() {
  if (!checkpoint_thread.joinable()) return;
  checkpoint_thread.request_stop();
  checkpoint_thread.join();
}

// A failed or stopped run keeps its helper tables when it has a checkpoint
// and what stopped it may be gone next time (a stop request, a lost or
// refused connection, a timeout); errors that would recur (a conversion
// error, a checksum difference, a refusal) drop them.
bool Migration::Impl::KeepForResume(const Status& s, bool aborted) const {
  if (!copier) return false;
  // Before the first periodic checkpoint, the final one (KeepHelpers)
  // saves the copy if the copier got as far as reading its range.
  const copy::Checkpoint cp = copier->checkpoint();
  if (!checkpoint_written && !cp.range && !cp.complete) return false;
  if (aborted || s.IsTimeout()) return true;
  const db::ErrorClass c = db::Classify(s.server_errno());
  return c == db::ErrorClass::kConnectionLost || c == db::ErrorClass::kCannotConnect ||
         c == db::ErrorClass::kTooManyConnections;
}

Status Migration::Impl::TryInstant(bool* done) {
  *done = false;
  if (resume || !options.attempt_instant || !report->algorithms ||
      report->algorithms->overall != alter::Algorithm::kInstant) {
    return Status::Ok();
  }
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kInstantDdl));
  // lock_wait_timeout (set on the control session) bounds the metadata-lock
  // wait, so an INSTANT ALTER queued behind a long transaction gives up
  // instead of blocking every later query on the table (the 23-minute
  // pile-up incident).
  Status s = control->Execute("ALTER TABLE " + db::QuoteQualified(db(), table()) + " " +
                              report->plan->ShadowAlterText() + ", ALGORITHM=INSTANT");
  if (s.ok()) {
    spdlog::info("applied the ALTER with ALGORITHM=INSTANT: no copy needed");
    *done = true;
    return sm.TransitionTo(State::kDone);
  }
  spdlog::warn("ALGORITHM=INSTANT did not work ({}); falling back to a copy", s.ToString());
  return Status::Ok();
}

Status Migration::Impl::CreateTables() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kCreatingTables));
  if (resume) return AdoptTables();
  const std::string shadow = db::QuoteQualified(db(), helpers().shadow);
  OSC_RETURN_IF_ERROR(control->Execute("CREATE TABLE " + shadow + " LIKE " + db::QuoteQualified(db(), table())));
  created_shadow = true;
  // The user's clauses run on the (empty) shadow, so a clause the server
  // rejects fails here, before any copying, with the server's own message.
  Status s = control->Execute("ALTER TABLE " + shadow + " " + report->plan->ShadowAlterText());
  if (!s.ok()) return s.WithContext("ALTER on the shadow table");
  OSC_ASSIGN_OR_RETURN(schema::TableSchema ss, schema::InspectTable(*control, db(), helpers().shadow));
  shadow_schema.emplace(std::move(ss));

  OSC_ASSIGN_OR_RETURN(cutover::Changelog cl, cutover::Changelog::For(db(), table()));
  changelog.emplace(std::move(cl));
  executor = std::make_unique<cutover::ConnectionExecutor>(CutOverSessionOptions());
  OSC_ASSIGN_OR_RETURN(auto session, executor->OpenSession("changelog-setup"));
  OSC_RETURN_IF_ERROR(changelog->CreateTable(*session));
  created_changelog = true;
  return changelog->WriteState(*session, "created");
}

// Resuming: the helper tables exist and fit this ALTER (the fingerprint
// said so); from here on they are this run's, to keep or drop.
Status Migration::Impl::AdoptTables() {
  spdlog::info("resuming: reusing {} and {}", helpers().shadow, helpers().changelog);
  OSC_ASSIGN_OR_RETURN(schema::TableSchema ss, schema::InspectTable(*control, db(), helpers().shadow));
  shadow_schema.emplace(std::move(ss));
  OSC_ASSIGN_OR_RETURN(cutover::Changelog cl, cutover::Changelog::For(db(), table()));
  changelog.emplace(std::move(cl));
  executor = std::make_unique<cutover::ConnectionExecutor>(CutOverSessionOptions());
  created_shadow = true;
  created_changelog = true;
  checkpoint_written = true;  // the earlier run's checkpoint stays valid until overwritten
  OSC_ASSIGN_OR_RETURN(auto session, executor->OpenSession("changelog-setup"));
  return changelog->WriteState(*session, "resumed");
}

Status Migration::Impl::StartStreaming() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kStreaming));
  // Rule 1: the position is read BEFORE the copier takes its range, so
  // every change the copy might miss is at or after it.
  // Resuming: replay from the checkpoint; what was applied after it is
  // applied again, idempotently.
  binlog::BinlogPosition pos;
  if (resume) {
    pos = resume->applied;
  } else {
    OSC_ASSIGN_OR_RETURN(pos, CurrentBinlogPosition(*control));
  }
  stream_start = pos;
  spdlog::info("following the binlog from {}", pos.ToString());
  binlog::ServerSourceOptions so;
  so.connection = options.connection;
  so.server_id = ReaderServerId(options.binlog_server_id);
  so.start = binlog::Checkpoint{pos, pos.offset};
  so.clock = clock;
  so.reconnect_timeout = options.reconnect_timeout;
  OSC_ASSIGN_OR_RETURN(auto source, binlog::ServerEventSource::Open(so));
  binlog::ChangeStreamOptions cso;
  cso.tables = {{db(), table()}, {db(), helpers().changelog}};
  cso.queue_capacity = options.apply.queue_capacity;
  OSC_ASSIGN_OR_RETURN(stream, binlog::ChangeStream::Start(std::move(source), cso));

  internal::ApplierSetup setup;
  setup.connection = SessionOptions();
  setup.database = db();
  setup.table = table();
  setup.shadow_table = helpers().shadow;
  setup.changelog_table = helpers().changelog;
  setup.original = &*report->table_schema;
  setup.shadow = &*shadow_schema;
  setup.mapping = &*report->mapping;
  setup.key = &*report->chunk_key;
  setup.options = options.apply;
  setup.clock = clock;
  setup.reconnect_budget = options.reconnect_timeout;
  if (std::string why; IncrementalChecksumAllowed(&why)) {
    changed_keys = std::make_unique<copy::ChangedKeys>(options.checksum.max_changed_keys);
    setup.on_applied_keys = [keys = changed_keys.get()](const std::vector<std::vector<std::string>>& k) {
      keys->Add(k);
    };
  } else if (options.checksum.enabled && options.checksum.during_copy) {
    spdlog::info("checksum: the tables are compared after the copy only: {}", why);
  }
  OSC_ASSIGN_OR_RETURN(applier, internal::MakeApplier(setup, stream.get()));

  const std::stop_token st = pipeline.get_token();
  applier_thread = std::jthread([this, st] {
    Status s = applier->Run(st);
    // After the swap the stream sees the RENAME and writes to the new
    // table; the applier's work is over by then, whatever it reports.
    if (!sm.PastCutOver()) RecordBackgroundError(s, "binlog applier");
  });
  // The heartbeat rides out a server restart like the other sessions: it
  // gives up after reconnect_timeout worth of failed writes in a row.
  const auto heartbeat_failures = static_cast<int>(std::min<int64_t>(
      1000000, 10 + std::chrono::duration_cast<std::chrono::milliseconds>(options.reconnect_timeout).count() /
                        options.heartbeat_interval.count()));
  heartbeat = std::make_unique<cutover::HeartbeatWriter>(&*changelog, executor.get(), clock,
                                                         options.heartbeat_interval, heartbeat_failures);
  heartbeat_thread = std::jthread([this, st] { RecordBackgroundError(heartbeat->Run(st), "heartbeat"); });
  return StartThrottle();
}

// The throttle starts with the heartbeat (replica lag is measured from
// it) and is checked once before the copier starts, so a panic flag or a
// lagging replica is obeyed from the first chunk on.
Status Migration::Impl::StartThrottle() {
  ThrottleSetup ts;
  ts.clock = clock;
  ts.primary = options.connection;
  ts.database = db();
  ts.table = table();
  ts.changelog_table = helpers().changelog;
  const uint64_t own = control->thread_id();
  ts.own_sessions = [own] { return std::vector<uint64_t>{own}; };
  std::vector<std::string> notes;
  OSC_ASSIGN_OR_RETURN(throttle, ThrottleControl::Create(options.throttle, ts, &notes));
  for (const std::string& note : notes) spdlog::warn("{}", note);
  throttle->throttler().CheckOnce(pipeline.get_token());
  throttle_thread = std::jthread([this, st = pipeline.get_token()] { throttle->throttler().Run(st); });
  return StartControlSocket();
}

// The socket serves from the start of the copy until the pipeline stops;
// a path that another live osc serves is refused before any copying.
Status Migration::Impl::StartControlSocket() {
  if (options.serve_socket_file.empty()) return Status::Ok();
  ControlBridgeSetup cs;
  cs.throttle = throttle.get();
  cs.snapshot = [this] { return Snapshot(); };
  cs.panic = [this](std::string reason) {
    spdlog::warn("{}", reason);
    pipeline.request_stop();
  };
  cs.on_command = [this](std::string command) {
    hooks::HookFacts f = Facts();
    f.command = std::move(command);
    (void)FireHook(hooks::HookEvent::kInteractiveCommand, pipeline.get_token(), std::move(f));
  };
  cs.postpone_flag_file = options.cut_over.postpone_flag_file;
  cs.table = db::QuoteQualified(db(), table());
  control_bridge = std::make_unique<ControlBridge>(std::move(cs));
  OSC_ASSIGN_OR_RETURN(control_server, control::ControlServer::Open(options.serve_socket_file, control_bridge.get()));
  spdlog::info("control socket: {} (try: echo status | nc -U {})", options.serve_socket_file,
               options.serve_socket_file);
  control_thread = std::jthread([this, st = pipeline.get_token()] {
    if (Status s = control_server->Run(st); !s.ok()) spdlog::warn("control socket stopped: {}", s.ToString());
  });
  return Status::Ok();
}

Status Migration::Impl::OpenHooks() {
  if (options.hooks_path.empty()) return Status::Ok();
  hooks::HookRunnerOptions ho;
  ho.dir = options.hooks_path;
  ho.base_environment = hooks::CurrentEnvironment();
  ho.secret_values = {options.connection.password};
  OSC_ASSIGN_OR_RETURN(hook_runner, hooks::HookRunner::Open(std::move(ho)));
  return Status::Ok();
}

hooks::HookFacts Migration::Impl::Facts() const {
  hooks::HookFacts f;
  f.database = db();
  f.table = table();
  // The names are known before the preflight ran (the startup hook).
  if (auto names = schema::HelperNamesFor(table()); names.ok()) {
    f.shadow_table = names->shadow;
    f.old_table = names->old;
  }
  f.alter = options.alter;
  const ProgressSnapshot p = Snapshot();
  f.elapsed = p.elapsed;
  if (copy_started != Clock::SteadyTime{}) {
    f.copy_elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock->Now() - copy_started);
  }
  f.rows_estimated = p.rows_estimated;
  f.rows_copied = p.rows_copied;
  f.progress_percent = p.rows_estimated == 0 ? 0.0 : 100.0 * static_cast<double>(p.rows_copied) /
                                                          static_cast<double>(p.rows_estimated);
  f.heartbeat_lag = p.binlog_lag;
  const std::string host = options.connection.socket.empty()
                               ? options.connection.host + ":" + std::to_string(options.connection.port)
                               : options.connection.socket;
  f.migrated_host = host;
  f.inspected_host = host;
  f.dry_run = !options.execute;
  f.state = std::string(ToString(sm.current()));
  return f;
}

Status Migration::Impl::FireHook(hooks::HookEvent event, std::stop_token stop, hooks::HookFacts facts) {
  if (!hook_runner) return Status::Ok();
  Status s = hook_runner->Fire(event, facts, stop);
  if (s.ok() || s.IsAborted()) return s;
  if (hooks::Blocking(event)) return s.WithContext("hook " + std::string(hooks::HookName(event)));
  spdlog::warn("hook {} failed (ignored): {}", hooks::HookName(event), s.ToString());
  return Status::Ok();
}

// A failing gh-ost-on-before-cut-over hook holds the cut-over (the shadow
// stays in sync) until the hook succeeds: it is how teams gate a swap on
// their own checks.
Status Migration::Impl::HoldForBeforeCutOverHook() {
  for (int held = 0;; ++held) {
    Status s = FireHook(hooks::HookEvent::kBeforeCutOver);
    if (s.ok() || s.IsAborted()) return s;
    if (held == 0) spdlog::warn("cut-over held by a failing hook, retrying every 5s: {}", s.ToString());
    if (Status e = BackgroundError(); !e.ok()) return e;
    if (!clock->SleepFor(std::chrono::seconds(5), pipeline.get_token())) return Status::Aborted("stopped");
  }
}

// Outside every --window the cut-over waits (the applier keeps the shadow
// current meanwhile), so the swap happens in the off-peak time the user
// chose.
Status Migration::Impl::WaitForCutOverWindow() {
  if (!throttle || throttle->windows().empty()) return Status::Ok();
  bool logged = false;
  while (!throttle->windows().InWindow(clock->WallNow())) {
    if (!logged) {
      spdlog::info("cut-over waits for the window {} (opens in {}s)", throttle->windows().ToString(),
                   std::chrono::duration_cast<std::chrono::seconds>(
                       throttle->windows().UntilNextOpen(clock->WallNow())).count());
      logged = true;
    }
    if (Status e = BackgroundError(); !e.ok()) return e;
    if (!clock->SleepFor(std::chrono::seconds(1), pipeline.get_token())) return Status::Aborted("stopped");
  }
  return Status::Ok();
}

Status Migration::Impl::Copy() {
  OSC_RETURN_IF_ERROR(FireHook(hooks::HookEvent::kBeforeRowCopy));
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kCopying));
  copy_started = clock->Now();
  copy::CopierConfig cc;
  cc.connection = SessionOptions();
  cc.database = db();
  cc.table = table();
  cc.shadow_table = helpers().shadow;
  OSC_ASSIGN_OR_RETURN(cc.key, copy::MakeKeySpec(*report->table_schema, *report->chunk_key));
  OSC_ASSIGN_OR_RETURN(cc.columns, copy::MakeCopyColumns(*report->table_schema, *report->mapping));
  cc.options = options.copy;
  // Shorter chunks where they take turns on the shadow's AUTO-INC lock.
  cc.options.chunk_target_time =
      copy::EffectiveChunkTargetTime(options.copy, report->CopyInsertsTakeTurns(*shadow_schema));
  if (cc.options.chunk_target_time != options.copy.chunk_target_time) {
    spdlog::info("innodb_autoinc_lock_mode is below 2 and {} has an AUTO_INCREMENT column: copy chunks take "
                 "turns on its AUTO-INC lock, so each aims at {} ms",
                 helpers().shadow, cc.options.chunk_target_time.count());
  }
  cc.tuning.reconnect_budget = options.reconnect_timeout;
  cc.clock = clock;
  // Rule 7: the copy yields to the applier (and stops with the pipeline).
  cc.gate = [this](std::stop_token stop) -> Status {
    while (applier->backlog() > options.copy.max_apply_backlog || hold_copy_for_checksum.load()) {
      if (Status e = BackgroundError(); !e.ok()) return e;
      if (!clock->SleepFor(std::chrono::milliseconds(20), stop)) return Status::Aborted("copy stopped");
    }
    if (Status e = BackgroundError(); !e.ok()) return e;
    // Throttled: the copy waits, the applier does not. An abort decision
    // (panic flag, critical load) ends the copy as Aborted: resumable.
    if (throttle) OSC_RETURN_IF_ERROR(throttle->throttler().WaitUntilGo(stop));
    return stop.stop_requested() ? Status::Aborted("copy stopped") : Status::Ok();
  };
  copier = std::make_unique<copy::Copier>(std::move(cc));
  if (control_bridge) control_bridge->AttachCopier(copier.get());
  StartCheckpointing();
  if (changed_keys) {
    chunks_from_copier = true;
    copier->KeepChunkLog(true);
    compare_thread = std::jthread([this](std::stop_token st) { CompareDuringCopy(st); });
  }
  Status s = resume ? copier->Resume(resume->copy, pipeline.get_token()) : copier->Run(pipeline.get_token());
  if (s.ok()) copy_finished = clock->Now();
  if (compare_thread.joinable()) {
    compare_thread.request_stop();
    compare_thread.join();
  }
  if (control_bridge) control_bridge->AttachCopier(nullptr);
  if (Status e = BackgroundError(); !e.ok()) return e;
  return s;
}

Status Migration::Impl::CatchUp() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kCatchingUp));
  // Everything written to the binlog before this marker is applied when
  // the applier reports the marker: the copy's tail is now covered.
  OSC_ASSIGN_OR_RETURN(auto session, executor->OpenSession("catch-up"));
  OSC_ASSIGN_OR_RETURN(std::string marker, changelog->WriteMarker(*session, "catchup"));
  const auto deadline = clock->Now() + std::chrono::hours(24);
  Status s = applier->WaitForMarker(marker, deadline, pipeline.get_token());
  if (Status e = BackgroundError(); !e.ok()) return e;
  return s;
}

Status Migration::Impl::CutOver() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kAwaitingCutOver));
  OSC_RETURN_IF_ERROR(WaitForCutOverWindow());
  OSC_RETURN_IF_ERROR(HoldForBeforeCutOverHook());
  // The last checkpoint before the swap: copy complete, binlog applied up
  // to the checksum. A crash in the cut-over resumes from here (or finds
  // the swap done).
  StopCheckpointing();
  if (auto session = executor->OpenSession("checkpoint"); session.ok()) {
    if (Status w = WriteCheckpoint(**session); !w.ok()) spdlog::warn("checkpoint not written: {}", w.ToString());
  }
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kCuttingOver));
  cutover::CutOverContext ctx;
  ctx.executor = executor.get();
  ctx.changelog = &*changelog;
  ctx.clock = clock;
  ctx.wait_for_marker = [this](const std::string& marker, Clock::SteadyTime deadline, std::stop_token stop) {
    return applier->WaitForMarker(marker, deadline, stop);
  };
  OSC_RETURN_IF_ERROR(EnsureControl());
  ctx.own_session_ids = {control->thread_id()};
  // A swap counts only once the binlog shows every change made to the
  // original before the RENAME applied to the shadow. The drain just
  // before it means the applier has little or nothing left to read.
  ctx.confirm_swap = [this](std::stop_token stop) {
    const auto bound = std::max<Clock::Duration>(std::chrono::seconds(10), 2 * options.cut_over.lock_timeout);
    return applier->WaitPastRename(clock->Now() + bound, stop);
  };
  applier->ExpectRename();
  cutover::CutOver co(options.cut_over, db(), table(), ctx);
  Status s = co.Run(pipeline.get_token());
  cut_over_attempts = static_cast<int>(co.report().attempts.size());
  if (!s.ok()) {
    if (co.report().swap_incomplete) {
      outcome.swap_incomplete = true;
      outcome.summary = "cut-over incomplete: " + db::QuoteQualified(db(), table()) +
                        " is the migrated table, but changes made to it during the swap may be missing; the " +
                        "original data is kept as " + db::QuoteQualified(db(), helpers().old) +
                        ": compare the two and copy what is missing, then drop it and osc's changelog " +
                        db::QuoteQualified(db(), helpers().changelog) + " (osc --cleanup keeps both).";
    }
    return s;
  }
  OSC_RETURN_IF_ERROR(sm.MarkCutOverDone());
  outcome.summary = "swapped " + db::QuoteQualified(db(), table()) + " with the migrated copy; the original data is " +
                    (co.report().old_table_dropped ? std::string("dropped")
                                                   : "kept as " + db::QuoteQualified(db(), helpers().old));
  // Recorded at once, so that a run stopped before the end leaves the
  // right record beside the old table (schema::IsUnconfirmedSwap).
  if (co.report().swap_unconfirmed) {
    outcome.swap_unconfirmed = true;
    MarkSwap(cutover::kSwapUnconfirmedState);
    outcome.summary += " (osc could not confirm from the binlog that the swap missed no change: compare before "
                       "dropping it and osc's changelog " +
                       db::QuoteQualified(db(), helpers().changelog) + ", which osc --cleanup keeps too)";
  } else {
    MarkSwap(cutover::kSwapConfirmedState);
  }
  return Status::Ok();
}

void Migration::Impl::StopPipeline() {
  pipeline.request_stop();
  StopCheckpointing();
  // Join the threads before destroying what they use.
  if (applier_thread.joinable()) applier_thread.join();
  if (heartbeat_thread.joinable()) heartbeat_thread.join();
  if (throttle_thread.joinable()) throttle_thread.join();
  if (control_thread.joinable()) control_thread.join();
  control_server.reset();  // removes the socket file
  if (stream) stream->Stop();
}

// The pipeline has stopped, so the applier's position is final: one last
// checkpoint saves the work since the previous one (if the server answers).
void Migration::Impl::KeepHelpers() {
  outcome.helpers_kept = true;
  auto session = executor->OpenSession("checkpoint");
  if (!session.ok()) return;
  if (Status w = WriteCheckpoint(**session); !w.ok()) spdlog::warn("final checkpoint not written: {}", w.ToString());
  (void)changelog->WriteState(**session, std::string(cutover::kStoppedState) + " (resumable)");
}

void Migration::Impl::MarkSwap(std::string_view state) {
  auto session = executor->OpenSession("checkpoint");
  if (!session.ok() || !changelog->WriteState(**session, state).ok()) {
    // The changelog is still there, and a changelog next to the old table
    // without the shadow is what --cleanup keeps both for anyway.
    spdlog::warn("could not write '{}' to {}", state, helpers().changelog);
  }
}

// Never touches the original table: only the helper tables this run made.
void Migration::Impl::DropHelpers() {
  if (!control || control->broken()) {
    auto c = db::Connection::Open(SessionOptions());
    if (!c.ok()) return;
    control.emplace(std::move(*c));
  }
  (void)control->Execute("UNLOCK TABLES");
  bool all = true;
  if (created_shadow) all &= control->Execute("DROP TABLE IF EXISTS " + db::QuoteQualified(db(), helpers().shadow)).ok();
  if (created_changelog) {
    all &= control->Execute("DROP TABLE IF EXISTS " + db::QuoteQualified(db(), helpers().changelog)).ok();
  }
  outcome.helpers_dropped = all && (created_shadow || created_changelog);
}

ProgressSnapshot Migration::Impl::Snapshot() const {
  ProgressSnapshot p;
  p.state = std::string(ToString(sm.current()));
  p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock->Now() - started);
  p.rows_estimated = rows_estimated;
  if (copier) {
    const copy::CopyProgress cp = copier->progress();
    p.rows_copied = rows_copied_before + cp.rows_copied;
    p.chunk_size = cp.chunk_size;
  }
  if (applier) {
    p.changes_applied = applier->applied();
    p.apply_backlog = applier->backlog();
    p.binlog_lag = applier->HeartbeatLag(clock->WallNow());
  }
  p.cut_over_attempts = cut_over_attempts.load();
  if (throttle && sm.current() == State::kCopying) {
    const throttle::Decision d = throttle->throttler().Current();
    if (!d.is_go()) p.throttle_reason = d.source + ": " + d.reason;
  }
  return p;
}

Status Migration::Impl::Run(std::stop_token stop) {
  started = clock->Now();
  std::stop_callback forward(stop, [this] { pipeline.request_stop(); });
  RateEstimator rate;
  // Primed with the start, so the first line already has a rate and an ETA.
  rate.Update(0, started);
  progress_thread = std::jthread([this, &rate](std::stop_token st) {
    Clock::SteadyTime last_status_hook = clock->Now();
    while (clock->SleepFor(options.progress_interval, st)) {
      ProgressSnapshot p = Snapshot();
      p.copy_rows_per_second = rate.Update(p.rows_copied, clock->Now());
      p.eta = EstimateEta(p.rows_copied, p.rows_estimated, p.copy_rows_per_second);
      if (hooks.on_progress) hooks.on_progress(p);
      // gh-ost-on-status every minute (gh-ost's --hooks-status-interval).
      if (hook_runner && clock->Now() - last_status_hook >= std::chrono::seconds(60)) {
        last_status_hook = clock->Now();
        hooks::HookFacts f = Facts();
        f.status_message = FormatProgressLine(p);
        (void)FireHook(hooks::HookEvent::kStatus, st, std::move(f));
      }
    }
  });
  auto phases = [&]() -> Status {
    OSC_RETURN_IF_ERROR(OpenHooks());
    OSC_RETURN_IF_ERROR(FireHook(hooks::HookEvent::kStartup));
    OSC_RETURN_IF_ERROR(Preflight());
    OSC_RETURN_IF_ERROR(FireHook(hooks::HookEvent::kValidated));
    OSC_RETURN_IF_ERROR(FireHook(hooks::HookEvent::kRowCountComplete));
    if (!options.execute) return sm.TransitionTo(State::kPlanned);
    bool instant_done = false;
    OSC_RETURN_IF_ERROR(TryInstant(&instant_done));
    if (instant_done) return Status::Ok();
    OSC_RETURN_IF_ERROR(CreateTables());
    OSC_RETURN_IF_ERROR(StartStreaming());
    OSC_RETURN_IF_ERROR(Copy());
    OSC_RETURN_IF_ERROR(FireHook(hooks::HookEvent::kRowCopyComplete));
    OSC_RETURN_IF_ERROR(CatchUp());
    OSC_RETURN_IF_ERROR(Checksum());
    OSC_RETURN_IF_ERROR(CutOver());
    return sm.TransitionTo(State::kDone);
  };
  Status s = phases();
  if (s.ok() && stop.stop_requested() && !sm.PastCutOver()) s = Status::Aborted("stopped on request");
  StopPipeline();
  progress_thread.request_stop();
  progress_thread.join();
  if (s.ok()) {
    // Only the changelog is left by now; after an unconfirmed swap it stays
    // as the record (CutOver()).
    if (changelog && created_changelog && !outcome.swap_unconfirmed) DropHelpers();
    if (hooks.on_progress) {
      // The last line: nothing left, and the copy's average rate.
      ProgressSnapshot last = Snapshot();
      last.eta = std::chrono::seconds(0);
      if (copy_finished > copy_started && copy_started != Clock::SteadyTime{}) {
        last.copy_rows_per_second = static_cast<double>(last.rows_copied) /
                                    std::chrono::duration<double>(copy_finished - copy_started).count();
      }
      hooks.on_progress(last);
    }
    outcome.final_state = sm.current();
    if (options.execute) {
      hooks::HookFacts f = Facts();
      f.instant_ddl = !created_shadow;
      (void)FireHook(hooks::HookEvent::kSuccess, std::stop_token{}, std::move(f));
    }
    return s;
  }
  const bool aborted = s.IsAborted() || stop.stop_requested();
  if (sm.PastCutOver()) {
    // The swap happened; what failed afterwards is housekeeping.
    spdlog::warn("after the cut-over: {}", s.ToString());
    outcome.final_state = State::kDone;
    return Status::Ok();
  }
  const State failed_in = sm.current();
  (void)sm.TransitionTo(aborted ? State::kAborted : State::kFailed);
  std::string helpers_text;
  if (outcome.swap_incomplete) {
    // The tables are swapped (the shadow's name is free now) and the old
    // table is kept on purpose. The changelog stays too, marked, so that
    // `osc --cleanup --ok-to-drop-table` in a script cannot drop the only
    // copy of the missing changes; CutOver() wrote the summary.
    MarkSwap(cutover::kSwapIncompleteState);
  } else if (KeepForResume(s, aborted)) {
    KeepHelpers();
    helpers_text = "; osc's helper tables are kept with a checkpoint (" + std::to_string(Snapshot().rows_copied) +
                   " rows copied): run the same command again to resume, or " + CleanupHint(options) +
                   " to remove them";
  } else {
    DropHelpers();
    if (outcome.helpers_dropped) helpers_text = "; osc's helper tables were dropped";
  }
  outcome.final_state = sm.current();
  if (!outcome.swap_incomplete) {
    const std::string verb = outcome.refused ? "refused by the preflight"
                             : aborted       ? "aborted in state " + std::string(ToString(failed_in))
                                             : "failed in state " + std::string(ToString(failed_in));
    outcome.summary = verb + ": the original table " + db::QuoteQualified(db(), table()) + " is untouched and in use" +
                      helpers_text + ".";
  }
  // A fresh stop token: the failure hook runs even after Ctrl-C.
  hooks::HookFacts f = Facts();
  f.failure = s.ToString();
  (void)FireHook(hooks::HookEvent::kFailure, std::stop_token{}, std::move(f));
  return s;
}

Migration::Migration(MigrationOptions options, Clock* clock, MigrationHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), clock, std::move(hooks))) {}
Migration::~Migration() = default;
Status Migration::Run(std::stop_token stop) { return impl_->Run(stop); }
State Migration::state() const { return impl_->sm.current(); }
ProgressSnapshot Migration::progress() const { return impl_->Snapshot(); }
const MigrationOutcome& Migration::outcome() const { return impl_->outcome; }
const schema::PreflightReport* Migration::preflight() const {
  return impl_->report ? &*impl_->report : nullptr;
}

}  // namespace osc::migration
