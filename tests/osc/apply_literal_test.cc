// ToSqlLiteral: each value kind's edge cases, with expected literals written
// by hand from the server's literal syntax.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "osc/apply/literal.h"
#include "tests/support/row_encoder.h"

namespace osc::apply {
namespace {

using binlog::ColumnType;
using binlog::Value;
using binlog::ValueKind;

schema::Column Col(std::string data_type, bool is_unsigned = false, std::string charset = "") {
  schema::Column c;
  c.name = "c";
  c.data_type = data_type;
  c.column_type = data_type;
  c.is_unsigned = is_unsigned;
  c.charset = std::move(charset);
  return c;
}

Value IntValue(uint64_t bits, uint8_t width) {
  Value v;
  v.kind = ValueKind::kInt;
  v.width = width;
  v.bits = bits;
  return v;
}

std::string Lit(const Value& v, const schema::Column& c) {
  Result<std::string> r = ToSqlLiteral(v, c);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(ApplyLiteral, NullIsNullWhateverTheColumn) {
  Value v;
  v.kind = ValueKind::kNull;
  EXPECT_EQ(Lit(v, Col("int")), "NULL");
  EXPECT_EQ(Lit(v, Col("varchar", false, "utf8mb4")), "NULL");
}

TEST(ApplyLiteral, IntegersTakeSignednessFromTheOriginalDefinition) {
  EXPECT_EQ(Lit(IntValue(0xff, 1), Col("tinyint")), "-1");
  EXPECT_EQ(Lit(IntValue(0xff, 1), Col("tinyint", true)), "255");
  EXPECT_EQ(Lit(IntValue(0x80, 1), Col("tinyint")), "-128");
  EXPECT_EQ(Lit(IntValue(0x800000, 3), Col("mediumint")), "-8388608");
  EXPECT_EQ(Lit(IntValue(0xffffff, 3), Col("mediumint", true)), "16777215");
  EXPECT_EQ(Lit(IntValue(0x8000000000000000ull, 8), Col("bigint")), "-9223372036854775808");
  EXPECT_EQ(Lit(IntValue(~0ull, 8), Col("bigint", true)), "18446744073709551615");
  EXPECT_EQ(Lit(IntValue(0, 4), Col("int")), "0");
}

TEST(ApplyLiteral, FloatsRoundTripAndParseAsDoubles) {
  Value d;
  d.kind = ValueKind::kDouble;
  d.f64 = 0.1;
  EXPECT_EQ(Lit(d, Col("double")), "0.1e0");
  d.f64 = -0.0;
  EXPECT_EQ(Lit(d, Col("double")), "-0e0");
  d.f64 = 1e300;
  EXPECT_EQ(Lit(d, Col("double")), "1e+300");
  d.f64 = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(std::strtod(Lit(d, Col("double")).c_str(), nullptr), std::numeric_limits<double>::denorm_min());
  d.f64 = 2.0 / 3.0;
  EXPECT_EQ(std::strtod(Lit(d, Col("double")).c_str(), nullptr), 2.0 / 3.0);

  Value f;
  f.kind = ValueKind::kFloat;
  f.f32 = 3.4028235e38f;
  EXPECT_EQ(Lit(f, Col("float")), "CAST(3.4028235e+38 AS FLOAT)");
  // float32 shortest text, rounded to FLOAT by the server: the bare double
  // 0.1e0 would not widen to 0.10000000149... after MODIFY ... DOUBLE.
  f.f32 = 0.1f;
  EXPECT_EQ(Lit(f, Col("float")), "CAST(0.1e0 AS FLOAT)");
}

TEST(ApplyLiteral, NanHasNoLiteral) {
  Value d;
  d.kind = ValueKind::kDouble;
  d.f64 = std::nan("");
  EXPECT_TRUE(ToSqlLiteral(d, Col("double")).status().IsInvalidArgument());
}

TEST(ApplyLiteral, DecimalIsExactAndUnquoted) {
  const auto cell = osc::testing::Decimal("-0.010", 10, 3);
  Value v;
  v.kind = ValueKind::kDecimal;
  v.width = 10;
  v.scale = 3;
  v.raw = std::string_view(reinterpret_cast<const char*>(cell.bytes.data()), cell.bytes.size());
  EXPECT_EQ(Lit(v, Col("decimal")), "-0.010");
}

TEST(ApplyLiteral, YearIsANumberAndZeroStaysZero) {
  Value v;
  v.kind = ValueKind::kYear;
  v.bits = 0;
  EXPECT_EQ(Lit(v, Col("year")), "0");
  v.bits = 2155;
  EXPECT_EQ(Lit(v, Col("year")), "2155");
}

TEST(ApplyLiteral, TemporalsAreQuotedWithTheColumnsFractionDigits) {
  Value v;
  v.kind = ValueKind::kDateTime;
  v.scale = 3;
  v.temporal = {2024, 2, 29, 23, 59, 58, 7000, false};
  EXPECT_EQ(Lit(v, Col("datetime")), "'2024-02-29 23:59:58.007'");
  v.kind = ValueKind::kDate;
  v.temporal = {};
  EXPECT_EQ(Lit(v, Col("date")), "'0000-00-00'");
  v.kind = ValueKind::kTime;
  v.scale = 6;
  v.temporal = {0, 0, 0, 838, 59, 59, 0, true};
  EXPECT_EQ(Lit(v, Col("time")), "'-838:59:59.000000'");
}

TEST(ApplyLiteral, TimestampIsUtcText) {
  Value v;
  v.kind = ValueKind::kTimestamp;
  v.scale = 6;
  v.bits = 2147483647;
  v.temporal.micros = 999999;
  EXPECT_EQ(Lit(v, Col("timestamp")), "'2038-01-19 03:14:07.999999'");
  v.scale = 0;
  v.bits = 0;
  v.temporal.micros = 0;
  EXPECT_EQ(Lit(v, Col("timestamp")), "'0000-00-00 00:00:00'");
}

TEST(ApplyLiteral, StringsCarryTheOriginalCharsetAsHex) {
  Value v;
  v.kind = ValueKind::kString;
  v.raw = std::string_view("a'\\\xc3\xa9", 5);
  EXPECT_EQ(Lit(v, Col("varchar", false, "utf8mb4")), "_utf8mb4 X'61275cc3a9'");
  EXPECT_EQ(Lit(v, Col("text", false, "latin1")), "_latin1 X'61275cc3a9'");
  EXPECT_EQ(Lit(v, Col("varbinary")), "_binary X'61275cc3a9'");
  v.raw = std::string_view("\0", 1);
  EXPECT_EQ(Lit(v, Col("blob")), "_binary X'00'");
  // Fixed-width binary columns get the trailing zeros the binlog cut off.
  schema::Column bin4 = Col("binary");
  bin4.column_type = "binary(4)";
  EXPECT_EQ(Lit(v, bin4), "_binary X'00000000'");
  v.raw = {};
  // MariaDB's fixed-binary types are padded too, and cast to their type so
  // that an ALTER to a string type gets their text form.
  EXPECT_EQ(Lit(v, Col("inet6")), "CAST(_binary X'00000000000000000000000000000000' AS INET6)");
  v.raw = std::string_view("\x0a", 1);
  EXPECT_EQ(Lit(v, Col("inet4")), "CAST(_binary X'0a000000' AS INET4)");
  EXPECT_EQ(Lit(v, Col("uuid")), "CAST(_binary X'0a000000000000000000000000000000' AS UUID)");
  v.raw = {};
  EXPECT_EQ(Lit(v, Col("char", false, "utf8mb4")), "_utf8mb4 X''");
}

TEST(ApplyLiteral, EnumAndSetUseMemberNamesNotIndexes) {
  schema::Column e = Col("enum");
  e.members = {"b", "a", "it's"};
  Value v;
  v.kind = ValueKind::kEnum;
  v.bits = 2;
  EXPECT_EQ(Lit(v, e), "_utf8mb4 X'61'");
  v.bits = 3;
  EXPECT_EQ(Lit(v, e), "_utf8mb4 X'69742773'");
  v.bits = 0;
  EXPECT_EQ(Lit(v, e), "0");
  v.bits = 4;
  EXPECT_TRUE(ToSqlLiteral(v, e).status().IsCorruption());

  schema::Column s = Col("set");
  s.members = {"x", "y", "z"};
  v.kind = ValueKind::kSet;
  v.bits = 0b101;
  EXPECT_EQ(Lit(v, s), "_utf8mb4 X'782c7a'");  // "x,z"
  v.bits = 0;
  EXPECT_EQ(Lit(v, s), "_utf8mb4 X''");
  v.bits = 0b1000;
  EXPECT_TRUE(ToSqlLiteral(v, s).status().IsCorruption());
}

TEST(ApplyLiteral, BitIsAnUnsignedInteger) {
  Value v;
  v.kind = ValueKind::kBit;
  v.bits = ~0ull;
  EXPECT_EQ(Lit(v, Col("bit")), "18446744073709551615");
}

TEST(ApplyLiteral, GeometryIsItsRawBytes) {
  Value v;
  v.kind = ValueKind::kGeometry;
  v.raw = std::string_view("\0\0\0\0\x01", 5);
  EXPECT_EQ(Lit(v, Col("point")), "_binary X'0000000001'");
}

TEST(ApplyLiteral, CompressedColumnIsDecompressed) {
  Value v;
  v.kind = ValueKind::kCompressed;
  v.raw = std::string_view("\0abc", 4);  // header 0: stored as is
  EXPECT_EQ(Lit(v, Col("varchar", false, "utf8mb4")), "_utf8mb4 X'616263'");
}

TEST(ApplyLiteral, UnconvertibleValuesAreDistinctErrors) {
  Value v;
  EXPECT_EQ(ToSqlLiteral(v, Col("int")).status().code(), Status::Code::kFailedPrecondition);  // absent
  v.kind = ValueKind::kJsonDiff;
  EXPECT_TRUE(ToSqlLiteral(v, Col("json")).status().IsNotSupported());
}

}  // namespace
}  // namespace osc::apply
