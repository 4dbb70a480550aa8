// RandomWriter: a concurrent random workload against one table, used by the
// demo, the benchmark scripts and the end-to-end tests to prove that a
// migration loses nothing under live traffic.
//
// The table must have the "standard workload shape" (CreateWorkloadTable):
//   id BIGINT AUTO_INCREMENT PRIMARY KEY, u INT NULL UNIQUE,
//   name VARCHAR(64), payload TEXT, amount DECIMAL(12,2),
//   created DATETIME(6), flags TINYINT UNSIGNED
// plus any columns a migration adds (the writer names its columns, so it
// keeps working across the cut-over).
//
// Operations (weights in WriterOptions): single-row inserts, updates,
// primary-key changes, deletes, swaps of the unique column `u` between two
// rows inside one transaction, and multi-statement transactions (some
// rolled back). Deadlocks, lock-wait timeouts and duplicate-key errors are
// expected under contention and counted; any other error (notably 1146
// "table doesn't exist", which would mean a non-atomic cut-over) is counted
// as unexpected and logged.
//
// Thread safety: Start() and Stop() from one thread; stats() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "db/connection.h"
#include "db/connection_options.h"

namespace osc::tools {

struct WriterOptions {
  db::ConnectionOptions connection;
  std::string database;
  std::string table;
  int threads = 2;
  // Target operations per second over all threads; 0 = as fast as possible.
  double ops_per_second = 200;
  uint64_t seed = 1;
  // Mirror mode (for exactness tests): when set, every operation also
  // copies the rows it touched from `table` into `mirror_table` (same
  // database, created by the caller with the same definition and data),
  // inside the same transaction. After a migration of `table`, a direct
  // ALTER of the mirror with the same clauses must give identical rows.
  std::string mirror_table;
  // Relative weights of the operation kinds.
  int w_insert = 30, w_update = 35, w_key_change = 5, w_delete = 10, w_swap = 10, w_multi = 10;
};

struct WriterStats {
  uint64_t ops = 0;            // committed operations (a transaction counts once)
  uint64_t rolled_back = 0;    // deliberate rollbacks
  uint64_t expected_errors = 0;    // 1062, 1205, 1213: retried or skipped
  uint64_t unexpected_errors = 0;  // everything else
  std::map<uint32_t, uint64_t> errors_by_errno;
  std::string first_unexpected;    // message of the first unexpected error
};

// Creates `database`.`table` in the standard shape (dropping an old one)
// and fills it with `rows` rows in multi-row batches.
Status CreateWorkloadTable(db::Connection& conn, const std::string& database, const std::string& table,
                           uint64_t rows, uint64_t seed = 7);

class RandomWriter {
 public:
  explicit RandomWriter(WriterOptions options);
  ~RandomWriter();  // stops and joins
  RandomWriter(const RandomWriter&) = delete;
  RandomWriter& operator=(const RandomWriter&) = delete;

  // Opens one connection per thread and starts writing. Fails if a
  // connection cannot be opened (nothing is left running then).
  Status Start();
  // Stops every thread after its current operation and joins them.
  void Stop();
  WriterStats stats() const;

 private:
  struct Worker;
  void Run(std::stop_token stop, int index, db::Connection conn);
  void Record(const Status& s);

  const WriterOptions options_;
  std::atomic<int64_t> max_id_{0};
  std::atomic<int64_t> next_moved_id_{0};
  mutable std::mutex mu_;
  WriterStats stats_;  // guarded by mu_
  std::vector<std::jthread> threads_;
};

}  // namespace osc::tools
