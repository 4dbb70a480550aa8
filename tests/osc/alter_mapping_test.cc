#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "alter_test_util.h"
#include "osc/alter/column_mapping.h"

namespace osc::alter {
namespace {

using testing::Column;
using ::testing::HasSubstr;
using testing::MustParse;
using testing::OrdersTable;

ColumnMapping Map(std::string_view alter, const TableInfo& table = OrdersTable()) {
  Result<ColumnMapping> mapping = ComputeColumnMapping(MustParse(alter), table);
  EXPECT_TRUE(mapping.ok()) << alter << " -> " << mapping.status().ToString();
  return mapping.ok() ? *mapping : ColumnMapping{};
}

std::string MapError(std::string_view alter, const TableInfo& table = OrdersTable()) {
  Result<ColumnMapping> mapping = ComputeColumnMapping(MustParse(alter), table);
  EXPECT_FALSE(mapping.ok()) << alter << " unexpectedly mapped";
  if (mapping.ok()) return "";
  EXPECT_TRUE(mapping.status().IsInvalidArgument()) << mapping.status().ToString();
  return std::string(mapping.status().message());
}

std::vector<std::string> Names(const ColumnMapping& m) {
  std::vector<std::string> out;
  for (const MappedColumn& c : m.columns) out.push_back(c.name);
  return out;
}

std::vector<std::optional<size_t>> Sources(const ColumnMapping& m) {
  std::vector<std::optional<size_t>> out;
  for (const MappedColumn& c : m.columns) out.push_back(c.source);
  return out;
}

constexpr std::optional<size_t> kNone = std::nullopt;

TEST(ColumnMappingTest, UnchangedColumnsMapOneToOne) {
  const ColumnMapping m = Map("ENGINE=InnoDB");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"id", "name", "qty", "note"}));
  EXPECT_EQ(m.old_to_new, (std::vector<std::optional<size_t>>{0, 1, 2, 3}));
  EXPECT_TRUE(m.dropped.empty());
  EXPECT_TRUE(m.OldOrderPreserved());
  EXPECT_TRUE(m.AddedOnlyAtEnd());
}

TEST(ColumnMappingTest, AddedColumnHasNoSourceAndIsNotCopied) {
  const ColumnMapping m = Map("ADD COLUMN created DATETIME");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"id", "name", "qty", "note", "created"}));
  EXPECT_EQ(Sources(m), (std::vector<std::optional<size_t>>{0, 1, 2, 3, kNone}));
  EXPECT_EQ(m.CopiedColumns().size(), 4u);
  EXPECT_TRUE(m.AddedOnlyAtEnd());
}

TEST(ColumnMappingTest, AddedColumnPositions) {
  EXPECT_EQ(Names(Map("ADD COLUMN x INT FIRST")),
            (std::vector<std::string>{"x", "id", "name", "qty", "note"}));
  EXPECT_EQ(Names(Map("ADD COLUMN x INT AFTER name")),
            (std::vector<std::string>{"id", "name", "x", "qty", "note"}));
  EXPECT_FALSE(Map("ADD COLUMN x INT AFTER name").AddedOnlyAtEnd());
  // Clause order: the second FIRST lands before the first.
  EXPECT_EQ(Names(Map("ADD x INT FIRST, ADD y INT FIRST")),
            (std::vector<std::string>{"y", "x", "id", "name", "qty", "note"}));
  // AFTER may name a column added by an earlier clause.
  EXPECT_EQ(Names(Map("ADD x INT, ADD y INT AFTER x")),
            (std::vector<std::string>{"id", "name", "qty", "note", "x", "y"}));
}

TEST(ColumnMappingTest, DroppedColumnDisappearsFromTheMapping) {
  const ColumnMapping m = Map("DROP COLUMN qty");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"id", "name", "note"}));
  EXPECT_EQ(m.dropped, (std::vector<size_t>{2}));
  EXPECT_EQ(m.old_to_new, (std::vector<std::optional<size_t>>{0, 1, kNone, 2}));
}

TEST(ColumnMappingTest, RenameKeepsTheSource) {
  for (const char* alter : {"RENAME COLUMN qty TO quantity", "CHANGE qty quantity INT"}) {
    const ColumnMapping m = Map(alter);
    EXPECT_EQ(Names(m), (std::vector<std::string>{"id", "name", "quantity", "note"})) << alter;
    EXPECT_EQ(m.columns[2].source, std::optional<size_t>(2));
    EXPECT_TRUE(m.columns[2].renamed);
    EXPECT_FALSE(m.columns[2].type_changed) << alter;  // int(11) and INT are the same type
  }
}

TEST(ColumnMappingTest, SwappingNamesIsAllowed) {
  const ColumnMapping m = Map("RENAME COLUMN name TO note, RENAME COLUMN note TO name");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"id", "note", "qty", "name"}));
  EXPECT_EQ(Sources(m), (std::vector<std::optional<size_t>>{0, 1, 2, 3}));
}

TEST(ColumnMappingTest, RetypeIsFlagged) {
  const ColumnMapping m =
      Map("MODIFY qty BIGINT NOT NULL, MODIFY name VARCHAR(50) NOT NULL DEFAULT ''");
  EXPECT_TRUE(m.columns[2].type_changed);
  EXPECT_TRUE(m.columns[2].redefined);
  EXPECT_FALSE(m.columns[1].type_changed);  // same type and (inherited) collation
  EXPECT_TRUE(m.columns[1].redefined);
  EXPECT_TRUE(Map("MODIFY name VARCHAR(50) COLLATE utf8mb4_bin").columns[1].type_changed);
  EXPECT_TRUE(Map("MODIFY name VARCHAR(80)").columns[1].type_changed);
}

TEST(ColumnMappingTest, ReorderMovesTheColumnAndKeepsItsSource) {
  const ColumnMapping m = Map("MODIFY note TEXT FIRST");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"note", "id", "name", "qty"}));
  EXPECT_EQ(m.old_to_new, (std::vector<std::optional<size_t>>{1, 2, 3, 0}));
  EXPECT_FALSE(m.OldOrderPreserved());
  const ColumnMapping after = Map("CHANGE id id INT NOT NULL AFTER qty");
  EXPECT_EQ(Names(after), (std::vector<std::string>{"name", "qty", "id", "note"}));
  // Moving a column to where it already is keeps the order.
  EXPECT_TRUE(Map("MODIFY qty INT AFTER name").OldOrderPreserved());
}

TEST(ColumnMappingTest, AfterUsesNewNames) {
  EXPECT_EQ(Names(Map("CHANGE name title VARCHAR(50), ADD z INT AFTER title")),
            (std::vector<std::string>{"id", "title", "z", "qty", "note"}));
  EXPECT_THAT(MapError("CHANGE name title VARCHAR(50), ADD z INT AFTER name"),
              HasSubstr("AFTER `name`"));
  EXPECT_THAT(MapError("MODIFY qty INT AFTER qty"), HasSubstr("cannot be placed after itself"));
}

TEST(ColumnMappingTest, DropThenAddTheSameNameGivesAFreshColumn) {
  const ColumnMapping m = Map("DROP COLUMN qty, ADD COLUMN qty BIGINT");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"id", "name", "note", "qty"}));
  EXPECT_EQ(m.columns[3].source, kNone);
  EXPECT_EQ(m.dropped, (std::vector<size_t>{2}));
}

TEST(ColumnMappingTest, NamesCompareCaseInsensitively) {
  const ColumnMapping m = Map("DROP COLUMN QTY, ADD x INT AFTER `NAME`, MODIFY Note MEDIUMTEXT");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"id", "name", "x", "note"}));
  EXPECT_EQ(MapError("ADD COLUMN ID INT"),
            "the new table would have two columns named `ID` (an added or renamed "
            "column collides with another one)");
}

TEST(ColumnMappingTest, BinlogRowImageMapsThroughOldToNew) {
  // An old-table row image, by old column index, becomes new-table values.
  const ColumnMapping m =
      Map("DROP COLUMN name, ADD COLUMN flag TINYINT FIRST, MODIFY note TEXT AFTER id");
  const std::vector<std::string> old_row = {"7", "widget", "3", "hello"};
  std::vector<std::string> new_row(m.columns.size(), "<default>");
  for (size_t old_index = 0; old_index < old_row.size(); ++old_index) {
    if (m.old_to_new[old_index]) new_row[*m.old_to_new[old_index]] = old_row[old_index];
  }
  EXPECT_EQ(Names(m), (std::vector<std::string>{"flag", "id", "note", "qty"}));
  EXPECT_EQ(new_row, (std::vector<std::string>{"<default>", "7", "hello", "3"}));
}

TEST(ColumnMappingTest, CopiedColumnsPairOldAndNewIndexes) {
  const ColumnMapping m = Map("ADD COLUMN flag TINYINT FIRST, RENAME COLUMN qty TO quantity");
  const std::vector<ColumnMapping::CopiedColumn> copied = m.CopiedColumns();
  ASSERT_EQ(copied.size(), 4u);
  EXPECT_EQ(copied[0].old_index, 0u);
  EXPECT_EQ(copied[0].new_index, 1u);
  EXPECT_EQ(copied[2].old_index, 2u);
  EXPECT_EQ(m.columns[copied[2].new_index].name, "quantity");
}

TEST(ColumnMappingTest, GeneratedColumnsAreNeverCopied) {
  TableInfo table = OrdersTable();
  table.columns[3].generated = true;
  const ColumnMapping m = Map("ADD COLUMN total INT AS (qty * 2) STORED", table);
  EXPECT_TRUE(m.columns[3].generated);
  EXPECT_TRUE(m.columns[4].generated);
  EXPECT_EQ(m.CopiedColumns().size(), 3u);
  // Turning a generated column into a plain one copies its current values.
  const ColumnMapping plain = Map("MODIFY note TEXT", table);
  EXPECT_FALSE(plain.columns[3].generated);
  EXPECT_EQ(plain.CopiedColumns().size(), 4u);
}

TEST(ColumnMappingTest, IfExistsAndIfNotExistsAreNoOpsWhenTheyApply) {
  EXPECT_EQ(Names(Map("DROP COLUMN IF EXISTS nope")),
            (std::vector<std::string>{"id", "name", "qty", "note"}));
  EXPECT_EQ(Names(Map("ADD COLUMN IF NOT EXISTS qty INT")),
            (std::vector<std::string>{"id", "name", "qty", "note"}));
  EXPECT_EQ(Names(Map("MODIFY COLUMN IF EXISTS nope INT")),
            (std::vector<std::string>{"id", "name", "qty", "note"}));
  EXPECT_THAT(MapError("ADD COLUMN IF NOT EXISTS qty INT, DROP COLUMN qty"),
              HasSubstr("ambiguous"));
}

TEST(ColumnMappingTest, UnknownColumnsAreErrors) {
  EXPECT_EQ(MapError("DROP COLUMN nope"), "'DROP COLUMN nope': the table has no column `nope`");
  EXPECT_THAT(MapError("MODIFY nope INT"), HasSubstr("no column `nope`"));
  EXPECT_THAT(MapError("CHANGE nope x INT"), HasSubstr("no column `nope`"));
  EXPECT_THAT(MapError("RENAME COLUMN nope TO x"), HasSubstr("no column `nope`"));
  EXPECT_THAT(MapError("ALTER COLUMN nope SET DEFAULT 1"), HasSubstr("no column `nope`"));
  EXPECT_THAT(MapError("ADD x INT AFTER nope"), HasSubstr("AFTER `nope`"));
}

TEST(ColumnMappingTest, ConflictingClausesAreErrors) {
  EXPECT_EQ(MapError("DROP COLUMN qty, MODIFY qty BIGINT"),
            "'DROP COLUMN qty' and 'MODIFY COLUMN qty BIGINT' both change column `qty`; combine "
            "them into one clause");
  EXPECT_THAT(MapError("CHANGE qty a INT, CHANGE qty b INT"),
              HasSubstr("both change column `qty`"));
  EXPECT_THAT(MapError("MODIFY qty BIGINT, ALTER COLUMN qty SET DEFAULT 1"),
              HasSubstr("both change column"));
  EXPECT_THAT(MapError("RENAME COLUMN qty TO a, DROP qty"), HasSubstr("both change column"));
  EXPECT_EQ(MapError("ADD x INT, ADD X BIGINT"), "column `X` is added twice");
  EXPECT_THAT(MapError("CHANGE qty name INT"), HasSubstr("two columns named `name`"));
  EXPECT_THAT(MapError("RENAME COLUMN qty TO note"), HasSubstr("two columns named `note`"));
}

TEST(ColumnMappingTest, DroppingEveryColumnIsAnError) {
  EXPECT_THAT(MapError("DROP id, DROP name, DROP qty, DROP note"), HasSubstr("drops every column"));
}

TEST(ColumnMappingTest, DuplicateColumnsInTheTableDescriptionAreRejected) {
  TableInfo table;
  table.columns = {Column("a", "int"), Column("A", "int")};
  EXPECT_THAT(MapError("ADD b INT", table), HasSubstr("lists column `A` twice"));
}

}  // namespace
}  // namespace osc::alter
