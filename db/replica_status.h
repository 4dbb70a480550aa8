// Replication state of a replica, from SHOW SLAVE STATUS (MariaDB, MySQL
// before 8.0.22) or SHOW REPLICA STATUS (MySQL 8.0.22+, whose columns say
// Replica/Source instead of Slave/Master; both spellings are read).
//
// Thread safety: plain values; ReadReplicaStatus as the Connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "db/connection.h"
#include "db/query_result.h"

namespace osc::db {

struct ReplicaStatus {
  // Slave_IO_Running is "Yes", "No" or "Connecting"; only "Yes" counts.
  bool io_running = false;
  std::string io_running_text;
  bool sql_running = false;
  // Seconds_Behind_Master. nullopt when the server says NULL, which means
  // "unknown", not zero: the SQL thread is stopped, or the IO thread is not
  // connected. A throttler must treat unknown as "too far behind".
  std::optional<uint64_t> seconds_behind;
  uint32_t last_io_errno = 0;
  std::string last_io_error;
  uint32_t last_sql_errno = 0;
  std::string last_sql_error;
  std::string source_host;  // Master_Host / Source_Host
  uint16_t source_port = 0;
  // GTID positions as text. MariaDB: Gtid_IO_Pos (received) and
  // Gtid_Slave_Pos (applied). MySQL: Retrieved_Gtid_Set and
  // Executed_Gtid_Set. Empty when the server has none.
  std::string gtid_io_pos;
  std::string gtid_applied_pos;
  // Configured delay (MASTER_DELAY / SOURCE_DELAY), seconds.
  uint64_t sql_delay = 0;
};

// Interprets row `row` of a SHOW SLAVE/REPLICA STATUS result. Corruption
// if a required column (IO/SQL running, seconds behind) is missing or a
// number column is not a number. Pure: used by ReadReplicaStatus and tests.
Result<ReplicaStatus> ParseReplicaStatus(const QueryResult& result, size_t row);

// The replica status of the server `conn` is connected to, or nullopt when
// it is not a replica (the statement returns no rows). Reads the default
// replication connection/channel only: with MariaDB multi-source or MySQL
// multi-channel replication, the first row. Needs SLAVE MONITOR (MariaDB
// >= 10.5.9) or REPLICATION CLIENT (MySQL).
Result<std::optional<ReplicaStatus>> ReadReplicaStatus(Connection& conn);

}  // namespace osc::db
