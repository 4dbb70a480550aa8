// ServerEventSource: the EventSource that reads a live server's binlog over
// the replication protocol (db::ReplicationStream) and survives dropped
// connections and server restarts.
//
// Reconnecting. When the connection is lost (network, read timeout, KILL,
// server shutdown or restart; see db::IsStreamRetryable) the source opens a
// new dump at the last acknowledged Checkpoint: at its restart position
// (the start of the transaction that was open, or the boundary), then
// delivers again only the context events of that transaction (marked
// redelivered) and suppresses the effects the consumer already handled.
// So every event is delivered once if the consumer acknowledges each one
// it handles. Attempts back off exponentially from initial_backoff to
// max_backoff; an outage longer than reconnect_timeout (counted from the
// first failure, reset by the first event received) is an error. Errors
// that reconnecting cannot fix end the source at once: 1236 (the position
// was purged, or is invalid), access denied, a duplicate server id, bytes
// that make no sense.
//
// Resuming by file and position is exact because a binlog file never
// changes once written. A failover to another server (different files)
// needs a GTID start on the new server; that is the caller's decision.
//
// Thread safety: Next() and Acknowledge() from one thread. The stop token
// given to Next() interrupts a blocked network read at once (the socket is
// shut down), not after the read timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "binlog/event_source.h"
#include "binlog/position_tracker.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/connection_options.h"

namespace osc::binlog {

struct ServerSourceOptions {
  // The server to read from. Its read_timeout is replaced by `read_timeout`
  // below for the replication session.
  db::ConnectionOptions connection;
  // Replica id to register (see db::ReplicationOptions::server_id): unique
  // per concurrently running reader, and not the server's own.
  uint32_t server_id = 0;

  // Where to start. With `start_gtid` (a MariaDB GTID position, e.g.
  // @@gtid_binlog_pos) the first connection starts from it; otherwise from
  // `start` (a checkpoint from an earlier run, or {{file, pos}, pos} for a
  // plain file/position such as SHOW MASTER STATUS gives). A checkpoint
  // inside a transaction re-delivers its context events and skips the rest
  // up to `start.handled`, as after a reconnect.
  Checkpoint start;
  std::string start_gtid;

  // Idle servers send a heartbeat this often; every read waits at most
  // read_timeout. read_timeout must be at least twice the heartbeat, so one
  // late heartbeat does not drop a healthy connection.
  std::chrono::milliseconds heartbeat_period{2000};
  std::chrono::seconds read_timeout{10};

  // Reconnect back-off: the first attempt is immediate, then
  // initial_backoff, doubling up to max_backoff. Give up when the outage
  // has lasted reconnect_timeout. The default rides out a server restart
  // or a short network partition; a failover usually needs a human (or a
  // GTID restart on the new primary) anyway.
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::seconds reconnect_timeout{300};

  // Time source for the back-off (tests inject a FakeClock). Null means
  // SystemClock(). Not owned; must outlive the source.
  Clock* clock = nullptr;

  // InvalidArgument naming the first problem.
  Status Validate() const;
};

// The connection seam, so the reconnect logic can be tested without a
// server. Production code uses db::ReplicationStream behind it.
class PacketStream {
 public:
  virtual ~PacketStream() = default;
  // As db::ReplicationStream::Fetch(): one whole event, valid until the
  // next call.
  virtual Result<Bytes> Fetch() = 0;
  // As db::ReplicationStream::Cancel(): thread-safe, makes Fetch() fail.
  virtual void Cancel() = 0;
  virtual bool negotiated_crc32() const = 0;
};

// Where a (re)connection starts: a GTID position, or a file and position.
struct DumpRequest {
  std::string gtid;
  BinlogPosition position;
};
using PacketStreamFactory = std::function<Result<std::unique_ptr<PacketStream>>(const DumpRequest&)>;

class ServerEventSource final : public EventSource {
 public:
  // Validates the options and opens the first connection (one attempt: a
  // server that cannot be reached now is an error now). A purged start
  // position is reported by the first Next().
  static Result<std::unique_ptr<ServerEventSource>> Open(ServerSourceOptions options);
  // As Open(), connecting through `factory` (tests). options.connection
  // and server_id are not used then.
  static Result<std::unique_ptr<ServerEventSource>> OpenWith(ServerSourceOptions options,
                                                             PacketStreamFactory factory);

  ~ServerEventSource() override;
  ServerEventSource(const ServerEventSource&) = delete;
  ServerEventSource& operator=(const ServerEventSource&) = delete;

  Result<RawEvent> Next(std::stop_token stop) override;
  void Acknowledge(const Checkpoint& checkpoint) override;

  // Connections opened so far (1 after Open()).
  uint64_t connections() const { return connections_; }
  // The last acknowledged checkpoint (the start checkpoint before any).
  const std::optional<Checkpoint>& acknowledged() const { return acked_; }

 private:
  ServerEventSource(ServerSourceOptions options, PacketStreamFactory factory);

  DumpRequest NextRequest() const;
  Status Connect();
  Status Reconnect(std::stop_token stop);
  Result<Bytes> FetchInterruptibly(std::stop_token stop);
  // Decides what to do with an observed event: true to deliver it.
  bool Deliver(const PositionTracker::Observation& o, RawEvent* out);
  Status Fail(Status status);

  ServerSourceOptions options_;
  PacketStreamFactory factory_;
  Clock* clock_;
  std::unique_ptr<PacketStream> stream_;
  PositionTracker tracker_;
  uint64_t connections_ = 0;
  std::optional<Checkpoint> acked_;     // resume point
  std::optional<Checkpoint> skipping_;  // after a mid-transaction resume
  std::optional<Clock::SteadyTime> outage_since_;
  Status last_failure_;  // why the current outage started
  Status error_;         // sticky
};

}  // namespace osc::binlog
