#include "osc/copy/copier.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "common/logging.h"
#include "common/sync_point.h"
#include "db/quoting.h"
#include "osc/copy/chunker.h"
#include "osc/copy/session_internal.h"

namespace osc::copy {

// State shared by the producer and the workers of one run.
// Lock order: producer_mu before mu.
struct Copier::Shared {
  explicit Shared(const migration::CopyOptions& options)
      : tracker(Checkpoint{}), sizer(options), target_threads(options.threads) {}

  // The single chunk producer. Workers take turns running it: planning is
  // one index-only query, short next to the chunk it plans, so a separate
  // producer thread would buy nothing but a queue of stale chunk sizes.
  std::mutex producer_mu;
  std::unique_ptr<internal::RetryingSession> producer;  // guarded by producer_mu
  std::vector<Segment> segments;                        // guarded by producer_mu
  size_t segment_index = 0;                             // guarded by producer_mu
  std::optional<RangeChunker> chunker;                  // guarded by producer_mu

  mutable std::mutex mu;
  CheckpointTracker tracker;  // guarded by mu
  ChunkSizer sizer;           // guarded by mu

  // The chunk log (KeepChunkLog), guarded by mu: chunks planned and not
  // yet taken, in key order, each with its done flag.
  struct LoggedChunk {
    uint64_t id = 0;
    KeyRange range;
    bool done = false;
  };
  bool chunk_log_on = false;
  bool chunk_log_broken = false;
  std::deque<LoggedChunk> chunk_log;
  Status first_error;         // guarded by mu; sticky
  std::stop_source stop_all;  // requested on the first error
  std::atomic<bool> started{false};  // Run or Resume was called

  // Worker bookkeeping (see SuperviseWorkers). The counts are atomics so
  // progress() reads them without mu, but they change only under mu,
  // where the decisions (start one more, retire this one) are taken.
  std::atomic<int> target_threads;    // written under mu
  std::atomic<int> active_workers{0};  // written under mu
  bool no_more_work = false;           // guarded by mu: a worker saw the end
  std::vector<uint64_t> exited;        // guarded by mu: ids to join
  std::condition_variable workers_changed;  // with mu: target or exits

  // Atomics so progress readers never wait behind a worker holding mu.
  std::atomic<uint64_t> rows_copied{0};
  std::atomic<uint64_t> chunks_copied{0};
  std::atomic<uint64_t> chunk_size{0};
  std::atomic<int64_t> last_chunk_ms{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<int> chunks_in_flight{0};
};

namespace {

struct Job {
  uint64_t id = 0;
  PlannedChunk chunk;
  // The sizer's generation when the chunk was sized: a chunk sized before
  // an operator's SetChunkSize is not fed back (chunk_size.h).
  uint64_t sizer_generation = 0;
};

// A session with the writer settings of engine rule 4 and the copy's
// retry policy.
internal::RetryingSession WriterSession(const CopierConfig& config, Clock* clock,
                                        std::atomic<uint64_t>* retries = nullptr) {
  const CopyTuning& t = config.tuning;
  return internal::RetryingSession(
      internal::WithInitStatements(config.connection, internal::WriterSessionStatements(t.lock_wait_timeout)),
      internal::RetryPolicy{t.max_attempts, t.retry_backoff, t.retry_backoff_max, t.reconnect_budget}, clock, retries);
}

}  // namespace

// One run's workers and producer, over the Copier's config and state.
class CopyRun {
 public:
  CopyRun(const CopierConfig& config, Clock* clock, Copier::Shared& shared, LockingRead locking)
      : config_(config), clock_(clock), shared_(shared), locking_(locking) {}

  void Worker(std::stop_token stop, uint64_t worker_id);

 private:
  bool Retire();
  Result<std::optional<Job>> NextJob(std::stop_token stop);
  Status CopyJob(internal::RetryingSession& session, const Job& job, std::stop_token stop);
  void Fail(Status status);

  const CopierConfig& config_;
  Clock* const clock_;
  Copier::Shared& shared_;
  const LockingRead locking_;
};

void CopyRun::Fail(Status status) {
  {
    std::lock_guard<std::mutex> lock(shared_.mu);
    if (shared_.first_error.ok()) shared_.first_error = std::move(status);
  }
  shared_.stop_all.request_stop();
}

Result<std::optional<Job>> CopyRun::NextJob(std::stop_token stop) {
  std::lock_guard<std::mutex> lock(shared_.producer_mu);
  while (shared_.segment_index < shared_.segments.size()) {
    const Segment& segment = shared_.segments[shared_.segment_index];
    if (segment.done) {
      std::lock_guard<std::mutex> state(shared_.mu);
      shared_.tracker.PassCarried();
      // A range done by an earlier run lies between this run's chunks.
      shared_.chunk_log_broken = true;
      shared_.chunk_log.clear();
      ++shared_.segment_index;
      continue;
    }
    if (!shared_.chunker) {
      shared_.chunker.emplace(config_.key, TableRef{config_.database, config_.table, config_.key.index_name},
                              segment.range);
    }
    uint64_t rows = 0;
    uint64_t generation = 0;
    {
      std::lock_guard<std::mutex> state(shared_.mu);
      rows = shared_.sizer.current();
      generation = shared_.sizer.generation();
    }
    std::optional<PlannedChunk> planned;
    OSC_RETURN_IF_ERROR(shared_.producer->Run("planning the next chunk", stop, [&](db::Connection& conn) {
      Result<std::optional<PlannedChunk>> next = shared_.chunker->Next(conn, rows);
      if (!next.ok()) return next.status();
      planned = std::move(next).value();
      return Status::Ok();
    }));
    if (!planned) {
      shared_.chunker.reset();
      ++shared_.segment_index;
      continue;
    }
    std::lock_guard<std::mutex> state(shared_.mu);
    const uint64_t id = shared_.tracker.AddPending(planned->range);
    if (shared_.chunk_log_on && !shared_.chunk_log_broken) {
      if (shared_.chunk_log.size() >= Copier::kMaxLoggedChunks) {
        // Nobody takes them (the checksum fell behind): stop keeping them.
        shared_.chunk_log_broken = true;
        shared_.chunk_log.clear();
      } else {
        shared_.chunk_log.push_back(Copier::Shared::LoggedChunk{id, planned->range, false});
      }
    }
    return std::optional<Job>(Job{id, std::move(*planned), generation});
  }
  std::lock_guard<std::mutex> state(shared_.mu);
  shared_.tracker.Finish();
  shared_.no_more_work = true;
  return std::optional<Job>();
}

Status CopyRun::CopyJob(internal::RetryingSession& session, const Job& job, std::stop_token stop) {
  const TableRef original{config_.database, config_.table, config_.key.index_name};
  const TableRef shadow{config_.database, config_.shadow_table, ""};
  const std::string sql = CopyStatement(config_.key, original, shadow, config_.columns, locking_, job.chunk.range);
  const Clock::SteadyTime start = clock_->Now();
  uint64_t inserted = 0;
  const Status s = session.Run("copying chunk " + DescribeRange(job.chunk.range), stop, [&](db::Connection& conn) {
    OSC_RETURN_IF_ERROR(conn.Execute(sql));
    inserted = conn.affected_rows();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  const Clock::Duration elapsed = clock_->Now() - start;
  {
    std::lock_guard<std::mutex> lock(shared_.mu);
    shared_.tracker.MarkDone(job.id);
    auto& log = shared_.chunk_log;
    auto it = std::lower_bound(log.begin(), log.end(), job.id,
                               [](const Copier::Shared::LoggedChunk& c, uint64_t id) { return c.id < id; });
    if (it != log.end() && it->id == job.id) it->done = true;
    if (job.sizer_generation == shared_.sizer.generation()) shared_.sizer.Record(job.chunk.planned_rows, elapsed);
    shared_.chunk_size.store(shared_.sizer.current(), std::memory_order_relaxed);
  }
  shared_.rows_copied.fetch_add(inserted, std::memory_order_relaxed);
  shared_.chunks_copied.fetch_add(1, std::memory_order_relaxed);
  shared_.last_chunk_ms.store(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(),
                              std::memory_order_relaxed);
  OSC_SYNC_POINT("copy:chunk_done");
  return Status::Ok();
}

// Decides under mu, so that of several workers checking at once only as
// many retire as there are too many.
bool CopyRun::Retire() {
  std::lock_guard<std::mutex> lock(shared_.mu);
  if (shared_.active_workers.load() <= shared_.target_threads.load()) return false;
  shared_.active_workers.fetch_sub(1);
  return true;
}

void CopyRun::Worker(std::stop_token stop, uint64_t worker_id) {
  // Tells the supervisor on every way out. A retired worker was already
  // counted out by Retire().
  bool retired = false;
  struct ExitNotice {
    Copier::Shared& shared;
    const uint64_t id;
    const bool& retired;
    ~ExitNotice() {
      std::lock_guard<std::mutex> lock(shared.mu);
      if (!retired) shared.active_workers.fetch_sub(1);
      shared.exited.push_back(id);
      shared.workers_changed.notify_all();
    }
  } notice{shared_, worker_id, retired};
  internal::RetryingSession session = WriterSession(config_, clock_, &shared_.retries);
  while (!stop.stop_requested()) {
    // Before the gate (which may hold a worker for long while throttled)
    // and again after it: either way the worker holds no chunk.
    if ((retired = Retire())) return;
    if (config_.gate) {
      Status gate = config_.gate(stop);
      if (!gate.ok()) return Fail(gate.WithContext("copy gate"));
    }
    if ((retired = Retire())) return;
    Result<std::optional<Job>> job = NextJob(stop);
    if (!job.ok()) return Fail(job.status());
    if (!job->has_value()) return;
    OSC_SYNC_POINT("copy:before_chunk");
    shared_.chunks_in_flight.fetch_add(1);
    Status s = CopyJob(session, **job, stop);
    shared_.chunks_in_flight.fetch_sub(1);
    if (!s.ok()) return Fail(std::move(s));
  }
}

Copier::Copier(CopierConfig config)
    : config_(std::move(config)),
      clock_(config_.clock != nullptr ? config_.clock : SystemClock()),
      shared_(std::make_unique<Shared>(config_.options)) {
  shared_->chunk_size.store(shared_->sizer.current());
}

Copier::~Copier() = default;

Status Copier::CheckConfig() const {
  for (const std::string* name : {&config_.database, &config_.table, &config_.shadow_table}) {
    OSC_RETURN_IF_ERROR(db::ValidateIdentifier(*name));
  }
  if (config_.key.columns.empty()) return Status::InvalidArgument("the copier needs a chunk key");
  if (config_.columns.empty()) return Status::InvalidArgument("the copier has no column to copy");
  if (config_.options.threads < 1) return Status::InvalidArgument("--threads must be at least 1");
  // A lock wait must end as error 1205 (retried) before the client gives
  // up on the reply and reports a lost connection.
  if (config_.connection.read_timeout <= config_.tuning.lock_wait_timeout) {
    return Status::InvalidArgument("the copier's lock wait timeout must be shorter than the connection read timeout");
  }
  return Status::Ok();
}

Status Copier::Run(std::stop_token stop) {
  OSC_RETURN_IF_ERROR(CheckConfig());
  if (shared_->started.exchange(true)) return Status::FailedPrecondition("a Copier runs once");
  internal::RetryingSession probe = WriterSession(config_, clock_);
  const TableRef original{config_.database, config_.table, config_.key.index_name};
  Checkpoint from;
  Status s = probe.Run("reading the copy range", stop, [&](db::Connection& conn) {
    OSC_ASSIGN_OR_RETURN(db::QueryResult first, conn.Query(EndpointQuery(config_.key, original, false)));
    OSC_ASSIGN_OR_RETURN(db::QueryResult last, conn.Query(EndpointQuery(config_.key, original, true)));
    from.range.reset();
    if (first.rows.empty() || last.rows.empty()) return Status::Ok();  // empty table
    OSC_ASSIGN_OR_RETURN(KeyValue min, KeyValueFromRow(config_.key, first.rows.front()));
    OSC_ASSIGN_OR_RETURN(KeyValue max, KeyValueFromRow(config_.key, last.rows.front()));
    from.range = CopyRange{std::move(min), std::move(max)};
    return Status::Ok();
  });
  OSC_RETURN_IF_ERROR(s);
  return Copy(std::move(from), stop);
}

Status Copier::Resume(const Checkpoint& from, std::stop_token stop) {
  OSC_RETURN_IF_ERROR(CheckConfig());
  if (shared_->started.exchange(true)) return Status::FailedPrecondition("a Copier runs once");
  if (from.range) {
    OSC_RETURN_IF_ERROR(ValidateKeyValue(config_.key, from.range->min));
    OSC_RETURN_IF_ERROR(ValidateKeyValue(config_.key, from.range->max));
  }
  if (from.low_watermark) OSC_RETURN_IF_ERROR(ValidateKeyValue(config_.key, from.low_watermark->value));
  for (const KeyRange& r : from.done_above) {
    if (!r.lower || !r.upper) return Status::InvalidArgument("a done range in the checkpoint has an open end");
    OSC_RETURN_IF_ERROR(ValidateRange(config_.key, r));
  }
  return Copy(from, stop);
}

Status Copier::Copy(Checkpoint from, std::stop_token stop) {
  shared_->producer =
      std::make_unique<internal::RetryingSession>(WriterSession(config_, clock_, &shared_->retries));
  Result<db::Connection*> producer = shared_->producer->Get();
  if (!producer.ok()) return producer.status().WithContext("opening the copier's connection");
  const LockingRead locking = LockingReadFor((*producer)->server_info());
  shared_->segments = SegmentsToCopy(from);
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->tracker = CheckpointTracker(from);
  }
  spdlog::info("copying {} into {}: {}, {} threads, first chunk {} rows",
               db::QuoteQualified(config_.database, config_.table), db::QuoteIdentifier(config_.shadow_table),
               from.range ? DescribeRange(KeyRange{Bound{from.range->min, true}, Bound{from.range->max, true}})
                          : std::string("table is empty"),
               shared_->target_threads.load(), shared_->chunk_size.load());

  CopyRun run(config_, clock_, *shared_, locking);
  // Workers see one token: requested by the caller's stop or the first error.
  std::stop_callback forward(stop, [this] { shared_->stop_all.request_stop(); });
  const Status started = SuperviseWorkers(run);
  shared_->producer.reset();
  std::lock_guard<std::mutex> lock(shared_->mu);
  if (!shared_->first_error.ok()) return shared_->first_error;
  if (!started.ok()) return started;
  if (stop.stop_requested()) return Status::Aborted("copy stopped on request");
  return Status::Ok();
}

// Starts workers up to the target, reaps those that exited, and sleeps
// until either changes; returns when no worker is left (all work handed
// out and done, a stop, or the first error). Only this thread starts or
// joins workers, so SetThreads never races with the end of the run.
Status Copier::SuperviseWorkers(CopyRun& run) {
  std::map<uint64_t, std::jthread> workers;
  uint64_t next_id = 0;
  uint64_t started = 0;
  Status spawn_error;
  std::unique_lock<std::mutex> lock(shared_->mu);
  while (true) {
    while (shared_->active_workers.load() < shared_->target_threads.load() && !shared_->no_more_work &&
           !shared_->stop_all.stop_requested() && spawn_error.ok()) {
      const uint64_t id = next_id++;
      try {
        workers.emplace(id, std::jthread([&run, id, token = shared_->stop_all.get_token()] { run.Worker(token, id); }));
        shared_->active_workers.fetch_add(1);
        ++started;
      } catch (const std::system_error& e) {
        // Out of threads: go on with the workers there are, if any.
        spdlog::warn("copy: could not start a worker: {}", e.what());
        spawn_error = Status::Internal(std::string("could not start a copy worker: ") + e.what());
      }
    }
    std::vector<std::jthread> finished;
    for (const uint64_t id : shared_->exited) {
      const auto it = workers.find(id);
      if (it == workers.end()) continue;
      finished.push_back(std::move(it->second));
      workers.erase(it);
    }
    shared_->exited.clear();
    if (!finished.empty()) {
      lock.unlock();
      finished.clear();  // joins outside mu: a worker may still be closing its connection
      lock.lock();
      continue;  // the target may have changed meanwhile
    }
    if (shared_->active_workers.load() == 0) break;
    shared_->workers_changed.wait(lock);
  }
  lock.unlock();
  workers.clear();  // joins any left (all have exited their loop)
  // A failed start matters only if no worker ran at all.
  return started > 0 ? Status::Ok() : spawn_error;
}

uint64_t Copier::SetChunkSize(uint64_t rows) {
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->sizer.Set(rows);
  shared_->chunk_size.store(shared_->sizer.current(), std::memory_order_relaxed);
  return shared_->sizer.current();
}

int Copier::SetThreads(int threads) {
  const int target = std::clamp(threads, 1, kMaxThreads);
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->target_threads.store(target);
  shared_->workers_changed.notify_all();
  return target;
}

Status Copier::RecopyRange(const KeyRange& range, std::stop_token stop) {
  OSC_RETURN_IF_ERROR(CheckConfig());
  OSC_RETURN_IF_ERROR(ValidateRange(config_.key, range));
  internal::RetryingSession session = WriterSession(config_, clock_);
  const TableRef original{config_.database, config_.table, config_.key.index_name};
  const TableRef shadow{config_.database, config_.shadow_table, ""};
  const std::string what = "re-copying " + DescribeRange(range);
  return session.Run(what, stop, [&](db::Connection& conn) {
    const std::string copy = CopyStatement(config_.key, original, shadow, config_.columns,
                                           LockingReadFor(conn.server_info()), range);
    OSC_RETURN_IF_ERROR(conn.Execute("START TRANSACTION"));
    OSC_RETURN_IF_ERROR(conn.Execute(DeleteRangeStatement(config_.key, shadow, range)));
    OSC_RETURN_IF_ERROR(conn.Execute(copy));
    return conn.Execute("COMMIT");
  });
}

CopyProgress Copier::progress() const {
  CopyProgress p;
  p.rows_copied = shared_->rows_copied.load(std::memory_order_relaxed);
  p.chunks_copied = shared_->chunks_copied.load(std::memory_order_relaxed);
  p.chunk_size = shared_->chunk_size.load(std::memory_order_relaxed);
  p.last_chunk_time = std::chrono::milliseconds(shared_->last_chunk_ms.load(std::memory_order_relaxed));
  p.retries = shared_->retries.load(std::memory_order_relaxed);
  p.threads = shared_->target_threads.load(std::memory_order_relaxed);
  p.active_threads = shared_->active_workers.load(std::memory_order_relaxed);
  p.chunks_in_flight = shared_->chunks_in_flight.load(std::memory_order_relaxed);
  return p;
}

void Copier::KeepChunkLog(bool on) {
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->chunk_log_on = on;
  if (!on) shared_->chunk_log.clear();
}

std::optional<std::vector<KeyRange>> Copier::TakeCopiedChunks() {
  std::lock_guard<std::mutex> lock(shared_->mu);
  if (!shared_->chunk_log_on || shared_->chunk_log_broken) return std::nullopt;
  std::vector<KeyRange> out;
  auto& log = shared_->chunk_log;
  while (!log.empty() && log.front().done) {
    out.push_back(std::move(log.front().range));
    log.pop_front();
  }
  return out;
}

Checkpoint Copier::checkpoint() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->tracker.Current();
}

}  // namespace osc::copy
