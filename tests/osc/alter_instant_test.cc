#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "alter_test_util.h"
#include "osc/alter/instant.h"

namespace osc::alter {
namespace {

using testing::Column;
using ::testing::HasSubstr;
using testing::MustParse;
using testing::OrdersTable;

constexpr ServerVersion kMariaDb1011{Flavor::kMariaDb, 10, 11, 19};
constexpr ServerVersion kMariaDb1042{Flavor::kMariaDb, 10, 4, 2};
constexpr ServerVersion kMariaDb103{Flavor::kMariaDb, 10, 3, 39};
constexpr ServerVersion kMariaDb102{Flavor::kMariaDb, 10, 2, 44};
constexpr ServerVersion kMySql8036{Flavor::kMySql, 8, 0, 36};
constexpr ServerVersion kMySql8029{Flavor::kMySql, 8, 0, 29};
constexpr ServerVersion kMySql8028{Flavor::kMySql, 8, 0, 28};
constexpr ServerVersion kMySql8027{Flavor::kMySql, 8, 0, 27};
constexpr ServerVersion kMySql8022{Flavor::kMySql, 8, 0, 22};
constexpr ServerVersion kMySql8011{Flavor::kMySql, 8, 0, 11};

AlgorithmReport Classify(std::string_view alter, const ServerVersion& server,
                         const TableInfo& table = OrdersTable()) {
  return ClassifyAlter(MustParse(alter), table, server);
}

Algorithm Overall(std::string_view alter, const ServerVersion& server,
                  const TableInfo& table = OrdersTable()) {
  return Classify(alter, server, table).overall;
}

std::string Reason(std::string_view alter, const ServerVersion& server,
                   const TableInfo& table = OrdersTable()) {
  const AlgorithmReport report = Classify(alter, server, table);
  return report.clauses.empty() ? "" : report.clauses[0].reason;
}

TableInfo WithRowFormat(RowFormat format) {
  TableInfo t = OrdersTable();
  t.row_format = format;
  return t;
}

TableInfo Latin1Table() {
  TableInfo t;
  t.default_charset = "latin1";
  t.default_collation = "latin1_swedish_ci";
  t.columns = {Column("id", "int(11)"),
               Column("s100", "varchar(100)", "latin1", "latin1_swedish_ci"),
               Column("s200", "varchar(200)", "latin1", "latin1_swedish_ci")};
  return t;
}

constexpr Algorithm kInstant = Algorithm::kInstant;
constexpr Algorithm kInplace = Algorithm::kInplace;
constexpr Algorithm kCopy = Algorithm::kCopy;

TEST(InstantMariaDbTest, AddColumnIsInstantAnywhereSince104) {
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT FIRST", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT AFTER id", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT NOT NULL DEFAULT 5", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c TIMESTAMP DEFAULT CURRENT_TIMESTAMP", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN v INT AS (qty * 2) VIRTUAL", kMariaDb1011), kInstant);
}

TEST(InstantMariaDbTest, AddColumnIn103OnlyAtTheEnd) {
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMariaDb103), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT FIRST", kMariaDb103), kInplace);
  // AFTER the last column is still "at the end".
  EXPECT_EQ(Overall("ADD COLUMN c INT AFTER note", kMariaDb103), kInstant);
}

TEST(InstantMariaDbTest, AddColumnThatNeedsDataIsNotInstant) {
  EXPECT_EQ(Overall("ADD COLUMN c CHAR(36) DEFAULT (UUID())", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("ADD COLUMN t INT AS (qty * 2) STORED", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("ADD COLUMN c INT CHECK (c > 0)", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("ADD COLUMN c INT UNIQUE", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("ADD COLUMN seq BIGINT AUTO_INCREMENT", kMariaDb1011), kInplace);
}

TEST(InstantMariaDbTest, CompressedOrFulltextTablesRebuildForColumnLayoutChanges) {
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMariaDb1011, WithRowFormat(RowFormat::kCompressed)),
            kInplace);
  TableInfo fulltext = OrdersTable();
  fulltext.has_fulltext_index = true;
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMariaDb1011, fulltext), kInplace);
  EXPECT_THAT(Reason("DROP COLUMN qty", kMariaDb1011, fulltext), HasSubstr("FULLTEXT"));
  EXPECT_EQ(Overall("MODIFY note TEXT FIRST", kMariaDb1011, fulltext), kInplace);
}

TEST(InstantMariaDbTest, DropColumn) {
  EXPECT_EQ(Overall("DROP COLUMN qty", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("DROP COLUMN qty", kMariaDb103), kInplace);
  EXPECT_THAT(Reason("DROP COLUMN id", kMariaDb1011), HasSubstr("part of an index"));
  EXPECT_EQ(Overall("DROP COLUMN id", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("DROP COLUMN IF EXISTS nope", kMariaDb1011), kInstant);
}

TEST(InstantMariaDbTest, RenamesDefaultsAndReorder) {
  EXPECT_EQ(Overall("RENAME COLUMN qty TO quantity", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("CHANGE qty quantity INT", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ALTER COLUMN qty SET DEFAULT 1, ALTER COLUMN note DROP DEFAULT", kMariaDb1011),
            kInstant);
  EXPECT_EQ(Overall("MODIFY note TEXT FIRST", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("MODIFY note TEXT FIRST", kMariaDb103), kInplace);
  EXPECT_EQ(Overall("MODIFY qty INT COMMENT 'count'", kMariaDb1011), kInstant);
  // RENAME COLUMN syntax arrived in 10.5.2.
  EXPECT_EQ(Overall("RENAME COLUMN qty TO quantity", kMariaDb1042), kCopy);
}

TEST(InstantMariaDbTest, VarcharExtensionFollowsTheLengthPrefixRules) {
  // utf8mb4: 50 chars = 200 bytes -> 60 chars = 240 bytes: both one length byte.
  EXPECT_EQ(Overall("MODIFY name VARCHAR(60)", kMariaDb1011), kInstant);
  // 200 -> 256 bytes: the prefix grows from 1 to 2 bytes, and 200 > 127.
  EXPECT_EQ(Overall("MODIFY name VARCHAR(64)", kMariaDb1011), kCopy);
  EXPECT_THAT(Reason("MODIFY name VARCHAR(64)", kMariaDb1011), HasSubstr("200 to 256 bytes"));
  // latin1 100 bytes (<= 127) -> 300 bytes is instant since 10.4.3 (MDEV-15563) ...
  EXPECT_EQ(Overall("MODIFY s100 VARCHAR(300)", kMariaDb1011, Latin1Table()), kInstant);
  EXPECT_EQ(Overall("MODIFY s100 VARCHAR(300)", kMariaDb1042, Latin1Table()), kCopy);
  // ... but not from 128..255 bytes.
  EXPECT_EQ(Overall("MODIFY s200 VARCHAR(300)", kMariaDb1011, Latin1Table()), kCopy);
  // ROW_FORMAT=REDUNDANT stores every length explicitly.
  TableInfo redundant = Latin1Table();
  redundant.row_format = RowFormat::kRedundant;
  EXPECT_EQ(Overall("MODIFY s200 VARCHAR(300)", kMariaDb1011, redundant), kInstant);
  // Shrinking is a real type change.
  EXPECT_EQ(Overall("MODIFY name VARCHAR(40)", kMariaDb1011), kCopy);
}

TEST(InstantMariaDbTest, VarcharExtensionThatAlsoChangesCollationCopies) {
  EXPECT_EQ(Overall("MODIFY name VARCHAR(60) COLLATE utf8mb4_bin", kMariaDb1011), kCopy);
  TableInfo unknown_defaults = OrdersTable();
  unknown_defaults.default_charset.clear();
  unknown_defaults.default_collation.clear();
  EXPECT_EQ(Overall("MODIFY name VARCHAR(60)", kMariaDb1011, unknown_defaults), kCopy);
}

TEST(InstantMariaDbTest, EnumAndSetAppends) {
  TableInfo t = OrdersTable();
  t.columns.push_back(Column("status", "enum('new','paid')", "utf8mb4", "utf8mb4_general_ci"));
  t.columns.push_back(Column("tags", "set('a','b')", "utf8mb4", "utf8mb4_general_ci"));
  EXPECT_EQ(Overall("MODIFY status ENUM('new','paid','void')", kMariaDb1011, t), kInstant);
  EXPECT_EQ(Overall("MODIFY status ENUM('paid','new','void')", kMariaDb1011, t), kCopy);
  EXPECT_EQ(Overall("MODIFY tags SET('a','b','c')", kMariaDb1011, t), kInstant);
  EXPECT_EQ(Overall("MODIFY tags SET('a','b','c')", kMySql8036, t), kInstant);
}

TEST(InstantMariaDbTest, EnumAppendThatGrowsStorageCopies) {
  TableInfo t = OrdersTable();
  std::string old_type = "enum(";
  std::string new_members;
  for (int i = 0; i < 255; ++i) old_type += (i ? ",'m" : "'m") + std::to_string(i) + "'";
  new_members = old_type.substr(5) + ",'m255'";
  old_type += ")";
  t.columns.push_back(Column("e", old_type, "utf8mb4", "utf8mb4_general_ci"));
  EXPECT_EQ(Overall("MODIFY e ENUM(" + new_members + ")", kMariaDb1011, t), kCopy);
}

TEST(InstantMariaDbTest, NullabilityChanges) {
  EXPECT_EQ(Overall("MODIFY qty INT NOT NULL", kMariaDb1011), kInplace);
  TableInfo t = OrdersTable();
  t.columns[2].nullable = false;
  EXPECT_EQ(Overall("MODIFY qty INT NULL", kMariaDb1011, t), kInplace);
  t.row_format = RowFormat::kRedundant;
  EXPECT_EQ(Overall("MODIFY qty INT NULL", kMariaDb1011, t), kInstant);
}

TEST(InstantMariaDbTest, TypeChangesAndUnmodelledAttributesCopy) {
  EXPECT_EQ(Overall("MODIFY qty BIGINT", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("MODIFY qty INT AUTO_INCREMENT", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("MODIFY qty INT COLUMN_FORMAT FIXED", kMariaDb1011), kCopy);
  EXPECT_THAT(Reason("MODIFY qty BIGINT", kMariaDb1011), HasSubstr("int(11)"));
}

TEST(InstantMariaDbTest, IndexAndConstraintClauses) {
  EXPECT_EQ(Overall("ADD INDEX i (qty)", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("ADD FULLTEXT f (note)", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("DROP INDEX i", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("RENAME INDEX a TO b", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("DROP FOREIGN KEY fk", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ADD CONSTRAINT fk FOREIGN KEY (qty) REFERENCES p (id)", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("ADD CONSTRAINT c CHECK (qty > 0)", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("DROP CONSTRAINT c", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("DROP PRIMARY KEY", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("DROP PRIMARY KEY, ADD PRIMARY KEY (id, qty)", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("ALTER INDEX i IGNORED", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("ALTER INDEX i INVISIBLE", kMariaDb1011), kCopy);
}

TEST(InstantMariaDbTest, TableClauses) {
  EXPECT_EQ(Overall("AUTO_INCREMENT = 1000", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("COMMENT 'orders'", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("PAGE_COMPRESSED=1", kMariaDb1011), kInstant);
  EXPECT_EQ(Overall("PAGE_COMPRESSED=0", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("ENGINE=InnoDB", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("FORCE", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("ROW_FORMAT=COMPRESSED", kMariaDb1011), kInplace);
  EXPECT_EQ(Overall("ENGINE=Aria", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("CONVERT TO CHARACTER SET utf8mb4", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("DEFAULT CHARSET=utf8mb3", kMariaDb1011), kCopy);
  EXPECT_EQ(Overall("ORDER BY qty", kMariaDb1011), kCopy);
}

TEST(InstantMariaDbTest, PreInstantVersionsReportMetadataChangesAsInplace) {
  EXPECT_EQ(Overall("ALTER COLUMN qty SET DEFAULT 1", kMariaDb102), kInplace);
  EXPECT_THAT(Reason("ALTER COLUMN qty SET DEFAULT 1", kMariaDb102),
              HasSubstr("no ALGORITHM=INSTANT"));
}

TEST(InstantAlterTest, WholeAlterCostsItsMostExpensiveClause) {
  const AlgorithmReport report =
      Classify("ADD COLUMN c INT, ADD INDEX i (c), MODIFY qty BIGINT", kMariaDb1011);
  ASSERT_EQ(report.clauses.size(), 3u);
  EXPECT_EQ(report.clauses[0].algorithm, kInstant);
  EXPECT_EQ(report.clauses[1].algorithm, kInplace);
  EXPECT_EQ(report.clauses[2].algorithm, kCopy);
  EXPECT_EQ(report.overall, kCopy);
  EXPECT_FALSE(report.IsInstant());
  EXPECT_EQ(Overall("ADD COLUMN c INT, ADD INDEX i (c)", kMariaDb1011), kInplace);
  EXPECT_TRUE(
      Classify("ADD COLUMN c INT, DROP COLUMN qty, RENAME COLUMN note TO memo", kMariaDb1011)
          .IsInstant());
}

TEST(InstantAlterTest, MappingFailureMeansCopy) {
  const AlgorithmReport report = Classify("DROP COLUMN nope", kMariaDb1011);
  EXPECT_EQ(report.overall, kCopy);
  EXPECT_THAT(report.note, HasSubstr("no column `nope`"));
  ASSERT_EQ(report.clauses.size(), 1u);
  EXPECT_EQ(report.clauses[0].algorithm, kCopy);
}

TEST(InstantMySqlTest, AddColumnLastSince8012AnywhereSince8029) {
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT FIRST", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMySql8028), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT FIRST", kMySql8028), kInplace);
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMySql8011), kInplace);
  EXPECT_THAT(Reason("ADD COLUMN c INT", kMySql8011), HasSubstr("needs MySQL 8.0.12"));
  EXPECT_EQ(Overall("ADD COLUMN t INT AS (qty + 1) STORED", kMySql8036), kCopy);
  EXPECT_EQ(Overall("ADD COLUMN v INT AS (qty + 1) VIRTUAL", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN seq BIGINT AUTO_INCREMENT", kMySql8036), kInplace);
}

TEST(InstantMySqlTest, RowVersionLimitAndTableFormats) {
  TableInfo t = OrdersTable();
  t.total_row_versions = 64;
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMySql8036, t), kInplace);
  EXPECT_THAT(Reason("ADD COLUMN c INT", kMySql8036, t), HasSubstr("64 row versions"));
  t.total_row_versions = 63;
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMySql8036, t), kInstant);
  EXPECT_EQ(Overall("ADD COLUMN c INT", kMySql8036, WithRowFormat(RowFormat::kCompressed)),
            kInplace);
}

TEST(InstantMySqlTest, DropColumnSince8029) {
  EXPECT_EQ(Overall("DROP COLUMN qty", kMySql8029), kInstant);
  EXPECT_EQ(Overall("DROP COLUMN qty", kMySql8028), kInplace);
  EXPECT_EQ(Overall("DROP COLUMN id", kMySql8036), kInplace);
}

TEST(InstantMySqlTest, RenameColumnSince8028UnlessReferenced) {
  EXPECT_EQ(Overall("RENAME COLUMN qty TO quantity", kMySql8028), kInstant);
  EXPECT_EQ(Overall("RENAME COLUMN qty TO quantity", kMySql8027), kInplace);
  EXPECT_EQ(Overall("CHANGE qty quantity INT", kMySql8036), kInstant);
  TableInfo referenced = OrdersTable();
  referenced.referenced_by_foreign_keys = true;
  EXPECT_EQ(Overall("RENAME COLUMN qty TO quantity", kMySql8036, referenced), kInplace);
}

TEST(InstantMySqlTest, ColumnChanges) {
  EXPECT_EQ(Overall("ALTER COLUMN qty SET DEFAULT 3", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ALTER COLUMN qty SET DEFAULT 3", kMySql8011), kInplace);
  // VARCHAR extension is in place (metadata only) in MySQL, never instant.
  EXPECT_EQ(Overall("MODIFY name VARCHAR(60)", kMySql8036), kInplace);
  EXPECT_EQ(Overall("MODIFY name VARCHAR(64)", kMySql8036), kCopy);
  EXPECT_EQ(Overall("MODIFY note TEXT FIRST", kMySql8036), kInplace);
  EXPECT_EQ(Overall("MODIFY qty INT NOT NULL", kMySql8036), kInplace);
  EXPECT_EQ(Overall("MODIFY qty BIGINT", kMySql8036), kCopy);
  EXPECT_EQ(Overall("ALTER COLUMN qty SET INVISIBLE", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ALTER COLUMN qty SET INVISIBLE", kMySql8022), kCopy);
}

TEST(InstantMySqlTest, IndexConstraintAndTableClauses) {
  EXPECT_EQ(Overall("RENAME INDEX a TO b", kMySql8036), kInplace);
  EXPECT_EQ(Overall("DROP FOREIGN KEY fk", kMySql8036), kInplace);
  EXPECT_EQ(Overall("DROP CHECK c", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ALTER INDEX i INVISIBLE", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ALTER CHECK c NOT ENFORCED", kMySql8036), kInstant);
  EXPECT_EQ(Overall("ALTER CHECK c ENFORCED", kMySql8036), kCopy);
  EXPECT_EQ(Overall("AUTO_INCREMENT=5", kMySql8036), kInplace);
  EXPECT_EQ(Overall("COMMENT 'x'", kMySql8036), kInplace);
  EXPECT_EQ(Overall("STATS_PERSISTENT=1", kMySql8036), kInplace);
  EXPECT_EQ(Overall("DEFAULT CHARSET utf8mb4", kMySql8036), kInplace);
  EXPECT_EQ(Overall("ADD INDEX i (qty)", kMySql8036), kInplace);
}

TEST(InstantMySqlTest, MariaDbOnlySyntaxIsReportedAsRejected) {
  EXPECT_EQ(Overall("DROP COLUMN IF EXISTS qty", kMySql8036), kCopy);
  EXPECT_THAT(Reason("DROP COLUMN IF EXISTS qty", kMySql8036), HasSubstr("MariaDB syntax"));
  EXPECT_EQ(Overall("ALTER INDEX i IGNORED", kMySql8036), kCopy);
}

}  // namespace
}  // namespace osc::alter

namespace osc::alter {
namespace {

TEST(InstantAlterTest, ServerInfoConvertsToServerVersion) {
  Result<db::ServerInfo> maria = db::ParseServerVersion("10.11.19-MariaDB-0+deb12u1-log");
  ASSERT_TRUE(maria.ok());
  const ServerVersion v = ToServerVersion(*maria);
  EXPECT_EQ(v.flavor, Flavor::kMariaDb);
  EXPECT_EQ(v.major, 10u);
  EXPECT_EQ(v.minor, 11u);
  EXPECT_EQ(v.patch, 19u);
  Result<db::ServerInfo> mysql = db::ParseServerVersion("8.0.36");
  ASSERT_TRUE(mysql.ok());
  EXPECT_EQ(ToServerVersion(*mysql).flavor, Flavor::kMySql);
  EXPECT_TRUE(ToServerVersion(*mysql).AtLeast(8, 0, 29));
  EXPECT_FALSE(ToServerVersion(*mysql).AtLeast(8, 0, 37));
}

}  // namespace
}  // namespace osc::alter
