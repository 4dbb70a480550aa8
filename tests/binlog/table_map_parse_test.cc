// TABLE_MAP: per-type metadata, every optional-metadata TLV, server bytes,
// corruption, and the TableMapCache.
#include <gtest/gtest.h>

#include <string>

#include "binlog/table_map.h"
#include "tests/support/row_encoder.h"

namespace osc::binlog {
namespace {

using testing::ByteVec;
using testing::TableMapBuilder;

Bytes B(const ByteVec& v) { return Bytes(v.data(), v.size()); }

std::shared_ptr<const TableMap> ParseOk(const ByteVec& body, ServerFlavor flavor = ServerFlavor::kMySql,
                                        uint8_t post_header_len = 8) {
  auto r = TableMap::Parse(B(body), post_header_len, flavor);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

ByteVec FromHex(std::string_view hex) {
  ByteVec out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(TableMapTest, DecodesTheMetadataOfEveryColumnType) {
  TableMapBuilder b(42, "db", "t");
  b.Add(testing::IntCol(1)).Add(testing::IntCol(2)).Add(testing::IntCol(9)).Add(testing::IntCol(3));
  b.Add(testing::IntCol(8)).Add(testing::FloatCol()).Add(testing::DoubleCol());
  b.Add(testing::DecimalCol(65, 30)).Add(testing::PlainCol(13)).Add(testing::PlainCol(10));
  b.Add(testing::Temporal2Col(17, 6)).Add(testing::Temporal2Col(18, 3)).Add(testing::Temporal2Col(19, 0));
  b.Add(testing::VarcharCol(255)).Add(testing::VarcharCol(256)).Add(testing::CharCol(800));
  b.Add(testing::EnumCol(2)).Add(testing::SetCol(8)).Add(testing::BitCol(1)).Add(testing::BitCol(64));
  b.Add(testing::BlobCol(1)).Add(testing::BlobCol(4, 245)).Add(testing::BlobCol(4, 255));
  b.Add(testing::BlobCol(4, 242)).Add(testing::PlainCol(6)).Add(testing::BlobCol(2, 140));
  b.Add(testing::VarcharCol(1001, 141));
  auto map = ParseOk(b.Body());
  ASSERT_NE(map, nullptr);
  ASSERT_EQ(map->column_count(), 27u);
  auto col = [&](size_t i) { return map->columns()[i].meta; };
  EXPECT_EQ(col(0).fixed_size, 1);
  EXPECT_EQ(col(2).fixed_size, 3);
  EXPECT_EQ(col(4).fixed_size, 8);
  EXPECT_EQ(col(5).layout, ValueLayout::kFloat);
  EXPECT_EQ(col(7).precision, 65);
  EXPECT_EQ(col(7).scale, 30);
  EXPECT_EQ(col(7).fixed_size, 30);
  EXPECT_EQ(col(8).layout, ValueLayout::kYear);
  EXPECT_EQ(col(10).fixed_size, 4 + 3);  // TIMESTAMP2(6)
  EXPECT_EQ(col(11).fixed_size, 5 + 2);  // DATETIME2(3)
  EXPECT_EQ(col(11).scale, 3);
  EXPECT_EQ(col(12).fixed_size, 3);      // TIME2(0)
  EXPECT_EQ(col(13).length_size, 1);     // VARCHAR max 255 bytes
  EXPECT_EQ(col(14).length_size, 2);     // VARCHAR max 256 bytes
  EXPECT_EQ(col(15).real_type, ColumnType::kString);
  EXPECT_EQ(col(15).max_length, 800u);   // CHAR(200) utf8mb4: bits 8-9 in byte 0
  EXPECT_EQ(col(15).length_size, 2);
  EXPECT_EQ(col(16).real_type, ColumnType::kEnum);
  EXPECT_EQ(col(16).fixed_size, 2);
  EXPECT_EQ(col(17).real_type, ColumnType::kSet);
  EXPECT_EQ(col(17).fixed_size, 8);
  EXPECT_EQ(col(18).bits, 1);
  EXPECT_EQ(col(18).fixed_size, 1);
  EXPECT_EQ(col(19).bits, 64);
  EXPECT_EQ(col(19).fixed_size, 8);
  EXPECT_EQ(col(20).length_size, 1);
  EXPECT_EQ(col(21).type, ColumnType::kJson);
  EXPECT_EQ(col(22).type, ColumnType::kGeometry);
  EXPECT_EQ(col(23).type, ColumnType::kVector);
  EXPECT_EQ(col(24).layout, ValueLayout::kNullType);
  EXPECT_EQ(col(25).length_size, 2);
  EXPECT_EQ(col(26).max_length, 1001u);
  EXPECT_EQ(map->json_column_count(), 1u);
}

TEST(TableMapTest, ReadsHeaderNullBitmapAndShortTableId) {
  TableMapBuilder b(0x01020304, "schema_name", "table_name");
  testing::ColumnSpec not_null = testing::IntCol(3);
  not_null.nullable = false;
  b.Add(not_null).Add(testing::IntCol(3));
  auto map = ParseOk(b.Body(6), ServerFlavor::kMySql, 6);
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->table_id(), 0x01020304u);
  EXPECT_EQ(map->schema(), "schema_name");
  EXPECT_EQ(map->table(), "table_name");
  EXPECT_FALSE(map->columns()[0].nullable);
  EXPECT_TRUE(map->columns()[1].nullable);
  EXPECT_EQ(map->optional_metadata_mask(), 0u);
}

// CREATE TABLE t1 (f1 INT UNSIGNED INVISIBLE, f2 INT UNSIGNED INVISIBLE,
// f3 INT, f4 TEXT, f5 BLOB, f6 BIGINT UNSIGNED INVISIBLE) on MySQL 8.0.26:
// the fixture README gives SIGNEDNESS d0, COLUMN_CHARSET fc ff 00 3f and
// COLUMN_VISIBILITY 38, both bitmaps most significant bit first.
TEST(TableMapTest, SignednessAndVisibilityAreMostSignificantBitFirst) {
  TableMapBuilder b(1, "test", "t1");
  b.Add(testing::IntCol(3)).Add(testing::IntCol(3)).Add(testing::IntCol(3));
  b.Add(testing::BlobCol(2)).Add(testing::BlobCol(2)).Add(testing::IntCol(8));
  b.Tlv(1, {0xd0}).Tlv(3, {0xfc, 0xff, 0x00, 0x3f});
  b.Tlv(4, testing::LenencStrings({"f1", "f2", "f3", "f4", "f5", "f6"})).Tlv(12, {0x38});
  auto map = ParseOk(b.Body());
  ASSERT_NE(map, nullptr);
  const auto c = map->columns();
  EXPECT_EQ(c[0].signedness, Signedness::kUnsigned);
  EXPECT_EQ(c[1].signedness, Signedness::kUnsigned);
  EXPECT_EQ(c[2].signedness, Signedness::kSigned);
  EXPECT_EQ(c[3].signedness, Signedness::kUnknown);  // TEXT is not numeric
  EXPECT_EQ(c[5].signedness, Signedness::kUnsigned);
  EXPECT_EQ(c[3].collation, 255u);
  EXPECT_EQ(c[4].collation, 63u);
  EXPECT_EQ(c[0].collation, 0u);
  const bool visible[] = {false, false, true, true, true, false};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(c[i].visible.has_value());
    EXPECT_EQ(*c[i].visible, visible[i]) << i;
  }
  EXPECT_EQ(c[4].name, "f5");
  EXPECT_TRUE(map->warnings().empty());
}

TEST(TableMapTest, ParsesEveryOptionalMetadataField) {
  TableMapBuilder b(7, "d", "t");
  b.Add(testing::IntCol(8)).Add(testing::VarcharCol(40)).Add(testing::EnumCol(1)).Add(testing::SetCol(1));
  b.Add(testing::BlobCol(4, 255)).Add(testing::CharCol(10)).Add(testing::BlobCol(4, 242));
  b.Add(testing::EnumCol(2));
  b.Tlv(1, testing::MsbBitmap({true}));
  // DEFAULT_CHARSET: default 45; character columns are VARCHAR, CHAR and
  // VECTOR (not ENUM, SET or, on MySQL, GEOMETRY): #1 (the CHAR) is 8.
  ByteVec dc = testing::PackedInt(45);
  for (auto v : {testing::PackedInt(1), testing::PackedInt(8)}) dc.insert(dc.end(), v.begin(), v.end());
  b.Tlv(2, dc);
  b.Tlv(4, testing::LenencStrings({"id", "name", "e", "s", "g", "c", "v", "e2"}));
  ByteVec sets = testing::PackedInt(2);
  const ByteVec set_names = testing::LenencStrings({"x", "y"});
  sets.insert(sets.end(), set_names.begin(), set_names.end());
  b.Tlv(5, sets);
  ByteVec enums = testing::PackedInt(3);
  const ByteVec e1 = testing::LenencStrings({"a", "b", "c"});
  enums.insert(enums.end(), e1.begin(), e1.end());
  const ByteVec e2_count = testing::PackedInt(1);
  enums.insert(enums.end(), e2_count.begin(), e2_count.end());
  const ByteVec e2 = testing::LenencStrings({"only"});
  enums.insert(enums.end(), e2.begin(), e2.end());
  b.Tlv(6, enums);
  b.Tlv(7, {1});                    // GEOMETRY_TYPE: POINT
  b.Tlv(8, {0});                    // SIMPLE_PRIMARY_KEY: id
  b.Tlv(9, {1, 10, 0, 0});          // PRIMARY_KEY_WITH_PREFIX: name(10), id
  b.Tlv(10, {33});                  // ENUM_AND_SET_DEFAULT_CHARSET
  b.Tlv(11, {8, 9, 33});            // ENUM_AND_SET_COLUMN_CHARSET
  b.Tlv(13, {3});                   // VECTOR_DIMENSIONALITY
  b.Tlv(200, {1, 2, 3});            // a TLV newer than osc: skipped
  b.Tlv(12, testing::MsbBitmap({true, true, true, true, true, true, true, false}));
  auto map = ParseOk(b.Body());
  ASSERT_NE(map, nullptr);
  const auto c = map->columns();
  EXPECT_EQ(c[0].signedness, Signedness::kUnsigned);
  EXPECT_EQ(c[1].collation, 45u);
  EXPECT_EQ(c[5].collation, 8u);   // pair (1, 8): second character column
  EXPECT_EQ(c[6].collation, 45u);  // VECTOR counts as character on MySQL 9
  ASSERT_EQ(c[2].enum_values.size(), 3u);
  EXPECT_EQ(c[2].enum_values[2], "c");
  ASSERT_EQ(c[7].enum_values.size(), 1u);
  EXPECT_EQ(c[7].enum_values[0], "only");
  ASSERT_EQ(c[3].enum_values.size(), 2u);
  EXPECT_EQ(c[3].enum_values[1], "y");
  EXPECT_EQ(c[4].geometry_type, 1u);
  EXPECT_EQ(c[6].vector_dimensions, 3u);
  ASSERT_EQ(map->primary_key().size(), 2u);
  EXPECT_EQ(map->primary_key()[0].column, 1u);
  EXPECT_EQ(map->primary_key()[0].prefix, 10u);
  EXPECT_EQ(c[2].collation, 8u);   // ENUM_AND_SET_COLUMN_CHARSET wins (later)
  EXPECT_EQ(c[3].collation, 9u);
  EXPECT_EQ(c[7].collation, 33u);
  EXPECT_FALSE(*c[7].visible);
  EXPECT_EQ(c[7].name, "e2");
  EXPECT_TRUE(map->HasOptionalMetadata(OptionalMetadataType::kVectorDimensionality));
  EXPECT_TRUE(map->warnings().empty());
}

// The TABLE_MAP MariaDB 10.11.19 wrote (binlog_row_metadata=FULL) for
// CREATE TABLE wide (id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED,
// yr YEAR, g GEOMETRY, p POINT, ip INET6, u UUID, v VARCHAR(10) latin1,
// vc VARCHAR(100) COMPRESSED, bc BLOB COMPRESSED, e ENUM('a','b') latin1,
// s SET('x','y'), t TEXT, dt DATETIME(3), tm TIME(2), ts TIMESTAMP(6) NULL,
// bi BIGINT UNSIGNED, f FLOAT, dbl DOUBLE, dec1 DECIMAL(10,3) UNSIGNED,
// b BIT(5), j JSON) in a latin1 database.
constexpr std::string_view kMariaWideTableMap =
    "120000000000010002643200047769646500170301010dfffffefe0f8d8cfefefc121311080405f610fc1a0404fe"
    "10fe100a00650002f701f8010203020604080a03050004feff7f01013902093f040805080708082e07020001043e"
    "026964027469027475027972016701700269700175017602766302626301650173017402647402746d0274730262"
    "6901660364626c04646563310162016a0a01080505020178017906050201610162080100";

TEST(TableMapTest, DecodesMariaDbFullMetadataAsRecorded) {
  auto map = ParseOk(FromHex(kMariaWideTableMap), ServerFlavor::kMariaDb);
  ASSERT_NE(map, nullptr);
  ASSERT_EQ(map->column_count(), 23u);
  EXPECT_EQ(map->table_id(), 0x12u);
  const auto c = map->columns();
  EXPECT_EQ(c[6].meta.real_type, ColumnType::kString);  // INET6: BINARY(16)
  EXPECT_EQ(c[6].meta.max_length, 16u);
  EXPECT_EQ(c[6].collation, 63u);
  EXPECT_EQ(c[9].meta.type, ColumnType::kMariaVarcharCompressed);
  EXPECT_EQ(c[10].meta.type, ColumnType::kMariaBlobCompressed);
  // SIGNEDNESS 0x39 covers YEAR on MariaDB: tu, yr, bi, dec1 unsigned.
  EXPECT_EQ(c[1].signedness, Signedness::kSigned);
  EXPECT_EQ(c[2].signedness, Signedness::kUnsigned);
  EXPECT_EQ(c[3].signedness, Signedness::kUnsigned);
  EXPECT_EQ(c[17].signedness, Signedness::kUnsigned);
  EXPECT_EQ(c[18].signedness, Signedness::kSigned);
  EXPECT_EQ(c[20].signedness, Signedness::kUnsigned);
  // DEFAULT_CHARSET counts GEOMETRY and compressed columns as character.
  EXPECT_EQ(c[4].collation, 63u);
  EXPECT_EQ(c[8].collation, 8u);    // latin1_swedish_ci
  EXPECT_EQ(c[13].collation, 8u);   // TEXT in the latin1 table
  EXPECT_EQ(c[22].collation, 46u);  // JSON = LONGTEXT utf8mb4_bin
  EXPECT_EQ(c[11].collation, 8u);   // ENUM_AND_SET_DEFAULT_CHARSET
  EXPECT_EQ(c[4].geometry_type, 0u);
  EXPECT_EQ(c[5].geometry_type, 1u);
  ASSERT_EQ(c[12].enum_values.size(), 2u);
  EXPECT_EQ(c[12].enum_values[0], "x");
  EXPECT_EQ(c[11].enum_values[1], "b");
  EXPECT_EQ(c[22].name, "j");
  ASSERT_EQ(map->primary_key().size(), 1u);
  EXPECT_EQ(map->primary_key()[0].column, 0u);
  EXPECT_TRUE(map->warnings().empty());
}

TEST(TableMapTest, TlvThatDoesNotFitTheColumnsIsIgnoredWithAWarning) {
  // Read as MySQL, the MariaDB map's DEFAULT_CHARSET names character column
  // 8, but MySQL counts only 5 character columns there.
  auto map = ParseOk(FromHex(kMariaWideTableMap), ServerFlavor::kMySql);
  ASSERT_NE(map, nullptr);
  ASSERT_FALSE(map->warnings().empty());
  EXPECT_NE(map->warnings()[0].find("DEFAULT_CHARSET"), std::string::npos);
  EXPECT_EQ(map->columns()[13].collation, 0u);
  // Too many SIGNEDNESS bytes for one numeric column.
  TableMapBuilder b(1, "d", "t");
  b.Add(testing::IntCol(3)).Tlv(1, {0x80, 0x00});
  auto m2 = ParseOk(b.Body());
  ASSERT_NE(m2, nullptr);
  EXPECT_EQ(m2->columns()[0].signedness, Signedness::kUnknown);
  EXPECT_EQ(m2->warnings().size(), 1u);
}

TEST(TableMapTest, InconsistentBodiesAreCorruption) {
  TableMapBuilder b(1, "d", "t");
  b.Add(testing::VarcharCol(10)).Add(testing::IntCol(3));
  ByteVec body = b.Body();
  // Metadata length says 3 where VARCHAR + LONG need 2.
  const size_t meta_len_pos = 6 + 2 + 3 + 3 + 1 + 2;
  ASSERT_EQ(body[meta_len_pos], 2);
  body[meta_len_pos] = 3;
  EXPECT_TRUE(TableMap::Parse(B(body), 8).status().IsCorruption());
  // A TLV longer than the rest of the body.
  TableMapBuilder t(1, "d", "t");
  t.Add(testing::IntCol(3));
  ByteVec tb = t.Body();
  tb.push_back(4);
  tb.push_back(10);
  tb.push_back('x');
  EXPECT_TRUE(TableMap::Parse(B(tb), 8).status().IsCorruption());
}

// A multi-valued index adds a hidden TYPED_ARRAY column: element type byte
// plus the element's own metadata. The columns after it must still line up.
TEST(TableMapTest, TypedArrayMetadataIsSkippedByItsElementType) {
  TableMapBuilder b(1, "d", "t");
  b.Add(testing::IntCol(3)).Add(testing::ColumnSpec{20, {15, 0x28, 0x00}, true});
  b.Add(testing::ColumnSpec{20, {8}, true}).Add(testing::VarcharCol(300));
  auto map = ParseOk(b.Body());
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->columns()[1].meta.type, ColumnType::kTypedArray);
  EXPECT_EQ(map->columns()[1].meta.layout, ValueLayout::kUnsupported);
  EXPECT_EQ(map->columns()[3].meta.max_length, 300u);
  TableMapBuilder nested(1, "d", "t");
  nested.Add(testing::ColumnSpec{20, {20, 8}, true});
  EXPECT_TRUE(TableMap::Parse(B(nested.Body()), 8).status().IsCorruption());
}

TEST(TableMapTest, UnknownColumnTypeIsNotSupported) {
  TableMapBuilder b(1, "d", "t");
  b.Add(testing::PlainCol(100));
  EXPECT_TRUE(TableMap::Parse(B(b.Body()), 8).status().IsNotSupported());
}

TEST(TableMapTest, EveryTruncationOrFlipIsAnErrorOrAConsistentMap) {
  const ByteVec body = FromHex(kMariaWideTableMap);
  const size_t tlv_start = body.size() - 0x6c;  // TLVs: the last 108 bytes
  for (size_t n = 0; n < body.size(); ++n) {
    auto r = TableMap::Parse(Bytes(body.data(), n), 8, ServerFlavor::kMariaDb);
    if (n < tlv_start) {
      EXPECT_FALSE(r.ok()) << "prefix " << n;
    }
  }
  for (size_t i = 0; i < body.size(); ++i) {
    for (const uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      ByteVec copy = body;
      copy[i] ^= mask;
      auto r = TableMap::Parse(B(copy), 8, ServerFlavor::kMariaDb);
      if (r.ok()) {
        EXPECT_GT((*r)->column_count(), 0u);
      }
    }
  }
}

TEST(TableMapCacheTest, KeepsTheLatestMapPerTableIdAndReusesIdenticalOnes) {
  TableMapCache cache(ServerFlavor::kMySql, 3);
  const ByteVec v1 = TableMapBuilder(5, "d", "t").Add(testing::IntCol(3)).Body();
  const ByteVec v2 = TableMapBuilder(5, "d", "t").Add(testing::IntCol(3)).Add(testing::IntCol(8)).Body();
  auto a = cache.Update(B(v1), 8);
  ASSERT_TRUE(a.ok());
  auto again = cache.Update(B(v1), 8);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(a->get(), again->get());  // identical bytes: not re-parsed
  auto b = cache.Update(B(v2), 8);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(cache.Find(5)->column_count(), 2u);
  EXPECT_EQ((*a)->column_count(), 1u);  // an old map stays valid for its holder
  EXPECT_EQ(cache.Find(6), nullptr);
  for (uint64_t id = 10; id < 12; ++id) {
    ASSERT_TRUE(cache.Update(B(TableMapBuilder(id, "d", "t").Add(testing::IntCol(3)).Body()), 8).ok());
  }
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_TRUE(cache.Update(B(TableMapBuilder(12, "d", "t").Add(testing::IntCol(3)).Body()), 8).ok());
  EXPECT_EQ(cache.size(), 1u);  // bound reached: forgot the others
  EXPECT_NE(cache.Find(12), nullptr);
  const ByteVec bad = {1, 2, 3};
  EXPECT_FALSE(cache.Update(B(bad), 8).ok());
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace osc::binlog
