// Preflight: everything osc checks before it changes anything, and the
// plan it would follow. A run without --execute is exactly RunPreflight
// plus RenderPlan.
//
// Checks, each one Finding (name, severity, message, fix), in this order:
//   server findings   osc/server_check.h (log_bin, binlog_format, ...),
//                     merged as they are
//   privileges        SHOW GRANTS parsed (privileges.h)
//   helper_names      _<t>_osc_new/_log/_old fit the 64-character limit
//   table             exists; a base table, not a view, sequence,
//                     system-versioned or temporary table, not in a
//                     system schema; InnoDB. Partitioned: a warning
//   alter             the --alter text parses and maps onto the columns
//                     (refusals are the parser's messages)
//   algorithm         what a native ALTER would do per clause (INSTANT /
//                     INPLACE / COPY); OK, informational
//   unique_keys       the ALTER adds a UNIQUE key: warning (duplicates
//                     would be dropped by the copy; the checksum catches it)
//   chunk_key         chunk_key.h; names every rejected candidate
//   foreign_keys      refused in either direction, naming the constraints
//   triggers          refused, naming them
//   leftover_tables   helper tables of an earlier run, with the exact
//                     DROP TABLE statements
//   disk_space        free space at @@datadir vs the table's size
//   copy_duration     estimated copy time vs binlog retention
// Checks that depend on a failed earlier one (no table: no chunk key) are
// skipped, so every refusal is about something real.
//
// Thread safety: RunPreflight uses the Connection (one thread at a time).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/connection.h"
#include "osc/alter/alter_parser.h"
#include "osc/alter/column_mapping.h"
#include "osc/alter/instant.h"
#include "osc/options.h"
#include "osc/schema/chunk_key.h"
#include "osc/schema/names.h"
#include "osc/schema/table_schema.h"
#include "osc/server_check.h"

namespace osc::schema {

// One severity scale for server and table findings; kFatal is a refusal.
using migration::Finding;
using migration::Severity;

struct DiskSpace {
  uint64_t available_bytes = 0;  // for unprivileged users (statvfs f_bavail)
  uint64_t device = 0;           // st_dev of the path: same value, same filesystem
};

// Seams and assumptions of the checks. The defaults are what production
// uses; tests replace the probes.
struct PreflightEnv {
  // The copy rate the duration estimate assumes. Conservative on purpose
  // (measured: ~45 MB/s for 10k-row chunks on a small 2-core host): an
  // estimate that is too short hides a retention problem.
  uint64_t copy_bytes_per_second = 20 * 1000 * 1000;
  // Free space required at the datadir, as a multiple of the table's
  // data+index size (the shadow is a full copy; 20% for fragmentation and
  // the changelog). When the binlog directory is on the same filesystem,
  // the table's size once more is added: a row-based copy writes about as
  // many bytes of binlog as the table holds.
  double disk_headroom = 1.2;
  // Free space and device of a local path; nullopt when it cannot be read.
  // Default: statvfs + stat.
  std::function<std::optional<DiskSpace>(const std::string& path)> disk_space;
  // This host's name. Default: gethostname.
  std::function<std::string()> local_hostname;
};

struct CopyEstimate {
  uint64_t rows = 0;   // TABLES.TABLE_ROWS (an estimate)
  uint64_t bytes = 0;  // data + index bytes
  std::chrono::seconds duration{0};  // bytes / copy rate, at least 1 s
};

struct PreflightReport {
  std::string database;
  std::string table;
  std::string server;  // "MariaDB 10.11.19"
  std::string endpoint;  // Connection::description()
  std::vector<Finding> findings;

  // Filled as far as the checks got (nullopt after the step that failed).
  std::optional<TableSchema> table_schema;
  std::optional<alter::AlterPlan> plan;
  std::optional<alter::ColumnMapping> mapping;
  std::optional<alter::AlgorithmReport> algorithms;
  std::optional<ChunkKey> chunk_key;
  std::optional<HelperTableNames> helpers;
  std::optional<CopyEstimate> estimate;

  // True when no finding is fatal: the migration may start.
  bool CanRun() const;
  // The first finding called `name`, or nullptr.
  const Finding* Find(std::string_view name) const;
  // True when the copy's INSERT ... SELECT chunks into `shadow` take turns:
  // the server runs innodb_autoinc_lock_mode 0 or 1 (the autoinc_lock_mode
  // finding is a warning) and `shadow` has an AUTO_INCREMENT column, so
  // every chunk holds the table's AUTO-INC lock until its statement ends,
  // and the other workers and the applier's writes wait for it.
  bool CopyInsertsTakeTurns(const TableSchema& shadow) const;
};

// Runs every check against the server behind `conn` for the migration
// `options` describes (database, table, alter, checksum). Refusals are
// findings, not errors: the Result fails only when the server cannot be
// asked (lost connection, a query error osc did not expect).
Result<PreflightReport> RunPreflight(db::Connection& conn, const migration::MigrationOptions& options,
                                     const PreflightEnv& env = {});

// The report as text: what osc would do (helper tables, chunk key, column
// mapping, per-clause verdict, estimates) and every finding, ending with
// one line saying whether osc can run. This is the whole output of a run
// without --execute.
std::string RenderPlan(const PreflightReport& report);

}  // namespace osc::schema
