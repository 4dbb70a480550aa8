#include "binlog/server_event_source.h"

#include <algorithm>
#include <utility>

#include "common/logging.h"
#include "db/replication_stream.h"

namespace osc::binlog {
namespace {

class DbPacketStream final : public PacketStream {
 public:
  explicit DbPacketStream(db::ReplicationStream stream) : stream_(std::move(stream)) {}
  Result<Bytes> Fetch() override { return stream_.Fetch(); }
  void Cancel() override { stream_.Cancel(); }
  bool negotiated_crc32() const override { return stream_.negotiated_crc32(); }

 private:
  db::ReplicationStream stream_;
};

PacketStreamFactory DbFactory(const ServerSourceOptions& o) {
  db::ReplicationOptions base;
  base.connection = o.connection;
  base.connection.read_timeout = o.read_timeout;
  base.server_id = o.server_id;
  base.heartbeat_period = o.heartbeat_period;
  return [base](const DumpRequest& request) -> Result<std::unique_ptr<PacketStream>> {
    db::ReplicationOptions options = base;
    options.start.gtid = request.gtid;
    options.start.file = request.position.file;
    options.start.position = request.position.offset;
    OSC_ASSIGN_OR_RETURN(db::ReplicationStream stream, db::ReplicationStream::Open(options));
    return std::unique_ptr<PacketStream>(std::make_unique<DbPacketStream>(std::move(stream)));
  };
}

std::string Describe(const DumpRequest& r) { return r.gtid.empty() ? r.position.ToString() : "GTID " + r.gtid; }

}  // namespace

Status ServerSourceOptions::Validate() const {
  if (start_gtid.empty()) {
    if (start.restart.file.empty()) return Status::InvalidArgument("binlog source needs a start file or GTID");
    if (start.restart.offset < 4) return Status::InvalidArgument("binlog start position must be at least 4");
    if (start.handled < start.restart.offset) {
      return Status::InvalidArgument("binlog start checkpoint handled offset is before its restart offset");
    }
  }
  if (heartbeat_period <= std::chrono::milliseconds::zero()) {
    return Status::InvalidArgument("heartbeat_period must be positive");
  }
  if (read_timeout < std::chrono::seconds(1) || read_timeout < 2 * heartbeat_period) {
    return Status::InvalidArgument("read_timeout must be at least 1 s and twice heartbeat_period");
  }
  if (initial_backoff <= std::chrono::milliseconds::zero() || max_backoff < initial_backoff) {
    return Status::InvalidArgument("need 0 < initial_backoff <= max_backoff");
  }
  if (reconnect_timeout < std::chrono::seconds::zero()) {
    return Status::InvalidArgument("reconnect_timeout must not be negative");
  }
  return Status::Ok();
}

Result<std::unique_ptr<ServerEventSource>> ServerEventSource::Open(ServerSourceOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  if (options.server_id == 0) return Status::InvalidArgument("binlog source needs a non-zero server_id");
  OSC_RETURN_IF_ERROR(options.connection.Validate());
  PacketStreamFactory factory = DbFactory(options);
  return OpenWith(std::move(options), std::move(factory));
}

Result<std::unique_ptr<ServerEventSource>> ServerEventSource::OpenWith(ServerSourceOptions options,
                                                                       PacketStreamFactory factory) {
  OSC_RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<ServerEventSource> source(new ServerEventSource(std::move(options), std::move(factory)));
  OSC_RETURN_IF_ERROR(source->Connect());
  return source;
}

ServerEventSource::ServerEventSource(ServerSourceOptions options, PacketStreamFactory factory)
    : options_(std::move(options)),
      factory_(std::move(factory)),
      clock_(options_.clock != nullptr ? options_.clock : SystemClock()),
      tracker_(options_.start.restart, ChecksumAlg::kOff) {
  if (options_.start_gtid.empty()) acked_ = options_.start;
}

ServerEventSource::~ServerEventSource() = default;

Status ServerEventSource::Fail(Status status) {
  error_ = status;
  stream_.reset();
  return status;
}

DumpRequest ServerEventSource::NextRequest() const {
  DumpRequest r;
  if (acked_) {
    r.position = acked_->restart;
  } else {
    r.gtid = options_.start_gtid;
  }
  return r;
}

Status ServerEventSource::Connect() {
  const DumpRequest request = NextRequest();
  OSC_ASSIGN_OR_RETURN(stream_, factory_(request));
  ++connections_;
  tracker_.Reset(request.position, stream_->negotiated_crc32() ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff);
  // Resuming inside a transaction: its first events come again.
  skipping_.reset();
  if (acked_ && !acked_->at_boundary()) skipping_ = acked_;
  return Status::Ok();
}

Status ServerEventSource::Reconnect(std::stop_token stop) {
  if (!outage_since_) outage_since_ = clock_->Now();
  const Clock::SteadyTime deadline = *outage_since_ + options_.reconnect_timeout;
  std::chrono::milliseconds backoff{0};
  while (true) {
    const Clock::SteadyTime now = clock_->Now();
    if (now >= deadline) {
      return Fail(last_failure_.WithContext("binlog source gave up reconnecting after " +
                                            std::to_string(options_.reconnect_timeout.count()) + " s"));
    }
    if (backoff.count() > 0) {
      const auto wait = std::min<Clock::Duration>(backoff, deadline - now);
      if (!clock_->SleepFor(wait, stop)) return Status::Aborted("binlog source stopped");
    }
    if (stop.stop_requested()) return Status::Aborted("binlog source stopped");
    Status s = Connect();
    if (s.ok()) {
      spdlog::info("binlog source reconnected at {} (connection {})", Describe(NextRequest()), connections_);
      return s;
    }
    if (!db::IsStreamRetryable(s)) return Fail(s);
    last_failure_ = s;
    spdlog::warn("binlog source: reconnect failed: {}", s.ToString());
    backoff = backoff.count() == 0 ? options_.initial_backoff : std::min(backoff * 2, options_.max_backoff);
  }
}

Result<Bytes> ServerEventSource::FetchInterruptibly(std::stop_token stop) {
  PacketStream* stream = stream_.get();
  // Runs at once if stop was already requested; its destructor waits for a
  // concurrent run to finish, so `stream` outlives every Cancel().
  std::stop_callback cancel(stop, [stream] { stream->Cancel(); });
  return stream->Fetch();
}

Result<RawEvent> ServerEventSource::Next(std::stop_token stop) {
  if (!error_.ok()) return error_;
  while (true) {
    if (stop.stop_requested()) return Status::Aborted("binlog source stopped");
    if (!stream_) OSC_RETURN_IF_ERROR(Reconnect(stop));
    Result<Bytes> packet = FetchInterruptibly(stop);
    if (stop.stop_requested()) {
      stream_.reset();  // its socket may be shut down
      return Status::Aborted("binlog source stopped");
    }
    if (!packet.ok()) {
      stream_.reset();
      if (!db::IsStreamRetryable(packet.status())) return Fail(packet.status());
      if (!outage_since_) outage_since_ = clock_->Now();
      last_failure_ = packet.status();
      spdlog::warn("binlog source lost its connection at {}: {}; reconnecting",
                   tracker_.checkpoint().ToString(), packet.status().ToString());
      continue;
    }
    outage_since_.reset();
    auto observed = tracker_.Observe(*packet);
    if (!observed.ok()) return Fail(observed.status().WithContext("binlog at " + tracker_.next().ToString()));
    RawEvent event;
    if (!Deliver(*observed, &event)) continue;
    event.data = *packet;
    event.connection = connections_;
    event.checksum_before_format = stream_->negotiated_crc32() ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff;
    return event;
  }
}

bool ServerEventSource::Deliver(const PositionTracker::Observation& o, RawEvent* out) {
  if (skipping_) {
    const Checkpoint& handled = *skipping_;
    // Until the dump passes what the consumer handled, the position it
    // sees does not move back: events carry the acknowledged checkpoint.
    if (!o.positioned) {
      out->checkpoint = handled;
      return !o.heartbeat;
    }
    if (tracker_.next().file == handled.restart.file && o.end <= handled.handled) {
      out->checkpoint = handled;
      out->redelivered = true;
      return o.context;
    }
    skipping_.reset();
  }
  out->checkpoint = tracker_.checkpoint();
  return true;
}

void ServerEventSource::Acknowledge(const Checkpoint& checkpoint) {
  if (acked_ && checkpoint.restart.file == acked_->restart.file && checkpoint.handled < acked_->handled) return;
  acked_ = checkpoint;
}

}  // namespace osc::binlog
