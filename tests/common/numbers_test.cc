#include "common/numbers.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace osc {
namespace {

TEST(ParseNumberTest, ReadsTheWholeTextAsAnUnsignedNumber) {
  EXPECT_EQ(ParseNumber<uint64_t>("0"), 0u);
  EXPECT_EQ(ParseNumber<uint64_t>("42"), 42u);
  EXPECT_EQ(ParseNumber<uint64_t>("18446744073709551615"), std::numeric_limits<uint64_t>::max());
}

TEST(ParseNumberTest, RefusesEmptyTextAndAnythingLeftOver) {
  EXPECT_FALSE(ParseNumber<uint64_t>(""));
  EXPECT_FALSE(ParseNumber<uint64_t>("12abc"));
  EXPECT_FALSE(ParseNumber<uint64_t>("12 "));
  EXPECT_FALSE(ParseNumber<uint64_t>(" 12"));
  EXPECT_FALSE(ParseNumber<uint64_t>("+12"));
  EXPECT_FALSE(ParseNumber<uint64_t>("1.5"));
  // A view into a longer buffer ends where the view ends.
  const std::string buffer = "1234";
  EXPECT_EQ(ParseNumber<uint32_t>(std::string_view(buffer).substr(0, 2)), 12u);
}

TEST(ParseNumberTest, RefusesValuesOutsideTheTypesRange) {
  EXPECT_FALSE(ParseNumber<uint64_t>("18446744073709551616"));
  EXPECT_FALSE(ParseNumber<uint16_t>("65536"));
  EXPECT_EQ(ParseNumber<uint16_t>("65535"), 65535u);
  EXPECT_FALSE(ParseNumber<uint64_t>("-1"));
  EXPECT_FALSE(ParseNumber<int8_t>("-129"));
}

TEST(ParseNumberTest, SignedTypesTakeAMinusSign) {
  EXPECT_EQ(ParseNumber<int64_t>("-5"), -5);
  EXPECT_EQ(ParseNumber<int64_t>("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(ParseNumber<int64_t>("-"));
  EXPECT_FALSE(ParseNumber<int64_t>("--5"));
}

TEST(ParseNumberTest, FloatingTypesTakeFractionsAndExponents) {
  EXPECT_EQ(ParseNumber<double>("2.5"), 2.5);
  EXPECT_EQ(ParseNumber<double>("-0.25"), -0.25);
  EXPECT_EQ(ParseNumber<double>("1e3"), 1000.0);
  EXPECT_EQ(ParseNumber<double>("1024"), 1024.0);
  EXPECT_FALSE(ParseNumber<double>("1.5x"));
  EXPECT_FALSE(ParseNumber<double>("."));
}

}  // namespace
}  // namespace osc
