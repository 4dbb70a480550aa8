// The checksum against the sandbox: it agrees on a correct copy through
// many retypes, finds a changed, a missing and an extra row, and the
// repair loop fixes them or fails naming the chunk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "osc/copy/changed_keys.h"
#include "tests/integration/copy_live_util.h"

namespace osc::copy::testing {
namespace {

using ::testing::HasSubstr;

class ChecksumLiveTest : public CopyLiveTest {
 protected:
  Prepared CopiedTable(const std::string& table, uint64_t rows) {
    CreateTable(table, "(id INT NOT NULL PRIMARY KEY, name VARCHAR(30) NOT NULL, n INT NULL, note TEXT) ENGINE=InnoDB",
                "INSERT INTO " + Q(table) + " SELECT n, CONCAT('name', n), IF(n % 5 = 0, NULL, n), REPEAT('t', n % 9) "
                "FROM " + Numbers(rows));
    Prepared p = Prepare(table, "CHANGE name label VARCHAR(60) NOT NULL, ADD COLUMN added INT NULL");
    Copier copier(CopyConfig(p));
    const Status s = copier.Run(std::stop_token());
    EXPECT_TRUE(s.ok()) << s.ToString();
    return p;
  }

  ChecksumReport MustRun(const Prepared& p) {
    Checksummer sums(SumConfig(p));
    Result<ChecksumReport> r = sums.Run(LockedPoint(p.table), std::stop_token());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ChecksumReport{};
  }

  // True when the server places `id` inside `range` (the reported chunk).
  bool RangeHolds(const Prepared& p, const KeyRange& range, int id) {
    const std::string cond = RenderRange(p.key, range);
    return Count(p.table, (cond.empty() ? "" : cond + " AND ") + "id = " + std::to_string(id)) == 1;
  }
};

TEST_F(ChecksumLiveTest, IdenticalCopyHasNoDifference) {
  const Prepared p = CopiedTable("sum_same", 5000);
  const ChecksumReport r = MustRun(p);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.original_rows, 5000u);
  EXPECT_GE(r.chunks, 10u);  // 500-row chunks
}

TEST_F(ChecksumLiveTest, DetectsAChangedRowInTheChunkThatHoldsIt) {
  const Prepared p = CopiedTable("sum_changed", 5000);
  Exec("UPDATE " + Q(p.shadow) + " SET label = 'tampered' WHERE id = 1234");
  const ChecksumReport r = MustRun(p);
  ASSERT_EQ(r.differences.size(), 1u);
  const ChunkDifference& d = r.differences[0];
  EXPECT_EQ(d.original_rows, d.shadow_rows);
  EXPECT_NE(d.original_crc, d.shadow_crc);
  EXPECT_TRUE(RangeHolds(p, d.range, 1234)) << d.Describe();
}

TEST_F(ChecksumLiveTest, DetectsNullVersusEmptyString) {
  const Prepared p = CopiedTable("sum_null", 100);
  Exec("UPDATE " + Q(p.shadow) + " SET note = NULL WHERE id = 9");  // REPEAT('t', 0) = ''
  ASSERT_EQ(MustRun(p).differences.size(), 1u);
}

TEST_F(ChecksumLiveTest, DetectsMissingAndExtraRows) {
  const Prepared p = CopiedTable("sum_missing", 5000);
  Exec("DELETE FROM " + Q(p.shadow) + " WHERE id = 3000");
  // Beyond the original's last key: only an open-ended last chunk sees it.
  Exec("INSERT INTO " + Q(p.shadow) + " (id, label) VALUES (999999, 'extra')");
  const ChecksumReport r = MustRun(p);
  ASSERT_EQ(r.differences.size(), 2u);
  EXPECT_EQ(r.differences[0].shadow_rows + 1, r.differences[0].original_rows);
  EXPECT_TRUE(RangeHolds(p, r.differences[0].range, 3000));
  EXPECT_EQ(r.differences[1].shadow_rows, r.differences[1].original_rows + 1);
  EXPECT_FALSE(r.differences[1].range.upper.has_value());
}

TEST_F(ChecksumLiveTest, RepairRecopiesDifferingChunksAndRechecks) {
  const Prepared p = CopiedTable("sum_repair", 3000);
  Exec("UPDATE " + Q(p.shadow) + " SET n = -1 WHERE id = 77");
  Exec("DELETE FROM " + Q(p.shadow) + " WHERE id = 2500");
  Copier copier(CopyConfig(p));
  Checksummer sums(SumConfig(p));
  int recopies = 0;
  ChecksumReport last;
  const Status s = ChecksumAndRepair(
      sums, LockedPoint(p.table),
      [&](const KeyRange& range, std::stop_token stop) {
        ++recopies;
        return copier.RecopyRange(range, stop);
      },
      1, std::stop_token(), &last);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(recopies, 2);
  EXPECT_TRUE(last.ok());
  ASSERT_TRUE(DirectAlter(p, "CHANGE name label VARCHAR(60) NOT NULL, ADD COLUMN added INT NULL").ok());
  ExpectShadowEqualsDirect(p);
}

TEST_F(ChecksumLiveTest, DifferenceThatSurvivesRepairFailsWithTheChunkBounds) {
  const Prepared p = CopiedTable("sum_fail", 1000);
  Exec("UPDATE " + Q(p.shadow) + " SET label = 'x' WHERE id = 500");
  Checksummer sums(SumConfig(p));
  const Status s = ChecksumAndRepair(
      sums, LockedPoint(p.table), [](const KeyRange&, std::stop_token) { return Status::Ok(); }, 1,
      std::stop_token());
  ASSERT_EQ(s.code(), Status::Code::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(std::string(s.message()), HasSubstr("< key <="));
  EXPECT_THAT(std::string(s.message()), HasSubstr("original table is untouched"));
}

TEST_F(ChecksumLiveTest, ConsistentPointThatSkipsTheSnapshotIsAnInternalError) {
  const Prepared p = CopiedTable("sum_point", 10);
  Checksummer sums(SumConfig(p));
  Result<ChecksumReport> r =
      sums.Run([](const SnapshotReadyFn&, std::stop_token) { return Status::Ok(); }, std::stop_token());
  EXPECT_EQ(r.status().code(), Status::Code::kInternal);
  Result<ChecksumReport> timeout = sums.Run(
      [](const SnapshotReadyFn&, std::stop_token) { return Status::Timeout("lock wait"); }, std::stop_token());
  EXPECT_TRUE(timeout.status().IsTimeout());
}

// A part (RunPart): only the rows inside the span count, plus the changed
// keys taken at the consistent point, which are compared wherever they are.
TEST_F(ChecksumLiveTest, PartComparesItsSpanAndTheChangedKeysTakenAtThePoint) {
  const Prepared p = CopiedTable("sum_part", 3000);
  Exec("UPDATE " + Q(p.shadow) + " SET label = 'tampered' WHERE id = 100");
  Checksummer sums(SumConfig(p));
  ChangedKeys changed(100);
  // (1000, 2000]: the tampered row is outside, so the part matches.
  const KeyRange middle{Bound{{"1000"}, false}, Bound{{"2000"}, true}};
  Result<ChecksumReport> r = sums.RunPart(middle, &changed, 2, LockedPoint(p.table), std::stop_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->original_rows, 1000u);
  EXPECT_EQ(r->keys_compared, 0u);

  // Key 100 recorded as changed: the same part now finds it, and takes it.
  changed.Add({{"100"}, {"1500"}});
  r = sums.RunPart(middle, &changed, 1, LockedPoint(p.table), std::stop_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->keys_compared, 2u);
  ASSERT_EQ(r->key_differences.size(), 1u);
  EXPECT_THAT(r->key_differences[0], HasSubstr("2 changed keys"));
  EXPECT_TRUE(r->differences.empty());
  EXPECT_EQ(changed.size(), 0u);

  // A key that exists in only one table differs by count.
  Exec("DELETE FROM " + Q(p.shadow) + " WHERE id = 2500");
  changed.Add({{"2500"}, {"99999"}});
  r = sums.RunPart(middle, &changed, 1, LockedPoint(p.table), std::stop_token());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->key_differences.size(), 1u);
  EXPECT_THAT(r->key_differences[0], HasSubstr("original 1 rows"));
  EXPECT_THAT(r->key_differences[0], HasSubstr("shadow 0 rows"));

  // The span's open upper end reaches rows beyond the original's last key.
  Exec("INSERT INTO " + Q(p.shadow) + " (id, label) VALUES (999999, 'extra')");
  r = sums.RunPart(KeyRange{Bound{{"2600"}, false}, std::nullopt}, &changed, 2, LockedPoint(p.table),
                   std::stop_token());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->differences.size(), 1u);
  EXPECT_FALSE(r->differences[0].range.upper.has_value());
}

// Keys taken at a point whose comparison then fails are not lost: the next
// Take has them again.
TEST_F(ChecksumLiveTest, KeysOfAFailedPartGoBack) {
  const Prepared p = CopiedTable("sum_putback", 100);
  Checksummer sums(SumConfig(p));
  ChangedKeys changed(100);
  changed.Add({{"5"}, {"6"}});
  Result<ChecksumReport> r = sums.RunPart(
      KeyRange{}, &changed, 1, [](const SnapshotReadyFn&, std::stop_token) { return Status::Timeout("busy"); },
      std::stop_token());
  EXPECT_TRUE(r.status().IsTimeout());
  EXPECT_EQ(changed.size(), 2u);
  // The point ran (keys taken) but a query then failed: the shadow is gone.
  Exec("DROP TABLE " + Q(p.shadow));
  r = sums.RunPart(KeyRange{}, &changed, 1, LockedPoint(p.table), std::stop_token());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(changed.size(), 2u);
}

// RunRangesAt: the original's snapshot reports its binlog position, the
// split function gets it and starts the shadow's snapshot; the ranges and
// the changed keys are compared across the two snapshots.
TEST_F(ChecksumLiveTest, RangesAtASplitPointCompareAcrossTwoSnapshots) {
  const Prepared p = CopiedTable("sum_split", 2000);
  Exec("UPDATE " + Q(p.shadow) + " SET n = -5 WHERE id = 1500");
  Checksummer sums(SumConfig(p));
  ChangedKeys changed(10);
  changed.Add({{"1500"}});
  std::string seen_file;
  uint64_t seen_offset = 0;
  const SplitPointFn split = [&](const std::string& file, uint64_t offset, const SnapshotReadyFn& ready,
                                 std::stop_token) {
    seen_file = file;
    seen_offset = offset;
    return ready();
  };
  const std::vector<KeyRange> ranges = {KeyRange{std::nullopt, Bound{{"1000"}, true}},
                                        KeyRange{Bound{{"1000"}, false}, Bound{{"1200"}, true}}};
  Result<ChecksumReport> r = sums.RunRangesAt(ranges, &changed, split, std::stop_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(seen_file, HasSubstr("bin."));
  EXPECT_GT(seen_offset, 0u);
  EXPECT_EQ(r->chunks, 2u);
  EXPECT_EQ(r->original_rows, static_cast<uint64_t>(Count(p.table, "id <= 1200")));
  EXPECT_TRUE(r->differences.empty());  // the tampered row is outside the ranges...
  ASSERT_EQ(r->key_differences.size(), 1u);  // ...but it is a changed key
  EXPECT_EQ(changed.size(), 0u);

  // A split that fails gives the keys back; one that never starts the
  // shadow's snapshot is a bug.
  changed.Add({{"7"}});
  r = sums.RunRangesAt(
      ranges, &changed, [](const std::string&, uint64_t, const SnapshotReadyFn&, std::stop_token) {
        return Status::Timeout("applier busy");
      },
      std::stop_token());
  EXPECT_TRUE(r.status().IsTimeout());
  EXPECT_EQ(changed.size(), 1u);
  r = sums.RunRangesAt(
      ranges, nullptr, [](const std::string&, uint64_t, const SnapshotReadyFn&, std::stop_token) {
        return Status::Ok();
      },
      std::stop_token());
  EXPECT_EQ(r.status().code(), Status::Code::kInternal);
}

// Parts during the copy come every few hundred milliseconds: the
// checksummer keeps its sessions instead of connecting (TLS and all) each
// time, and a kept session starts a fresh snapshot (a change made between
// two parts is seen by the second).
TEST_F(ChecksumLiveTest, KeepsItsSessionsBetweenPartsWithFreshSnapshots) {
  const Prepared p = CopiedTable("sum_reuse", 500);
  Checksummer sums(SumConfig(p));
  const SplitPointFn split = [](const std::string&, uint64_t, const SnapshotReadyFn& ready, std::stop_token) {
    return ready();
  };
  const std::vector<KeyRange> ranges = {KeyRange{std::nullopt, Bound{{"250"}, true}}};
  auto connections = [this] {
    db::QueryResult r = Query("SHOW GLOBAL STATUS LIKE 'Connections'");
    return r.rows.empty() ? uint64_t{0} : std::stoull(*r.rows[0][1]);
  };
  Result<ChecksumReport> r = sums.RunRangesAt(ranges, nullptr, split, std::stop_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok());
  const uint64_t after_first = connections();

  Exec("UPDATE " + Q(p.shadow) + " SET n = -7 WHERE id = 100");
  r = sums.RunRangesAt(ranges, nullptr, split, std::stop_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->differences.size(), 1u);
  // A locked point with one worker reuses one of the two kept sessions.
  r = sums.RunRanges(ranges, nullptr, 1, LockedPoint(p.table), std::stop_token());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->differences.size(), 1u);
  // The only new connection is LockedPoint's own lock session.
  EXPECT_EQ(connections(), after_first + 1) << "the checksummer opened new sessions";
}

// Every retype the checksum converts: the copy equals the direct ALTER,
// the checksum agrees, and a change to that column in one shadow row is
// found (so the column is really compared, not left out).
TEST_F(ChecksumLiveTest, ConvertsRetypedColumnsExactly) {
  struct Retype {
    std::string column;
    std::string tamper;  // a new value for the shadow column
  };
  const std::vector<Retype> retypes = {
      {"i", "1"},      {"dd", "1"},         {"de", "1"},      {"dt", "'2001-01-01'"},  {"dte", "'2001-01-01'"},
      {"v", "'q'"},    {"nv", "'q'"},       {"vb", "'q'"},    {"bn", "'q'"},           {"en", "'c'"},
      {"bt", "b'1'"},  {"ts", "'2001-01-01'"}, {"fl", "0.25"}, {"tx", "'q'"},          {"ut", "'q'"}};
  CreateTable("retype",
              "(id INT NOT NULL PRIMARY KEY, i INT, dd DOUBLE, de DECIMAL(8,2), dt DATETIME(6), dte DATE, "
              "v VARCHAR(20), nv INT, vb VARCHAR(10), bn VARCHAR(4), en ENUM('a','b'), bt BIT(8), ts DATETIME, "
              "fl INT, tx TEXT, ut VARCHAR(10) CHARACTER SET latin1) ENGINE=InnoDB",
              "INSERT INTO " + Q("retype") +
                  " SELECT n, n - 50, n + 0.5, n / 8, '2024-02-03 04:05:06' + INTERVAL n * 1111 MICROSECOND, "
                  "'2024-02-03' + INTERVAL n DAY, CONCAT('ab', REPEAT(' ', n % 3)), n * 7, CONCAT('vb', n), "
                  "LEFT(CONCAT('b', n), 4), IF(n % 2, 'a', 'b'), n % 256, '2024-02-03 04:05:06' + INTERVAL n HOUR, "
                  "n, CONCAT('text', n), CONCAT(_latin1'é', n % 10) FROM " +
                  Numbers(400));
  const std::string alter =
      "MODIFY i BIGINT, MODIFY dd INT, MODIFY de DECIMAL(10,3), MODIFY dt DATETIME, MODIFY dte DATETIME(3), "
      "MODIFY v CHAR(20) CHARACTER SET latin1, MODIFY nv VARCHAR(12), MODIFY vb VARBINARY(10), MODIFY bn BINARY(6), "
      "MODIFY en ENUM('a','b','c'), MODIFY bt BIT(16), MODIFY ts TIMESTAMP NULL, MODIFY fl DOUBLE, "
      "MODIFY tx MEDIUMTEXT, MODIFY ut VARCHAR(10) CHARACTER SET utf8mb4";
  const Prepared p = Prepare("retype", alter);
  EXPECT_TRUE(p.checksum_columns.excluded.empty()) << p.checksum_columns.excluded.front();
  Copier copier(CopyConfig(p, 2, 64));
  ASSERT_TRUE(copier.Run(std::stop_token()).ok());
  const Status direct = DirectAlter(p, alter);
  ASSERT_TRUE(direct.ok()) << direct.ToString();
  ExpectShadowEqualsDirect(p);
  ASSERT_TRUE(MustRun(p).ok()) << MustRun(p).differences.front().Describe();

  int id = 10;
  for (const Retype& r : retypes) {
    Exec("UPDATE " + Q(p.shadow) + " SET " + r.column + " = " + r.tamper + " WHERE id = " + std::to_string(id));
    const ChecksumReport report = MustRun(p);
    EXPECT_EQ(report.differences.size(), 1u) << "a change to column " << r.column << " went unnoticed";
    ASSERT_TRUE(copier.RecopyRange(KeyRange{Bound{{std::to_string(id)}, true}, Bound{{std::to_string(id)}, true}},
                                   std::stop_token())
                    .ok());
    id += 10;
  }
  EXPECT_TRUE(MustRun(p).ok());
  ExpectShadowEqualsDirect(p);
}

}  // namespace
}  // namespace osc::copy::testing
