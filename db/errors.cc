#include "db/errors.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cctype>

namespace osc::db {

// Our constants must be the library's numbers (MySQL-only codes such as
// 3024, 3572 and 4031 are not in MariaDB's headers and are checked against
// the MySQL error reference instead).
static_assert(errc::kTooManyConnections == ER_CON_COUNT_ERROR);
static_assert(errc::kDbAccessDenied == ER_DBACCESS_DENIED_ERROR);
static_assert(errc::kAccessDenied == ER_ACCESS_DENIED_ERROR);
static_assert(errc::kUnknownDatabase == ER_BAD_DB_ERROR);
static_assert(errc::kTableExists == ER_TABLE_EXISTS_ERROR);
static_assert(errc::kBadTable == ER_BAD_TABLE_ERROR);
static_assert(errc::kServerShutdown == ER_SERVER_SHUTDOWN);
static_assert(errc::kUnknownColumn == ER_BAD_FIELD_ERROR);
static_assert(errc::kDuplicateEntry == ER_DUP_ENTRY);
static_assert(errc::kParseError == ER_PARSE_ERROR);
static_assert(errc::kTableAccessDenied == ER_TABLEACCESS_DENIED_ERROR);
static_assert(errc::kColumnAccessDenied == ER_COLUMNACCESS_DENIED_ERROR);
static_assert(errc::kNoSuchTable == ER_NO_SUCH_TABLE);
static_assert(errc::kSyntaxError == ER_SYNTAX_ERROR);
static_assert(errc::kNetReadError == ER_NET_READ_ERROR);
static_assert(errc::kNetReadInterrupted == ER_NET_READ_INTERRUPTED);
static_assert(errc::kNetErrorOnWrite == ER_NET_ERROR_ON_WRITE);
static_assert(errc::kNetWriteInterrupted == ER_NET_WRITE_INTERRUPTED);
static_assert(errc::kUnknownSystemVariable == ER_UNKNOWN_SYSTEM_VARIABLE);
static_assert(errc::kTooManyUserConnections == ER_TOO_MANY_USER_CONNECTIONS);
static_assert(errc::kLockWaitTimeout == ER_LOCK_WAIT_TIMEOUT);
static_assert(errc::kLockDeadlock == ER_LOCK_DEADLOCK);
static_assert(errc::kSpecificAccessDenied == ER_SPECIFIC_ACCESS_DENIED_ERROR);
static_assert(errc::kOptionPreventsStatement == ER_OPTION_PREVENTS_STATEMENT);
static_assert(errc::kQueryInterrupted == ER_QUERY_INTERRUPTED);
static_assert(errc::kTooManyConcurrentTrxs == ER_TOO_MANY_CONCURRENT_TRXS);
static_assert(errc::kAccessDeniedNoPassword == ER_ACCESS_DENIED_NO_PASSWORD_ERROR);
static_assert(errc::kReadOnlyMode == ER_READ_ONLY_MODE);
static_assert(errc::kConnectionKilled == ER_CONNECTION_KILLED);
static_assert(errc::kStatementTimeout == ER_STATEMENT_TIMEOUT);
static_assert(errc::kClientUnknownError == CR_UNKNOWN_ERROR);
static_assert(errc::kClientConnectionError == CR_CONNECTION_ERROR);
static_assert(errc::kClientConnHostError == CR_CONN_HOST_ERROR);
static_assert(errc::kClientUnknownHost == CR_UNKNOWN_HOST);
static_assert(errc::kClientServerGone == CR_SERVER_GONE_ERROR);
static_assert(errc::kClientServerLost == CR_SERVER_LOST);
static_assert(errc::kClientSslConnectionError == CR_SSL_CONNECTION_ERROR);
static_assert(errc::kClientServerLostExtended == CR_SERVER_LOST_EXTENDED);

std::string_view ToString(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::kNone: return "none";
    case ErrorClass::kLockTimeout: return "lock timeout";
    case ErrorClass::kDeadlock: return "deadlock";
    case ErrorClass::kConnectionLost: return "connection lost";
    case ErrorClass::kCannotConnect: return "cannot connect";
    case ErrorClass::kTooManyConnections: return "too many connections";
    case ErrorClass::kReadOnly: return "read-only";
    case ErrorClass::kAccessDenied: return "access denied";
    case ErrorClass::kUnknownDatabase: return "unknown database";
    case ErrorClass::kUnknownTable: return "unknown table";
    case ErrorClass::kUnknownColumn: return "unknown column";
    case ErrorClass::kTableExists: return "table exists";
    case ErrorClass::kDuplicateKey: return "duplicate key";
    case ErrorClass::kSyntax: return "syntax";
    case ErrorClass::kQueryInterrupted: return "query interrupted";
    case ErrorClass::kOther: return "other";
  }
  return "other";
}

ErrorClass Classify(uint32_t server_errno) {
  switch (server_errno) {
    case 0:
      return ErrorClass::kNone;
    // 1205 is both InnoDB's row-lock wait (innodb_lock_wait_timeout) and the
    // metadata-lock wait (lock_wait_timeout) that bounds RENAME/LOCK TABLES
    // in cut-over; either way the blocker may be gone on the next attempt.
    // MySQL 8.0's NOWAIT/SKIP LOCKED reports 3572 instead.
    case errc::kLockWaitTimeout:
    case errc::kLockNowait:
      return ErrorClass::kLockTimeout;
    // InnoDB rolled back the whole transaction; re-running it is the
    // documented remedy.
    case errc::kLockDeadlock:
      return ErrorClass::kDeadlock;
    // 2006: the server closed an idle connection (wait_timeout, restart,
    // failover, KILL of an idle session). 2013/2055: lost during a
    // statement, which is also how a client read timeout shows up; the
    // statement may still be running on the server. 1927: MariaDB's answer
    // to a statement whose connection was KILLed. 1053: the server is
    // shutting down and closes every session. 4031: MySQL 8.0.24+ closed an
    // idle session. 1158-1161: the server's side of a network failure. In
    // all cases the protocol stream is gone and the handle cannot be reused.
    case errc::kClientServerGone:
    case errc::kClientServerLost:
    case errc::kClientServerLostExtended:
    case errc::kConnectionKilled:
    case errc::kServerShutdown:
    case errc::kClientInteractionTimeout:
    case errc::kNetReadError:
    case errc::kNetReadInterrupted:
    case errc::kNetErrorOnWrite:
    case errc::kNetWriteInterrupted:
      return ErrorClass::kConnectionLost;
    // 2002: refused / no socket (Connector/C reports TCP refusals as 2002
    // too); 2003: libmysqlclient's TCP variant; 2005: name lookup failed;
    // 2026: the TLS handshake or a TLS requirement failed.
    case errc::kClientConnectionError:
    case errc::kClientConnHostError:
    case errc::kClientUnknownHost:
    case errc::kClientSslConnectionError:
      return ErrorClass::kCannotConnect;
    case errc::kTooManyConnections:
    case errc::kTooManyUserConnections:
    case errc::kTooManyConcurrentTrxs:
      return ErrorClass::kTooManyConnections;
    // 1290 is "running with the --read-only option" (also
    // --super-read-only and other option refusals); 1836 is MySQL's
    // read-only mode error. After a failover the old primary says this.
    case errc::kOptionPreventsStatement:
    case errc::kReadOnlyMode:
      return ErrorClass::kReadOnly;
    case errc::kAccessDenied:
    case errc::kDbAccessDenied:
    case errc::kTableAccessDenied:
    case errc::kColumnAccessDenied:
    case errc::kSpecificAccessDenied:
    case errc::kAccessDeniedNoPassword:
      return ErrorClass::kAccessDenied;
    case errc::kUnknownDatabase:
      return ErrorClass::kUnknownDatabase;
    case errc::kNoSuchTable:
    case errc::kBadTable:
      return ErrorClass::kUnknownTable;
    case errc::kUnknownColumn:
      return ErrorClass::kUnknownColumn;
    case errc::kTableExists:
      return ErrorClass::kTableExists;
    case errc::kDuplicateEntry:
      return ErrorClass::kDuplicateKey;
    case errc::kParseError:
    case errc::kSyntaxError:
      return ErrorClass::kSyntax;
    // KILL QUERY from an operator (or pt-kill), MariaDB max_statement_time,
    // MySQL max_execution_time. The connection stays usable.
    case errc::kQueryInterrupted:
    case errc::kStatementTimeout:
    case errc::kQueryTimeout:
      return ErrorClass::kQueryInterrupted;
    default:
      return ErrorClass::kOther;
  }
}

bool IsRetryable(uint32_t server_errno) {
  switch (Classify(server_errno)) {
    case ErrorClass::kLockTimeout:
    case ErrorClass::kDeadlock:
    case ErrorClass::kConnectionLost:
    case ErrorClass::kTooManyConnections:
      return true;
    case ErrorClass::kCannotConnect:
      // A refused or timed-out connect is what a restarting server or a
      // failover looks like. A bad host name or a failed TLS requirement is
      // configuration: retrying cannot fix it.
      return server_errno == errc::kClientConnectionError ||
             server_errno == errc::kClientConnHostError;
    case ErrorClass::kQueryInterrupted:
      // Somebody (a DBA, pt-kill, a statement time limit) stopped the
      // statement on purpose; running it again unchanged defies them.
      return false;
    default:
      return false;
  }
}

namespace {

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::toupper(static_cast<unsigned char>(a)) ==
                                 std::toupper(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

bool MayContainSecret(std::string_view sql) {
  // CREATE USER ... IDENTIFIED BY, CHANGE MASTER ... MASTER_PASSWORD, SET
  // PASSWORD. Redacting just the value would need a SQL lexer; leaving the
  // whole text out is cheap and certain.
  return ContainsNoCase(sql, "PASSWORD") || ContainsNoCase(sql, "IDENTIFIED");
}

std::string StatementExcerpt(std::string_view sql, size_t max_bytes) {
  if (MayContainSecret(sql)) return "<statement withheld: it may contain a secret>";
  const bool cut = sql.size() > max_bytes;
  size_t n = cut ? max_bytes : sql.size();
  // Do not split a multi-byte character: back up to its lead byte.
  if (cut) {
    while (n > 0 && IsUtf8Continuation(sql[n])) --n;
  }
  std::string out;
  out.reserve(n + 3);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(sql[i]);
    out.push_back(c < 0x20 || c == 0x7F ? (c == '\n' || c == '\t' ? ' ' : '?') : sql[i]);
  }
  if (cut) out += "...";
  return out;
}

}  // namespace osc::db
