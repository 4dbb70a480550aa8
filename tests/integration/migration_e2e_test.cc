// End-to-end migrations on the MariaDB sandbox. The oracle for exactness is
// a direct ALTER TABLE: under live writes, a mirror table receives every
// change of the migrated table in the same transaction (RandomWriter mirror
// mode); after osc's cut-over the mirror gets the same clauses by a plain
// ALTER, and both tables must then be identical in definition and rows.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "db/connection.h"
#include "db/quoting.h"
#include "osc/migration.h"
#include "tests/integration/migration_fixture.h"
#include "tools/random_writer.h"

namespace osc::migration {
namespace {

using namespace std::chrono_literals;

constexpr const char* kDb = "osc_e2e";

class MigrationE2eTest : public live::MigrationLiveTest {
 protected:
  MigrationE2eTest() : MigrationLiveTest(kDb) {}

  MigrationOptions Options(const std::string& table, const std::string& alter) const {
    MigrationOptions o = BaseOptions(table, alter);
    o.copy.threads = 2;
    o.copy.chunk_size = 500;
    o.progress_interval = 200ms;
    return o;
  }

  // Runs `o` on one thread in small chunks and stops it once more than
  // `rows` are copied: it must abort and keep its helper tables (with a
  // checkpoint written every `checkpoint`) for a resume.
  void StopAfterRows(MigrationOptions o, uint64_t rows, std::chrono::milliseconds checkpoint) {
    o.copy.threads = 1;
    o.copy.chunk_size = 100;
    o.copy.max_chunk_size = 200;
    o.progress_interval = 50ms;
    o.checkpoint_interval = checkpoint;
    std::stop_source stop;
    MigrationHooks hooks;
    hooks.on_progress = [&](const ProgressSnapshot& p) {
      if (p.rows_copied > rows) stop.request_stop();
    };
    Migration first(o, nullptr, hooks);
    Status s = first.Run(stop.get_token());
    EXPECT_TRUE(s.IsAborted()) << s.ToString();
    EXPECT_EQ(first.state(), State::kAborted);
    ASSERT_TRUE(first.outcome().helpers_kept) << first.outcome().summary;
    EXPECT_NE(first.outcome().summary.find("resume"), std::string::npos) << first.outcome().summary;
  }

  // Columns (name, type, nullability, default, extra, charset, collation, order)
  // and indexes of a table, as comparable rows.
  db::QueryResult Definition(const std::string& table) {
    const std::string t = db::QuoteStringLiteral(table);
    auto cols = Rows("SELECT ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
                     "CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" +
                     std::string(kDb) + "' AND TABLE_NAME = " + t + " ORDER BY ORDINAL_POSITION");
    auto idx = Rows("SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, SUB_PART FROM "
                    "information_schema.STATISTICS WHERE TABLE_SCHEMA = '" + std::string(kDb) +
                    "' AND TABLE_NAME = " + t + " ORDER BY INDEX_NAME, SEQ_IN_INDEX");
    for (auto& r : idx.rows) cols.rows.push_back(r);
    return cols;
  }

  void ExpectSameTables(const std::string& a, const std::string& b, const std::string& order_by) {
    auto da = Definition(a), dbb = Definition(b);
    ASSERT_FALSE(da.rows.empty());
    EXPECT_EQ(da.rows, dbb.rows) << "definitions of " << a << " and " << b << " differ";
    auto ra = Rows("SELECT * FROM " + db::QuoteIdentifier(a) + " ORDER BY " + order_by);
    auto rb = Rows("SELECT * FROM " + db::QuoteIdentifier(b) + " ORDER BY " + order_by);
    ASSERT_EQ(ra.rows.size(), rb.rows.size()) << "row counts of " << a << " and " << b << " differ";
    size_t diffs = 0;
    for (size_t i = 0; i < ra.rows.size() && diffs < 5; ++i) {
      if (ra.rows[i] != rb.rows[i]) {
        ++diffs;
        ADD_FAILURE() << "row " << i << " differs (key " << ra.rows[i][0].value_or("NULL") << " vs "
                      << rb.rows[i][0].value_or("NULL") << ")";
      }
    }
  }

};

TEST_F(MigrationE2eTest, LiveWritesThroughCutOverGiveExactlyTheDirectAlterResult) {
  const std::string alter =
      "ADD COLUMN note VARCHAR(32) NULL DEFAULT 'n', MODIFY flags SMALLINT UNSIGNED NOT NULL DEFAULT 0, "
      "ADD INDEX idx_amount (amount), DROP INDEX k_created, MODIFY amount DECIMAL(14,2)";
  MakeMirroredTable("orders", 30000);
  tools::RandomWriter writer(MirrorWriter("orders", 3, 400));
  ASSERT_TRUE(writer.Start().ok());
  std::this_thread::sleep_for(1s);

  std::atomic<int> progress_calls{0};
  std::mutex last_mu;
  ProgressSnapshot last;
  MigrationHooks hooks;
  hooks.on_progress = [&](const ProgressSnapshot& p) {
    ++progress_calls;
    std::lock_guard<std::mutex> lock(last_mu);
    last = p;
  };
  Migration m(Options("orders", alter), nullptr, hooks);
  Status s = m.Run({});
  std::this_thread::sleep_for(1s);  // writes continue on the new table
  writer.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString() << " / " << m.outcome().summary;
  EXPECT_EQ(m.state(), State::kDone);
  const auto stats = writer.stats();
  EXPECT_GT(stats.ops, 200u) << "the writer must really have run during the migration";
  EXPECT_EQ(stats.unexpected_errors, 0u) << stats.first_unexpected;
  EXPECT_GT(progress_calls.load(), 0);
  {
    // The last line says what was done: no "0 rows/s, ETA ?".
    std::lock_guard<std::mutex> lock(last_mu);
    EXPECT_EQ(last.state, "done");
    EXPECT_GT(last.rows_copied, 0u);
    EXPECT_GT(last.copy_rows_per_second, 0.0);
    EXPECT_EQ(last.eta, std::optional<std::chrono::seconds>(std::chrono::seconds(0)));
  }

  Exec("ALTER TABLE orders_mirror " + alter);
  ExpectSameTables("orders", "orders_mirror", "id");
  EXPECT_TRUE(TableExists("_orders_osc_old"));
  EXPECT_FALSE(TableExists("_orders_osc_new"));
  EXPECT_FALSE(TableExists("_orders_osc_log"));
}

// The checksum compares the copied part during the copy (here every 3000
// rows) and only the rest plus the keys changed since at the end; under
// writes that change, delete and re-key rows in parts already compared,
// the result is still exactly the direct ALTER's, and the parts really ran.
TEST_F(MigrationE2eTest, ChecksumDuringTheCopyUnderWritesStillGivesTheDirectAlterResult) {
  const std::string alter = "ADD COLUMN note VARCHAR(32) NULL, MODIFY amount DECIMAL(14,2)";
  MakeMirroredTable("parts", 30000);
  tools::RandomWriter writer(MirrorWriter("parts", 3, 400));
  ASSERT_TRUE(writer.Start().ok());
  std::this_thread::sleep_for(500ms);
  MigrationOptions o = Options("parts", alter);
  o.copy.threads = 1;
  o.copy.chunk_size = 100;  // about 300 chunks: a copy long enough for several parts
  o.copy.max_chunk_size = 100;
  o.checksum.during_copy_step_rows = 3000;
  Migration m(o);
  Status s = m.Run({});
  writer.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString() << " / " << m.outcome().summary;
  EXPECT_GT(m.outcome().rows_compared_during_copy, 0u) << "no part was compared during the copy";
  EXPECT_LT(m.outcome().rows_compared_during_copy, 30000u + writer.stats().ops);
  EXPECT_GT(writer.stats().ops, 100u);
  EXPECT_EQ(writer.stats().unexpected_errors, 0u) << writer.stats().first_unexpected;
  Exec("ALTER TABLE parts_mirror " + alter);
  ExpectSameTables("parts", "parts_mirror", "id");
}

// An added UNIQUE key makes REPLACE delete rows the changed keys do not
// name: then the whole tables are compared after the copy.
TEST_F(MigrationE2eTest, AddedUniqueKeyComparesTheWholeTablesAfterTheCopy) {
  MakeMirroredTable("uniq", 20000);
  MigrationOptions o = Options("uniq", "ADD UNIQUE KEY uk_name_id (name, id)");
  o.copy.threads = 1;
  o.copy.chunk_size = 100;  // as long a copy as the test above, where parts do run
  o.copy.max_chunk_size = 100;
  o.checksum.during_copy_step_rows = 2000;
  Migration m(o);
  Status s = m.Run({});
  ASSERT_TRUE(s.ok()) << s.ToString() << " / " << m.outcome().summary;
  EXPECT_EQ(m.outcome().rows_compared_during_copy, 0u);
}

TEST_F(MigrationE2eTest, WithoutExecuteOnlyPlans) {
  ASSERT_TRUE(tools::CreateWorkloadTable(*conn_, kDb, "planned", 100).ok());
  auto before = Definition("planned");
  MigrationOptions o = Options("planned", "ADD COLUMN x INT");
  o.execute = false;
  Migration m(o);
  ASSERT_TRUE(m.Run({}).ok());
  EXPECT_EQ(m.state(), State::kPlanned);
  ASSERT_NE(m.preflight(), nullptr);
  EXPECT_TRUE(m.preflight()->CanRun());
  EXPECT_EQ(Definition("planned").rows, before.rows);
  EXPECT_FALSE(TableExists("_planned_osc_new"));
  EXPECT_FALSE(TableExists("_planned_osc_log"));
}

TEST_F(MigrationE2eTest, TableWithoutUsableKeyIsRefusedAndUntouched) {
  Exec("DROP TABLE IF EXISTS nokey");
  Exec("CREATE TABLE nokey (a INT NULL, b VARCHAR(10), UNIQUE KEY (a))");
  Exec("INSERT INTO nokey VALUES (1, 'x'), (NULL, 'y')");
  Migration m(Options("nokey", "ADD COLUMN c INT"));
  Status s = m.Run({});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(m.outcome().refused);
  EXPECT_EQ(m.state(), State::kFailed);
  EXPECT_FALSE(TableExists("_nokey_osc_new"));
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM nokey").rows[0][0].value_or(""), "2");
}

TEST_F(MigrationE2eTest, EmptyAndOneRowTablesMigrate) {
  for (uint64_t rows : {0, 1}) {
    const std::string t = "small" + std::to_string(rows);
    ASSERT_TRUE(tools::CreateWorkloadTable(*conn_, kDb, t, rows).ok());
    Exec("DROP TABLE IF EXISTS " + t + "_expected");
    Exec("CREATE TABLE " + t + "_expected LIKE " + t);
    Exec("INSERT INTO " + t + "_expected SELECT * FROM " + t);
    const std::string alter = "ADD COLUMN extra BIGINT NOT NULL DEFAULT 42 FIRST, DROP COLUMN payload";
    Migration m(Options(t, alter));
    Status s = m.Run({});
    ASSERT_TRUE(s.ok()) << rows << " rows: " << s.ToString();
    Exec("ALTER TABLE " + t + "_expected " + alter);
    ExpectSameTables(t, t + "_expected", "id");
  }
}

TEST_F(MigrationE2eTest, CompositeVarcharKeyWithCharsetChange) {
  Exec("DROP TABLE IF EXISTS regional");
  Exec("CREATE TABLE regional (region VARCHAR(16) NOT NULL, id INT NOT NULL, city VARCHAR(40) CHARACTER SET latin1, "
       "amount DECIMAL(10,3), born DATE, PRIMARY KEY (region, id)) DEFAULT CHARSET=utf8mb4");
  Exec("INSERT INTO regional SELECT ELT(1 + seq % 5, 'north', 'south', 'Øst', 'west', 'zentrum'), seq, "
       "CONCAT('c', seq), seq / 7, '2000-01-01' + INTERVAL seq DAY FROM seq_1_to_5000");
  Exec("DROP TABLE IF EXISTS regional_expected");
  Exec("CREATE TABLE regional_expected LIKE regional");
  Exec("INSERT INTO regional_expected SELECT * FROM regional");
  const std::string alter = "MODIFY city VARCHAR(60) CHARACTER SET utf8mb4, ADD COLUMN tag CHAR(3) NOT NULL DEFAULT 'abc', "
      "CHANGE born birthday DATE";
  Migration m(Options("regional", alter));
  Status s = m.Run({});
  ASSERT_TRUE(s.ok()) << s.ToString();
  Exec("ALTER TABLE regional_expected " + alter);
  ExpectSameTables("regional", "regional_expected", "region, id");
}

// Names are data, never pasted SQL: backticks, quotes, spaces, a reserved
// word and non-ASCII letters in the table, column and index names.
TEST_F(MigrationE2eTest, HostileNamesMigrateUnderWrites) {
  const std::string t = "tab`le 'ñame\" select";
  const std::string qt = db::QuoteIdentifier(t);
  const std::string qm = db::QuoteIdentifier(t + " mirror");
  Exec("CREATE TABLE " + qt + " (`i d` INT NOT NULL AUTO_INCREMENT PRIMARY KEY, `order` VARCHAR(20), "
       "`naïve ``col``` INT, `it's` DATE, KEY `ïdx \"q\"` (`order`)) ENGINE=InnoDB");
  Exec("INSERT INTO " + qt + " (`order`, `naïve ``col```, `it's`) SELECT CONCAT('o', seq), seq, "
       "'2020-01-01' + INTERVAL seq DAY FROM seq_1_to_3000");
  Exec("CREATE TABLE " + qm + " LIKE " + qt);
  Exec("INSERT INTO " + qm + " SELECT * FROM " + qt);
  const std::string alter = "CHANGE `naïve ``col``` `sélect ``x``` BIGINT, ADD COLUMN `from` CHAR(2) DEFAULT 'é', "
                            "ADD INDEX `by date` (`it's`)";
  std::atomic<bool> done{false};
  std::thread writer([&] {
    auto c = db::Connection::Open(conn_opts_);
    if (!c.ok()) return;
    (void)c->Execute("USE " + db::QuoteIdentifier(db_));
    for (int i = 0; !done; ++i) {
      // The same change to both tables in one transaction (the oracle).
      (void)c->Execute("BEGIN");
      for (const std::string& q : {qt, qm}) {
        (void)c->Execute("UPDATE " + q + " SET `order` = CONCAT('u', " + std::to_string(i) + ") WHERE `i d` = " +
                         std::to_string(1 + i % 3000));
        (void)c->Execute("DELETE FROM " + q + " WHERE `i d` = " + std::to_string(3000 - i % 1000));
      }
      (void)c->Execute("COMMIT");
      std::this_thread::sleep_for(5ms);
    }
  });
  MigrationOptions o = Options(t, alter);
  o.copy.chunk_size = 100;
  o.copy.max_chunk_size = 200;
  Migration m(o);
  Status s = m.Run({});
  done = true;
  writer.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  Exec("ALTER TABLE " + qm + " " + alter);
  EXPECT_EQ(Rows("SELECT * FROM " + qt + " ORDER BY `i d`").rows, Rows("SELECT * FROM " + qm + " ORDER BY `i d`").rows);
  EXPECT_TRUE(TableExists("_" + t + "_osc_old"));
}

// Every session osc opens (copy, apply, binlog stream, cut-over) works for
// a user the server only admits over TLS with a verified certificate.
TEST_F(MigrationE2eTest, MigratesAsAUserThatMustUseTls) {
  const char* ca = std::getenv("OSC_TEST_SSL_CA");
  if (ca == nullptr || *ca == '\0') OSC_SKIP_OR_FAIL("OSC_TEST_SSL_CA is not set (scripts/sandbox.sh env)");
  Exec("DROP USER IF EXISTS 'osc_tls'@'%'");
  Exec("CREATE USER 'osc_tls'@'%' IDENTIFIED BY 'tls-Secret-1' REQUIRE SSL");
  Exec("GRANT ALL PRIVILEGES ON *.* TO 'osc_tls'@'%'");
  MakeMirroredTable("secure", 5000);
  tools::RandomWriter writer(MirrorWriter("secure", 1, 100));
  ASSERT_TRUE(writer.Start().ok());
  MigrationOptions o = Options("secure", "ADD COLUMN z INT");
  o.connection.user = "osc_tls";
  o.connection.password = "tls-Secret-1";
  o.connection.ssl_mode = db::SslMode::kVerifyCa;
  o.connection.ssl_ca = ca;
  Migration m(o);
  Status s = m.Run({});
  writer.Stop();
  Exec("DROP USER 'osc_tls'@'%'");
  ASSERT_TRUE(s.ok()) << s.ToString();
  Exec("ALTER TABLE secure_mirror ADD COLUMN z INT");
  ExpectSameTables("secure", "secure_mirror", "id");
  // And without TLS the same user is turned away: the test proves TLS.
  o.connection.ssl_mode = db::SslMode::kDisabled;
  o.connection.ssl_ca.clear();
  EXPECT_FALSE(db::Connection::Open(o.connection).ok());
}

TEST_F(MigrationE2eTest, StopDuringCopyKeepsResumableHelpersAndTheSameCommandFinishesExactly) {
  const std::string alter = "ADD COLUMN z INT NOT NULL DEFAULT 7, MODIFY amount DECIMAL(14,2)";
  MakeMirroredTable("stopped", 40000);
  tools::RandomWriter writer(MirrorWriter("stopped", 2, 200));
  ASSERT_TRUE(writer.Start().ok());

  ASSERT_NO_FATAL_FAILURE(StopAfterRows(Options("stopped", alter), 4000, 100ms));
  EXPECT_TRUE(TableExists("_stopped_osc_new"));
  EXPECT_TRUE(TableExists("_stopped_osc_log"));
  EXPECT_EQ(Rows("SHOW COLUMNS FROM stopped LIKE 'z'").rows.size(), 0u) << "the original must be untouched";

  // The same command again continues from the checkpoint, under the same
  // writes, and must still end exactly like a direct ALTER.
  std::this_thread::sleep_for(500ms);
  uint64_t final_copied = 0;
  MigrationHooks second_hooks;
  second_hooks.on_progress = [&](const ProgressSnapshot& p) { final_copied = p.rows_copied; };
  Migration second(Options("stopped", alter), nullptr, second_hooks);
  Status s = second.Run({});
  writer.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString() << " / " << second.outcome().summary;
  ASSERT_TRUE(second.outcome().resumed_rows.has_value());
  EXPECT_GT(*second.outcome().resumed_rows, 1000u);
  // It copied only the rest: what both runs copied adds up to about the
  // table, not table + checkpoint.
  EXPECT_LT(final_copied - *second.outcome().resumed_rows, 40000u);
  EXPECT_EQ(writer.stats().unexpected_errors, 0u);
  Exec("ALTER TABLE stopped_mirror " + alter);
  ExpectSameTables("stopped", "stopped_mirror", "id");
}

TEST_F(MigrationE2eTest, LeftoversOfAnotherAlterAreRefusedWithTheCleanupCommand) {
  ASSERT_TRUE(tools::CreateWorkloadTable(*conn_, kDb, "other", 20000).ok());
  ASSERT_NO_FATAL_FAILURE(StopAfterRows(Options("other", "ADD COLUMN a INT"), 2000, 50ms));
  const auto before = Rows("CHECKSUM TABLE other");
  Migration second(Options("other", "ADD COLUMN b INT"), nullptr, {});
  Status s = second.Run({});
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition) << s.ToString();
  EXPECT_TRUE(second.outcome().refused);
  ASSERT_NE(second.preflight(), nullptr);
  const schema::Finding* f = second.preflight()->Find("leftover_tables");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("different ALTER"), std::string::npos) << f->message;
  EXPECT_NE(f->fix.find("osc --cleanup --database osc_e2e --table other"), std::string::npos) << f->fix;
  EXPECT_TRUE(TableExists("_other_osc_new")) << "a refusal must not touch the earlier run's tables";
  EXPECT_EQ(Rows("CHECKSUM TABLE other").rows, before.rows);
}

TEST_F(MigrationE2eTest, ResumeWithNothingToResumeIsRefused) {
  ASSERT_TRUE(tools::CreateWorkloadTable(*conn_, kDb, "fresh", 100).ok());
  MigrationOptions o = Options("fresh", "ADD COLUMN a INT");
  o.resume = true;
  Migration m(o, nullptr, {});
  Status s = m.Run({});
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.ToString().find("no earlier run"), std::string::npos) << s.ToString();
  EXPECT_FALSE(TableExists("_fresh_osc_new"));
}

}  // namespace
}  // namespace osc::migration
