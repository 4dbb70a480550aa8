#include "db/quoting.h"

#include <gtest/gtest.h>

#include <string>

namespace osc::db {
namespace {

TEST(QuoteIdentifierTest, WrapsPlainNameInBackticks) {
  EXPECT_EQ(QuoteIdentifier("orders"), "`orders`");
}

TEST(QuoteIdentifierTest, DoublesEmbeddedBackticks) {
  EXPECT_EQ(QuoteIdentifier("a`b"), "`a``b`");
  EXPECT_EQ(QuoteIdentifier("`"), "````");
  EXPECT_EQ(QuoteIdentifier("``x``"), "`````x`````");
}

TEST(QuoteIdentifierTest, LeavesQuotesSpacesAndReservedWordsAlone) {
  EXPECT_EQ(QuoteIdentifier("it's"), "`it's`");
  EXPECT_EQ(QuoteIdentifier("say \"hi\""), "`say \"hi\"`");
  EXPECT_EQ(QuoteIdentifier("my table"), "`my table`");
  EXPECT_EQ(QuoteIdentifier("select"), "`select`");
  EXPECT_EQ(QuoteIdentifier("back\\slash"), "`back\\slash`");
}

TEST(QuoteIdentifierTest, KeepsUnicodeBytesAsIs) {
  EXPECT_EQ(QuoteIdentifier("caf\xC3\xA9"), "`caf\xC3\xA9`");
}

TEST(QuoteIdentifierTest, EmptyNameStillYieldsOneToken) {
  EXPECT_EQ(QuoteIdentifier(""), "``");
}

TEST(QuoteQualifiedTest, JoinsDatabaseAndTable) {
  EXPECT_EQ(QuoteQualified("shop", "orders"), "`shop`.`orders`");
  EXPECT_EQ(QuoteQualified("s`p", "o.d"), "`s``p`.`o.d`");
}

TEST(QuoteQualifiedTest, OmitsEmptyDatabase) {
  EXPECT_EQ(QuoteQualified("", "orders"), "`orders`");
}

TEST(ValidateIdentifierTest, AcceptsOrdinaryAndUnusualNames) {
  EXPECT_TRUE(ValidateIdentifier("orders").ok());
  EXPECT_TRUE(ValidateIdentifier("select").ok());
  EXPECT_TRUE(ValidateIdentifier("a`b").ok());
  EXPECT_TRUE(ValidateIdentifier(" leading space").ok());
  EXPECT_TRUE(ValidateIdentifier("caf\xC3\xA9").ok());
  EXPECT_TRUE(ValidateIdentifier("\xE6\x97\xA5\xE6\x9C\xAC").ok());  // 日本
}

TEST(ValidateIdentifierTest, RejectsEmpty) {
  EXPECT_TRUE(ValidateIdentifier("").IsInvalidArgument());
}

TEST(ValidateIdentifierTest, RejectsNulByte) {
  const std::string with_nul("ab\0cd", 5);
  Status s = ValidateIdentifier(with_nul);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("NUL"), std::string_view::npos);
}

TEST(ValidateIdentifierTest, CountsCharactersNotBytes) {
  EXPECT_TRUE(ValidateIdentifier(std::string(64, 'a')).ok());
  EXPECT_TRUE(ValidateIdentifier(std::string(65, 'a')).IsInvalidArgument());
  // 64 two-byte characters: 128 bytes, still within the limit.
  std::string e_acute;
  for (int i = 0; i < 64; ++i) e_acute += "\xC3\xA9";
  EXPECT_TRUE(ValidateIdentifier(e_acute).ok());
  EXPECT_TRUE(ValidateIdentifier(e_acute + "\xC3\xA9").IsInvalidArgument());
}

TEST(ValidateIdentifierTest, RejectsTrailingSpace) {
  EXPECT_TRUE(ValidateIdentifier("orders ").IsInvalidArgument());
}

TEST(ValidateIdentifierTest, RejectsInvalidUtf8) {
  EXPECT_TRUE(ValidateIdentifier("a\xFF").IsInvalidArgument());
  EXPECT_TRUE(ValidateIdentifier("a\xC3").IsInvalidArgument());      // truncated
  EXPECT_TRUE(ValidateIdentifier("a\xC0\xAF").IsInvalidArgument());  // overlong '/'
  EXPECT_TRUE(ValidateIdentifier("\xED\xA0\x80").IsInvalidArgument());  // surrogate
}

TEST(ValidateIdentifierTest, RejectsCharactersBeyondBmp) {
  EXPECT_TRUE(ValidateIdentifier("emoji\xF0\x9F\x98\x80").IsInvalidArgument());
}

TEST(QuoteStringLiteralTest, PlainTextStaysReadable) {
  EXPECT_EQ(QuoteStringLiteral("hello"), "_utf8mb4'hello'");
  EXPECT_EQ(QuoteStringLiteral(""), "_utf8mb4''");
  EXPECT_EQ(QuoteStringLiteral("caf\xC3\xA9"), "_utf8mb4'caf\xC3\xA9'");
  EXPECT_EQ(QuoteStringLiteral("a\"b`c"), "_utf8mb4'a\"b`c'");
}

TEST(QuoteStringLiteralTest, DoublesSingleQuotes) {
  EXPECT_EQ(QuoteStringLiteral("it's"), "_utf8mb4'it''s'");
  EXPECT_EQ(QuoteStringLiteral("'"), "_utf8mb4''''");
}

TEST(QuoteStringLiteralTest, BackslashForcesHex) {
  // '\' = 0x5c, '\'' = 0x27.
  EXPECT_EQ(QuoteStringLiteral("a\\'"), "_utf8mb4 X'615c27'");
}

TEST(QuoteStringLiteralTest, ControlBytesForceHex) {
  EXPECT_EQ(QuoteStringLiteral(std::string("a\0b", 3)), "_utf8mb4 X'610062'");
  EXPECT_EQ(QuoteStringLiteral("line\n"), "_utf8mb4 X'6c696e650a'");
  EXPECT_EQ(QuoteStringLiteral("\x1a"), "_utf8mb4 X'1a'");
}

TEST(QuoteBinaryLiteralTest, HexEncodesEveryByte) {
  EXPECT_EQ(QuoteBinaryLiteral(""), "_binary X''");
  EXPECT_EQ(QuoteBinaryLiteral(std::string("\x00\x7f\x80\xff", 4)), "_binary X'007f80ff'");
  EXPECT_EQ(QuoteBinaryLiteral("'`\\"), "_binary X'27605c'");
}

TEST(QuoteBinaryLiteralTest, OutputIsAsciiOnlyForAllByteValues) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string lit = QuoteBinaryLiteral(all);
  ASSERT_EQ(lit.size(), std::string("_binary X''").size() + 512);
  for (char c : lit.substr(10, 512)) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << static_cast<int>(c);
  }
}

TEST(QuoteHexLiteralTest, UsesGivenCharsetIntroducer) {
  auto lit = QuoteHexLiteral("\xE9", "latin1");
  ASSERT_TRUE(lit.ok());
  EXPECT_EQ(*lit, "_latin1 X'e9'");
}

TEST(QuoteHexLiteralTest, RejectsCharsetThatIsNotAPlainName) {
  EXPECT_TRUE(QuoteHexLiteral("x", "").status().IsInvalidArgument());
  EXPECT_TRUE(QuoteHexLiteral("x", "utf8 X'00' OR 1").status().IsInvalidArgument());
  EXPECT_TRUE(QuoteHexLiteral("x", "UTF8").status().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::db
