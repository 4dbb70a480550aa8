// The comparison of the original and the shadow (engine rule 9): the
// consistent points it reads at (a lock for a moment, or on MariaDB a
// split point that only holds the binlog applier), the parts compared
// while the copy runs, and the checksum after the copy that settles the
// rest or compares the whole tables.

#include <algorithm>

#include "db/errors.h"
#include "db/quoting.h"
#include "osc/copy/checksum_columns.h"
#include "osc/migration_impl.h"

namespace osc::migration {

// The orchestrator's half of the checksum's consistent point (rule 9):
// writes are held off the original just long enough for the applier to
// apply everything before a marker and for the checksum sessions to open
// their snapshots.
Status Migration::Impl::ConsistentPoint(const copy::SnapshotReadyFn& ready, std::stop_token stop,
                                        cutover::Session* lock_session) {
  if (lock_session == nullptr) OSC_RETURN_IF_ERROR(EnsureControl());
  auto execute = [this, lock_session](const std::string& sql) {
    return lock_session != nullptr ? lock_session->Execute(sql) : control->Execute(sql);
  };
  OSC_ASSIGN_OR_RETURN(auto marker_session, TakeMarkerSession());
  // During the copy (a lock session of its own) writers must not wait for
  // the binlog reader to work through the copy's own row events: catch up
  // first without the lock, hold new chunks back while locked, and give
  // the marker under the lock only a short while (the part is skipped and
  // tried later if it does not arrive in time).
  std::chrono::milliseconds marker_budget = options.cut_over.lock_timeout;
  struct HoldCopy {
    std::atomic<bool>* flag = nullptr;
    ~HoldCopy() {
      if (flag != nullptr) flag->store(false);
    }
  } hold;
  if (lock_session != nullptr) {
    // Under writes, also let the chunks in flight finish first, so the
    // reader is not behind their row events when the lock is taken; idle,
    // nobody waits for the lock and the copy goes on.
    hold.flag = &hold_copy_for_checksum;
    if (applier->applied() != applied_at_last_point) {  // writes since the last point
      hold.flag->store(true);
      const auto until = clock->Now() + std::chrono::seconds(2);
      while (copier->progress().chunks_in_flight > 0 && clock->Now() < until) {
        if (!clock->SleepFor(std::chrono::milliseconds(5), stop)) return Status::Aborted("stopped");
      }
    }
    OSC_ASSIGN_OR_RETURN(std::string before, changelog->WriteMarker(marker_session->get(), "checksum-catch-up"));
    OSC_RETURN_IF_ERROR(applier->WaitForMarker(before, clock->Now() + std::chrono::seconds(2), stop));
    hold.flag->store(true);
    applied_at_last_point = applier->applied();
    marker_budget = std::chrono::milliseconds(150);
  }
  Status locked = execute("LOCK TABLES " + db::QuoteQualified(db(), table()) + " READ");
  if (!locked.ok()) return locked.WithContext("LOCK TABLES for the checksum");
  auto unlock = [&execute] { (void)execute("UNLOCK TABLES"); };
  auto marker = changelog->WriteMarker(marker_session->get(), "checksum");
  if (!marker.ok()) {
    unlock();
    return marker.status();
  }
  const auto deadline = clock->Now() + marker_budget;
  Status s = applier->WaitForMarker(*marker, deadline, stop);
  if (s.ok()) s = ready();
  unlock();
  return s;
}

Result<std::unique_ptr<Migration::Impl::MarkerSession>> Migration::Impl::TakeMarkerSession() {
  {
    std::lock_guard<std::mutex> lock(marker_sessions_mu);
    if (!idle_marker_sessions.empty()) {
      auto s = std::make_unique<MarkerSession>(this, std::move(idle_marker_sessions.back()));
      idle_marker_sessions.pop_back();
      return s;
    }
  }
  OSC_ASSIGN_OR_RETURN(auto opened, executor->OpenSession("checksum-marker"));
  return std::make_unique<MarkerSession>(this, std::move(opened));
}

// The orchestrator's half of a lock-free consistent point (MariaDB; see
// copy::SplitPointFn): the applier stops right after the binlog position
// of the original's snapshot, the shadow's snapshot is taken there, and
// the applier goes on. Writers to the original never wait; the applier
// pauses for the few milliseconds shadow_ready takes.
Status Migration::Impl::SplitPoint(const std::string& file, uint64_t offset,
                                   const copy::SnapshotReadyFn& shadow_ready, std::stop_token stop) {
  OSC_ASSIGN_OR_RETURN(auto session, TakeMarkerSession());
  // The reader may already have handed the applier a transaction that is
  // in the binlog but was not yet visible to the snapshot: then this
  // position is behind the shadow, and the part waits for another try.
  if (!applier->HoldAfter(binlog::BinlogPosition{file, offset})) {
    return Status::FailedPrecondition("the binlog applier is already past the snapshot's position");
  }
  struct ReleaseOnExit {
    internal::ChangeApplier* applier;
    ~ReleaseOnExit() { applier->Release(); }
  } release{applier.get()};
  // The applier stops at the first event after the position: make sure
  // one comes (a marker row), even on an idle server.
  OSC_RETURN_IF_ERROR(changelog->WriteMarker(session->get(), "checksum-split").status());
  OSC_RETURN_IF_ERROR(applier->WaitHolding(std::chrono::seconds(5), stop));
  return shadow_ready();
}

namespace {

// Why a part of the comparison does not settle its rows: the changed keys
// overflowed, or the first difference. Only for a report that is not ok()
// or overflowed.
std::string WhyNotSettled(const copy::ChecksumReport& r) {
  if (r.keys_overflowed) return "too many changed keys to track";
  return r.differences.empty() ? r.key_differences.front() : r.differences.front().Describe();
}

}  // namespace

// Comparing part by part needs every later change of a compared row to
// reach changed_keys. The applier's REPLACE also deletes rows that clash
// with the new image on a UNIQUE key of the shadow; on the original the
// same clash cannot happen without changing those rows too (so they are
// recorded) as long as each UNIQUE key of the shadow is one of the
// original's, over columns of unchanged definition. Otherwise (an added
// UNIQUE key, a retyped key column) only the whole comparison at the end
// is sound.
bool Migration::Impl::IncrementalChecksumAllowed(std::string* why) const {
  if (!options.checksum.enabled || !options.checksum.during_copy) {
    *why = "disabled";
    return false;
  }
  const schema::TableSchema& original = *report->table_schema;
  const schema::TableSchema& shadow = *shadow_schema;
  auto same_parts = [](const schema::Index& a, const schema::Index& b) {
    if (a.columns.size() != b.columns.size()) return false;
    for (size_t i = 0; i < a.columns.size(); ++i) {
      if (a.columns[i].name != b.columns[i].name || a.columns[i].expression != b.columns[i].expression ||
          a.columns[i].prefix_length != b.columns[i].prefix_length) {
        return false;
      }
    }
    return true;
  };
  for (const schema::Index& u : shadow.indexes) {
    if (!u.unique) continue;
    bool found = false;
    for (const schema::Index& o : original.indexes) found = found || (o.unique && same_parts(o, u));
    if (!found) {
      *why = "the shadow has a UNIQUE key the original lacks (" + u.name + ")";
      return false;
    }
    for (const schema::IndexColumn& part : u.columns) {
      const schema::Column* a = original.FindColumn(part.name);
      const schema::Column* b = shadow.FindColumn(part.name);
      if (a == nullptr || b == nullptr || a->column_type != b->column_type || a->charset != b->charset ||
          a->collation != b->collation) {
        *why = "column " + part.name + " of UNIQUE key " + u.name + " changes its definition";
        return false;
      }
    }
  }
  return true;
}

Result<std::unique_ptr<copy::Checksummer>> Migration::Impl::MakeChecksummer() const {
  copy::ChecksumConfig cc;
  cc.connection = SessionOptions();
  cc.database = db();
  cc.table = table();
  cc.shadow_table = helpers().shadow;
  OSC_ASSIGN_OR_RETURN(cc.key, copy::MakeKeySpec(*report->table_schema, *report->chunk_key));
  OSC_ASSIGN_OR_RETURN(cc.columns, copy::PlanChecksumColumns(*report->table_schema, *shadow_schema, *report->mapping));
  cc.chunk_size = options.checksum.chunk_size;
  cc.threads = options.copy.threads;
  return std::make_unique<copy::Checksummer>(std::move(cc));
}

// One part for CompareDuringCopy: pending_chunks (or `span` once the
// copier's chunks are not used) at a split point while the server
// supports them, else at a locking point on a session of its own with a
// short lock wait. nullopt when nothing was compared and the next poll
// should simply try again: split points just turned out unsupported, or
// the lock session could not be set up.
std::optional<Result<copy::ChecksumReport>> Migration::Impl::ComparePart(copy::Checksummer& checksummer,
                                                                         const copy::KeyRange& span,
                                                                         std::stop_token stop) {
  if (chunks_from_copier && split_points) {
    copy::SplitPointFn split = [this](const std::string& file, uint64_t offset, const copy::SnapshotReadyFn& ready,
                                      std::stop_token s) { return SplitPoint(file, offset, ready, s); };
    Result<copy::ChecksumReport> part = checksummer.RunRangesAt(pending_chunks, changed_keys.get(), split, stop);
    if (part.status().code() != Status::Code::kNotSupported) return part;
    split_points = false;
    spdlog::info("checksum during the copy: {}; parts lock the table for a moment instead", part.status().message());
    return std::nullopt;
  }
  auto lock_session = executor->OpenSession("checksum-lock");
  if (!lock_session.ok() || !(*lock_session)->Execute("SET SESSION lock_wait_timeout = 1").ok()) return std::nullopt;
  copy::ConsistentPointFn point = [this, ls = lock_session->get()](const copy::SnapshotReadyFn& ready,
                                                                  std::stop_token s) {
    return ConsistentPoint(ready, s, ls);
  };
  return chunks_from_copier ? checksummer.RunRanges(pending_chunks, changed_keys.get(), 1, point, stop)
                            : checksummer.RunPart(span, changed_keys.get(), 1, point, stop);
}

// While the copier runs (it keeps about one core of a small server busy),
// compares the part of the tables the copy has finished (its chunks, or
// the span below its low watermark), a part at a time, on one more
// session: most of the checksum's reading then overlaps the copy instead
// of following it. Each part needs a consistent point: on MariaDB a split
// point that holds only the applier (SplitPoint); elsewhere a lock that
// holds writes to the original for a moment (ConsistentPoint), so those
// parts are few under writes and a busy table (lock wait over 1 s) just
// skips one. Parts are taken only while the applier is nearly caught up
// and the copy is not throttled. Any difference or lost key leaves the
// whole comparison to the end.
void Migration::Impl::CompareDuringCopy(std::stop_token stop) {
  // `st` ends the waits between parts (the copy is over, or the pipeline
  // stops); a part under way only stops with the pipeline: when the copy
  // ends it finishes, so its reading is not thrown away.
  std::stop_source local;
  std::stop_callback by_pipeline(pipeline.get_token(), [&local] { local.request_stop(); });
  std::stop_callback by_owner(stop, [&local] { local.request_stop(); });
  const std::stop_token st = local.get_token();
  const std::stop_token part_stop = pipeline.get_token();
  auto checksummer = MakeChecksummer();
  if (!checksummer.ok()) {
    spdlog::warn("checksum during the copy not started: {}", checksummer.status().ToString());
    compare_whole = true;
    copier->KeepChunkLog(false);
    return;
  }
  // With split points, or without writes, a part holds nobody up and the
  // copy goes on, so parts are small and the rest left for the end is
  // small too. A locking part under writes holds the copy until its chunks
  // in flight commit (ConsistentPoint), so those parts are few.
  auto step = [this] {
    if (options.checksum.during_copy_step_rows > 0) return options.checksum.during_copy_step_rows;
    const bool writes = applier->applied() != applied_at_last_point && !split_points;
    return writes ? std::max<uint64_t>(options.checksum.chunk_size * 10, rows_estimated / 12)
                  : std::max<uint64_t>(options.checksum.chunk_size * 3, rows_estimated / 32);
  };
  uint64_t rows_at_last = 0;
  while (clock->SleepFor(std::chrono::milliseconds(100), st)) {
    const copy::CopyProgress progress = copier->progress();
    if (progress.rows_copied < rows_at_last + step()) continue;
    if (applier->backlog() > 1000) continue;
    if (throttle && throttle->throttler().ShouldPause()) continue;
    const copy::Checkpoint cp = copier->checkpoint();
    if (!cp.low_watermark || cp.complete) continue;  // a complete copy is compared by Checksum()
    // The copier's own chunks when it keeps them (no planning queries),
    // else the span up to the low watermark.
    std::optional<copy::Bound> new_upto;
    if (chunks_from_copier) {
      auto taken = copier->TakeCopiedChunks();
      if (taken) {
        for (auto& r : *taken) pending_chunks.push_back(std::move(r));
        if (pending_chunks.empty()) continue;
        if (!compared_upto) pending_chunks.front().lower.reset();  // rows below the first key too
        new_upto = pending_chunks.back().upper;
      } else {
        chunks_from_copier = false;  // a resumed copy: spans from here on
        pending_chunks.clear();
      }
    }
    copy::KeyRange span;
    if (!chunks_from_copier) {
      if (compared_upto) span.lower = copy::Flip(*compared_upto);
      span.upper = *cp.low_watermark;
      new_upto = *cp.low_watermark;
    }
    if (!new_upto) continue;
    std::optional<Result<copy::ChecksumReport>> tried = ComparePart(**checksummer, span, part_stop);
    if (!tried) continue;
    const Result<copy::ChecksumReport>& part = *tried;
    if (!part.ok()) {
      if (part.status().IsAborted()) return;
      // The applier ran ahead of the snapshot (a race of a few
      // milliseconds): try again at the next poll, with a new snapshot.
      if (part.status().code() == Status::Code::kFailedPrecondition) continue;
      // Typically the lock waited its second behind a transaction on the
      // table: try again only after another step of copying, so a busy
      // table sees such waits rarely.
      spdlog::info("checksum during the copy: a part was not compared ({}); trying later", part.status().ToString());
      rows_at_last = progress.rows_copied;
      continue;
    }
    if (!part->ok() || part->keys_overflowed) {
      spdlog::warn("checksum during the copy: {}; the whole tables will be compared after the copy",
                   WhyNotSettled(*part));
      compare_whole = true;
      copier->KeepChunkLog(false);
      return;
    }
    compared_upto = *new_upto;
    pending_chunks.clear();
    rows_compared_during_copy += part->original_rows;
    rows_at_last = progress.rows_copied;
    spdlog::info("checksum during the copy: {} more rows and {} changed keys match ({} rows so far)",
                 part->original_rows, part->keys_compared, rows_compared_during_copy);
  }
}

// The rest after a comparison during the copy: the rows above the last
// compared bound plus the keys changed since, at one consistent point.
// True when that settles it (the tables match); false when the whole
// tables must be compared (a difference, lost keys).
Result<bool> Migration::Impl::FinishIncrementalChecksum(copy::Checksummer& checksummer,
                                                         const copy::ConsistentPointFn& point) {
  std::optional<std::vector<copy::KeyRange>> chunks;
  if (chunks_from_copier) chunks = copier->TakeCopiedChunks();
  copy::ChecksumReport rest;
  if (chunks) {
    // The copy is complete: every chunk not compared yet, then the keys
    // above the last one (rows the applier inserted past the copy range).
    std::vector<copy::KeyRange> ranges = std::move(pending_chunks);
    for (auto& r : *chunks) ranges.push_back(std::move(r));
    const copy::Bound last = ranges.empty() ? *compared_upto : *ranges.back().upper;
    ranges.push_back(copy::KeyRange{copy::Flip(last), std::nullopt});
    OSC_ASSIGN_OR_RETURN(rest, checksummer.RunRanges(ranges, changed_keys.get(), 0, point, pipeline.get_token()));
  } else {
    copy::KeyRange span;
    span.lower = copy::Flip(*compared_upto);
    OSC_ASSIGN_OR_RETURN(rest, checksummer.RunPart(span, changed_keys.get(), 0, point, pipeline.get_token()));
  }
  if (!rest.ok() || rest.keys_overflowed) {
    spdlog::warn("checksum: {}; comparing the whole tables", WhyNotSettled(rest));
    return false;
  }
  spdlog::info("checksum: {} rows compared during the copy, {} rows and {} changed keys now; tables match",
               rows_compared_during_copy, rest.original_rows, rest.keys_compared);
  return true;
}

Status Migration::Impl::Checksum() {
  if (!options.checksum.enabled) {
    spdlog::warn("checksum skipped (--skip-checksum): the shadow is not compared with the original");
    return Status::Ok();
  }
  OSC_RETURN_IF_ERROR(sm.TransitionTo(State::kChecksumming));
  OSC_ASSIGN_OR_RETURN(std::unique_ptr<copy::Checksummer> checksummer, MakeChecksummer());
  // A lock timeout at the consistent point is retried: the table was busy
  // for a moment (the lock waited lock_wait_timeout at most).
  copy::ConsistentPointFn point = [this](const copy::SnapshotReadyFn& ready, std::stop_token stop) {
    Status s;
    for (int attempt = 0; attempt < options.cut_over.max_attempts; ++attempt) {
      s = ConsistentPoint(ready, stop);
      // Lock waits, and a server that went away (it may be restarting:
      // EnsureControl reconnects on the next attempt), are worth another go.
      if (s.ok() || (s.server_errno() != 1205 && !s.IsTimeout() && !db::IsRetryable(s.server_errno()))) return s;
      spdlog::warn("checksum consistent point attempt {} failed: {}", attempt + 1, s.ToString());
      if (!clock->SleepFor(options.cut_over.backoff_initial, stop)) return Status::Aborted("stopped");
    }
    return s;
  };
  if (changed_keys && compared_upto && !compare_whole) {
    Result<bool> settled = FinishIncrementalChecksum(*checksummer, point);
    if (Status e = BackgroundError(); !e.ok()) return e;
    if (!settled.ok()) return settled.status();
    if (*settled) {
      outcome.rows_compared_during_copy = rows_compared_during_copy;
      return Status::Ok();
    }
  }
  copy::RecopyFn recopy = [this](const copy::KeyRange& range, std::stop_token stop) {
    return copier->RecopyRange(range, stop);
  };
  copy::ChecksumReport last;
  Status s = copy::ChecksumAndRepair(*checksummer, point, recopy, options.checksum.max_repairs,
                                     pipeline.get_token(), &last);
  if (s.ok()) spdlog::info("checksum: {} chunks, {} rows, tables match", last.chunks, last.original_rows);
  if (Status e = BackgroundError(); !e.ok()) return e;
  return s;
}

}  // namespace osc::migration
