#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osc/schema/names.h"
#include "osc/schema/table_schema.h"
#include "tests/osc/schema_test_util.h"

namespace osc::schema {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testutil::Col;
using testutil::Idx;
using testutil::Table;

TEST(HelperNamesTest, AppendsTheDocumentedSuffixes) {
  Result<HelperTableNames> names = HelperNamesFor("orders");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(names->shadow, "_orders_osc_new");
  EXPECT_EQ(names->changelog, "_orders_osc_log");
  EXPECT_EQ(names->old, "_orders_osc_old");
}

TEST(HelperNamesTest, AnOldTableAndAChangelogWithoutTheShadowAreAnUnconfirmedSwap) {
  EXPECT_TRUE(IsUnconfirmedSwap({false, true, true, std::nullopt}));
  EXPECT_TRUE(IsUnconfirmedSwap({false, true, true, std::string("stopped (swap incomplete)")}));
  EXPECT_TRUE(IsUnconfirmedSwap({false, true, true, std::string("stopped (swap unconfirmed)")}));
  EXPECT_TRUE(IsUnconfirmedSwap({false, true, true, std::string("cutting-over")}));
  // The run confirmed the swap and stopped before dropping its changelog.
  EXPECT_FALSE(IsUnconfirmedSwap({false, true, true, std::string("stopped (swap confirmed)")}));
  // The shadow is still there: the RENAME never ran.
  EXPECT_FALSE(IsUnconfirmedSwap({true, true, true, std::nullopt}));
  // No changelog: an old table kept after a confirmed migration.
  EXPECT_FALSE(IsUnconfirmedSwap({false, false, true, std::nullopt}));
  EXPECT_FALSE(IsUnconfirmedSwap({false, true, false, std::nullopt}));
}

TEST(HelperNamesTest, FiftyFiveCharactersFitAndFiftySixDoNot) {
  Result<HelperTableNames> fits = HelperNamesFor(std::string(55, 'a'));
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(fits->shadow.size(), 64u);

  Result<HelperTableNames> too_long = HelperNamesFor(std::string(56, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_TRUE(too_long.status().IsInvalidArgument());
  const std::string message(too_long.status().message());
  EXPECT_THAT(message, HasSubstr("is 56 characters long"));
  EXPECT_THAT(message, HasSubstr("limited to 64"));
  EXPECT_THAT(message, HasSubstr("at most 55 characters"));
}

TEST(HelperNamesTest, CountsCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 55; ++i) name += "\xC3\xA9";  // U+00E9, two bytes each
  EXPECT_TRUE(HelperNamesFor(name).ok());
  name += "\xC3\xA9";
  Result<HelperTableNames> too_long = HelperNamesFor(name);
  ASSERT_FALSE(too_long.ok());
  EXPECT_THAT(std::string(too_long.status().message()), HasSubstr("is 56 characters long"));
}

TEST(HelperNamesTest, KeepsBackticksAndSpacesInTheName) {
  Result<HelperTableNames> names = HelperNamesFor("my `odd` table");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->shadow, "_my `odd` table_osc_new");
}

TEST(HelperNamesTest, RejectsNamesTheServerCannotHold) {
  EXPECT_FALSE(HelperNamesFor("").ok());
  EXPECT_FALSE(HelperNamesFor(std::string("a\0b", 3)).ok());
}

TEST(EnumMembersTest, UndoesTheServersQuotingExactly) {
  // COLUMN_TYPE as MariaDB 10.11 printed it for
  //   enum('a''b','c,d','x\\y','q"r',' sp','tab<TAB>here','nl\nx','ünï','')
  const std::string column_type =
      "enum('a''b','c,d','x\\\\y','q\"r',' sp','tab\there','nl\\nx','\xC3\xBCn\xC3\xAF','')";
  Result<std::vector<std::string>> members = ParseEnumMembers(column_type);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  EXPECT_THAT(*members, ElementsAre("a'b", "c,d", "x\\y", "q\"r", " sp", "tab\there", "nl\nx",
                                    "\xC3\xBCn\xC3\xAF", ""));
}

TEST(EnumMembersTest, ReadsSetTypesAndUpperCase) {
  Result<std::vector<std::string>> members = ParseEnumMembers("SET('it''s','b')");
  ASSERT_TRUE(members.ok());
  EXPECT_THAT(*members, ElementsAre("it's", "b"));
}

TEST(EnumMembersTest, RejectsMalformedTypes) {
  EXPECT_FALSE(ParseEnumMembers("int(11)").ok());
  EXPECT_FALSE(ParseEnumMembers("enum('a'").ok());
  EXPECT_FALSE(ParseEnumMembers("enum('a','b").ok());
  EXPECT_FALSE(ParseEnumMembers("enum(a)").ok());
  EXPECT_FALSE(ParseEnumMembers("enum('a' 'b')").ok());
}

TEST(ToAlterTableInfoTest, CarriesColumnsIndexFlagsAndTableFacts) {
  Column g = Col("g", "int(11)", true);
  g.generated = GeneratedKind::kStored;
  TableSchema t = Table({Col("id", "int(11)"), Col("body", "text", true), g},
                        {Idx("PRIMARY", true, {{"id"}}), Idx("ft", false, {{"body"}}, IndexKind::kFulltext)});
  t.row_format = "Compact";
  t.default_charset.clear();  // derived from the collation when missing
  ForeignKey child;
  child.name = "fk";
  t.referencing_foreign_keys.push_back(child);

  const alter::TableInfo info = ToAlterTableInfo(t);
  ASSERT_EQ(info.columns.size(), 3u);
  EXPECT_EQ(info.columns[1].name, "body");
  EXPECT_EQ(info.columns[1].type, "text");
  EXPECT_EQ(info.columns[1].collation, "utf8mb4_general_ci");
  EXPECT_TRUE(info.columns[1].nullable);
  EXPECT_TRUE(info.columns[0].indexed);
  EXPECT_TRUE(info.columns[1].indexed);
  EXPECT_FALSE(info.columns[2].indexed);
  EXPECT_TRUE(info.columns[2].generated);
  EXPECT_TRUE(info.has_fulltext_index);
  EXPECT_TRUE(info.referenced_by_foreign_keys);
  EXPECT_EQ(info.row_format, alter::RowFormat::kCompact);
  EXPECT_EQ(info.default_charset, "utf8mb4");
}

TEST(TableSchemaTest, FindsColumnsCaseInsensitively) {
  const TableSchema t = Table({Col("Id", "int(11)"), Col("Name", "varchar(10)")}, {Idx("PRIMARY", true, {{"Id"}})});
  ASSERT_NE(t.FindColumn("name"), nullptr);
  EXPECT_EQ(t.FindColumn("name")->name, "Name");
  EXPECT_EQ(t.ColumnIndex("ID"), 0u);
  EXPECT_EQ(t.FindColumn("missing"), nullptr);
  ASSERT_NE(t.PrimaryKey(), nullptr);
  EXPECT_EQ(t.PrimaryKey()->name, "PRIMARY");
}

}  // namespace
}  // namespace osc::schema
