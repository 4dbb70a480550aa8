// Shared set-up for the live copier and checksum tests: a table, its
// shadow prepared as the orchestrator would (CREATE TABLE LIKE + ALTER),
// the same ALTER run directly on a third table as the oracle, and the
// copier/checksum configs over them.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/quoting.h"
#include "osc/alter/alter_parser.h"
#include "osc/alter/column_mapping.h"
#include "osc/copy/checksum.h"
#include "osc/copy/checksum_columns.h"
#include "osc/copy/copier.h"
#include "osc/copy/key_range.h"
#include "osc/copy/statements.h"
#include "osc/schema/chunk_key.h"
#include "osc/schema/inspect.h"
#include "tests/support/test_env.h"

namespace osc::copy::testing {

inline constexpr const char* kDb = "osc_copy_test";

// Everything derived from the table and the ALTER.
struct Prepared {
  std::string table;
  std::string shadow;  // _<table>_osc_new
  std::string direct;  // <table>_direct: the oracle, altered directly
  schema::TableSchema original;
  schema::TableSchema shadow_schema;
  alter::ColumnMapping mapping;
  KeySpec key;
  std::vector<CopyColumn> columns;
  ChecksumColumns checksum_columns;
};

class CopyLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::optional<osc::testing::ServerEndpoint> ep = osc::testing::SandboxPrimary();
    if (!ep) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    options_.host = ep->host;
    options_.port = ep->port;
    options_.user = ep->user;
    options_.password = ep->password;
    options_.connect_timeout = std::chrono::seconds(5);
    options_.read_timeout = std::chrono::seconds(60);
    conn_.emplace(MustOpen());
    // The oracle's ALTER converts DATETIME to TIMESTAMP in the same zone
    // as the copier.
    Exec("SET SESSION time_zone = '+00:00'");
    Exec(std::string("CREATE DATABASE IF NOT EXISTS ") + kDb);
    Exec(std::string("CREATE TABLE IF NOT EXISTS ") + kDb + ".digits (d INT NOT NULL PRIMARY KEY)");
    Exec(std::string("INSERT IGNORE INTO ") + kDb + ".digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
  }

  db::Connection MustOpen() {
    Result<db::Connection> c = db::Connection::Open(options_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }

  void Exec(const std::string& sql) {
    const Status s = conn_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  db::QueryResult Query(const std::string& sql) {
    Result<db::QueryResult> r = conn_->Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : db::QueryResult{};
  }

  uint64_t Count(const std::string& table, const std::string& where = "") {
    db::QueryResult r = Query("SELECT COUNT(*) FROM " + Q(table) + (where.empty() ? "" : " WHERE " + where));
    return r.rows.empty() ? 0 : std::stoull(*r.rows[0][0]);
  }

  static std::string Q(const std::string& table) { return db::QuoteQualified(kDb, table); }

  // A SELECT over numbers 0..n-1 as `n` (n <= 100000), for INSERT ... SELECT.
  static std::string Numbers(uint64_t n) {
    return "(SELECT a.d + 10*b.d + 100*c.d + 1000*e.d + 10000*f.d AS n FROM " + Q("digits") + " a, " + Q("digits") +
           " b, " + Q("digits") + " c, " + Q("digits") + " e, " + Q("digits") + " f HAVING n < " +
           std::to_string(n) + ") AS nums";
  }

  // Creates `table` from `body` (dropping leftovers) and inserts rows with
  // `fill` (an INSERT statement, or empty).
  void CreateTable(const std::string& table, const std::string& body, const std::string& fill) {
    for (const std::string& t : {table, "_" + table + "_osc_new", table + "_direct"}) {
      Exec("DROP TABLE IF EXISTS " + Q(t));
    }
    Exec("CREATE TABLE " + Q(table) + " " + body);
    if (!fill.empty()) Exec(fill);
  }

  // Prepares the shadow the way the orchestrator does, plus the oracle.
  Prepared Prepare(const std::string& table, const std::string& alter_text) {
    Prepared p;
    p.table = table;
    p.shadow = "_" + table + "_osc_new";
    p.direct = table + "_direct";
    p.original = MustInspect(table);
    Result<alter::AlterPlan> plan = alter::ParseAlter(alter_text);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok()) return p;
    Result<alter::ColumnMapping> mapping = alter::ComputeColumnMapping(*plan, schema::ToAlterTableInfo(p.original));
    EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
    if (!mapping.ok()) return p;
    p.mapping = *mapping;
    Result<schema::ChunkKey> key = schema::ChooseChunkKey(p.original, *plan, p.mapping);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    if (!key.ok()) return p;
    Exec("CREATE TABLE " + Q(p.shadow) + " LIKE " + Q(table));
    Exec("ALTER TABLE " + Q(p.shadow) + " " + plan->ShadowAlterText());
    p.shadow_schema = MustInspect(p.shadow);
    Result<KeySpec> spec = MakeKeySpec(p.original, *key);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    if (spec.ok()) p.key = *spec;
    Result<std::vector<CopyColumn>> cols = MakeCopyColumns(p.original, p.mapping);
    EXPECT_TRUE(cols.ok()) << cols.status().ToString();
    if (cols.ok()) p.columns = *cols;
    Result<ChecksumColumns> sums = PlanChecksumColumns(p.original, p.shadow_schema, p.mapping);
    EXPECT_TRUE(sums.ok()) << sums.status().ToString();
    if (sums.ok()) p.checksum_columns = *sums;
    return p;
  }

  // Runs the ALTER directly on a copy of the original: what osc must equal.
  Status DirectAlter(const Prepared& p, const std::string& alter_text) {
    Exec("CREATE TABLE " + Q(p.direct) + " LIKE " + Q(p.table));
    Exec("INSERT INTO " + Q(p.direct) + " SELECT * FROM " + Q(p.table));
    return conn_->Execute("ALTER TABLE " + Q(p.direct) + " " + alter_text);
  }

  // Every row of the shadow equals the oracle's, in key order.
  void ExpectShadowEqualsDirect(const Prepared& p) {
    const std::string order = " ORDER BY " + KeyOrderBy(p.key);
    const db::QueryResult shadow = Query("SELECT * FROM " + Q(p.shadow) + order);
    const db::QueryResult direct = Query("SELECT * FROM " + Q(p.direct) + order);
    ASSERT_EQ(shadow.rows.size(), direct.rows.size());
    for (size_t i = 0; i < shadow.rows.size(); ++i) {
      ASSERT_EQ(shadow.rows[i], direct.rows[i]) << "row " << i << " differs";
    }
  }

  CopierConfig CopyConfig(const Prepared& p, int threads = 2, uint64_t chunk = 1000) {
    CopierConfig c;
    c.connection = options_;
    c.database = kDb;
    c.table = p.table;
    c.shadow_table = p.shadow;
    c.key = p.key;
    c.columns = p.columns;
    c.options.threads = threads;
    c.options.chunk_size = chunk;
    c.tuning.retry_backoff = std::chrono::milliseconds(50);
    return c;
  }

  ChecksumConfig SumConfig(const Prepared& p, uint64_t chunk = 500) {
    ChecksumConfig c;
    c.connection = options_;
    c.database = kDb;
    c.table = p.table;
    c.shadow_table = p.shadow;
    c.key = p.key;
    c.columns = p.checksum_columns;
    c.chunk_size = chunk;
    c.threads = 2;
    return c;
  }

  // The orchestrator's half of the consistent point, minus the applier
  // (no binlog in these tests): lock the original, start the snapshots,
  // unlock.
  ConsistentPointFn LockedPoint(const std::string& table) {
    return [this, table](const SnapshotReadyFn& ready, std::stop_token) -> Status {
      Result<db::Connection> lock = db::Connection::Open(options_);
      if (!lock.ok()) return lock.status();
      OSC_RETURN_IF_ERROR(lock->Execute("LOCK TABLES " + Q(table) + " READ"));
      const Status s = ready();
      OSC_RETURN_IF_ERROR(lock->Execute("UNLOCK TABLES"));
      return s;
    };
  }

  schema::TableSchema MustInspect(const std::string& table) {
    Result<schema::TableSchema> t = schema::InspectTable(*conn_, kDb, table);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? std::move(t).value() : schema::TableSchema{};
  }

  db::ConnectionOptions options_;
  std::optional<db::Connection> conn_;
};

}  // namespace osc::copy::testing
