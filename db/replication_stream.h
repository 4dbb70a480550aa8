// ReplicationStream: one binlog dump session (the replication protocol a
// replica's IO thread speaks), handing out raw events.
//
// Opening one connects like a Connection, prepares the session the way a
// MariaDB replica does, registers `server_id` and sends COM_BINLOG_DUMP from
// a file/position or a MariaDB GTID position. Fetch() then returns one event
// per call, exactly as the server stores it in its binlog file: the 19-byte
// common header, the body and, when checksums are on, the 4-byte CRC32
// trailer. Whether the trailer is there is decided by the FORMAT_DESCRIPTION
// event of the file being sent; events sent before it (the artificial ROTATE
// that starts every dump) use the checksum negotiated for the session,
// reported by negotiated_crc32(). Decoding is the binlog module's job: this
// class never interprets an event.
//
// Backend: MariaDB Connector/C. The dump is started with mariadb_rpl_open()
// and packets are read with mysql_net_read_packet(), bypassing
// mariadb_rpl_fetch(): that function also decodes every event, and its
// decoder garbles ROTATE events and rejects some valid ones (see
// SERVER-FACTS.md), which would turn its bugs into our stream errors. Oracle
// libmysqlclient's mysql_binlog_open()/mysql_binlog_fetch() backend is a
// marked, compiled-out placeholder in replication_stream.cc: building
// against that library makes Open() fail with NotSupported.
//
// Errors from Fetch() (each a Status::ServerError):
//  - the connection is gone: the server restarted or shut down, closed the
//    stream, killed the session, or sent nothing (not even a heartbeat)
//    within the read timeout. errno 2013 (or the server's own 1053/1927);
//    IsStreamRetryable() is true and the caller reconnects from the last
//    event it handled.
//  - 1236 (ER_MASTER_FATAL_ERROR_READING_BINLOG): the start position is not
//    available: purged, beyond the end of the file, or not an event
//    boundary. Not retryable; the message names the position.
//  - any other server error, with its errno (e.g. 1045, 4052 when another
//    client registered the same server id).
// After any error the stream is finished: every later Fetch() fails again.
//
// Thread safety: one thread calls Fetch(); Cancel() may be called from any
// other thread while the object is alive (it is the stop path of a reader
// blocked in Fetch()). Move-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/result.h"
#include "common/status.h"
#include "db/connection_options.h"
#include "db/server_info.h"

namespace osc::db {

// Where the server starts sending events.
struct ReplicationStart {
  // Binlog file name as SHOW MASTER STATUS prints it ("mariadb-bin.000007"),
  // and the offset of the first event to send: 4 (just after the magic) or
  // the end of an event (a log_pos, or SHOW MASTER STATUS's Position).
  std::string file;
  uint64_t position = 4;
  // A MariaDB GTID position ("0-1-100" or "0-1-100,1-2-7", the format of
  // @@gtid_binlog_pos): the server sends the event groups that follow it.
  // When set, `file` and `position` are ignored. MySQL GTID sets are not
  // supported by this backend.
  std::string gtid;
};

struct ReplicationOptions {
  // How to reach the server. read_timeout bounds every Fetch(): it must be
  // longer than heartbeat_period, or an idle but healthy stream times out.
  ConnectionOptions connection;
  // The replica id this client registers with. Must be non-zero, differ
  // from the server's own server_id and from every other replica's: the
  // server drops an older connection that used the same id.
  uint32_t server_id = 0;
  ReplicationStart start;
  // How often an idle server sends a HEARTBEAT event. Heartbeats keep an
  // idle stream from hitting the read timeout and tell the client where
  // the server is. Shorter: a dead server is noticed sooner, at the cost of
  // one ~50-byte packet per period. 1 ms to 4294967 s (the server's limit).
  std::chrono::milliseconds heartbeat_period{2000};
  // Ask MariaDB to send ANNOTATE_ROWS events (the statement text before
  // its row events; needs binlog_annotate_row_events=ON on the server).
  // Off by default: osc does not need them and they cost bandwidth.
  bool send_annotate_rows = false;

  // InvalidArgument naming the first problem: connection options invalid,
  // server_id 0, empty file without a GTID, position < 4, a GTID string
  // with characters other than digits, '-' and ',', heartbeat_period out of
  // range or not below connection.read_timeout.
  Status Validate() const;
};

class ReplicationStream {
 public:
  // Connects and starts the dump. Errors: InvalidArgument (options),
  // connection errors as Connection::Open, ServerError when preparing the
  // session fails, InvalidArgument when server_id equals the server's own.
  // A purged start position is reported by the first Fetch(), not here:
  // the server answers COM_BINLOG_DUMP with its first packet.
  static Result<ReplicationStream> Open(const ReplicationOptions& options);

  ReplicationStream(ReplicationStream&& other) noexcept;
  ReplicationStream& operator=(ReplicationStream&& other) noexcept;
  ReplicationStream(const ReplicationStream&) = delete;
  ReplicationStream& operator=(const ReplicationStream&) = delete;
  ~ReplicationStream();

  // Waits for the next event (at most the read timeout) and returns it
  // without the protocol's leading OK byte. The view points into the
  // client library's network buffer: valid until the next Fetch(), Cancel()
  // or destruction. See the header comment for the errors.
  Result<Bytes> Fetch();

  // Makes a Fetch() blocked in another thread return at once (with a lost
  // connection error) by shutting the socket down. Safe to call from any
  // thread, any number of times, while the object is alive. The stream is
  // unusable afterwards.
  void Cancel();

  // True when the session negotiated CRC32 checksums
  // (@master_binlog_checksum = @@global.binlog_checksum at connect time):
  // then the artificial events sent before the first FORMAT_DESCRIPTION
  // carry a CRC32 trailer.
  bool negotiated_crc32() const;
  // The server's own server_id and version.
  uint32_t source_server_id() const;
  const ServerInfo& server_info() const;
  // ConnectionOptions::Describe() plus the start position, for logs.
  const std::string& description() const;

 private:
  struct Impl;
  explicit ReplicationStream(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

// True for the errors after which reconnecting and asking again may work:
// the connection was lost or the server shut down or restarted (2013,
// 2006, 2055, 1053, 1927, 1158-1161, a server that closed the stream, a
// read timeout), or it could not be reached or was full (2002, 2003, 1040,
// 1203). False for OK, 1236 and everything else.
bool IsStreamRetryable(const Status& status);

}  // namespace osc::db
