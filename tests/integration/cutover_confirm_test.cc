// The binlog check after every swap, on the sandbox with a whole migration.
//
// RENAME TABLE takes its metadata locks in name order, and the helper names
// sort before a lowercase table name: when another session holds a lock on
// the shadow, B waits for the shadow, not for t, and the processlist shows
// the same "Waiting for table metadata lock" either way. Once A unlocks, a
// write reaches t before B asks for t and is missing from the new table.
//   - With performance_schema's metadata locks (the sandbox has them) osc
//     sees where B waits and does not unlock: the attempt times out, the
//     original stays, and the next attempt swaps.
//   - Without them (MariaDB's default; here the instrument is switched off
//     for the test) osc cannot see the wait's target, so it catches the
//     lost write from the binlog afterwards: the migration fails as
//     incomplete and the old table, which has the write, is kept even with
//     --ok-to-drop-table.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "common/sync_point.h"
#include "db/connection.h"
#include "osc/cleanup.h"
#include "osc/migration.h"
#include "tests/integration/migration_fixture.h"

namespace osc::migration {
namespace {

using namespace std::chrono_literals;

constexpr const char* kDb = "osc_confirm";

class CutoverConfirmTest : public live::MigrationLiveTest {
 protected:
  CutoverConfirmTest() : MigrationLiveTest(kDb) {}
  void TearDown() override {
    sync::ClearAll();
    if (conn_) SetMdlInstrument(true);
  }

  // Switches performance_schema's metadata-lock instrument; the sandbox
  // starts with it on, and TearDown turns it back on.
  void SetMdlInstrument(bool on) {
    Exec(std::string("UPDATE performance_schema.setup_instruments SET ENABLED = '") + (on ? "YES" : "NO") +
         "' WHERE NAME = 'wait/lock/metadata/sql/mdl'");
  }

  void MakeTable() {
    Exec("CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)");
    Exec("INSERT INTO t SELECT seq, seq FROM seq_1_to_500");
  }

  db::Connection Open() {
    auto c = db::Connection::Open(conn_opts_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(*c);
  }

  // An open transaction that has read the shadow: it holds the shadow's
  // metadata lock until it ends.
  static bool HoldShadow(db::Connection& reader) {
    return reader.Execute("START TRANSACTION").ok() && reader.Execute("SELECT COUNT(*) FROM _t_osc_new").ok();
  }

  // ADD COLUMN note with --ok-to-drop-table and `attempts` cut-over attempts.
  MigrationOptions SwapOptions(int attempts) const {
    MigrationOptions o = BaseOptions("t", "ADD COLUMN note INT NULL");
    o.cut_over.max_attempts = attempts;
    o.cut_over.ok_to_drop_table = true;
    return o;
  }

  // An unconfirmed swap's record: the old table and the changelog, its
  // state `state`; a scripted `osc --cleanup --ok-to-drop-table` is refused
  // and drops nothing. Returns the refusal.
  std::string ExpectKeptForComparison(const std::string& state) {
    EXPECT_TRUE(TableExists("_t_osc_old"));
    EXPECT_FALSE(TableExists("_t_osc_new"));
    if (!TableExists("_t_osc_log")) {
      ADD_FAILURE() << "the changelog is gone";
      return "";
    }
    EXPECT_EQ(Rows("SELECT value FROM _t_osc_log WHERE id = 2").rows[0][0], state);
    CleanupOptions cleanup;
    cleanup.database = kDb;
    cleanup.table = "t";
    cleanup.drop_old = true;
    CleanupPlan plan;
    std::vector<std::string> dropped;
    const Status s = CleanupHelpers(*conn_, cleanup, &plan, &dropped);
    EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition) << s.ToString();
    EXPECT_TRUE(dropped.empty());
    EXPECT_TRUE(TableExists("_t_osc_old"));
    EXPECT_TRUE(TableExists("_t_osc_log"));
    return std::string(s.message());
  }

  // A confirmed swap: the old table dropped, `rows` rows in the new one.
  void ExpectConfirmedSwap(const Migration& m, const std::string& rows) {
    EXPECT_FALSE(m.outcome().swap_incomplete);
    EXPECT_FALSE(m.outcome().swap_unconfirmed);
    EXPECT_FALSE(TableExists("_t_osc_old")) << m.outcome().summary;
    EXPECT_FALSE(TableExists("_t_osc_log"));
    EXPECT_EQ(Rows("SELECT COUNT(*) FROM t").rows[0][0], rows);
  }
};

TEST_F(CutoverConfirmTest, WithMetadataLocksARenameWaitingForTheShadowIsNotUnlockedFor) {
  MakeTable();
  db::Connection reader = Open();
  ASSERT_TRUE(reader.Execute("USE " + std::string(kDb)).ok());
  int attempts = 0;
  bool reader_holds_shadow = false;
  // Right after osc checked that nobody holds the shadow (so that check
  // passes), just before B is sent.
  sync::Set("cutover:shadow_probed", [&] {
    if (++attempts == 1) {
      reader_holds_shadow = HoldShadow(reader);
    }
  });
  // Between the attempts the reader finishes.
  sync::Set("cutover:attempt_start", [&] {
    if (attempts == 1) (void)reader.Execute("COMMIT");
  });
  bool unlocked_for_a_waiting_rename = false;
  sync::Set("cutover:unlocked", [&] { unlocked_for_a_waiting_rename = attempts == 1; });
  MigrationOptions o = SwapOptions(2);
  o.cut_over.lock_timeout = 2s;
  Migration m(o);
  const Status s = m.Run({});
  sync::ClearAll();

  ASSERT_TRUE(reader_holds_shadow);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(attempts, 2);
  EXPECT_FALSE(unlocked_for_a_waiting_rename) << "t was unlocked while the RENAME waited for the shadow";
  ExpectConfirmedSwap(m, "500");
}

TEST_F(CutoverConfirmTest, WithoutMetadataLocksAWriteThatSlipsPastTheRenameFailsTheRunAndKeepsTheOldTable) {
  SetMdlInstrument(false);
  MakeTable();
  db::Connection reader = Open();  // holds a lock on the shadow, like a DBA's long query
  db::Connection writer = Open();
  ASSERT_TRUE(reader.Execute("USE " + std::string(kDb)).ok());
  ASSERT_TRUE(writer.Execute("USE " + std::string(kDb)).ok());
  bool reader_holds_shadow = false;
  Status late_write = Status::Internal("not run");
  // After the drain and osc's check that nobody holds the shadow, before B
  // is issued: the reader takes a shared metadata lock on the shadow and
  // keeps it (an open transaction).
  sync::Set("cutover:shadow_probed", [&] {
    reader_holds_shadow = HoldShadow(reader);
  });
  // A has let go of t; B still waits for the shadow: a write reaches t,
  // then the reader ends and B renames.
  sync::Set("cutover:unlocked", [&] {
    late_write = writer.Execute("INSERT INTO t VALUES (10001, 1)");
    (void)reader.Execute("COMMIT");
  });
  Migration m(SwapOptions(1));
  const Status s = m.Run({});
  sync::ClearAll();

  ASSERT_TRUE(reader_holds_shadow);
  ASSERT_TRUE(late_write.ok()) << late_write.ToString();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(m.outcome().swap_incomplete) << s.ToString();
  EXPECT_NE(m.outcome().summary.find("_t_osc_old"), std::string::npos) << m.outcome().summary;
  // The swap happened; the old table is kept and has the write the new one
  // lacks.
  ASSERT_TRUE(TableExists("_t_osc_old"));
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM _t_osc_old WHERE id = 10001").rows[0][0], "1");
  // The changelog stays, marked, so that osc --cleanup keeps the old table.
  const std::string cleanup = ExpectKeptForComparison("stopped (swap incomplete)");
  EXPECT_NE(cleanup.find("found changes that the new table"), std::string::npos) << cleanup;
  // So does a new run: it is refused with the tables to compare.
  Migration again(BaseOptions("t", "ADD COLUMN other INT NULL"));
  EXPECT_EQ(again.Run({}).code(), Status::Code::kFailedPrecondition);
  ASSERT_NE(again.preflight(), nullptr);
  const schema::Finding* f = again.preflight()->Find("leftover_tables");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("may hold changes the table lacks"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("nothing to continue"), std::string::npos) << f->message;
  EXPECT_NE(f->fix.find("compare `_t_osc_old`"), std::string::npos) << f->fix;
  EXPECT_TRUE(TableExists("_t_osc_old"));
  EXPECT_TRUE(TableExists("_t_osc_log"));
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t WHERE id = 10001").rows[0][0], "0");
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + std::string(kDb) +
                 "' AND TABLE_NAME = 't' AND COLUMN_NAME = 'note'")
                .rows[0][0],
            "1");
}

TEST_F(CutoverConfirmTest, WithoutMetadataLocksAShadowHeldBeforeTheRenameEndsTheAttemptAndNoWriteIsLost) {
  // The usual shape of the hazard: a session (a dump's snapshot, a DBA's
  // open transaction) has read the shadow and holds its lock when the
  // cut-over begins. Without performance_schema osc cannot see where B
  // would wait, so it checks the shadow's lock itself before sending B: the
  // attempt ends with t unlocked, a write made meanwhile lands in t, and the
  // next attempt (the reader gone) swaps with that write applied.
  SetMdlInstrument(false);
  MakeTable();
  db::Connection reader = Open();
  db::Connection writer = Open();
  ASSERT_TRUE(reader.Execute("USE " + std::string(kDb)).ok());
  ASSERT_TRUE(writer.Execute("USE " + std::string(kDb)).ok());
  int attempts = 0;
  bool reader_holds_shadow = false;
  Status write = Status::Internal("not run");
  sync::Set("cutover:attempt_start", [&] {
    ++attempts;
    if (attempts == 1) {
      reader_holds_shadow = HoldShadow(reader);
    } else if (attempts == 2) {
      write = writer.Execute("INSERT INTO t VALUES (10002, 2)");
      (void)reader.Execute("COMMIT");
    }
  });
  bool renamed_in_first_attempt = false;
  sync::Set("cutover:before_rename", [&] { renamed_in_first_attempt = renamed_in_first_attempt || attempts == 1; });
  Migration m(SwapOptions(2));
  const Status s = m.Run({});
  sync::ClearAll();

  ASSERT_TRUE(reader_holds_shadow);
  ASSERT_TRUE(write.ok()) << write.ToString();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(attempts, 2);
  EXPECT_FALSE(renamed_in_first_attempt) << "the RENAME was sent while another session held the shadow";
  ExpectConfirmedSwap(m, "501");
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t WHERE id = 10002 AND note IS NULL").rows[0][0], "1");
}

TEST_F(CutoverConfirmTest, ABinlogCheckThatCannotFinishKeepsTheOldTableAndTheChangelog) {
  // Stopped right after the RENAME, the check cannot finish: the swap
  // stands and the run succeeds, but nothing proves that no change was
  // missed, so the old table stays despite --ok-to-drop-table, and the
  // changelog stays as the record that keeps osc --cleanup off it.
  MakeTable();
  std::stop_source stop;
  // While B is queued and t still locked (so the RENAME's event does not
  // exist yet), the run is stopped and the binlog applier given time to
  // end: it can then never read the RENAME.
  sync::Set("cutover:rename_waiting", [&] {
    stop.request_stop();
    std::this_thread::sleep_for(300ms);
  });
  Migration m(SwapOptions(60));
  const Status s = m.Run(stop.get_token());
  sync::ClearAll();

  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(m.outcome().swap_unconfirmed);
  EXPECT_NE(m.outcome().summary.find("could not confirm"), std::string::npos) << m.outcome().summary;
  const std::string cleanup = ExpectKeptForComparison("stopped (swap unconfirmed)");
  EXPECT_NE(cleanup.find("did not confirm"), std::string::npos) << cleanup;
}

TEST_F(CutoverConfirmTest, AnOrdinarySwapIsConfirmedAndTheOldTableDropped) {
  // The check's other side: with nobody in the way, the applier reaches the
  // RENAME's event with nothing left over and the old table goes.
  MakeTable();
  Migration m(SwapOptions(60));
  const Status s = m.Run({});
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectConfirmedSwap(m, "500");
  EXPECT_EQ(m.outcome().summary.find("could not confirm"), std::string::npos) << m.outcome().summary;
}

}  // namespace
}  // namespace osc::migration
