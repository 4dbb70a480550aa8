// Who may stand in the way of a cut-over, as plain values.
//
// Before each cut-over attempt osc lists the sessions that can make its
// LOCK TABLES or RENAME wait, and logs who they are, so an operator can
// see why a cut-over keeps backing off:
//   kLongTransaction  a transaction open longer than a threshold
//                     (information_schema.INNODB_TRX joined to PROCESSLIST).
//                     It may hold a metadata lock on the table even while
//                     its session sleeps with no query.
//   kQueryOnTable     a running statement whose text names the table
//                     (PROCESSLIST.INFO). Text matching: a string literal or
//                     column with the same name is a false positive; a
//                     query through a view is missed.
//   kMetadataLock     a session holding or waiting for a metadata lock on
//                     the table (performance_schema.metadata_locks). Exact,
//                     but only available when performance_schema and its
//                     wait/lock/metadata/sql/mdl instrument are enabled.
//
// The SQL that produces these lives in server_queries.h; this header is
// the values and the pure decisions over them.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osc::cutover {

// One row of information_schema.PROCESSLIST.
struct ProcessInfo {
  uint64_t id = 0;  // the connection id (KILL target)
  std::string user;
  std::string host;
  std::string db;
  std::string command;  // "Query", "Sleep", ...
  int64_t time_seconds = 0;
  std::string state;  // e.g. "Waiting for table metadata lock"
  std::string query;  // an excerpt of INFO, empty when idle
};

enum class BlockerKind : uint8_t {
  kLongTransaction,
  kQueryOnTable,
  kMetadataLock,
};

std::string_view ToString(BlockerKind kind);

struct Blocker {
  BlockerKind kind = BlockerKind::kQueryOnTable;
  ProcessInfo process;
  // kLongTransaction: seconds since the transaction started.
  int64_t transaction_seconds = 0;
  // kMetadataLock: the lock's type and status as performance_schema names
  // them ("SHARED_READ", "GRANTED" / "PENDING").
  std::string lock_type;
  std::string lock_status;

  // One line for the log: kind, id, user@host, time, state, query excerpt.
  std::string Describe() const;
};

// What to look for.
struct BlockerQuery {
  std::string database;
  std::string table;
  // Transactions open at least this long are listed.
  std::chrono::seconds long_transaction_threshold{5};
  // Sessions never listed (osc's own: heartbeat, applier, ...).
  std::vector<uint64_t> exclude_ids;
};

struct BlockerReport {
  std::vector<Blocker> blockers;
  // False when performance_schema.metadata_locks could not be used; then
  // `metadata_locks_note` says why, and idle blockers (an open transaction
  // whose session sleeps) can only be guessed from kLongTransaction.
  bool metadata_locks_usable = false;
  std::string metadata_locks_note;
};

// True when `sql` names `table` as a whole identifier: the match is
// neither preceded nor followed by an identifier character ([A-Za-z0-9_$]
// or any non-ASCII byte), so "t" matches "SELECT * FROM t" and "`db`.`t`"
// but not "_t_osc_new" or "tt". Exact bytes (no case folding).
bool MentionsTable(std::string_view sql, std::string_view table);

// The sessions a forced cut-over may kill, because they block it on THIS
// table: granted metadata-lock holders on it; when metadata locks are not
// usable (report.metadata_locks_usable false), running statements that name it (not those only
// waiting for a metadata lock: they are victims, not causes). Long transactions alone are never
// chosen: nothing ties them to this table. Sorted, unique.
std::vector<uint64_t> SessionsToForceKill(const BlockerReport& report);

}  // namespace osc::cutover
