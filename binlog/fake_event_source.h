// FakeEventSource: an in-memory EventSource for tests of anything that
// consumes events (ChangeStream, the applier).
//
// A test pushes whole events (as a server would store them, log_pos and
// all) and errors; Next() hands them out in order with the checkpoints a
// server source would compute (the same PositionTracker), and blocks like
// an idle server when nothing is queued. Thread-safe: a test may push
// from one thread while a reader consumes on another.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include "binlog/event_source.h"
#include "binlog/position_tracker.h"

namespace osc::binlog {

class FakeEventSource final : public EventSource {
 public:
  // Positions start at `start` (as after a dump request for it);
  // `checksum_before_format` is what the fake connection "negotiated".
  explicit FakeEventSource(BinlogPosition start = {"fake-bin.000001", 4},
                           ChecksumAlg checksum_before_format = ChecksumAlg::kOff);

  // Queues one whole event.
  void Push(std::vector<uint8_t> event);
  // Queues an error. Next() returns it once the events before it are
  // consumed, and from then on.
  void PushError(Status status);

  // The next queued event, blocking while none is queued (Aborted when
  // `stop` is requested). An event the tracker cannot follow is returned
  // as its kCorruption error (sticky, as a server source's would be).
  Result<RawEvent> Next(std::stop_token stop) override;
  void Acknowledge(const Checkpoint& checkpoint) override;

  // Test observability.
  uint64_t delivered() const;
  size_t queued() const;
  std::optional<Checkpoint> acknowledged() const;

 private:
  struct Item {
    std::vector<uint8_t> event;
    Status error;  // set for PushError items
  };

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Item> queue_;            // guarded by mu_
  std::vector<uint8_t> current_;      // bytes of the event last returned (reader thread only)
  PositionTracker tracker_;           // reader thread only
  ChecksumAlg checksum_before_format_;
  Status error_;                      // sticky; reader thread only
  uint64_t delivered_ = 0;            // guarded by mu_
  std::optional<Checkpoint> acked_;   // guarded by mu_
};

}  // namespace osc::binlog
