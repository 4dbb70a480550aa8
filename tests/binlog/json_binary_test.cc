// MySQL binary JSON -> text, and JSON diff vectors.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>

#include "binlog/json_binary.h"
#include "tests/support/row_encoder.h"

namespace osc::binlog {
namespace {

using testing::ByteVec;
using testing::Json;

std::string_view View(const ByteVec& v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

std::string Text(const Json& j, bool large = false, JsonTextOptions options = {}) {
  const ByteVec bin = testing::EncodeJson(j, large);
  auto r = JsonBinaryToText(View(bin), options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

// The packed longlong of a DATE/DATETIME (my_time.cc
// TIME_to_longlong_datetime_packed), little-endian, as opaque data.
std::string PackedDateTime(int y, int mo, int d, int h, int mi, int s, int us) {
  const int64_t ymd = ((y * 13LL + mo) << 5) | d;
  const int64_t hms = (h << 12) | (mi << 6) | s;
  const int64_t packed = (((ymd << 17) | hms) << 24) + us;
  std::string out(8, '\0');
  std::memcpy(out.data(), &packed, 8);
  return out;
}

std::string PackedTime(int h, int mi, int s, int us) {
  const int64_t packed = (static_cast<int64_t>((h << 12) | (mi << 6) | s) << 24) + us;
  std::string out(8, '\0');
  std::memcpy(out.data(), &packed, 8);
  return out;
}

TEST(JsonBinaryTest, RendersScalarsLikeMySql) {
  EXPECT_EQ(Text(Json::Null()), "null");
  EXPECT_EQ(Text(Json::Bool(true)), "true");
  EXPECT_EQ(Text(Json::Bool(false)), "false");
  EXPECT_EQ(Text(Json::I(-32768)), "-32768");          // int16
  EXPECT_EQ(Text(Json::I(-2147483648LL)), "-2147483648");  // int32
  EXPECT_EQ(Text(Json::I(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(Text(Json::U(65535)), "65535");
  EXPECT_EQ(Text(Json::U(std::numeric_limits<uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(Text(Json::D(1.5)), "1.5");
  EXPECT_EQ(Text(Json::D(2.0)), "2.0");    // stays a double when read back
  EXPECT_EQ(Text(Json::D(-0.0)), "-0.0");
  EXPECT_EQ(Text(Json::D(1e300)), "1e+300");
  EXPECT_EQ(Text(Json::D(0.1)), "0.1");
  EXPECT_EQ(Text(Json::S("")), "\"\"");
}

TEST(JsonBinaryTest, EscapesStringsAndKeepsUtf8) {
  EXPECT_EQ(Text(Json::S("a\"b\\c\nd\te\x01")), R"("a\"b\\c\nd\te\u0001")");
  EXPECT_EQ(Text(Json::S("caf\xc3\xa9 \xe2\x82\xac")), "\"caf\xc3\xa9 \xe2\x82\xac\"");
  EXPECT_EQ(Text(Json::Object({{"k\"ey", Json::I(1)}})), R"({"k\"ey": 1})");
}

TEST(JsonBinaryTest, RendersNestedContainersInBothSizes) {
  const Json doc = Json::Object({
      {"age", Json::I(24)},
      {"data", Json::S("xxxxxxxxxx")},
      {"list", Json::Array({Json::I(0), Json::I(1), Json::Bool(true), Json::Bool(false), Json::Null(),
                            Json::I(70000), Json::U(4000000000ULL), Json::D(3.25)})},
      {"nested", Json::Object({{"empty_a", Json::Array({})}, {"empty_o", Json::Object({})}})},
  });
  const char* expected =
      R"({"age": 24, "data": "xxxxxxxxxx", "list": [0, 1, true, false, null, 70000, 4000000000, 3.25], )"
      R"("nested": {"empty_a": [], "empty_o": {}}})";
  EXPECT_EQ(Text(doc, false), expected);
  EXPECT_EQ(Text(doc, true), expected);  // large containers inline int32/uint32
}

TEST(JsonBinaryTest, LargeDocumentSwitchesToLargeContainers) {
  std::vector<Json> items;
  for (int i = 0; i < 7000; ++i) items.push_back(Json::S("0123456789"));
  const ByteVec bin = testing::EncodeJson(Json::Array(items));
  ASSERT_EQ(bin[0], 0x03);  // large array: the small format cannot address it
  auto r = JsonBinaryToText(View(bin));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 2 + 7000 * 12 + 6999 * 2);
  EXPECT_EQ(r->substr(0, 29), R"(["0123456789", "0123456789", )");
}

// Renderings asserted for rust_mysql_common/json-opaque.binlog (see the
// fixture README), rebuilt here with the encoder.
TEST(JsonBinaryTest, RendersOpaqueValuesLikeMySql) {
  EXPECT_EQ(Text(Json::Object({{"a", Json::Opaque(15, "\x55")}})), R"({"a": "base64:type15:VQ=="})");
  EXPECT_EQ(Text(Json::Object({{"b", Json::Opaque(10, PackedDateTime(2012, 3, 18, 0, 0, 0, 0))}})),
            R"({"b": "2012-03-18"})");
  EXPECT_EQ(Text(Json::Object({{"c", Json::Opaque(12, PackedDateTime(2012, 3, 18, 11, 30, 45, 0))}})),
            R"({"c": "2012-03-18 11:30:45.000000"})");
  EXPECT_EQ(Text(Json::Object({{"c", Json::Opaque(11, PackedTime(87, 31, 46, 654321))}})),
            R"({"c": "87:31:46.654321"})");
  ByteVec dec = testing::DecimalBinary("123.456", 6, 3);
  std::string opaque = {6, 3};
  opaque.append(View(dec));
  const Json d = Json::Object({{"d", Json::Opaque(246, opaque)}});
  EXPECT_EQ(Text(d), R"({"d": 123.456})");
  EXPECT_EQ(Text(d, false, JsonTextOptions{.quote_decimals = true}), R"({"d": "123.456"})");
}

TEST(JsonBinaryTest, LongOpaqueBase64WrapsLikeMysys) {
  const std::string data(60, 'x');  // 80 base64 characters: wraps after 76
  const std::string text = Text(Json::Opaque(252, data));
  EXPECT_EQ(text.substr(0, 18), "\"base64:type252:eH");
  EXPECT_NE(text.find("\\n"), std::string::npos);
}

TEST(JsonBinaryTest, EmptyDocumentIsNull) {
  auto r = JsonBinaryToText("");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "null");
}

TEST(JsonBinaryTest, EveryTruncationIsAnErrorNotACrash) {
  const ByteVec bin = testing::EncodeJson(Json::Object({
      {"a", Json::Array({Json::S("hello"), Json::I(100000), Json::D(1.25)})},
      {"b", Json::Opaque(246, std::string{4, 2} + std::string(View(testing::DecimalBinary("12.34", 4, 2))))},
  }));
  ASSERT_TRUE(JsonBinaryToText(View(bin)).ok());
  for (size_t n = 1; n < bin.size(); ++n) {
    EXPECT_FALSE(JsonBinaryToText(View(bin).substr(0, n)).ok()) << "prefix of " << n << " bytes";
  }
  for (size_t i = 0; i < bin.size(); ++i) {  // flips: any outcome but a crash
    ByteVec copy = bin;
    copy[i] ^= 0xff;
    (void)JsonBinaryToText(View(copy));
  }
}

TEST(JsonBinaryTest, UnknownTypeAndDeepNestingAreCorruption) {
  EXPECT_TRUE(JsonBinaryToText(std::string_view("\x0d\x00", 2)).status().IsCorruption());
  Json deep = Json::I(1);
  for (int i = 0; i < 200; ++i) deep = Json::Array({deep});
  const ByteVec bin = testing::EncodeJson(deep);
  EXPECT_TRUE(JsonBinaryToText(View(bin)).status().IsCorruption());
}

TEST(JsonDiffTest, ParsesEveryOperation) {
  ByteVec vec = testing::EncodeJsonDiff(0, "$.age", testing::EncodeJson(Json::I(26)));
  const ByteVec ins = testing::EncodeJsonDiff(1, "$.tags[0]", testing::EncodeJson(Json::S("x")));
  const ByteVec rem = testing::EncodeJsonDiff(2, "$.old", {});
  vec.insert(vec.end(), ins.begin(), ins.end());
  vec.insert(vec.end(), rem.begin(), rem.end());
  auto diffs = ParseJsonDiffs(View(vec));
  ASSERT_TRUE(diffs.ok()) << diffs.status().ToString();
  ASSERT_EQ(diffs->size(), 3u);
  EXPECT_EQ((*diffs)[0].op, JsonDiffOp::kReplace);
  EXPECT_EQ((*diffs)[0].path, "$.age");
  EXPECT_EQ(*JsonBinaryToText((*diffs)[0].value), "26");
  EXPECT_EQ((*diffs)[1].op, JsonDiffOp::kInsert);
  EXPECT_EQ((*diffs)[1].path, "$.tags[0]");
  EXPECT_EQ(*JsonBinaryToText((*diffs)[1].value), "\"x\"");
  EXPECT_EQ((*diffs)[2].op, JsonDiffOp::kRemove);
  EXPECT_EQ((*diffs)[2].path, "$.old");
  EXPECT_TRUE((*diffs)[2].value.empty());
  EXPECT_EQ(JsonDiffOpName((*diffs)[2].op), "REMOVE");
}

TEST(JsonDiffTest, TruncatedVectorOrUnknownOperationIsCorruption) {
  const ByteVec vec = testing::EncodeJsonDiff(0, "$.age", testing::EncodeJson(Json::I(26)));
  for (size_t n = 1; n < vec.size(); ++n) {
    EXPECT_TRUE(ParseJsonDiffs(View(vec).substr(0, n)).status().IsCorruption()) << n;
  }
  ByteVec bad = vec;
  bad[0] = 3;
  EXPECT_TRUE(ParseJsonDiffs(View(bad)).status().IsCorruption());
}

}  // namespace
}  // namespace osc::binlog
