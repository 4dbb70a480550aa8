// Rows events: encode -> decode round trips for every column type with edge
// values, MINIMAL images, every rows event type and version, partial JSON
// updates, and the value formatting helpers on decoded values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "binlog/rows_event.h"
#include "tests/support/row_encoder.h"

namespace osc::binlog {
namespace {

using testing::ByteVec;
using testing::Cell;
using testing::TableMapBuilder;

Bytes B(const ByteVec& v) { return Bytes(v.data(), v.size()); }

struct Decoded {
  std::vector<Row> rows;
  Status status;
};

// Decodes every row of one rows event against one TABLE_MAP.
Decoded DecodeAll(const ByteVec& table_map, uint8_t type, const ByteVec& rows_body,
                  const RowDecodeOptions& options = {}, uint8_t post_header_len = 0,
                  ServerFlavor flavor = ServerFlavor::kMySql) {
  Decoded out;
  const uint8_t tm_phl = post_header_len == 6 ? 6 : 8;
  auto map = TableMap::Parse(B(table_map), tm_phl, flavor);
  if (!map.ok()) return {{}, map.status()};
  if (post_header_len == 0) post_header_len = type >= 30 ? 10 : 8;
  auto ev = ParseRowsEvent(type, B(rows_body), post_header_len);
  if (!ev.ok()) return {{}, ev.status()};
  auto dec = RowDecoder::Create(*ev, *map, options);
  if (!dec.ok()) return {{}, dec.status()};
  Row row;
  while (true) {
    auto more = dec->Next(&row);
    if (!more.ok()) return {std::move(out.rows), more.status()};
    if (!*more) break;
    out.rows.push_back(row);
  }
  return out;
}

std::string Str(const Value& v) { return std::string(v.raw); }

// ---- every column type ------------------------------------------------------

// Column order of the wide table below.
enum Col {
  kUBig, kTiny, kShort, kInt24, kLong, kBig, kFloat, kDouble, kDec, kYear, kDate, kTimeOld, kDtOld,
  kTsOld, kTs2, kDt2, kTime2, kVc255, kVc256, kChar, kVarbin, kEnum, kSet, kBit1, kBit64, kTinyBlob,
  kLongText, kJson, kGeom, kVector, kNullCol, kNullable, kCount
};

ByteVec WideTableMap() {
  TableMapBuilder b(100, "db", "wide");
  b.Add(testing::IntCol(8)).Add(testing::IntCol(1)).Add(testing::IntCol(2)).Add(testing::IntCol(9));
  b.Add(testing::IntCol(3)).Add(testing::IntCol(8)).Add(testing::FloatCol()).Add(testing::DoubleCol());
  b.Add(testing::DecimalCol(65, 30)).Add(testing::PlainCol(13)).Add(testing::PlainCol(10));
  b.Add(testing::PlainCol(11)).Add(testing::PlainCol(12)).Add(testing::PlainCol(7));
  b.Add(testing::Temporal2Col(17, 6)).Add(testing::Temporal2Col(18, 6)).Add(testing::Temporal2Col(19, 6));
  b.Add(testing::VarcharCol(255)).Add(testing::VarcharCol(256)).Add(testing::CharCol(800));
  b.Add(testing::VarcharCol(10)).Add(testing::EnumCol(2)).Add(testing::SetCol(8));
  b.Add(testing::BitCol(1)).Add(testing::BitCol(64)).Add(testing::BlobCol(1)).Add(testing::BlobCol(4));
  b.Add(testing::BlobCol(4, 245)).Add(testing::BlobCol(4, 255)).Add(testing::BlobCol(4, 242));
  b.Add(testing::PlainCol(6)).Add(testing::VarcharCol(20));
  // SIGNEDNESS: numeric columns are kUBig..kDec; only kUBig is unsigned.
  b.Tlv(1, testing::MsbBitmap({true, false, false, false, false, false, false, false, false}));
  return b.Body();
}

std::vector<Cell> WideRowCells(const std::string& vc255, const std::string& vc256, const std::string& blob,
                               const ByteVec& json, const std::string& geom, const std::string& vec) {
  using namespace testing;  // NOLINT: the encoder's cell constructors
  return {Int(~0ULL, 8), Int(0x80, 1), Int(0x8000, 2), Int(0x800000, 3), Int(0x7fffffff, 4),
          Int(0x8000000000000000ULL, 8), Float(-0.0f), Double(1e308),
          Decimal("-99999999999999999999.9999999999", 65, 30), Year(2155), Date(0, 0, 0),
          TimeOld(true, 838, 59, 59), DateTimeOld(9999, 12, 31, 23, 59, 59), TimestampOld(0),
          Timestamp2(2147483647, 999999, 6), DateTime2(0, 0, 0, 0, 0, 0, 0, 6),
          Time2(true, 838, 59, 59, 0, 6), Var(vc255, 1), Var(vc256, 2), Var("", 2),
          Var(std::string("\0\x01\0", 3), 1), Int(300, 2), Int(~0ULL, 8), Bit(1, 1),
          Bit(0x8000000000000001ULL, 8), Var(blob, 1), Var("txt", 4),
          Var(std::string(json.begin(), json.end()), 4), Var(geom, 4), Var(vec, 4), Raw({}), Null()};
}

TEST(RowsRoundTripTest, EveryColumnTypeDecodesItsEdgeValue) {
  const std::string vc255(255, 'a'), vc256(256, 'b');
  std::string blob(255, '\0');
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>(i);
  const ByteVec json = testing::EncodeJson(
      testing::Json::Object({{"a", testing::Json::Array({testing::Json::I(1), testing::Json::S("x")})}}));
  const std::string geom("\x00\x00\x00\x00\x01\x01\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\xf0\x3f"
                         "\x00\x00\x00\x00\x00\x00\x00\x40", 25);
  const std::string vec("\xcd\xcc\x8c\x3f\xcd\xcc\x0c\x40\x33\x33\x53\x40", 12);
  const ByteVec body = testing::RowsEventBuilder(30, 100, kCount)
                           .Image(WideRowCells(vc255, vc256, blob, json, geom, vec))
                           .Body();
  Decoded d = DecodeAll(WideTableMap(), 30, body);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.rows.size(), 1u);
  const std::vector<Value>& v = d.rows[0].after;
  EXPECT_TRUE(d.rows[0].before.empty());
  ASSERT_EQ(v.size(), static_cast<size_t>(kCount));

  EXPECT_EQ(v[kUBig].kind, ValueKind::kInt);
  EXPECT_EQ(v[kUBig].signedness, Signedness::kUnsigned);
  EXPECT_EQ(v[kUBig].AsUint64(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(FormatInt(v[kUBig]), "18446744073709551615");
  EXPECT_EQ(v[kTiny].AsInt64(), -128);
  EXPECT_EQ(v[kShort].AsInt64(), -32768);
  EXPECT_EQ(v[kInt24].AsInt64(), -8388608);
  EXPECT_EQ(v[kLong].AsInt64(), 2147483647);
  EXPECT_EQ(v[kBig].AsInt64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(FormatInt(v[kBig]), "-9223372036854775808");
  EXPECT_EQ(v[kFloat].kind, ValueKind::kFloat);
  EXPECT_TRUE(std::signbit(v[kFloat].f32));
  EXPECT_EQ(*FormatFloat(v[kFloat]), "-0");
  EXPECT_EQ(v[kDouble].f64, 1e308);
  EXPECT_EQ(*FormatDecimal(v[kDec]), "-99999999999999999999.999999999900000000000000000000");
  EXPECT_EQ(*FormatTemporal(v[kYear]), "2155");
  EXPECT_EQ(*FormatTemporal(v[kDate]), "0000-00-00");
  EXPECT_EQ(*FormatTemporal(v[kTimeOld]), "-838:59:59");
  EXPECT_EQ(*FormatTemporal(v[kDtOld]), "9999-12-31 23:59:59");
  EXPECT_EQ(*FormatTemporal(v[kTsOld]), "0000-00-00 00:00:00");
  EXPECT_EQ(v[kTs2].bits, 2147483647u);
  EXPECT_EQ(*FormatTemporal(v[kTs2]), "2038-01-19 03:14:07.999999");
  EXPECT_EQ(*FormatTemporal(v[kDt2]), "0000-00-00 00:00:00.000000");
  EXPECT_EQ(*FormatTemporal(v[kTime2]), "-838:59:59.000000");
  EXPECT_EQ(Str(v[kVc255]), vc255);
  EXPECT_EQ(Str(v[kVc256]), vc256);
  EXPECT_EQ(v[kChar].kind, ValueKind::kString);  // empty, not NULL
  EXPECT_TRUE(v[kChar].raw.empty());
  EXPECT_EQ(Str(v[kVarbin]), std::string("\0\x01\0", 3));
  EXPECT_EQ(v[kEnum].kind, ValueKind::kEnum);
  EXPECT_EQ(v[kEnum].bits, 300u);
  EXPECT_EQ(v[kSet].bits, ~0ULL);
  EXPECT_EQ(v[kBit1].bits, 1u);
  EXPECT_EQ(v[kBit64].bits, 0x8000000000000001ULL);
  EXPECT_EQ(v[kBit64].raw.size(), 8u);
  EXPECT_EQ(Str(v[kTinyBlob]), blob);
  EXPECT_EQ(Str(v[kLongText]), "txt");
  EXPECT_EQ(*FormatJson(v[kJson]), R"({"a": [1, "x"]})");
  EXPECT_EQ(v[kGeom].kind, ValueKind::kGeometry);
  EXPECT_EQ(Str(v[kGeom]), geom);
  EXPECT_EQ(v[kVector].kind, ValueKind::kVector);
  EXPECT_EQ(Str(v[kVector]), vec);
  EXPECT_EQ(v[kNullCol].kind, ValueKind::kNullType);
  EXPECT_TRUE(v[kNullable].is_null());
}

TEST(RowsRoundTripTest, UnknownSignednessKeepsTheStoredBits) {
  const ByteVec tm = TableMapBuilder(1, "d", "t").Add(testing::IntCol(1)).Add(testing::IntCol(9)).Body();
  const ByteVec body =
      testing::RowsEventBuilder(23, 1, 2).Image({testing::Int(0xff, 1), testing::Int(0xfffffe, 3)}).Body();
  Decoded d = DecodeAll(tm, 23, body);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  const Value& tiny = d.rows[0].after[0];
  EXPECT_EQ(tiny.signedness, Signedness::kUnknown);
  EXPECT_EQ(tiny.AsInt64(), -1);
  EXPECT_EQ(tiny.AsUint64(), 255u);
  EXPECT_EQ(FormatInt(tiny, true), "255");
  EXPECT_EQ(FormatInt(tiny, false), "-1");
  EXPECT_EQ(d.rows[0].after[1].AsInt64(), -2);
  EXPECT_EQ(d.rows[0].after[1].AsUint64(), 16777214u);
}

// ---- images, event types and versions ----------------------------------------

ByteVec SampleTableMap(uint64_t id = 9) {
  // test.samplet(id int primary key, license int, name varchar(64), b tinyblob)
  return TableMapBuilder(id, "test", "samplet")
      .Add(testing::IntCol(3)).Add(testing::IntCol(3)).Add(testing::VarcharCol(64)).Add(testing::BlobCol(1))
      .Body();
}

TEST(RowsRoundTripTest, MinimalImagesKeepAbsentApartFromNull) {
  // gh-ost's MINIMAL fixture: UPDATE ... SET name='update' WHERE id=5 is
  // ([5,-,-,-], [-,-,'update',-]); a second row sets name to NULL.
  const ByteVec body = testing::RowsEventBuilder(31, 9, 4)
                           .Before({true, false, false, false})
                           .After({false, false, true, false})
                           .Image({testing::Int(5, 4)})
                           .Image({testing::Var("update", 1)})
                           .Image({testing::Int(6, 4)})
                           .Image({testing::Null()})
                           .Body();
  Decoded d = DecodeAll(SampleTableMap(), 31, body);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.rows.size(), 2u);
  const Row& r = d.rows[0];
  EXPECT_EQ(r.before[0].AsInt64(), 5);
  for (int i : {1, 2, 3}) EXPECT_EQ(r.before[i].kind, ValueKind::kAbsent) << i;
  for (int i : {0, 1, 3}) EXPECT_FALSE(r.after[i].present()) << i;
  EXPECT_EQ(Str(r.after[2]), "update");
  EXPECT_EQ(d.rows[1].before[0].AsInt64(), 6);
  EXPECT_TRUE(d.rows[1].after[2].is_null());
  EXPECT_FALSE(d.rows[1].after[1].present());
}

TEST(RowsRoundTripTest, V1EventsFromMariaDbWithUnusedNullBitsSet) {
  const ByteVec body = testing::RowsEventBuilder(25, 9, 4)
                           .UnusedNullBitsSet(true)
                           .Image({testing::Int(1, 4), testing::Null(), testing::Var("n", 1), testing::Var("", 1)})
                           .Body();
  Decoded d = DecodeAll(SampleTableMap(), 25, body);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_TRUE(d.rows[0].after.empty());
  EXPECT_EQ(d.rows[0].before[0].AsInt64(), 1);
  EXPECT_TRUE(d.rows[0].before[1].is_null());
  EXPECT_EQ(Str(d.rows[0].before[2]), "n");
  EXPECT_FALSE(d.rows[0].before[3].is_null());
}

TEST(RowsRoundTripTest, OldServersUseFourByteTableIds) {
  const ByteVec tm = TableMapBuilder(0x7a000001, "test", "ba").Add(testing::IntCol(3)).Body(6);
  const ByteVec body = testing::RowsEventBuilder(23, 0x7a000001, 1).Image({testing::Int(3, 4)}).Body(6);
  Decoded d = DecodeAll(tm, 23, body, {}, 6);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.rows[0].after[0].AsInt64(), 3);
}

TEST(RowsRoundTripTest, V2ExtraDataIsSkippedAndKept) {
  const ByteVec extra = {0x01, 0x07, 0x00};  // PART info: partition id 7
  const ByteVec body = testing::RowsEventBuilder(32, 9, 4)
                           .ExtraData(extra)
                           .Image({testing::Int(2, 4), testing::Int(2, 4), testing::Null(), testing::Null()})
                           .Body();
  auto ev = ParseRowsEvent(32, B(body), 10);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->version, 2);
  EXPECT_EQ(ev->kind, RowsKind::kDelete);
  ASSERT_EQ(ev->extra_data.size(), 3u);
  EXPECT_EQ(ev->extra_data[1], 0x07);
  EXPECT_TRUE(ev->stmt_end());
  Decoded d = DecodeAll(SampleTableMap(), 32, body);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  EXPECT_EQ(d.rows[0].before[1].AsInt64(), 2);
}

TEST(RowsRoundTripTest, ManyRowsAndAnEmptyWrite) {
  testing::RowsEventBuilder b(30, 9, 4);
  for (int i = 0; i < 1000; ++i) {
    b.Image({testing::Int(static_cast<uint64_t>(i), 4), testing::Int(static_cast<uint64_t>(i * 2), 4),
             testing::Var(std::to_string(i), 1), testing::Null()});
  }
  const ByteVec body = b.Body();  // values are views into it: keep it alive
  Decoded d = DecodeAll(SampleTableMap(), 30, body);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.rows.size(), 1000u);
  EXPECT_EQ(Str(d.rows[999].after[2]), "999");
  EXPECT_EQ(d.rows[500].after[1].AsInt64(), 1000);
  Decoded empty = DecodeAll(SampleTableMap(), 30, testing::RowsEventBuilder(30, 9, 4).Body());
  ASSERT_TRUE(empty.status.ok());
  EXPECT_TRUE(empty.rows.empty());
}

TEST(RowsRoundTripTest, RowReusedAcrossEventsHasNoStaleValues) {
  auto map = TableMap::Parse(B(SampleTableMap()), 8);
  ASSERT_TRUE(map.ok());
  const ByteVec full = testing::RowsEventBuilder(30, 9, 4)
                           .Image({testing::Int(1, 4), testing::Int(1, 4), testing::Var("a", 1), testing::Null()})
                           .Body();
  const ByteVec minimal =
      testing::RowsEventBuilder(30, 9, 4).After({true, false, false, false}).Image({testing::Int(2, 4)}).Body();
  Row row;
  for (const ByteVec* body : {&full, &minimal}) {
    auto ev = ParseRowsEvent(30, B(*body), 10);
    ASSERT_TRUE(ev.ok());
    auto dec = RowDecoder::Create(*ev, *map);
    ASSERT_TRUE(dec.ok());
    ASSERT_TRUE(*dec->Next(&row));
    EXPECT_FALSE(*dec->Next(&row));
  }
  EXPECT_EQ(row.after[0].AsInt64(), 2);
  EXPECT_FALSE(row.after[2].present());  // not 'a' from the previous event
}

// ---- PARTIAL_UPDATE_ROWS ------------------------------------------------------

TEST(RowsRoundTripTest, PartialJsonUpdateCarriesDiffs) {
  // mysql.t(id INT, json_col JSON, name VARCHAR(100), other JSON); the
  // after image holds json_col as a diff and name in full.
  const ByteVec tm = TableMapBuilder(3, "mysql", "t")
                         .Add(testing::IntCol(3)).Add(testing::BlobCol(4, 245))
                         .Add(testing::VarcharCol(400)).Add(testing::BlobCol(4, 245))
                         .Body();
  ByteVec diff = testing::EncodeJsonDiff(0, "$.age", testing::EncodeJson(testing::Json::I(26)));
  const ByteVec full_json = testing::EncodeJson(testing::Json::Object({{"k", testing::Json::Null()}}));
  const ByteVec body = testing::RowsEventBuilder(39, 3, 4)
                           .Before({true, false, false, false})
                           .After({false, true, true, true})
                           .Image({testing::Int(1, 4)})
                           .PartialImage(1, {true, false},
                                         {testing::Var(std::string(diff.begin(), diff.end()), 4),
                                          testing::Var("Joe", 2),
                                          testing::Var(std::string(full_json.begin(), full_json.end()), 4)})
                           .Image({testing::Int(2, 4)})
                           .PartialImage(0, {}, {testing::Null(), testing::Var("Sue", 2), testing::Null()})
                           .Body();
  Decoded d = DecodeAll(tm, 39, body);
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  ASSERT_EQ(d.rows.size(), 2u);
  const Value& j = d.rows[0].after[1];
  ASSERT_EQ(j.kind, ValueKind::kJsonDiff);
  auto diffs = ParseJsonDiffs(j.raw);
  ASSERT_TRUE(diffs.ok());
  ASSERT_EQ(diffs->size(), 1u);
  EXPECT_EQ((*diffs)[0].path, "$.age");
  EXPECT_EQ(*JsonBinaryToText((*diffs)[0].value), "26");
  EXPECT_EQ(Str(d.rows[0].after[2]), "Joe");
  EXPECT_EQ(d.rows[0].after[3].kind, ValueKind::kJson);
  EXPECT_EQ(*FormatJson(d.rows[0].after[3]), R"({"k": null})");
  EXPECT_TRUE(d.rows[1].after[1].is_null());
  EXPECT_EQ(Str(d.rows[1].after[2]), "Sue");
}

// ---- MariaDB hires temporal columns ---------------------------------------------

TEST(RowsRoundTripTest, LegacyFspOptionSizesMariaDbHiresColumns) {
  const ByteVec tm = TableMapBuilder(4, "d", "hires")
                         .Add(testing::IntCol(3)).Add(testing::PlainCol(7)).Add(testing::PlainCol(12))
                         .Add(testing::PlainCol(11)).Add(testing::PlainCol(7))
                         .Body();
  const ByteVec body = testing::RowsEventBuilder(23, 4, 5)
                           .Image({testing::Int(1, 4), testing::MariaTimestampHires(1652712790, 123000, 3),
                                   testing::MariaDateTimeHires(2024, 1, 2, 3, 4, 5, 678900, 4),
                                   testing::MariaTimeHires(true, 838, 59, 59, 990000, 2),
                                   testing::TimestampOld(1652712947)})
                           .Body();
  const uint8_t fsp[] = {0, 3, 4, 2, 0};
  Decoded d = DecodeAll(tm, 23, body, RowDecodeOptions{.legacy_fsp = fsp});
  ASSERT_TRUE(d.status.ok()) << d.status.ToString();
  const auto& v = d.rows[0].after;
  EXPECT_EQ(v[1].bits, 1652712790u);
  EXPECT_EQ(*FormatTemporal(v[1]), "2022-05-16 14:53:10.123");
  EXPECT_EQ(*FormatTemporal(v[2]), "2024-01-02 03:04:05.6789");
  EXPECT_EQ(*FormatTemporal(v[3]), "-838:59:59.99");
  EXPECT_EQ(v[4].bits, 1652712947u);
  // Without the schema's precision the same bytes cannot be sized.
  EXPECT_FALSE(DecodeAll(tm, 23, body).status.ok());
}

// ---- errors -------------------------------------------------------------------

TEST(RowsRoundTripTest, MismatchedMapOrUnsupportedColumnFails) {
  auto map = TableMap::Parse(B(SampleTableMap()), 8);
  ASSERT_TRUE(map.ok());
  const ByteVec three = testing::RowsEventBuilder(30, 9, 3).Body();
  auto ev = ParseRowsEvent(30, B(three), 10);
  ASSERT_TRUE(ev.ok());
  EXPECT_TRUE(RowDecoder::Create(*ev, *map).status().IsCorruption());
  const ByteVec other_id = testing::RowsEventBuilder(30, 10, 4).Body();
  auto ev2 = ParseRowsEvent(30, B(other_id), 10);
  ASSERT_TRUE(ev2.ok());
  EXPECT_TRUE(RowDecoder::Create(*ev2, *map).status().IsInvalidArgument());
  EXPECT_TRUE(RowDecoder::Create(*ev2, nullptr).status().IsInvalidArgument());
  EXPECT_TRUE(ParseRowsEvent(19, B(other_id), 10).status().IsInvalidArgument());

  // Old DECIMAL (type 0) cannot be sized: present is NotSupported, absent is fine.
  const ByteVec tm = TableMapBuilder(5, "d", "t").Add(testing::IntCol(3)).Add(testing::PlainCol(0)).Body();
  const ByteVec with = testing::RowsEventBuilder(30, 5, 2).Image({testing::Int(1, 4), testing::Raw({1})}).Body();
  EXPECT_TRUE(DecodeAll(tm, 30, with).status.IsNotSupported());
  const ByteVec without =
      testing::RowsEventBuilder(30, 5, 2).After({true, false}).Image({testing::Int(1, 4)}).Body();
  EXPECT_TRUE(DecodeAll(tm, 30, without).status.ok());
}

TEST(RowsRoundTripTest, ErrorIsStickyAndNamesTheColumn) {
  const ByteVec body = testing::RowsEventBuilder(30, 9, 4)
                           .Image({testing::Int(1, 4), testing::Int(1, 4), testing::Var("abc", 1), testing::Null()})
                           .Body();
  ByteVec cut(body.begin(), body.end() - 2);  // inside the VARCHAR value
  auto map = TableMap::Parse(B(SampleTableMap()), 8);
  auto ev = ParseRowsEvent(30, B(cut), 10);
  ASSERT_TRUE(ev.ok());
  auto dec = RowDecoder::Create(*ev, *map);
  ASSERT_TRUE(dec.ok());
  Row row;
  auto r = dec->Next(&row);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("column 2 (VARCHAR)"), std::string_view::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("`test`.`samplet`"), std::string_view::npos);
  EXPECT_TRUE(dec->Next(&row).status().IsCorruption());
}

// ---- formatting helpers -----------------------------------------------------------

TEST(ValueFormatTest, WrongKindIsInvalidArgument) {
  Value v;
  v.kind = ValueKind::kString;
  EXPECT_TRUE(FormatDecimal(v).status().IsInvalidArgument());
  EXPECT_TRUE(FormatTemporal(v).status().IsInvalidArgument());
  EXPECT_TRUE(FormatFloat(v).status().IsInvalidArgument());
  EXPECT_TRUE(FormatJson(v).status().IsInvalidArgument());
  EXPECT_EQ(ValueKindName(ValueKind::kJsonDiff), "json-diff");
}

TEST(ValueFormatTest, FloatsPrintTheShortestRoundTrip) {
  Value f;
  f.kind = ValueKind::kFloat;
  f.f32 = 12345.6789f;  // stored as float32: 12345.6787109375
  EXPECT_EQ(*FormatFloat(f), "12345.679");
  Value d;
  d.kind = ValueKind::kDouble;
  d.f64 = 0.1;
  EXPECT_EQ(*FormatFloat(d), "0.1");
  d.f64 = 123456789.0987654321;
  EXPECT_EQ(std::stod(*FormatFloat(d)), 123456789.0987654321);
}

}  // namespace
}  // namespace osc::binlog
