#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osc/alter/charset.h"
#include "osc/alter/identifier.h"
#include "osc/alter/sql_lexer.h"

namespace osc::alter {
namespace {

using ::testing::HasSubstr;

std::vector<Token> Lex(std::string_view sql, const SqlMode& mode = {}) {
  Result<std::vector<Token>> tokens = Tokenize(sql, mode);
  EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
  return tokens.ok() ? *tokens : std::vector<Token>{};
}

std::vector<std::string> Values(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.value);
  return out;
}

TEST(SqlLexerTest, BacktickIdentifierKeepsCommasQuotesAndDoubledBackticks) {
  const auto tokens = Lex("`a``b, 'c\"` x");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(tokens[0].value, "a`b, 'c\"");
  EXPECT_EQ(tokens[0].text, "`a``b, 'c\"`");
  EXPECT_EQ(tokens[1].value, "x");
}

TEST(SqlLexerTest, StringsUndoBackslashEscapesAndDoubledQuotes) {
  const auto tokens = Lex(R"('it''s' 'a\'b\\c\n' "say ""hi""" '50\%')");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].value, "it's");
  EXPECT_EQ(tokens[1].value, "a'b\\c\n");
  EXPECT_EQ(tokens[2].value, "say \"hi\"");
  EXPECT_EQ(tokens[3].value, "50\\%");  // \% keeps its backslash, as in the server
  for (const Token& t : tokens) EXPECT_EQ(t.kind, TokenKind::kString);
}

TEST(SqlLexerTest, BacktickIdentifiersTakeNoBackslashEscapes) {
  const auto tokens = Lex("`a\\` b");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].value, "a\\");
}

TEST(SqlLexerTest, CommentsAreDroppedAndCountAsSpace) {
  const auto tokens = Lex("a/* x, y */b -- tail, more\nc # hash, comment\nd");
  EXPECT_EQ(Values(tokens), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(tokens[1].space_before);
  EXPECT_EQ(JoinTokens(tokens), "a b c d");
}

TEST(SqlLexerTest, DoubleDashWithoutSpaceIsTwoMinusSigns) {
  const auto tokens = Lex("1--2");
  EXPECT_EQ(Values(tokens), (std::vector<std::string>{"1", "-", "-", "2"}));
}

TEST(SqlLexerTest, DoubleDashAtEndOfInputIsAComment) {
  EXPECT_EQ(Values(Lex("a --")), (std::vector<std::string>{"a"}));
}

TEST(SqlLexerTest, ExecutableCommentContentIsLexedAsSql) {
  const auto tokens = Lex("INT /*!80023 INVISIBLE */, /*M!100500 x */ /*! y*/z");
  EXPECT_EQ(Values(tokens), (std::vector<std::string>{"INT", "INVISIBLE", ",", "x", "y", "z"}));
  EXPECT_EQ(JoinTokens(tokens), "INT INVISIBLE , x y z");
}

TEST(SqlLexerTest, StringInsideExecutableCommentMayContainCommentEnd) {
  const auto tokens = Lex("/*! COMMENT 'a*/b' */ c");
  EXPECT_EQ(Values(tokens), (std::vector<std::string>{"COMMENT", "a*/b", "c"}));
}

TEST(SqlLexerTest, UnterminatedInputsAreErrorsWithOffsets) {
  const struct {
    const char* sql;
    const char* message;
  } cases[] = {
      {"a 'abc", "unterminated string starting at offset 2"},
      {"`abc", "unterminated quoted identifier starting at offset 0"},
      {"x /* never closed", "unterminated comment starting at offset 2"},
      {"/*!50100 a", "unterminated executable comment starting at offset 0"},
      {"'ends with backslash\\'", "unterminated string"},
  };
  for (const auto& c : cases) {
    Result<std::vector<Token>> r = Tokenize(c.sql);
    ASSERT_FALSE(r.ok()) << c.sql;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.message)) << c.sql;
  }
}

TEST(SqlLexerTest, AnsiQuotesMakeDoubleQuotesIdentifiers) {
  SqlMode mode;
  mode.ansi_quotes = true;
  const auto tokens = Lex(R"("my ""col""" 'str')", mode);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(tokens[0].value, "my \"col\"");
  EXPECT_EQ(tokens[1].kind, TokenKind::kString);
}

TEST(SqlLexerTest, NoBackslashEscapesKeepsBackslashLiteral) {
  SqlMode mode;
  mode.no_backslash_escapes = true;
  const auto tokens = Lex(R"('C:\' x)", mode);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].value, "C:\\");
}

TEST(SqlLexerTest, NumbersAndWordsStartingWithDigits) {
  const auto tokens = Lex("1.5e-3 .5 0x1F 0b101 1st_col 12 x'0A' N'nat'");
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kNumber);
  EXPECT_EQ(tokens[0].text, "1.5e-3");
  EXPECT_EQ(tokens[1].text, ".5");
  EXPECT_EQ(tokens[2].text, "0x1F");
  EXPECT_EQ(tokens[3].text, "0b101");
  EXPECT_EQ(tokens[4].kind, TokenKind::kWord);
  EXPECT_EQ(tokens[4].text, "1st_col");
  EXPECT_EQ(tokens[5].kind, TokenKind::kNumber);
  EXPECT_EQ(tokens[6].kind, TokenKind::kString);
  EXPECT_EQ(tokens[6].value, "0A");
  EXPECT_EQ(tokens[7].value, "nat");
}

TEST(SqlLexerTest, MultiByteOperatorsAreOneToken) {
  EXPECT_EQ(Values(Lex("a<=>b c<>d e>=f")),
            (std::vector<std::string>{"a", "<=>", "b", "c", "<>", "d", "e", ">=", "f"}));
}

TEST(SqlLexerTest, UnicodeIdentifiersAreSingleWords) {
  const auto tokens = Lex("naïve `日本語 名` Straße");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].value, "naïve");
  EXPECT_EQ(tokens[1].value, "日本語 名");
  EXPECT_EQ(tokens[2].value, "Straße");
}

TEST(SqlLexerTest, JoinKeepsAdjacencyAndCollapsesWhitespace) {
  EXPECT_EQ(JoinTokens(Lex("DEFAULT  (a+b)\n\t COMMENT 'x  y'")), "DEFAULT (a+b) COMMENT 'x  y'");
}

TEST(SqlLexerTest, IsWordIgnoresCaseButNotQuoting) {
  const auto tokens = Lex("kEy `key`");
  EXPECT_TRUE(tokens[0].IsWord("KEY"));
  EXPECT_FALSE(tokens[1].IsWord("KEY"));
  EXPECT_TRUE(tokens[1].IsIdentifier());
}

TEST(IdentifierTest, ColumnNamesCompareCaseInsensitively) {
  EXPECT_TRUE(SameIdentifier("UserID", "userid"));
  EXPECT_TRUE(SameIdentifier("ÜNÏCODE", "ünïcode"));
  EXPECT_TRUE(SameIdentifier("ΑΒΓ", "αβγ"));
  EXPECT_TRUE(SameIdentifier("ДОМ", "дом"));
  EXPECT_TRUE(SameIdentifier("ŁÓDŹ", "łódź"));
  EXPECT_FALSE(SameIdentifier("a", "b"));
  EXPECT_FALSE(SameIdentifier("ab", "a"));
  // Documented limitation: the server's collation also ignores accents.
  EXPECT_FALSE(SameIdentifier("naive", "naïve"));
}

TEST(CharsetTest, NamesAndMaximumBytesPerCharacter) {
  EXPECT_EQ(NormalizeCharsetName("UTF8"), "utf8mb3");
  EXPECT_EQ(NormalizeCollationName("utf8_general_ci"), "utf8mb3_general_ci");
  EXPECT_EQ(CharsetOfCollation("utf8mb4_0900_ai_ci"), "utf8mb4");
  EXPECT_EQ(CharsetOfCollation("binary"), "binary");
  EXPECT_EQ(MaxBytesPerChar("latin1"), 1u);
  EXPECT_EQ(MaxBytesPerChar("utf8"), 3u);
  EXPECT_EQ(MaxBytesPerChar("utf8mb4"), 4u);
  EXPECT_EQ(MaxBytesPerChar("klingon"), 0u);
}

}  // namespace
}  // namespace osc::alter
