// Internal to osc/migration*.cc: the orchestrator's state and phases.
// migration.cc runs the phases in order and defines most of them;
// migration_checksum.cc defines the comparison of the two tables (the
// consistent points, the parts compared during the copy, the checksum
// after it). One Impl per Migration; the threads it starts are its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/logging.h"
#include "db/connection.h"
#include "osc/control/server.h"
#include "osc/control_bridge.h"
#include "osc/copy/changed_keys.h"
#include "osc/copy/checksum.h"
#include "osc/copy/copier.h"
#include "osc/copy/key_range.h"
#include "osc/cutover/changelog.h"
#include "osc/cutover/connection_executor.h"
#include "osc/cutover/heartbeat.h"
#include "osc/hooks/hook_runner.h"
#include "osc/migration.h"
#include "osc/migration_internal.h"
#include "osc/resume_state.h"
#include "osc/throttle_setup.h"

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
  std::unique_ptr<ThrottleControl> throttle;
  std::unique_ptr<hooks::HookRunner> hook_runner;  // with --hooks-path
  std::unique_ptr<ControlBridge> control_bridge;   // with --serve-socket-file
  std::unique_ptr<control::ControlServer> control_server;
  Clock::SteadyTime copy_started{};
  Clock::SteadyTime copy_finished{};  // set when the copy returned OK
  uint64_t rows_estimated = 0;
  std::atomic<int> cut_over_attempts{0};

  // ---- resume (osc/resume_state.h) ----
  std::string fingerprint;                 // of this ALTER on this table definition
  std::optional<ResumeState> resume;       // set when continuing an earlier run
  uint64_t rows_copied_before = 0;         // by the runs before this one
  binlog::BinlogPosition stream_start;     // where this run's binlog stream began
  std::atomic<bool> checkpoint_written{false};
  bool start_over = false;                 // leftovers without a checkpoint: drop them
  std::jthread checkpoint_thread;          // writes checkpoints during the copy

  // ---- checksum during the copy (copy/changed_keys.h) ----
  // Set when the tables may be compared part by part: every key the
  // applier changes is recorded here.
  std::unique_ptr<copy::ChangedKeys> changed_keys;
  // Every key at or below this bound was compared equal at some consistent
  // point after it was copied (and changed keys since are in changed_keys).
  // Written by the compare thread, read after it is joined.
  std::optional<copy::Bound> compared_upto;
  uint64_t rows_compared_during_copy = 0;
  // The part comparison found a difference or lost keys: compare the whole
  // tables at the end instead.
  bool compare_whole = false;
  std::jthread compare_thread;  // runs CompareDuringCopy while the copier runs
  // Parts come from the copier's chunk log (Copier::TakeCopiedChunks)
  // until it cannot be trusted; chunks taken and not compared yet wait in
  // pending_chunks. Compare thread, then Checksum() after the join.
  bool chunks_from_copier = false;
  std::vector<copy::KeyRange> pending_chunks;
  // Parts use lock-free split points (SplitPoint) until the server turns
  // out not to report its snapshots' binlog positions (MySQL).
  bool split_points = true;
  // Set while a part's consistent point holds the original locked: the
  // copier starts no new chunk meanwhile.
  std::atomic<bool> hold_copy_for_checksum{false};
  uint64_t applied_at_last_point = 0;  // compare thread only

  // ---- threads (owned here; joined by StopPipeline) ----
  std::stop_source pipeline;  // stops every background loop
  std::jthread applier_thread, heartbeat_thread, progress_thread, throttle_thread, control_thread;
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
  Status EnsureControl();
  Status DetectResume();
  Status DropInitially();
  // `compare_first`: the leftovers are an unconfirmed swap's (old table and
  // changelog, no shadow).
  Result<ResumeState> ReadResumable(std::string* why_not, bool* compare_first);
  Status WriteCheckpoint(cutover::Session& session);
  void StartCheckpointing();
  void StopCheckpointing();
  bool KeepForResume(const Status& s, bool aborted) const;
  Status TryInstant(bool* done);
  Status CreateTables();
  Status AdoptTables();
  Status StartStreaming();
  Status StartThrottle();
  Status OpenHooks();
  Status StartControlSocket();
  hooks::HookFacts Facts() const;
  // Runs the hooks for `event`. Blocking events (hooks::Blocking) return
  // the hook's failure; the others only log it.
  Status FireHook(hooks::HookEvent event, std::stop_token stop, hooks::HookFacts facts);
  Status FireHook(hooks::HookEvent event) { return FireHook(event, pipeline.get_token(), Facts()); }
  Status HoldForBeforeCutOverHook();
  Status WaitForCutOverWindow();
  Status Copy();
  Status CatchUp();
  Status Checksum();
  Status ConsistentPoint(const copy::SnapshotReadyFn& ready, std::stop_token stop,
                         cutover::Session* lock_session = nullptr);
  Status SplitPoint(const std::string& file, uint64_t offset, const copy::SnapshotReadyFn& shadow_ready,
                    std::stop_token stop);
  // A session for writing markers, kept between consistent points (they
  // come every few hundred milliseconds during the copy, and a TLS connect
  // costs tens of milliseconds of CPU on both sides). Any thread.
  struct MarkerSession {
    Impl* owner;
    std::unique_ptr<cutover::Session> session;
    MarkerSession(Impl* o, std::unique_ptr<cutover::Session> s) : owner(o), session(std::move(s)) {}
    MarkerSession(const MarkerSession&) = delete;
    MarkerSession& operator=(const MarkerSession&) = delete;
    ~MarkerSession() {
      if (!session || session->broken()) return;
      std::lock_guard<std::mutex> lock(owner->marker_sessions_mu);
      if (owner->idle_marker_sessions.size() < 2) owner->idle_marker_sessions.push_back(std::move(session));
    }
    cutover::Session& get() { return *session; }
  };
  Result<std::unique_ptr<MarkerSession>> TakeMarkerSession();
  std::mutex marker_sessions_mu;
  std::vector<std::unique_ptr<cutover::Session>> idle_marker_sessions;  // guarded by marker_sessions_mu
  bool IncrementalChecksumAllowed(std::string* why) const;
  Result<std::unique_ptr<copy::Checksummer>> MakeChecksummer() const;
  void CompareDuringCopy(std::stop_token stop);
  std::optional<Result<copy::ChecksumReport>> ComparePart(copy::Checksummer& checksummer, const copy::KeyRange& span,
                                                          std::stop_token stop);
  Result<bool> FinishIncrementalChecksum(copy::Checksummer& checksummer, const copy::ConsistentPointFn& point);
  Status CutOver();
  void StopPipeline();
  void DropHelpers();
  void KeepHelpers();
  // After a swap that is incomplete or unconfirmed: keeps the changelog,
  // its state (cutover::kSwap*State) saying so.
  void MarkSwap(std::string_view state);
  ProgressSnapshot Snapshot() const;
  db::ConnectionOptions SessionOptions() const;
  db::ConnectionOptions CutOverSessionOptions() const;
};

}  // namespace osc::migration
