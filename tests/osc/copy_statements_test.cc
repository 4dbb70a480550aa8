// SQL text of the copier and the checksum (osc/copy/statements.h,
// checksum_columns.h), written out by hand.
#include "osc/copy/statements.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "osc/copy/checksum_columns.h"
#include "tests/osc/schema_test_util.h"

namespace osc::copy {
namespace {

using ::testing::HasSubstr;
using schema::testutil::Col;

KeySpec IdKey() { return KeySpec{{KeyColumn{"id", KeyKind::kInteger, "", ""}}, "PRIMARY", "PRIMARY"}; }

db::ServerInfo Server(db::Flavor flavor, int major, int minor) {
  db::ServerInfo s;
  s.flavor = flavor;
  s.major = major;
  s.minor = minor;
  return s;
}

TEST(CopyStatementTest, MariaDbLocksInShareModeBeforeTheDuplicateKeyClause) {
  const std::string sql = CopyStatement(IdKey(), TableRef{"d", "t", "PRIMARY"}, TableRef{"d", "_t_osc_new", ""},
                                        {{"id", "id"}, {"b", "b2"}}, LockingRead::kLockInShareMode,
                                        KeyRange{Bound{{"5"}, false}, Bound{{"9"}, true}});
  EXPECT_EQ(sql,
            "INSERT INTO `d`.`_t_osc_new` (`id`, `b2`) SELECT `id`, `b` FROM `d`.`t` FORCE INDEX (`PRIMARY`) "
            "WHERE (`id` > 5) AND (`id` <= 9) LOCK IN SHARE MODE "
            "ON DUPLICATE KEY UPDATE `d`.`_t_osc_new`.`id` = `d`.`_t_osc_new`.`id`");
}

TEST(CopyStatementTest, MySql8UsesForShare) {
  const std::string sql = CopyStatement(IdKey(), TableRef{"d", "t", "PRIMARY"}, TableRef{"d", "s", ""},
                                        {{"id", "id"}}, LockingRead::kForShare, KeyRange{});
  EXPECT_THAT(sql, HasSubstr("FROM `d`.`t` FORCE INDEX (`PRIMARY`) FOR SHARE ON DUPLICATE KEY UPDATE"));
  EXPECT_THAT(sql, ::testing::Not(HasSubstr("WHERE")));
}

TEST(CopyStatementTest, LockingClauseFollowsTheServer) {
  EXPECT_EQ(LockingReadFor(Server(db::Flavor::kMariaDB, 10, 11)), LockingRead::kLockInShareMode);
  EXPECT_EQ(LockingReadFor(Server(db::Flavor::kMySQL, 8, 0)), LockingRead::kLockInShareMode);  // 8.0.0
  db::ServerInfo mysql8 = Server(db::Flavor::kMySQL, 8, 0);
  mysql8.patch = 36;
  EXPECT_EQ(LockingReadFor(mysql8), LockingRead::kForShare);
  EXPECT_EQ(LockingReadFor(Server(db::Flavor::kMySQL, 5, 7)), LockingRead::kLockInShareMode);
}

TEST(BoundaryQueryTest, ReadsTheKeyNRowsInWithAnIndexOnlyQuery) {
  const KeySpec key{{KeyColumn{"a", KeyKind::kInteger, "", ""}, KeyColumn{"s", KeyKind::kText, "latin1", "latin1_bin"}},
                    "PRIMARY",
                    "PRIMARY"};
  EXPECT_EQ(BoundaryQuery(key, TableRef{"d", "t", "PRIMARY"},
                          KeyRange{Bound{{"1", "_latin1 X'61' COLLATE latin1_bin"}, false}, std::nullopt}, 100),
            "SELECT `a`, HEX(`s`) FROM `d`.`t` FORCE INDEX (`PRIMARY`) WHERE (`a` >= 1 AND ((`a` > 1) OR "
            "(`a` = 1 AND `s` > _latin1 X'61' COLLATE latin1_bin))) ORDER BY `a`, `s` LIMIT 1 OFFSET 99");
  EXPECT_EQ(EndpointQuery(key, TableRef{"d", "t", "PRIMARY"}, true),
            "SELECT `a`, HEX(`s`) FROM `d`.`t` FORCE INDEX (`PRIMARY`) ORDER BY `a` DESC, `s` DESC LIMIT 1");
}

TEST(DeleteRangeStatementTest, DeletesOnlyTheRange) {
  EXPECT_EQ(DeleteRangeStatement(IdKey(), TableRef{"d", "s", "PRIMARY"}, KeyRange{std::nullopt, Bound{{"3"}, true}}),
            "DELETE FROM `d`.`s` WHERE (`id` <= 3)");
}

TEST(ChecksumQueryTest, HashesValuesPlusNullFlags) {
  EXPECT_EQ(ChecksumQuery(IdKey(), TableRef{"d", "t", "PRIMARY"}, {"CAST(`id` AS BINARY)", "CAST(`v` AS BINARY)"},
                          KeyRange{Bound{{"0"}, false}, std::nullopt}),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', CAST(`id` AS BINARY), CAST(`v` AS BINARY), "
            "CONCAT(ISNULL(CAST(`id` AS BINARY)), ISNULL(CAST(`v` AS BINARY)))))), 0) "
            "FROM `d`.`t` FORCE INDEX (`PRIMARY`) WHERE (`id` > 0)");
}

TEST(ChecksumQueryTest, NullFlagsTestTheCheaperExpressionsWhenGiven) {
  EXPECT_EQ(ChecksumQuery(IdKey(), TableRef{"d", "t", "PRIMARY"}, {"CAST(`id` AS BINARY)", "CRC32(CAST(`v` AS BINARY))"},
                          KeyRange{}, {"`id`", "`v`"}),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', CAST(`id` AS BINARY), CRC32(CAST(`v` AS BINARY)), "
            "CONCAT(ISNULL(`id`), ISNULL(`v`))))), 0) FROM `d`.`t` FORCE INDEX (`PRIMARY`)");
}

TEST(ChecksumQueryTest, ValuesThatAreNeverNullGetNoFlag) {
  EXPECT_EQ(ChecksumQuery(IdKey(), TableRef{"d", "t", "PRIMARY"}, {"`id`", "CRC32(`v`)", "`w`"}, KeyRange{},
                          {"", "`v`", ""}),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `id`, CRC32(`v`), `w`, CONCAT(ISNULL(`v`))))), 0) "
            "FROM `d`.`t` FORCE INDEX (`PRIMARY`)");
  // No value can be NULL: no CONCAT() group (which would be an error).
  EXPECT_EQ(ChecksumKeysQuery(IdKey(), TableRef{"d", "s", "PRIMARY"}, {"`id`", "`w`"}, {"", ""}, {{"3"}}),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `id`, `w`))), 0) FROM `d`.`s` WHERE `id` IN (3)");
}

TEST(ChecksumKeysQueryTest, OneColumnKeyUsesAnInList) {
  EXPECT_EQ(ChecksumKeysQuery(IdKey(), TableRef{"d", "s", "PRIMARY"}, {"CAST(`v` AS BINARY)"}, {"`v`"},
                              {{"3"}, {"-7"}}),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', CAST(`v` AS BINARY), CONCAT(ISNULL(`v`))))), 0) "
            "FROM `d`.`s` WHERE `id` IN (3, -7)");
}

TEST(ChecksumKeysQueryTest, CompositeKeyUsesOneConjunctionPerKey) {
  KeySpec key{{KeyColumn{"a", KeyKind::kInteger, "", ""}, KeyColumn{"b w", KeyKind::kBinary, "", ""}}, "PRIMARY",
              "PRIMARY"};
  EXPECT_EQ(ChecksumKeysQuery(key, TableRef{"d", "t", "PRIMARY"}, {"`x`"}, {}, {{"1", "_binary X'00'"}, {"2", "X'01'"}}),
            "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', `x`, CONCAT(ISNULL(`x`))))), 0) FROM `d`.`t` "
            "WHERE (`a` = 1 AND `b w` = _binary X'00') OR (`a` = 2 AND `b w` = X'01')");
}

// Original (id, b, g, gone) -> shadow (id, b2 renamed from b, added z,
// generated g).
alter::ColumnMapping Mapping() {
  alter::ColumnMapping m;
  m.columns = {alter::MappedColumn{"id", 0, false, false, false, false},
               alter::MappedColumn{"b2", 1, true, false, false, false},
               alter::MappedColumn{"z", std::nullopt, false, false, false, false},
               alter::MappedColumn{"g", 2, false, false, false, true}};
  m.old_to_new = {0, 1, 3, std::nullopt};
  m.dropped = {3};
  return m;
}

TEST(MakeCopyColumnsTest, CopiesRenamedColumnsAndSkipsAddedGeneratedAndDropped) {
  const schema::TableSchema t =
      schema::testutil::Table({Col("id", "int(11)"), Col("b", "int(11)"), Col("g", "int(11)"), Col("gone", "int(11)")},
                              {});
  Result<std::vector<CopyColumn>> cols = MakeCopyColumns(t, Mapping());
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  ASSERT_EQ(cols->size(), 2u);
  EXPECT_EQ((*cols)[0].source, "id");
  EXPECT_EQ((*cols)[1].source, "b");
  EXPECT_EQ((*cols)[1].target, "b2");
}

TEST(MakeCopyColumnsTest, MappingForAnotherTableIsRejected) {
  const schema::TableSchema t = schema::testutil::Table({Col("id", "int(11)")}, {});
  EXPECT_TRUE(MakeCopyColumns(t, Mapping()).status().IsInvalidArgument());
}

// One-column mapping: column 0 of the original becomes `name` in the
// shadow, redefined when `changed`.
alter::ColumnMapping OneColumn(const std::string& name, bool changed) {
  alter::ColumnMapping m;
  m.columns = {alter::MappedColumn{name, 0, false, changed, changed, false}};
  m.old_to_new = {0};
  return m;
}

ChecksumColumns Plan(schema::Column from, schema::Column to) {
  const bool changed = from.column_type != to.column_type || from.charset != to.charset;
  Result<ChecksumColumns> plan = PlanChecksumColumns(schema::testutil::Table({from}, {}),
                                                     schema::testutil::Table({to}, {}), OneColumn(to.name, changed));
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? *plan : ChecksumColumns{};
}

TEST(ChecksumColumnsTest, UnchangedColumnIsHashedAsItsBytes) {
  const ChecksumColumns p = Plan(Col("v", "varchar(10)"), Col("v", "varchar(10)"));
  ASSERT_EQ(p.columns.size(), 1u);
  EXPECT_EQ(p.columns[0].original_expr, "CAST(`v` AS BINARY)");
  EXPECT_EQ(p.columns[0].shadow_expr, "CAST(`v` AS BINARY)");
  EXPECT_TRUE(p.excluded.empty());
}

TEST(ChecksumColumnsTest, RetypedNumbersAreCastToTheNewType) {
  ChecksumColumns p = Plan(Col("d", "decimal(8,2)"), Col("d", "decimal(10,3)"));
  ASSERT_EQ(p.columns.size(), 1u);
  EXPECT_EQ(p.columns[0].original_expr, "CAST(`d` AS DECIMAL(10,3))");
  EXPECT_EQ(p.columns[0].shadow_expr, "`d`");

  schema::Column big = Col("n", "bigint(20) unsigned");
  big.is_unsigned = true;
  p = Plan(Col("n", "double"), big);
  ASSERT_EQ(p.columns.size(), 1u);
  EXPECT_EQ(p.columns[0].original_expr, "CAST(`n` AS UNSIGNED)");
}

TEST(ChecksumColumnsTest, RenamedAndRecharsetedTextIsConverted) {
  schema::Column to = Col("w", "char(5)");
  to.charset = "latin1";
  to.collation = "latin1_swedish_ci";
  const ChecksumColumns p = Plan(Col("v", "varchar(10)"), to);
  ASSERT_EQ(p.columns.size(), 1u);
  EXPECT_EQ(p.columns[0].name, "w");
  EXPECT_EQ(p.columns[0].original_expr, "CAST(TRIM(TRAILING ' ' FROM CONVERT(`v` USING latin1)) AS BINARY)");
  EXPECT_EQ(p.columns[0].shadow_expr, "CAST(`w` AS BINARY)");
}

TEST(ChecksumColumnsTest, LargeValuesAreHashedThroughCrc32OnBothSides) {
  const ChecksumColumns p = Plan(Col("t", "text"), Col("t", "text"));
  ASSERT_EQ(p.columns.size(), 1u);
  EXPECT_EQ(p.columns[0].original_expr, "CRC32(`t`)");
  EXPECT_EQ(p.columns[0].shadow_expr, "CRC32(`t`)");
}

TEST(ChecksumColumnsTest, BitIsComparedAsANumberOnBothSides) {
  const ChecksumColumns p = Plan(Col("b", "bit(8)"), Col("b", "bit(16)"));
  ASSERT_EQ(p.columns.size(), 1u);
  EXPECT_EQ(p.columns[0].original_expr, "CAST(`b` AS UNSIGNED)");
  EXPECT_EQ(p.columns[0].shadow_expr, "CAST(`b` AS UNSIGNED)");
}

TEST(ChecksumColumnsTest, ChangesWithoutAnExactCastAreLeftOutWithANote) {
  Result<ChecksumColumns> p = PlanChecksumColumns(
      schema::testutil::Table({Col("id", "int(11)"), Col("f", "double")}, {}),
      schema::testutil::Table({Col("id", "int(11)"), Col("f", "varchar(20)")}, {}), [] {
        alter::ColumnMapping m;
        m.columns = {alter::MappedColumn{"id", 0, false, false, false, false},
                     alter::MappedColumn{"f", 1, false, true, true, false}};
        m.old_to_new = {0, 1};
        return m;
      }());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->columns.size(), 1u);
  EXPECT_EQ(p->columns[0].name, "id");
  ASSERT_EQ(p->excluded.size(), 1u);
  EXPECT_THAT(p->excluded[0], HasSubstr("column f (double -> varchar(20))"));
}

TEST(ChecksumColumnsTest, MayBeNullWhenEitherSideIsNullable) {
  EXPECT_FALSE(Plan(Col("a", "int(11)"), Col("a", "int(11)")).columns.at(0).may_be_null);
  EXPECT_TRUE(Plan(Col("a", "int(11)", true), Col("a", "int(11)", true)).columns.at(0).may_be_null);
  // MODIFY ... NULL or NOT NULL: a NULL on either side must still show.
  EXPECT_TRUE(Plan(Col("a", "int(11)"), Col("a", "int(11)", true)).columns.at(0).may_be_null);
  EXPECT_TRUE(Plan(Col("a", "int(11)", true), Col("a", "int(11)")).columns.at(0).may_be_null);
  // Converted: CAST can give NULL for a value that is not, so the flag stays.
  EXPECT_TRUE(Plan(Col("d", "varchar(20)"), Col("d", "date")).columns.at(0).may_be_null);
  EXPECT_TRUE(Plan(Col("n", "int(11)"), Col("n", "bigint(20)")).columns.at(0).may_be_null);
}

TEST(ChecksumColumnsTest, ShadowWithoutTheMappedColumnIsRejected) {
  Result<ChecksumColumns> p = PlanChecksumColumns(schema::testutil::Table({Col("a", "int(11)")}, {}),
                                                  schema::testutil::Table({Col("b", "int(11)")}, {}),
                                                  OneColumn("a", false));
  EXPECT_TRUE(p.status().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::copy
