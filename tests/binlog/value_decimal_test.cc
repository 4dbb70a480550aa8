// NEWDECIMAL: binary -> exact text, against byte vectors from the server's
// own documentation and against the test encoder (decimal2bin logic).
#include <gtest/gtest.h>

#include <string>

#include "binlog/column_type.h"
#include "binlog/decimal.h"
#include "tests/support/row_encoder.h"

namespace osc::binlog {
namespace {

std::string_view View(const testing::ByteVec& v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

std::string Format(const testing::ByteVec& bin, uint8_t p, uint8_t s) {
  auto r = FormatDecimal(View(bin), p, s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

// strings/decimal.cc documents decimal2bin with this example:
// 1234567890.1234 as DECIMAL(14,4) is 81 0D FB 38 D2 04 D2, and its negation
// is the bytewise complement with the sign bit handled: 7E F2 04 C7 2D FB 2D.
TEST(DecimalTest, DecodesTheServersDocumentedExample) {
  EXPECT_EQ(Format({0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2}, 14, 4), "1234567890.1234");
  EXPECT_EQ(Format({0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}, 14, 4), "-1234567890.1234");
}

TEST(DecimalTest, BinarySizeMatchesServerFormula) {
  EXPECT_EQ(DecimalBinarySize(14, 4), 7u);   // the documented example
  EXPECT_EQ(DecimalBinarySize(10, 2), 5u);   // 8 int digits (4 bytes) + 2 frac (1)
  EXPECT_EQ(DecimalBinarySize(65, 30), 30u); // 35 int digits: 3*4+4, 30 frac: 3*4+2
  EXPECT_EQ(DecimalBinarySize(65, 0), 29u);
  EXPECT_EQ(DecimalBinarySize(1, 0), 1u);
  EXPECT_EQ(DecimalBinarySize(9, 9), 4u);
}

struct Case {
  uint8_t precision;
  uint8_t scale;
  const char* input;     // what the encoder is given
  const char* expected;  // what the server prints
};

class DecimalRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(DecimalRoundTrip, PrintsExactlyWhatWasStored) {
  const Case& c = GetParam();
  const testing::ByteVec bin = testing::DecimalBinary(c.input, c.precision, c.scale);
  ASSERT_EQ(bin.size(), DecimalBinarySize(c.precision, c.scale));
  EXPECT_EQ(Format(bin, c.precision, c.scale), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    EdgeValues, DecimalRoundTrip,
    ::testing::Values(
        Case{10, 2, "0", "0.00"}, Case{10, 2, "-0.01", "-0.01"}, Case{10, 2, "0.01", "0.01"},
        Case{10, 2, "-0.00", "0.00"},  // a zero never carries a sign
        Case{5, 0, "12345", "12345"}, Case{5, 0, "-12345", "-12345"}, Case{1, 0, "0", "0"},
        Case{1, 0, "-9", "-9"}, Case{1, 1, "0.1", "0.1"}, Case{2, 1, "-9.9", "-9.9"},
        Case{9, 9, "0.123456789", "0.123456789"}, Case{10, 9, "-1.000000001", "-1.000000001"},
        Case{18, 9, "123456789.987654321", "123456789.987654321"},
        Case{19, 0, "1000000000000000000", "1000000000000000000"},
        Case{65, 30, "99999999999999999999.9999999999",
             "99999999999999999999.999999999900000000000000000000"},
        Case{65, 30, "-99999999999999999999999999999999999.999999999999999999999999999999",
             "-99999999999999999999999999999999999.999999999999999999999999999999"},
        Case{65, 0, "99999999999999999999999999999999999999999999999999999999999999999",
             "99999999999999999999999999999999999999999999999999999999999999999"},
        Case{65, 30, "0", "0.000000000000000000000000000000"},
        Case{12, 2, "-0.50", "-0.50"}, Case{30, 25, "0.0123456789012345678912345",
                                            "0.0123456789012345678912345"}));

TEST(DecimalTest, WrongSizeIsCorruption) {
  const testing::ByteVec bin = testing::DecimalBinary("1.5", 10, 2);
  auto r = FormatDecimal(std::string_view(reinterpret_cast<const char*>(bin.data()), bin.size() - 1), 10, 2);
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST(DecimalTest, ImpossiblePrecisionOrScaleIsCorruption) {
  const testing::ByteVec bin = testing::DecimalBinary("1", 10, 0);
  EXPECT_FALSE(FormatDecimal(View(bin), 0, 0).ok());
  EXPECT_FALSE(FormatDecimal(View(bin), 66, 0).ok());
  EXPECT_FALSE(FormatDecimal(View(bin), 2, 3).ok());
}

TEST(DecimalTest, DigitGroupAboveNineNinesIsCorruption) {
  // DECIMAL(9,0): one full 4-byte group; 1000000000 cannot be 9 digits.
  testing::ByteVec bin = {0x3B, 0x9A, 0xCA, 0x00};  // 1000000000 big-endian
  bin[0] ^= 0x80;                                     // positive sign bit
  EXPECT_TRUE(FormatDecimal(View(bin), 9, 0).status().IsCorruption());
  // DECIMAL(2,0): one byte holding 100 cannot be 2 digits.
  EXPECT_TRUE(FormatDecimal(View(testing::ByteVec{0x80 | 100}), 2, 0).status().IsCorruption());
}

}  // namespace
}  // namespace osc::binlog
