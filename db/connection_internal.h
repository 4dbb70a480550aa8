// Internal to db/: the state behind Connection and RowStream, and helpers
// shared by connection.cc and row_stream.cc. Includes <mysql.h>; never
// include it from another module (the include path is not even visible
// there, because the client library is linked PRIVATE to osc_db).
#pragma once

#include <mysql.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "db/query_result.h"
#include "db/server_info.h"

namespace osc::db::internal {

// Owns the MYSQL handle. Shared between a Connection and its open
// RowStream; closed when the last owner lets go.
struct ConnectionState {
  MYSQL* mysql = nullptr;
  std::string description;  // ConnectionOptions::Describe()
  ServerInfo server_info;
  uint64_t thread_id = 0;
  uint64_t affected_rows = 0;
  bool established = false;   // mysql_real_connect succeeded
  bool broken = false;        // saw a kConnectionLost error
  uint32_t broken_errno = 0;  // ... this one
  bool streaming = false;     // a RowStream is open

  ConnectionState() = default;
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;
  ~ConnectionState() {
    if (mysql != nullptr) mysql_close(mysql);
  }
};

// Calls mysql_thread_init() once for the calling thread (library.cc).
Status EnsureThreadReady();

// Turns the handle's current error into a ServerError status (see
// connection.h for the message format) and marks the state broken when the
// error means the session is gone (a TLS error 2026 on an established
// session is reported as 2013, which is what it means). `sql` may be empty
// (connect, ping).
Status ErrorFromHandle(ConnectionState* state, std::string_view sql);

// Column metadata of a result.
std::vector<Column> ReadColumns(MYSQL_RES* result);

// Copies the current row (from mysql_fetch_row) into `out`, binary-safe.
void CopyRow(MYSQL_RES* result, MYSQL_ROW row, Row* out);

// Reads past any further result sets of the last statement (CALL sends a
// status result after its rows). Returns the first error met.
Status DrainMoreResults(ConnectionState* state, std::string_view sql);

}  // namespace osc::db::internal
