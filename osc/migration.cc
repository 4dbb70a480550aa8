// The orchestrator. Why the phases run in this order, and what each
// failure leaves behind, is engine rule by rule (see the design notes in
// the README and the comments below); each phase is one function.

#include "osc/migration.h"

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "binlog/server_event_source.h"
#include "common/logging.h"
#include "db/connection.h"
#include "db/quoting.h"
#include "osc/copy/checksum.h"
#include "osc/copy/checksum_columns.h"
#include "osc/copy/copier.h"
#include "osc/copy/key_range.h"
#include "osc/copy/statements.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/connection_executor.h"
#include "osc/cutover/cut_over.h"
#include "osc/cutover/heartbeat.h"
#include "osc/migration_internal.h"
#include "osc/schema/inspect.h"

namespace osc::migration {

struct Migration::Impl {
  Impl(MigrationOptions o, Clock* c, MigrationHooks h)
      : options(std::move(o)), clock(c ? c : SystemClock()), hooks(std::move(h)),
        sm(clock, [this](State from, State to) { OnStateChange(from, to); }) {}

  // ---- configuration ----
  const MigrationOptions options;
  Clock* const clock;
  const MigrationHooks hooks;
  StateMachine sm;
  MigrationOutcome outcome;

  // ---- what the phases build, in order ----
  std::optional<db::Connection> control;
  std::optional<schema::PreflightReport> report;
  std::optional<schema::TableSchema> shadow_schema;
  std::optional<cutover::Changelog> changelog;
  std::unique_ptr<cutover::ConnectionExecutor> executor;
  bool created_shadow = false;
  bool created_changelog = false;
  std::unique_ptr<binlog::ChangeStream> stream;
  std::unique_ptr<internal::ChangeApplier> applier;
  std::unique_ptr<copy::Copier> copier;
  std::unique_ptr<cutover::HeartbeatWriter> heartbeat;
  uint64_t rows_estimated = 0;
  std::atomic<int> cut_over_attempts{0};

  // ---- threads (owned here; joined by StopPipeline) ----
  std::stop_source pipeline;  // stops every background loop
  std::jthread applier_thread, heartbeat_thread, progress_thread;
  Clock::SteadyTime started{};

  // The first background error is sticky and stops the pipeline.
  mutable std::mutex error_mu;
  Status background_error;  // guarded by error_mu

  const std::string& db() const { return options.database; }
  const std::string& table() const { return options.table; }
  const schema::HelperTableNames& helpers() const { return *report->helpers; }

  void OnStateChange(State from, State to) {
    spdlog::info("state: {} -> {}", ToString(from), ToString(to));
    if (hooks.on_state) hooks.on_state(from, to);
  }

  void RecordBackgroundError(const Status& s, const char* who) {
    if (s.ok() || s.IsAborted()) return;
    {
      std::lock_guard lock(error_mu);
      if (!background_error.ok()) return;
      background_error = s.WithContext(who);
    }
    spdlog::error("{} failed: {}", who, s.ToString());
    pipeline.request_stop();
  }
  Status BackgroundError() const {
    std::lock_guard lock(error_mu);
    return background_error;
  }

  Status Run(std::stop_token stop);
  Status Preflight();
  Status TryInstant(bool* done);
  Status CreateTables();
  Status StartStreaming();
  Status Copy();
  Status CatchUp();
  Status Checksum();
  Status ConsistentPoint(const copy::SnapshotReadyFn& ready, std::stop_token stop);
  Status CutOver();
  void StopPipeline();
  void DropHelpers();
  ProgressSnapshot Snapshot() const;
  db::ConnectionOptions SessionOptions() const;
};

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

Status Migration::Impl::Preflight() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kPreflight));
  db::ConnectionOptions co = SessionOptions();
  co.init_statements.push_back("SET SESSION lock_wait_timeout = " +
                               std::to_string(options.cut_over.lock_timeout.count()));
  OSC_ASSIGN_OR_RETURN(db::Connection conn, db::Connection::Open(co));
  control.emplace(std::move(conn));
  OSC_ASSIGN_OR_RETURN(schema::PreflightReport r, schema::RunPreflight(*control, options));
  report.emplace(std::move(r));
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

Status Migration::Impl::TryInstant(bool* done) {
  *done = false;
  if (!options.attempt_instant || !report->algorithms ||
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
  executor = std::make_unique<cutover::ConnectionExecutor>(SessionOptions());
  OSC_ASSIGN_OR_RETURN(auto session, executor->OpenSession("changelog-setup"));
  OSC_RETURN_IF_ERROR(changelog->CreateTable(*session));
  created_changelog = true;
  return changelog->WriteState(*session, "created");
}

Status Migration::Impl::StartStreaming() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kStreaming));
  // Rule 1: the position is read BEFORE the copier takes its range, so
  // every change the copy might miss is at or after it.
  OSC_ASSIGN_OR_RETURN(binlog::BinlogPosition pos, CurrentBinlogPosition(*control));
  spdlog::info("following the binlog from {}", pos.ToString());
  binlog::ServerSourceOptions so;
  so.connection = options.connection;
  so.server_id = ReaderServerId(options.binlog_server_id);
  so.start = binlog::Checkpoint{pos, pos.offset};
  so.clock = clock;
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
  OSC_ASSIGN_OR_RETURN(applier, internal::MakeApplier(setup, stream.get()));

  const std::stop_token st = pipeline.get_token();
  applier_thread = std::jthread([this, st] {
    Status s = applier->Run(st);
    // After the swap the stream sees the RENAME and writes to the new
    // table; the applier's work is over by then, whatever it reports.
    if (!sm.PastCutOver()) RecordBackgroundError(s, "binlog applier");
  });
  heartbeat = std::make_unique<cutover::HeartbeatWriter>(&*changelog, executor.get(), clock,
                                                         options.heartbeat_interval);
  heartbeat_thread = std::jthread([this, st] { RecordBackgroundError(heartbeat->Run(st), "heartbeat"); });
  return Status::Ok();
}

Status Migration::Impl::Copy() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kCopying));
  copy::CopierConfig cc;
  cc.connection = SessionOptions();
  cc.database = db();
  cc.table = table();
  cc.shadow_table = helpers().shadow;
  OSC_ASSIGN_OR_RETURN(cc.key, copy::MakeKeySpec(*report->table_schema, *report->chunk_key));
  OSC_ASSIGN_OR_RETURN(cc.columns, copy::MakeCopyColumns(*report->table_schema, *report->mapping));
  cc.options = options.copy;
  cc.clock = clock;
  // Rule 7: the copy yields to the applier (and stops with the pipeline).
  cc.gate = [this](std::stop_token stop) -> Status {
    while (applier->backlog() > options.copy.max_apply_backlog) {
      if (Status e = BackgroundError(); !e.ok()) return e;
      if (!clock->SleepFor(std::chrono::milliseconds(20), stop)) return Status::Aborted("copy stopped");
    }
    if (Status e = BackgroundError(); !e.ok()) return e;
    return stop.stop_requested() ? Status::Aborted("copy stopped") : Status::Ok();
  };
  copier = std::make_unique<copy::Copier>(std::move(cc));
  Status s = copier->Run(pipeline.get_token());
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

// The orchestrator's half of the checksum's consistent point (rule 9):
// writes are held off the original just long enough for the applier to
// apply everything before a marker and for the checksum sessions to open
// their snapshots.
Status Migration::Impl::ConsistentPoint(const copy::SnapshotReadyFn& ready, std::stop_token stop) {
  OSC_ASSIGN_OR_RETURN(auto marker_session, executor->OpenSession("checksum-marker"));
  Status locked = control->Execute("LOCK TABLES " + db::QuoteQualified(db(), table()) + " READ");
  if (!locked.ok()) return locked.WithContext("LOCK TABLES for the checksum");
  auto unlock = [this] { (void)control->Execute("UNLOCK TABLES"); };
  auto marker = changelog->WriteMarker(*marker_session, "checksum");
  if (!marker.ok()) {
    unlock();
    return marker.status();
  }
  const auto deadline = clock->Now() + options.cut_over.lock_timeout;
  Status s = applier->WaitForMarker(*marker, deadline, stop);
  if (s.ok()) s = ready();
  unlock();
  return s;
}

Status Migration::Impl::Checksum() {
  if (!options.checksum.enabled) {
    spdlog::warn("checksum skipped (--skip-checksum): the shadow is not compared with the original");
    return Status::Ok();
  }
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kChecksumming));
  copy::ChecksumConfig cc;
  cc.connection = SessionOptions();
  cc.database = db();
  cc.table = table();
  cc.shadow_table = helpers().shadow;
  OSC_ASSIGN_OR_RETURN(cc.key, copy::MakeKeySpec(*report->table_schema, *report->chunk_key));
  OSC_ASSIGN_OR_RETURN(cc.columns, copy::PlanChecksumColumns(*report->table_schema, *shadow_schema, *report->mapping));
  cc.chunk_size = options.checksum.chunk_size;
  cc.threads = options.copy.threads;
  copy::Checksummer checksummer(std::move(cc));
  // A lock timeout at the consistent point is retried: the table was busy
  // for a moment (the lock waited lock_wait_timeout at most).
  copy::ConsistentPointFn point = [this](const copy::SnapshotReadyFn& ready, std::stop_token stop) {
    Status s;
    for (int attempt = 0; attempt < options.cut_over.max_attempts; ++attempt) {
      s = ConsistentPoint(ready, stop);
      if (s.ok() || (s.server_errno() != 1205 && !s.IsTimeout())) return s;
      spdlog::warn("checksum consistent point attempt {} failed: {}", attempt + 1, s.ToString());
      if (!clock->SleepFor(options.cut_over.backoff_initial, stop)) return Status::Aborted("stopped");
    }
    return s;
  };
  copy::RecopyFn recopy = [this](const copy::KeyRange& range, std::stop_token stop) {
    return copier->RecopyRange(range, stop);
  };
  copy::ChecksumReport last;
  Status s = copy::ChecksumAndRepair(checksummer, point, recopy, options.checksum.max_repairs,
                                     pipeline.get_token(), &last);
  if (s.ok()) spdlog::info("checksum: {} chunks, {} rows, tables match", last.chunks, last.original_rows);
  if (Status e = BackgroundError(); !e.ok()) return e;
  return s;
}

Status Migration::Impl::CutOver() {
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kAwaitingCutOver));
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kCuttingOver));
  cutover::CutOverContext ctx;
  ctx.executor = executor.get();
  ctx.changelog = &*changelog;
  ctx.clock = clock;
  ctx.wait_for_marker = [this](const std::string& marker, Clock::SteadyTime deadline, std::stop_token stop) {
    return applier->WaitForMarker(marker, deadline, stop);
  };
  ctx.own_session_ids = {control->thread_id()};
  applier->ExpectRename();
  cutover::CutOver co(options.cut_over, db(), table(), ctx);
  Status s = co.Run(pipeline.get_token());
  cut_over_attempts = static_cast<int>(co.report().attempts.size());
  if (!s.ok()) return s;
  OSC_RETURN_IF_ERROR(sm.MarkCutOverDone());
  outcome.summary = "swapped " + db::QuoteQualified(db(), table()) + " with the migrated copy; the original data is " +
                    (co.report().old_table_dropped ? std::string("dropped")
                                                   : "kept as " + db::QuoteQualified(db(), helpers().old));
  return Status::Ok();
}

void Migration::Impl::StopPipeline() {
  pipeline.request_stop();
  // Join the threads before destroying what they use.
  if (applier_thread.joinable()) applier_thread.join();
  if (heartbeat_thread.joinable()) heartbeat_thread.join();
  if (stream) stream->Stop();
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
    p.rows_copied = cp.rows_copied;
    p.chunk_size = cp.chunk_size;
  }
  if (applier) {
    p.changes_applied = applier->applied();
    p.apply_backlog = applier->backlog();
    p.binlog_lag = applier->HeartbeatLag(clock->WallNow());
  }
  p.cut_over_attempts = cut_over_attempts.load();
  return p;
}

Status Migration::Impl::Run(std::stop_token stop) {
  started = clock->Now();
  std::stop_callback forward(stop, [this] { pipeline.request_stop(); });
  RateEstimator rate;
  progress_thread = std::jthread([this, &rate](std::stop_token st) {
    while (clock->SleepFor(options.progress_interval, st)) {
      ProgressSnapshot p = Snapshot();
      p.copy_rows_per_second = rate.Update(p.rows_copied, clock->Now());
      p.eta = EstimateEta(p.rows_copied, p.rows_estimated, p.copy_rows_per_second);
      if (hooks.on_progress) hooks.on_progress(p);
    }
  });
  auto phases = [&]() -> Status {
    OSC_RETURN_IF_ERROR(Preflight());
    if (!options.execute) return sm.TransitionTo(State::kPlanned);
    bool instant_done = false;
    OSC_RETURN_IF_ERROR(TryInstant(&instant_done));
    if (instant_done) return Status::Ok();
    OSC_RETURN_IF_ERROR(CreateTables());
    OSC_RETURN_IF_ERROR(StartStreaming());
    OSC_RETURN_IF_ERROR(Copy());
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
    if (changelog && created_changelog) DropHelpers();  // only the changelog is left by now
    if (hooks.on_progress) hooks.on_progress(Snapshot());
    outcome.final_state = sm.current();
    return s;
  }
  const bool aborted = s.IsAborted() || stop.stop_requested();
  if (sm.PastCutOver()) {
    // The swap happened; what failed afterwards is housekeeping.
    spdlog::warn("after the cut-over: {}", s.ToString());
    outcome.final_state = State::kDone;
    return Status::Ok();
  }
  (void)sm.TransitionTo(aborted ? State::kAborted : State::kFailed);
  DropHelpers();
  outcome.final_state = sm.current();
  outcome.summary = std::string(aborted ? "aborted" : "failed") + " in state " +
                    std::string(ToString(outcome.final_state)) + ": the original table " +
                    db::QuoteQualified(db(), table()) + " is untouched and in use" +
                    (outcome.helpers_dropped ? "; osc's helper tables were dropped" : "") + ".";
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
