// The common ground of live whole-migration tests: a fresh database per
// test on the sandbox primary, options with test-friendly intervals, and
// the mirror-table oracle (a copy of the table that receives every write
// of the writer in the same transaction, then gets the ALTER directly).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "db/connection.h"
#include "db/quoting.h"
#include "osc/migration.h"
#include "tests/integration/sandbox_options.h"
#include "tools/random_writer.h"

namespace osc::migration::live {

class MigrationLiveTest : public ::testing::Test {
 protected:
  explicit MigrationLiveTest(std::string database) : db_(std::move(database)) {}

  void SetUp() override {
    auto o = osc::testing::SandboxPrimaryOptions();
    if (!o) OSC_SKIP_OR_FAIL("no sandbox: run scripts/sandbox.sh start and eval its env");
    conn_opts_ = *o;
    auto c = db::Connection::Open(conn_opts_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_.emplace(std::move(*c));
    // A fresh schema per test: helper tables left by an earlier run would
    // (rightly) make the preflight refuse.
    Exec("DROP DATABASE IF EXISTS " + db::QuoteIdentifier(db_));
    Exec("CREATE DATABASE " + db::QuoteIdentifier(db_));
    Exec("USE " + db::QuoteIdentifier(db_));
  }

  // Short intervals so tests react quickly; everything else at defaults.
  MigrationOptions BaseOptions(const std::string& table, const std::string& alter) const {
    using namespace std::chrono_literals;
    MigrationOptions o;
    o.connection = conn_opts_;
    o.database = db_;
    o.table = table;
    o.alter = alter;
    o.execute = true;
    o.progress_interval = 100ms;
    o.heartbeat_interval = 100ms;
    o.throttle.check_interval = 100ms;
    o.cut_over.lock_timeout = 3s;
    o.cut_over.backoff_initial = 200ms;
    o.cut_over.backoff_max = 1s;
    return o;
  }

  void Exec(const std::string& sql) { ASSERT_TRUE(conn_->Execute(sql).ok()) << sql; }

  db::QueryResult Rows(const std::string& sql) {
    auto r = conn_->Query(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? *r : db::QueryResult{};
  }

  bool TableExists(const std::string& table) {
    auto r = conn_->QueryScalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                                db::QuoteStringLiteral(db_) + " AND TABLE_NAME = " + db::QuoteStringLiteral(table));
    return r.ok() && r->value_or("0") != "0";
  }

  // The workload table `name` with `rows` rows, and `name`_mirror with the
  // same rows.
  void MakeMirroredTable(const std::string& name, uint64_t rows) {
    ASSERT_TRUE(tools::CreateWorkloadTable(*conn_, db_, name, rows).ok());
    Exec("DROP TABLE IF EXISTS " + db::QuoteIdentifier(name + "_mirror"));
    Exec("CREATE TABLE " + db::QuoteIdentifier(name + "_mirror") + " LIKE " + db::QuoteIdentifier(name));
    Exec("INSERT INTO " + db::QuoteIdentifier(name + "_mirror") + " SELECT * FROM " + db::QuoteIdentifier(name));
  }

  // A writer that changes `table` and its mirror in the same transactions.
  tools::WriterOptions MirrorWriter(const std::string& table, int threads, int ops_per_second) const {
    tools::WriterOptions wo;
    wo.connection = conn_opts_;
    wo.database = db_;
    wo.table = table;
    wo.mirror_table = table + "_mirror";
    wo.threads = threads;
    wo.ops_per_second = ops_per_second;
    return wo;
  }

  const std::string db_;
  db::ConnectionOptions conn_opts_;
  std::optional<db::Connection> conn_;
};

}  // namespace osc::migration::live
