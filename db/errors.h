// Error numbers from MySQL/MariaDB servers and client libraries, what they
// mean for osc, and whether the failed statement may simply be run again.
//
// The orchestrator branches on these: a retryable error is retried (on a new
// connection when the old one is broken, see ErrorClass::kConnectionLost);
// anything else stops the migration with the server's message.
//
// Numbers are the server's (1000-1999, 3000+, MariaDB 4000+) and the client
// library's (2000-2999); sources:
//   MariaDB: include/mysqld_error.h (generated from sql/share/errmsg-utf8.txt)
//            and libmariadb/include/errmsg.h (Connector/C)
//   MySQL:   https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html
// The values MariaDB's headers also define are checked with static_assert in
// errors.cc.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace osc::db {

namespace errc {
// Server errors.
inline constexpr uint32_t kTooManyConnections = 1040;      // ER_CON_COUNT_ERROR
inline constexpr uint32_t kDbAccessDenied = 1044;          // ER_DBACCESS_DENIED_ERROR
inline constexpr uint32_t kAccessDenied = 1045;            // ER_ACCESS_DENIED_ERROR
inline constexpr uint32_t kUnknownDatabase = 1049;         // ER_BAD_DB_ERROR
inline constexpr uint32_t kTableExists = 1050;             // ER_TABLE_EXISTS_ERROR
inline constexpr uint32_t kBadTable = 1051;                // ER_BAD_TABLE_ERROR (DROP)
inline constexpr uint32_t kServerShutdown = 1053;          // ER_SERVER_SHUTDOWN
inline constexpr uint32_t kUnknownColumn = 1054;           // ER_BAD_FIELD_ERROR
inline constexpr uint32_t kDuplicateEntry = 1062;          // ER_DUP_ENTRY
inline constexpr uint32_t kParseError = 1064;              // ER_PARSE_ERROR
inline constexpr uint32_t kTableAccessDenied = 1142;       // ER_TABLEACCESS_DENIED_ERROR
inline constexpr uint32_t kColumnAccessDenied = 1143;      // ER_COLUMNACCESS_DENIED_ERROR
inline constexpr uint32_t kNoSuchTable = 1146;             // ER_NO_SUCH_TABLE
inline constexpr uint32_t kSyntaxError = 1149;             // ER_SYNTAX_ERROR
inline constexpr uint32_t kNetReadError = 1158;            // ER_NET_READ_ERROR
inline constexpr uint32_t kNetReadInterrupted = 1159;      // ER_NET_READ_INTERRUPTED
inline constexpr uint32_t kNetErrorOnWrite = 1160;         // ER_NET_ERROR_ON_WRITE
inline constexpr uint32_t kNetWriteInterrupted = 1161;     // ER_NET_WRITE_INTERRUPTED
inline constexpr uint32_t kUnknownSystemVariable = 1193;   // ER_UNKNOWN_SYSTEM_VARIABLE
inline constexpr uint32_t kTooManyUserConnections = 1203;  // ER_TOO_MANY_USER_CONNECTIONS
inline constexpr uint32_t kLockWaitTimeout = 1205;         // ER_LOCK_WAIT_TIMEOUT
inline constexpr uint32_t kLockDeadlock = 1213;            // ER_LOCK_DEADLOCK
inline constexpr uint32_t kSpecificAccessDenied = 1227;    // ER_SPECIFIC_ACCESS_DENIED_ERROR
inline constexpr uint32_t kOptionPreventsStatement = 1290; // ER_OPTION_PREVENTS_STATEMENT
inline constexpr uint32_t kQueryInterrupted = 1317;        // ER_QUERY_INTERRUPTED
inline constexpr uint32_t kTooManyConcurrentTrxs = 1637;   // ER_TOO_MANY_CONCURRENT_TRXS
inline constexpr uint32_t kAccessDeniedNoPassword = 1698;  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
inline constexpr uint32_t kReadOnlyMode = 1836;            // ER_READ_ONLY_MODE
inline constexpr uint32_t kConnectionKilled = 1927;        // ER_CONNECTION_KILLED (MariaDB)
inline constexpr uint32_t kStatementTimeout = 1969;        // ER_STATEMENT_TIMEOUT (MariaDB)
inline constexpr uint32_t kQueryTimeout = 3024;            // ER_QUERY_TIMEOUT (MySQL 5.7+)
inline constexpr uint32_t kLockNowait = 3572;              // ER_LOCK_NOWAIT (MySQL 8.0)
inline constexpr uint32_t kClientInteractionTimeout = 4031;  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
// Client library errors.
inline constexpr uint32_t kClientUnknownError = 2000;      // CR_UNKNOWN_ERROR
inline constexpr uint32_t kClientConnectionError = 2002;   // CR_CONNECTION_ERROR
inline constexpr uint32_t kClientConnHostError = 2003;     // CR_CONN_HOST_ERROR
inline constexpr uint32_t kClientUnknownHost = 2005;       // CR_UNKNOWN_HOST
inline constexpr uint32_t kClientServerGone = 2006;        // CR_SERVER_GONE_ERROR
inline constexpr uint32_t kClientServerLost = 2013;        // CR_SERVER_LOST
inline constexpr uint32_t kClientSslConnectionError = 2026;  // CR_SSL_CONNECTION_ERROR
inline constexpr uint32_t kClientServerLostExtended = 2055;  // CR_SERVER_LOST_EXTENDED
}  // namespace errc

// What an error means for the caller. Ordered only for readability.
enum class ErrorClass : uint8_t {
  kNone = 0,             // errno 0: no error
  kLockTimeout,          // a lock was not granted in time
  kDeadlock,             // InnoDB chose this transaction as a deadlock victim
  kConnectionLost,       // the connection is gone; the handle is unusable
  kCannotConnect,        // no connection could be made
  kTooManyConnections,   // the server or the account is at its connection cap
  kReadOnly,             // the server refuses writes (read_only, replica)
  kAccessDenied,         // authentication or privilege failure
  kUnknownDatabase,
  kUnknownTable,
  kUnknownColumn,
  kTableExists,
  kDuplicateKey,
  kSyntax,
  kQueryInterrupted,     // KILL QUERY, or a statement time limit
  kOther,
};

std::string_view ToString(ErrorClass error_class);

// Classifies a server or client errno. See errors.cc for the server
// behaviour behind each entry.
ErrorClass Classify(uint32_t server_errno);

// True when running the same statement again, after a pause, may succeed
// without anyone changing anything: lock wait timeouts, deadlocks, lost or
// refused connections, server shutdown (the server is restarting or failing
// over), connection caps. False for everything else, notably read-only
// (1290/1836: this server is not the primary any more; retrying would
// retry forever) and access/syntax/schema errors.
// A retry after kConnectionLost needs a new Connection.
bool IsRetryable(uint32_t server_errno);

// True when `sql` mentions PASSWORD or IDENTIFIED (any case): it may carry
// a secret, so neither it nor the server's echo of it ("... near '<text>'")
// belongs in a message.
bool MayContainSecret(std::string_view sql);

// The text of `sql` that is safe and short enough to put into an error
// message or log: at most `max_bytes` bytes (cut at a UTF-8 character
// boundary, "..." appended when cut), control bytes replaced by '?', and
// withheld altogether when it may carry a secret (it mentions PASSWORD or
// IDENTIFIED, e.g. CHANGE MASTER TO MASTER_PASSWORD=...).
std::string StatementExcerpt(std::string_view sql, size_t max_bytes = 200);

}  // namespace osc::db
