#include "binlog/change_stream.h"

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

#include "binlog/change_decoder_internal.h"
#include "common/logging.h"

namespace osc::binlog {

std::string_view ToString(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kBegin: return "BEGIN";
    case ChangeKind::kRows: return "ROWS";
    case ChangeKind::kQuery: return "QUERY";
    case ChangeKind::kCommit: return "COMMIT";
    case ChangeKind::kHeartbeat: return "HEARTBEAT";
    case ChangeKind::kRotate: return "ROTATE";
  }
  return "?";
}

RowsChange::RowsChange(std::shared_ptr<const std::vector<uint8_t>> storage, RowsEvent event,
                       std::shared_ptr<const TableMap> table)
    : storage_(std::move(storage)), event_(event), table_(std::move(table)) {}

Result<RowDecoder> RowsChange::Decoder(const RowDecodeOptions& options) const {
  return RowDecoder::Create(event_, table_, options);
}

Status ChangeStreamOptions::Validate() const {
  if (queue_capacity == 0 || queue_capacity > (size_t{1} << 24)) {
    return Status::InvalidArgument("queue_capacity must be in [1, 16M]");
  }
  if (poll_interval < std::chrono::milliseconds(1) || poll_interval > std::chrono::seconds(10)) {
    return Status::InvalidArgument("poll_interval must be in [1 ms, 10 s]");
  }
  for (const TableName& t : tables) {
    if (t.schema.empty() || t.table.empty()) return Status::InvalidArgument("followed tables need schema and name");
  }
  return reader.Validate();
}

struct ChangeStream::Impl {
  ChangeStreamOptions options;
  std::unique_ptr<EventSource> source;
  internal::ChangeDecoder decoder;
  moodycamel::BlockingConcurrentQueue<ChangeEvent> queue;
  // Free queue slots: the reader takes one per event, the consumer gives
  // it back. This, not the queue (which grows on demand), is the bound.
  moodycamel::LightweightSemaphore slots;
  // Set (release) by the reader after its last enqueue, so a consumer that
  // sees it (acquire) and then finds the queue empty knows nothing more
  // will come.
  std::atomic<bool> finished{false};
  mutable std::mutex mu;
  Status final_status;  // guarded by mu; why the reader ended
  std::jthread reader;  // last: joined first on destruction

  Impl(std::unique_ptr<EventSource> s, ChangeStreamOptions o)
      : options(std::move(o)),
        source(std::move(s)),
        decoder(options.tables, options.reader),
        queue(options.queue_capacity),
        slots(static_cast<moodycamel::LightweightSemaphore::ssize_t>(options.queue_capacity)) {}

  void Run(std::stop_token stop);
  Status Push(ChangeEvent&& event, moodycamel::ProducerToken& token, std::stop_token stop);
  void Finish(Status status);
  // One attempt to take an event, waiting up to `wait`.
  bool TryTake(ChangeEvent* out, std::chrono::microseconds wait);
  Status Ended() const;
};

Status ChangeStream::Impl::Push(ChangeEvent&& event, moodycamel::ProducerToken& token, std::stop_token stop) {
  const auto slice = std::chrono::duration_cast<std::chrono::microseconds>(options.poll_interval).count();
  while (!slots.wait(slice)) {
    if (stop.stop_requested()) return Status::Aborted("change stream stopped");
  }
  if (!queue.enqueue(token, std::move(event))) {
    return Status::Internal("change stream queue could not allocate");
  }
  return Status::Ok();
}

void ChangeStream::Impl::Run(std::stop_token stop) {
  moodycamel::ProducerToken token(queue);
  const internal::ChangeDecoder::Emit emit = [&](ChangeEvent&& e) { return Push(std::move(e), token, stop); };
  Status status;
  while (status.ok()) {
    Result<RawEvent> raw = source->Next(stop);
    if (!raw.ok()) {
      status = raw.status();
      break;
    }
    status = decoder.Handle(*raw, emit);
    // Everything this event yielded is queued: the source need not send it
    // again after a reconnect.
    if (status.ok()) source->Acknowledge(raw->checkpoint);
  }
  if (stop.stop_requested()) status = Status::Aborted("change stream stopped");
  if (!status.IsAborted()) spdlog::error("binlog change stream stopped: {}", status.ToString());
  Finish(std::move(status));
}

void ChangeStream::Impl::Finish(Status status) {
  {
    std::lock_guard lock(mu);
    final_status = std::move(status);
  }
  finished.store(true, std::memory_order_release);
}

bool ChangeStream::Impl::TryTake(ChangeEvent* out, std::chrono::microseconds wait) {
  if (!queue.wait_dequeue_timed(*out, wait.count())) return false;
  slots.signal();
  return true;
}

Status ChangeStream::Impl::Ended() const {
  std::lock_guard lock(mu);
  return final_status;
}

Result<std::unique_ptr<ChangeStream>> ChangeStream::Start(std::unique_ptr<EventSource> source,
                                                          ChangeStreamOptions options) {
  if (source == nullptr) return Status::InvalidArgument("change stream needs a source");
  OSC_RETURN_IF_ERROR(options.Validate());
  auto impl = std::make_unique<Impl>(std::move(source), std::move(options));
  Impl* raw = impl.get();
  impl->reader = std::jthread([raw](std::stop_token stop) { raw->Run(stop); });
  return std::unique_ptr<ChangeStream>(new ChangeStream(std::move(impl)));
}

ChangeStream::ChangeStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ChangeStream::~ChangeStream() {
  if (!impl_) return;
  impl_->reader.request_stop();
  if (impl_->reader.joinable()) impl_->reader.join();
}

Result<ChangeEvent> ChangeStream::Next(std::stop_token stop) {
  while (true) {
    OSC_ASSIGN_OR_RETURN(std::optional<ChangeEvent> e, NextFor(std::chrono::hours(1), stop));
    if (e) return std::move(*e);
  }
}

Result<std::optional<ChangeEvent>> ChangeStream::NextFor(std::chrono::milliseconds timeout, std::stop_token stop) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto slice = std::chrono::duration_cast<std::chrono::microseconds>(impl_->options.poll_interval);
  ChangeEvent event;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (impl_->TryTake(&event, std::max(std::chrono::microseconds(0), std::min(slice, left)))) {
      return std::optional<ChangeEvent>(std::move(event));
    }
    if (impl_->finished.load(std::memory_order_acquire)) {
      // Events queued before the reader ended come first.
      if (impl_->TryTake(&event, std::chrono::microseconds(0))) return std::optional<ChangeEvent>(std::move(event));
      return impl_->Ended();
    }
    if (stop.stop_requested()) return Status::Aborted("change stream consumer stopped");
    if (left.count() <= 0) return std::optional<ChangeEvent>();
  }
}

void ChangeStream::Stop() { impl_->reader.request_stop(); }

size_t ChangeStream::backlog() const { return impl_->queue.size_approx(); }

Status ChangeStream::status() const {
  if (!impl_->finished.load(std::memory_order_acquire)) return Status::Ok();
  Status s = impl_->Ended();
  return s.IsAborted() ? Status::Ok() : s;
}

}  // namespace osc::binlog
