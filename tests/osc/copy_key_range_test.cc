// Key literals and range predicates of osc/copy/key_range.h. Expected SQL
// is written out by hand.
#include "osc/copy/key_range.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/osc/schema_test_util.h"

namespace osc::copy {
namespace {

using ::testing::HasSubstr;
using schema::testutil::Col;

KeySpec IntKey() { return KeySpec{{KeyColumn{"id", KeyKind::kInteger, "", ""}}, "PRIMARY", "PRIMARY"}; }

KeySpec CompositeKey() {
  return KeySpec{{KeyColumn{"a", KeyKind::kInteger, "", ""},
                  KeyColumn{"b", KeyKind::kText, "utf8mb4", "utf8mb4_general_ci"},
                  KeyColumn{"c", KeyKind::kTemporal, "", ""}},
                 "PRIMARY",
                 "PRIMARY"};
}

TEST(KeyRangeRenderTest, SingleColumnBoundsUseStrictOrInclusiveOperators) {
  const KeySpec key = IntKey();
  EXPECT_EQ(RenderLower(key, Bound{{"5"}, false}), "`id` > 5");
  EXPECT_EQ(RenderLower(key, Bound{{"5"}, true}), "`id` >= 5");
  EXPECT_EQ(RenderUpper(key, Bound{{"-9"}, true}), "`id` <= -9");
  EXPECT_EQ(RenderUpper(key, Bound{{"-9"}, false}), "`id` < -9");
}

TEST(KeyRangeRenderTest, CompositeLowerBoundExpandsToOrOfPrefixes) {
  const KeySpec key = CompositeKey();
  const KeyValue v = {"1", "_utf8mb4 X'78' COLLATE utf8mb4_general_ci", "'2024-01-02 03:04:05.500'"};
  EXPECT_EQ(RenderLower(key, Bound{v, false}),
            "`a` >= 1 AND ((`a` > 1) OR (`a` = 1 AND `b` > _utf8mb4 X'78' COLLATE utf8mb4_general_ci) OR "
            "(`a` = 1 AND `b` = _utf8mb4 X'78' COLLATE utf8mb4_general_ci AND `c` > '2024-01-02 03:04:05.500'))");
}

TEST(KeyRangeRenderTest, CompositeInclusiveUpperBoundRelaxesOnlyTheLastColumn) {
  const KeySpec key{{KeyColumn{"a", KeyKind::kInteger, "", ""}, KeyColumn{"b", KeyKind::kInteger, "", ""}},
                    "k",
                    "k"};
  EXPECT_EQ(RenderUpper(key, Bound{{"7", "8"}, true}), "`a` <= 7 AND ((`a` < 7) OR (`a` = 7 AND `b` <= 8))");
  EXPECT_EQ(RenderUpper(key, Bound{{"7", "8"}, false}), "`a` <= 7 AND ((`a` < 7) OR (`a` = 7 AND `b` < 8))");
}

TEST(KeyRangeRenderTest, RangeJoinsBothEndsAndOpenEndsDisappear) {
  const KeySpec key = IntKey();
  EXPECT_EQ(RenderRange(key, KeyRange{Bound{{"1"}, false}, Bound{{"10"}, true}}), "(`id` > 1) AND (`id` <= 10)");
  EXPECT_EQ(RenderRange(key, KeyRange{std::nullopt, Bound{{"10"}, true}}), "(`id` <= 10)");
  EXPECT_EQ(RenderRange(key, KeyRange{Bound{{"1"}, true}, std::nullopt}), "(`id` >= 1)");
  EXPECT_EQ(RenderRange(key, KeyRange{}), "");
}

TEST(KeyRangeRenderTest, QuotesKeyColumnNames) {
  const KeySpec key{{KeyColumn{"we`ird", KeyKind::kInteger, "", ""}}, "PRIMARY", "PRIMARY"};
  EXPECT_EQ(RenderLower(key, Bound{{"3"}, false}), "`we``ird` > 3");
}

TEST(KeyRangeRenderTest, FlipTurnsAnUpperEndIntoTheNextLowerEnd) {
  const Bound b = Flip(Bound{{"4"}, true});
  EXPECT_EQ(b.value, KeyValue{"4"});
  EXPECT_FALSE(b.inclusive);
  EXPECT_TRUE(Flip(b).inclusive);
}

TEST(KeyLiteralTest, TextKeyBecomesHexWithCharsetAndCollation) {
  const KeySpec key = CompositeKey();
  const db::Row row = {std::string("-3"), std::string("C3A9"), std::string("2024-01-02 03:04:05.500")};
  Result<KeyValue> v = KeyValueFromRow(key, row);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, (KeyValue{"-3", "_utf8mb4 X'C3A9' COLLATE utf8mb4_general_ci", "'2024-01-02 03:04:05.500'"}));
}

TEST(KeyLiteralTest, BinaryKeyAndEmptyStringBecomeBinaryHexLiterals) {
  const KeySpec key{{KeyColumn{"h", KeyKind::kBinary, "", ""}, KeyColumn{"s", KeyKind::kText, "latin1", "latin1_bin"}},
                    "u",
                    "u"};
  Result<KeyValue> v = KeyValueFromRow(key, db::Row{std::string("00FF"), std::string("")});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, (KeyValue{"_binary X'00FF'", "_latin1 X'' COLLATE latin1_bin"}));
}

TEST(KeyLiteralTest, NullKeyCellIsCorruption) {
  Result<KeyValue> v = KeyValueFromRow(IntKey(), db::Row{std::nullopt});
  ASSERT_FALSE(v.ok());
  EXPECT_TRUE(v.status().IsCorruption());
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("NULL"));
}

TEST(KeyLiteralTest, UnexpectedCellTextIsCorruption) {
  EXPECT_TRUE(KeyValueFromRow(IntKey(), db::Row{std::string("1 OR 1=1")}).status().IsCorruption());
  const KeySpec text{{KeyColumn{"s", KeyKind::kText, "utf8mb4", "utf8mb4_bin"}}, "PRIMARY", "PRIMARY"};
  EXPECT_TRUE(KeyValueFromRow(text, db::Row{std::string("ABC")}).status().IsCorruption());  // odd hex
  EXPECT_TRUE(KeyValueFromRow(text, db::Row{std::string("4G")}).status().IsCorruption());
  EXPECT_TRUE(KeyValueFromRow(IntKey(), db::Row{}).status().IsCorruption());  // too few cells
}

TEST(KeyLiteralTest, ValidationRejectsAnythingButTheLiteralShapes) {
  const KeySpec key = CompositeKey();
  const std::string text = "_utf8mb4 X'61' COLLATE utf8mb4_general_ci";
  EXPECT_TRUE(ValidateKeyValue(key, {"1", text, "'2024-01-01'"}).ok());
  EXPECT_FALSE(ValidateKeyValue(key, {"1", text}).ok());  // too few parts
  EXPECT_FALSE(ValidateKeyValue(key, {"1; DROP TABLE t", text, "'2024-01-01'"}).ok());
  EXPECT_FALSE(ValidateKeyValue(key, {"1", "_utf8mb4 X'61' COLLATE latin1_bin", "'2024-01-01'"}).ok());
  EXPECT_FALSE(ValidateKeyValue(key, {"1", "'a'", "'2024-01-01'"}).ok());
  EXPECT_FALSE(ValidateKeyValue(key, {"1", text, "'x' OR '1'='1'"}).ok());
  const KeySpec dec{{KeyColumn{"d", KeyKind::kDecimal, "", ""}}, "PRIMARY", "PRIMARY"};
  EXPECT_TRUE(ValidateKeyValue(dec, {"-12.50"}).ok());
  EXPECT_FALSE(ValidateKeyValue(dec, {"12."}).ok());
  EXPECT_FALSE(ValidateRange(IntKey(), KeyRange{Bound{{"1"}, true}, Bound{{"x"}, true}}).ok());
}

TEST(KeySpecTest, KindsFollowColumnTypes) {
  schema::TableSchema t = schema::testutil::Table(
      {Col("id", "bigint(20)"), Col("name", "varchar(20)"), Col("kind", "enum('b','a')"), Col("at", "datetime(3)"),
       Col("h", "varbinary(8)")},
      {});
  schema::ChunkKey k;
  k.index_name = "u";
  k.columns = {"name", "kind", "id", "at", "h"};
  k.old_column_indexes = {1, 2, 0, 3, 4};
  Result<KeySpec> spec = MakeKeySpec(t, k);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->columns.size(), 5u);
  EXPECT_EQ(spec->columns[0].kind, KeyKind::kText);
  EXPECT_EQ(spec->columns[0].collation, "utf8mb4_general_ci");
  EXPECT_EQ(spec->columns[1].kind, KeyKind::kOrdinal);
  EXPECT_EQ(spec->columns[2].kind, KeyKind::kInteger);
  EXPECT_EQ(spec->columns[3].kind, KeyKind::kTemporal);
  EXPECT_EQ(spec->columns[4].kind, KeyKind::kBinary);
  EXPECT_EQ(spec->shadow_index_name, "u");  // not renamed
  // ENUM is read as its number, text and binary as hex.
  EXPECT_EQ(KeySelectList(*spec), "HEX(`name`), `kind`+0, `id`, `at`, HEX(`h`)");
  EXPECT_EQ(KeyOrderBy(*spec, true), "`name` DESC, `kind` DESC, `id` DESC, `at` DESC, `h` DESC");
}

TEST(KeySpecTest, UnchunkableTypeIsNotSupported) {
  schema::TableSchema t = schema::testutil::Table({Col("doc", "json")}, {});
  schema::ChunkKey k;
  k.index_name = "PRIMARY";
  k.columns = {"doc"};
  k.old_column_indexes = {0};
  EXPECT_TRUE(MakeKeySpec(t, k).status().IsNotSupported());
  k.old_column_indexes = {3};
  EXPECT_TRUE(MakeKeySpec(t, k).status().IsInvalidArgument());
}

TEST(KeyRangeDescribeTest, NamesBothEndsAndOpenEnds) {
  EXPECT_EQ(DescribeRange(KeyRange{Bound{{"1", "2"}, false}, Bound{{"5", "0"}, true}}), "(1, 2) < key <= (5, 0)");
  EXPECT_EQ(DescribeRange(KeyRange{std::nullopt, Bound{{"5"}, false}}), "key < (5)");
  EXPECT_EQ(DescribeRange(KeyRange{}), "key (whole table)");
}

}  // namespace
}  // namespace osc::copy
