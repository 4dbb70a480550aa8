#include "binlog/fake_event_source.h"

#include <utility>

namespace osc::binlog {

FakeEventSource::FakeEventSource(BinlogPosition start, ChecksumAlg checksum_before_format)
    : tracker_(std::move(start), checksum_before_format), checksum_before_format_(checksum_before_format) {}

void FakeEventSource::Push(std::vector<uint8_t> event) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Item{std::move(event), Status::Ok()});
  }
  cv_.notify_all();
}

void FakeEventSource::PushError(Status status) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Item{{}, std::move(status)});
  }
  cv_.notify_all();
}

Result<RawEvent> FakeEventSource::Next(std::stop_token stop) {
  if (!error_.ok()) return error_;
  Item item;
  {
    std::unique_lock lock(mu_);
    if (!cv_.wait(lock, stop, [this] { return !queue_.empty(); })) {
      return Status::Aborted("fake binlog source stopped");
    }
    item = std::move(queue_.front());
    queue_.pop_front();
  }
  if (!item.error.ok()) {
    error_ = item.error;
    return error_;
  }
  current_ = std::move(item.event);
  auto observed = tracker_.Observe(current_);
  if (!observed.ok()) {
    error_ = observed.status();
    return error_;
  }
  RawEvent event;
  event.data = current_;
  event.checkpoint = tracker_.checkpoint();
  event.connection = 1;
  event.checksum_before_format = checksum_before_format_;
  std::lock_guard lock(mu_);
  ++delivered_;
  return event;
}

void FakeEventSource::Acknowledge(const Checkpoint& checkpoint) {
  std::lock_guard lock(mu_);
  acked_ = checkpoint;
}

uint64_t FakeEventSource::delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

size_t FakeEventSource::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::optional<Checkpoint> FakeEventSource::acknowledged() const {
  std::lock_guard lock(mu_);
  return acked_;
}

}  // namespace osc::binlog
