// One session with a MySQL/MariaDB server (RAII over the client library's
// MYSQL handle).
//
// Contract:
// - Move-only. Destruction closes the session (rolling back any open
//   transaction and releasing its locks on the server). A moved-from
//   Connection fails every call with FailedPrecondition.
// - Not thread-safe: one thread at a time may use a Connection (and its
//   RowStream). It may be handed to another thread between calls.
// - Every wait for the server is bounded by the options' timeouts.
// - No automatic reconnect, ever: a silent reconnect would drop session
//   state (LOCK TABLES, SET SESSION, an open transaction) behind the
//   caller's back, which in cut-over means renaming tables without the lock
//   you think you hold. After an error of class kConnectionLost (see
//   errors.h) the Connection reports broken() and fails every later call
//   with errno 2006; open a new one.
// - Multi-statements are off: "SELECT 1; DROP TABLE t" is a syntax error,
//   so one call runs exactly one statement. LOAD DATA LOCAL is off too (a
//   hostile server could otherwise ask for any local file).
// - Errors are Status::ServerError(errno, "<sqlstate> <message>; statement:
//   <first 200 bytes>") with the excerpt rules of StatementExcerpt(); the
//   password never appears. A session lost under TLS reports 2013 (the
//   library itself says 2026 there; see ErrorFromHandle).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "db/connection_options.h"
#include "db/query_result.h"
#include "db/server_info.h"

namespace osc::db {

namespace internal {
struct ConnectionState;
}  // namespace internal

class RowStream;
class ReplicationStream;

class Connection {
 public:
  // Validates `options`, connects, runs the init statements and reads the
  // server's connection id and version. Errors: InvalidArgument from
  // Validate(); ServerError with the client/server errno (2002 refused,
  // 2013 connect timeout, 1045 access denied, 2026 TLS required but not
  // available, ...).
  static Result<Connection> Open(const ConnectionOptions& options);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one statement and discards any rows it returns (reading them, so
  // the connection is ready for the next call). Sets affected_rows().
  Status Execute(std::string_view sql);

  // Runs one statement and returns its whole result set, buffered in
  // memory (twice, briefly: the library's copy and ours). A statement
  // without a result set gives an empty QueryResult. For CALL, only the
  // first result set is kept. Use QueryStream for large reads.
  Result<QueryResult> Query(std::string_view sql);

  // The first column of the first row: nullopt for SQL NULL. NotFound when
  // the statement returned no rows (or no result set); extra rows and
  // columns are ignored.
  Result<std::optional<std::string>> QueryScalar(std::string_view sql);

  // Runs one statement and returns a stream over its rows, read from the
  // network as they are consumed (mysql_use_result): memory stays flat for
  // any result size. While the stream is open this Connection refuses other
  // calls (FailedPrecondition). Consume it promptly: the server holds the
  // rest of the result in its send buffer and gives up after its
  // net_write_timeout.
  Result<RowStream> QueryStream(std::string_view sql);

  // Round trip to the server. With reconnect off, a dead session fails.
  Status Ping();

  // Rows changed by the last Execute()/Query() that was not a SELECT
  // (UPDATE counts changed rows, not matched ones); 0 after a SELECT.
  uint64_t affected_rows() const;
  // The server's id for this session (CONNECTION_ID()), for KILL [QUERY]
  // from another connection and for matching processlist rows. Read with
  // SELECT at connect time, because the handshake carries only 32 bits.
  uint64_t thread_id() const;
  // Flavour and version of the server (from VERSION() at connect time).
  const ServerInfo& server_info() const;
  // True after a lost-connection error; every later call fails with 2006.
  bool broken() const;
  // The TLS cipher of the session, or "" when it is not encrypted.
  std::string tls_cipher() const;
  // options.Describe() of the options this connection was opened with.
  const std::string& description() const;

 private:
  // Takes over the session's handle for the binlog dump protocol.
  friend class ReplicationStream;
  explicit Connection(std::shared_ptr<internal::ConnectionState> state);
  Status CheckUsable() const;

  // Shared with an open RowStream, which may therefore outlive this object
  // safely (the session closes when both are gone).
  std::shared_ptr<internal::ConnectionState> state_;
};

// Rows of a streamed result (Connection::QueryStream). Move-only; holds the
// connection busy until destroyed. Same thread rules as Connection.
class RowStream {
 public:
  RowStream(RowStream&& other) noexcept;
  RowStream& operator=(RowStream&& other) noexcept;
  RowStream(const RowStream&) = delete;
  RowStream& operator=(const RowStream&) = delete;
  // Reads and discards any rows not consumed yet (the protocol cannot
  // cancel a result set short of closing the session), then frees the
  // connection for other calls.
  ~RowStream();

  const std::vector<Column>& columns() const;
  // Reads the next row into `*row`: true with a row, false at the end (and
  // on every later call). An error (e.g. 2013 read timeout) ends the
  // stream and, if the connection is lost, marks it broken.
  Result<bool> Next(Row* row);

 private:
  friend class Connection;
  struct Impl;
  explicit RowStream(std::unique_ptr<Impl> impl);
  void Close();

  std::unique_ptr<Impl> impl_;
};

}  // namespace osc::db
