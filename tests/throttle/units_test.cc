#include "throttle/units.h"

#include <gtest/gtest.h>

#include <chrono>

namespace osc::throttle {
namespace {

using namespace std::chrono_literals;

uint64_t BytesOf(std::string_view text) {
  Result<SizeSpec> r = ParseSize(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  if (!r.ok()) return 0;
  EXPECT_EQ(r->kind, SizeSpec::Kind::kBytes) << text;
  return r->bytes;
}

TEST(ParseSizeTest, AcceptsPlainBytesAndBinarySuffixes) {
  EXPECT_EQ(BytesOf("0"), 0u);
  EXPECT_EQ(BytesOf("1048576"), 1048576u);
  EXPECT_EQ(BytesOf("1K"), 1024u);
  EXPECT_EQ(BytesOf("512M"), 536870912u);
  EXPECT_EQ(BytesOf("512m"), 536870912u);
  EXPECT_EQ(BytesOf("2G"), 2147483648u);
  EXPECT_EQ(BytesOf("1T"), 1099511627776u);
}

TEST(ParseSizeTest, FractionsWithASuffixRoundDownToWholeBytes) {
  EXPECT_EQ(BytesOf("1.5G"), 1610612736u);
  EXPECT_EQ(BytesOf("0.5K"), 512u);
  EXPECT_EQ(BytesOf("0.001K"), 1u);   // 1.024 bytes
  EXPECT_EQ(BytesOf("0.0001K"), 0u);  // 0.1024 bytes
  EXPECT_EQ(BytesOf("2.25M"), 2359296u);
}

TEST(ParseSizeTest, AcceptsPercentages) {
  Result<SizeSpec> ten = ParseSize("10%");
  ASSERT_TRUE(ten.ok()) << ten.status().ToString();
  EXPECT_EQ(ten->kind, SizeSpec::Kind::kPercent);
  EXPECT_DOUBLE_EQ(ten->percent, 10.0);
  Result<SizeSpec> frac = ParseSize("12.5%");
  ASSERT_TRUE(frac.ok());
  EXPECT_DOUBLE_EQ(frac->percent, 12.5);
  EXPECT_TRUE(ParseSize("100%").ok());
  EXPECT_TRUE(ParseSize("0%").ok());
}

TEST(ParseSizeTest, RejectsMalformedInputWithTheInputInTheMessage) {
  for (const char* bad : {"", "M", "-1G", "512MB", "1.5", "1e9", "1,5G", "G5", ".5G", "1.G",
                          " 512M", "10 %", "101%", "-5%", "%", "abc", "1.2.3G", "0x10"}) {
    Result<SizeSpec> r = ParseSize(bad);
    EXPECT_FALSE(r.ok()) << "accepted \"" << bad << "\"";
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
      EXPECT_NE(r.status().message().find(std::string("\"") + bad + "\""), std::string_view::npos)
          << r.status().message();
    }
  }
}

TEST(ParseSizeTest, RejectsOverflow) {
  EXPECT_FALSE(ParseSize("18446744073709551616").ok());  // 2^64
  EXPECT_FALSE(ParseSize("16777216T").ok());             // 2^24 TiB = 2^64
  EXPECT_FALSE(ParseSize("16777215.9999999999T").ok());  // too many decimals
  EXPECT_EQ(BytesOf("16777215T"), 18446742974197923840u);
}

TEST(SizeSpecTest, ResolvesPercentagesAgainstTheTotal) {
  EXPECT_EQ(SizeSpec::Percent(10).Resolve(1000), 100u);
  EXPECT_EQ(SizeSpec::Percent(12.5).Resolve(8ull << 30), 1073741824u);
  EXPECT_EQ(SizeSpec::Bytes(42).Resolve(1000), 42u);
  EXPECT_TRUE(SizeSpec::Percent(0).IsZero());
  EXPECT_FALSE(SizeSpec::Bytes(1).IsZero());
}

TEST(SizeSpecTest, ToStringParsesBackToTheSameValue) {
  for (const char* text : {"512M", "1.5G", "10%", "12.5%", "1000", "3T"}) {
    Result<SizeSpec> first = ParseSize(text);
    ASSERT_TRUE(first.ok()) << text;
    Result<SizeSpec> again = ParseSize(first->ToString());
    ASSERT_TRUE(again.ok()) << first->ToString();
    EXPECT_EQ(again->kind, first->kind);
    EXPECT_EQ(again->bytes, first->bytes);
    EXPECT_DOUBLE_EQ(again->percent, first->percent);
  }
  EXPECT_EQ(SizeSpec::Bytes(536870912).ToString(), "512M");
}

TEST(FormatBytesTest, UsesTheLargestUnitWithOneDecimal) {
  EXPECT_EQ(FormatBytes(0), "0B");
  EXPECT_EQ(FormatBytes(1023), "1023B");
  EXPECT_EQ(FormatBytes(1024), "1K");
  EXPECT_EQ(FormatBytes(314572800), "300M");
  EXPECT_EQ(FormatBytes(1610612736), "1.5G");
  EXPECT_EQ(FormatBytes(1073741823), "1023.9M");  // rounds down, never up
}

TEST(FormatDurationTest, ShowsTheTwoLargestUnitsRoundedUp) {
  EXPECT_EQ(FormatDuration(0s), "0s");
  EXPECT_EQ(FormatDuration(-5s), "0s");
  EXPECT_EQ(FormatDuration(1ns), "1ms");
  EXPECT_EQ(FormatDuration(200ms), "200ms");
  EXPECT_EQ(FormatDuration(999500us), "1s");  // 999.5ms rounds up to a second, not "1000ms"
  EXPECT_EQ(FormatDuration(1500ms), "2s");
  EXPECT_EQ(FormatDuration(45s), "45s");
  EXPECT_EQ(FormatDuration(12min), "12m");
  EXPECT_EQ(FormatDuration(12min + 30s), "12m30s");
  EXPECT_EQ(FormatDuration(3h + 12min), "3h12m");
  EXPECT_EQ(FormatDuration(3h + 12min + 30s), "3h12m");
  EXPECT_EQ(FormatDuration(26h), "26h0m");
}

}  // namespace
}  // namespace osc::throttle
