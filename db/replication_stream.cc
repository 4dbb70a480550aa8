#include "db/replication_stream.h"

#include <mysql.h>
#if OSC_HAVE_MARIADB_RPL
#include <mariadb_rpl.h>
#endif

#include <atomic>
#include <charconv>
#include <limits>
#include <utility>

#include "db/connection.h"
#include "db/connection_internal.h"
#include "db/errors.h"

namespace osc::db {
namespace {

// MariaDB sql/log_event.h MARIA_SLAVE_CAPABILITY_GTID: a replica that
// understands GTID events. Without it the server rewrites every GTID event
// as a "BEGIN" query, losing the GTID and the standalone flag.
constexpr int kMariaSlaveCapabilityGtid = 4;
// ER_MASTER_FATAL_ERROR_READING_BINLOG (include/mysqld_error.h).
constexpr uint32_t kFatalErrorReadingBinlog = 1236;
// The protocol's first byte of a binlog event packet, and of an EOF packet
// (sent when the server ends the dump, e.g. on shutdown).
constexpr uint8_t kPacketOk = 0x00;
constexpr uint8_t kPacketEof = 0xfe;
constexpr size_t kMaxEofPacketLength = 9;
constexpr size_t kEventHeaderLength = 19;  // binlog v4 common header
// The server's limit for @master_heartbeat_period (sql/sql_repl.cc, the
// same bound CHANGE MASTER TO MASTER_HEARTBEAT_PERIOD has).
constexpr std::chrono::milliseconds kMaxHeartbeat{4294967LL * 1000};

bool IsGtidText(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if ((c < '0' || c > '9') && c != '-' && c != ',') return false;
  }
  return true;
}

std::string DescribeStart(const ReplicationStart& start) {
  if (!start.gtid.empty()) return "GTID " + start.gtid;
  return start.file + ":" + std::to_string(start.position);
}

}  // namespace

Status ReplicationOptions::Validate() const {
  OSC_RETURN_IF_ERROR(connection.Validate());
  if (server_id == 0) return Status::InvalidArgument("replication server_id must be non-zero");
  if (start.gtid.empty()) {
    if (start.file.empty()) return Status::InvalidArgument("replication start needs a binlog file or a GTID");
    if (start.position < 4 || start.position > std::numeric_limits<uint32_t>::max()) {
      return Status::InvalidArgument("replication start position must be in [4, 2^32)");
    }
  } else if (!IsGtidText(start.gtid)) {
    return Status::InvalidArgument("replication start GTID may only hold digits, '-' and ','");
  }
  if (heartbeat_period < std::chrono::milliseconds(1) || heartbeat_period > kMaxHeartbeat) {
    return Status::InvalidArgument("heartbeat_period must be in [1 ms, 4294967 s]");
  }
  if (heartbeat_period >= connection.read_timeout) {
    return Status::InvalidArgument("heartbeat_period must be shorter than the read timeout, "
                                   "or an idle stream times out");
  }
  return Status::Ok();
}

bool IsStreamRetryable(const Status& status) {
  return status.IsServerError() && IsRetryable(status.server_errno());
}

struct ReplicationStream::Impl {
  Connection conn;  // the session; its handle carries the dump
  internal::ConnectionState* state = nullptr;  // conn's, for errors
  MYSQL* mysql = nullptr;                      // conn's
#if OSC_HAVE_MARIADB_RPL
  MARIADB_RPL* rpl = nullptr;
#endif
  std::string description;
  bool crc32 = false;
  uint32_t source_server_id = 0;
  Status error;  // sticky: the stream is finished after the first error
  // Set by Cancel() from another thread; read by Fetch() to report the
  // failure it causes as a cancellation rather than a network fault.
  std::atomic<bool> cancelled{false};

  explicit Impl(Connection c) : conn(std::move(c)) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
#if OSC_HAVE_MARIADB_RPL
    if (rpl != nullptr) mariadb_rpl_close(rpl);  // frees the handle only
#endif
  }

  // The error of the failed read, made sticky.
  Status Fail(Status status) {
    error = status;
    return status;
  }

  // Backend-specific (see the bottom of this file).
  Status StartDump(const ReplicationOptions& o);
  Result<Bytes> ReadPacket();
  void Interrupt();
  // Turns the handle's error after a failed read into the statuses the
  // header promises.
  Status ReadError();
};

namespace {

// Reads what the session needs to know before the dump starts.
Status ReadSourceSettings(Connection& conn, bool* crc32, uint32_t* server_id) {
  OSC_ASSIGN_OR_RETURN(QueryResult r, conn.Query("SELECT @@global.binlog_checksum, @@global.server_id"));
  if (r.rows.size() != 1 || r.rows[0].size() != 2 || !r.rows[0][0] || !r.rows[0][1]) {
    return Status::Internal("unexpected result for SELECT @@global.binlog_checksum, @@global.server_id");
  }
  *crc32 = *r.rows[0][0] == "CRC32";
  const std::string& id = *r.rows[0][1];
  auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), *server_id);
  if (ec != std::errc() || ptr != id.data() + id.size()) return Status::Internal("@@server_id is not a number");
  return Status::Ok();
}

// Session variables a MariaDB replica sets before COM_BINLOG_DUMP
// (sql/slave.cc get_master_version_and_clock, request_dump).
Status PrepareSession(Connection& conn, const ReplicationOptions& o) {
  // Without it the server refuses a checksum-aware dump with 1236 ("Slave
  // can not handle replication events with the checksum that master is
  // configured to log"). With it, events keep the trailer the file has.
  OSC_RETURN_IF_ERROR(conn.Execute("SET @master_binlog_checksum = @@global.binlog_checksum"));
  OSC_RETURN_IF_ERROR(
      conn.Execute("SET @mariadb_slave_capability = " + std::to_string(kMariaSlaveCapabilityGtid)));
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(o.heartbeat_period).count();
  OSC_RETURN_IF_ERROR(conn.Execute("SET @master_heartbeat_period = " + std::to_string(ns)));
  if (!o.start.gtid.empty()) {
    // Validate() limited the text to digits, '-' and ',': safe to quote.
    // Connector/C's own GTID options are not implemented; this user
    // variable is what the server reads (sql_repl.cc mysql_binlog_send).
    OSC_RETURN_IF_ERROR(conn.Execute("SET @slave_connect_state = '" + o.start.gtid + "'"));
  }
  return Status::Ok();
}

}  // namespace

Result<ReplicationStream> ReplicationStream::Open(const ReplicationOptions& options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  OSC_ASSIGN_OR_RETURN(Connection conn, Connection::Open(options.connection));
  auto impl = std::make_unique<Impl>(std::move(conn));
  impl->description = impl->conn.description() + " from " + DescribeStart(options.start);
  OSC_RETURN_IF_ERROR(ReadSourceSettings(impl->conn, &impl->crc32, &impl->source_server_id)
                          .WithContext("binlog dump on " + impl->description));
  if (impl->source_server_id == options.server_id) {
    return Status::InvalidArgument("replication server_id " + std::to_string(options.server_id) +
                                   " is the server's own server_id; pick another");
  }
  OSC_RETURN_IF_ERROR(PrepareSession(impl->conn, options).WithContext("binlog dump on " + impl->description));
  impl->state = impl->conn.state_.get();
  impl->mysql = impl->state->mysql;
  OSC_RETURN_IF_ERROR(impl->StartDump(options).WithContext("binlog dump on " + impl->description));
  return ReplicationStream(std::move(impl));
}

ReplicationStream::ReplicationStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReplicationStream::ReplicationStream(ReplicationStream&& other) noexcept = default;
ReplicationStream& ReplicationStream::operator=(ReplicationStream&& other) noexcept = default;
ReplicationStream::~ReplicationStream() = default;

Result<Bytes> ReplicationStream::Fetch() {
  if (!impl_) return Status::FailedPrecondition("ReplicationStream used after it was moved from");
  if (!impl_->error.ok()) return impl_->error;
  OSC_RETURN_IF_ERROR(internal::EnsureThreadReady());
  return impl_->ReadPacket();
}

void ReplicationStream::Cancel() {
  if (!impl_) return;
  impl_->cancelled.store(true, std::memory_order_release);
  impl_->Interrupt();
}

bool ReplicationStream::negotiated_crc32() const { return impl_ && impl_->crc32; }
uint32_t ReplicationStream::source_server_id() const { return impl_ ? impl_->source_server_id : 0; }
const ServerInfo& ReplicationStream::server_info() const {
  static const ServerInfo kNone;
  return impl_ ? impl_->conn.server_info() : kNone;
}
const std::string& ReplicationStream::description() const {
  static const std::string kMoved = "<moved-from replication stream>";
  return impl_ ? impl_->description : kMoved;
}

Status ReplicationStream::Impl::ReadError() {
  const uint32_t code = mysql_errno(mysql);
  if (cancelled.load(std::memory_order_acquire)) {
    return Status::ServerError(errc::kClientServerLost, description + ": binlog stream cancelled");
  }
  if (code == 0) {
    // Seen when the server restarts: the read fails with no error set.
    return Status::ServerError(errc::kClientServerLost,
                               description + ": connection closed by the server (restart or shutdown?)");
  }
  if (code == kFatalErrorReadingBinlog) {
    return Status::ServerError(code, description + ": the start position is not available on the server: "
                                                   "it was purged from the binary logs, or it is not a "
                                                   "valid event position (server said: " +
                                         std::string(mysql_error(mysql)) + ")");
  }
  return internal::ErrorFromHandle(state, "").WithContext("binlog stream " + description);
}

#if OSC_HAVE_MARIADB_RPL

Status ReplicationStream::Impl::StartDump(const ReplicationOptions& o) {
  rpl = mariadb_rpl_init(mysql);
  if (rpl == nullptr) return internal::ErrorFromHandle(state, "");
  // With a GTID start the server ignores the file and position
  // (sql_repl.cc: the slave connect state decides), as for MariaDB's own
  // replicas, which then send an empty name.
  const std::string file = o.start.gtid.empty() ? o.start.file : std::string();
  const unsigned long position = o.start.gtid.empty() ? static_cast<unsigned long>(o.start.position) : 4;
  const unsigned int flags = o.send_annotate_rows ? MARIADB_RPL_BINLOG_SEND_ANNOTATE_ROWS : 0;
  if (mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, file.c_str(), file.size()) != 0 ||
      mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, position) != 0 ||
      mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, static_cast<unsigned int>(o.server_id)) != 0 ||
      mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, flags) != 0) {
    return Status::Internal("client library rejected a replication option");
  }
  if (mariadb_rpl_open(rpl) != 0) return ReadError();
  return Status::Ok();
}

Result<Bytes> ReplicationStream::Impl::ReadPacket() {
  const unsigned long length = mysql_net_read_packet(mysql);
  if (length == packet_error) return Fail(ReadError());
  const uint8_t* p = mysql->net.read_pos;
  if (length < kMaxEofPacketLength && p[0] == kPacketEof) {
    return Fail(Status::ServerError(errc::kClientServerLost, description + ": the server ended the binlog stream"));
  }
  if (p[0] != kPacketOk || length < 1 + kEventHeaderLength) {
    return Fail(Status::Corruption(description + ": unexpected replication packet of " +
                                     std::to_string(length) + " bytes starting with " + std::to_string(p[0])));
  }
  return Bytes(p + 1, length - 1);
}

void ReplicationStream::Impl::Interrupt() {
  // mariadb_cancel() shuts the socket down (shutdown(2), not close): a
  // blocked read returns at once and the descriptor stays valid until the
  // owner closes the handle, so this is safe against a concurrent Fetch().
  mariadb_cancel(mysql);
}

#elif OSC_HAVE_MYSQL_BINLOG_API

// ---- PLACEHOLDER: Oracle libmysqlclient (8.0+) backend, NOT IMPLEMENTED ----
// What belongs here: fill a MYSQL_RPL {file_name_length, file_name,
// start_position, server_id, flags (0: keep heartbeats), gtid_set_encoded
// for MySQL GTID sets}; mysql_binlog_open(mysql, &rpl); then per event
// mysql_binlog_fetch(mysql, &rpl): rpl.size == 0 means the server ended the
// stream, else rpl.buffer holds the packet with the leading OK byte. The
// session variables above are the same on MySQL (plus @source_binlog_checksum
// on 8.0.26+). Left unimplemented because no libmysqlclient is available to
// test it against; Open() fails rather than pretend.
Status ReplicationStream::Impl::StartDump(const ReplicationOptions&) {
  return Status::NotSupported("binlog streaming over Oracle libmysqlclient is not implemented");
}
Result<Bytes> ReplicationStream::Impl::ReadPacket() {
  return Status::NotSupported("binlog streaming over Oracle libmysqlclient is not implemented");
}
void ReplicationStream::Impl::Interrupt() {}

#else

Status ReplicationStream::Impl::StartDump(const ReplicationOptions&) {
  return Status::NotSupported("this client library offers no binlog streaming API");
}
Result<Bytes> ReplicationStream::Impl::ReadPacket() {
  return Status::NotSupported("this client library offers no binlog streaming API");
}
void ReplicationStream::Impl::Interrupt() {}

#endif

}  // namespace osc::db
