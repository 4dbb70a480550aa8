// MySQL option-file syntax (--conf) and which settings osc takes from it.
#include "cli/option_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace osc::cli {
namespace {

using ::testing::HasSubstr;

// The password [client] sets in `body` (a file with a [client] header).
std::string ClientPassword(const std::string& body) {
  Result<OptionFileSettings> s = ReadOptionFileSettings("[client]\n" + body);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok() || !s->password) return "<unset>";
  return *s->password;
}

std::string ErrorOf(const std::string& text) {
  Result<OptionFileSettings> s = ReadOptionFileSettings(text);
  EXPECT_FALSE(s.ok()) << "expected an error";
  return s.ok() ? "" : std::string(s.status().message());
}

TEST(OptionFileTest, ReadsTheClientGroup) {
  Result<OptionFileSettings> s = ReadOptionFileSettings(
      "[client]\nuser=alice\npassword=pw\nhost=db1\nport=3307\nsocket=/s.sock\n"
      "ssl-mode=REQUIRED\nssl-ca=/ca\nssl-cert=/c\nssl-key=/k\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->user, "alice");
  EXPECT_EQ(s->password, "pw");
  EXPECT_EQ(s->host, "db1");
  EXPECT_EQ(s->port, 3307);
  EXPECT_EQ(s->socket, "/s.sock");
  EXPECT_EQ(s->ssl_mode, "REQUIRED");
  EXPECT_EQ(s->ssl_ca, "/ca");
  EXPECT_EQ(s->ssl_cert, "/c");
  EXPECT_EQ(s->ssl_key, "/k");
}

TEST(OptionFileTest, CommentLinesAndBlankLinesAreSkipped) {
  EXPECT_EQ(ClientPassword("# a comment\n; another\n\n   \npassword = pw\n"), "pw");
}

TEST(OptionFileTest, HashOutsideQuotesEndsTheLine) {
  EXPECT_EQ(ClientPassword("password = pw # trailing comment\n"), "pw");
  EXPECT_EQ(ClientPassword("password = ab#cd\n"), "ab");
}

TEST(OptionFileTest, QuotesProtectHashAndEdgeBlanks) {
  EXPECT_EQ(ClientPassword("password = \"ab#cd\"\n"), "ab#cd");
  EXPECT_EQ(ClientPassword("password = ' two words '\n"), " two words ");
  EXPECT_EQ(ClientPassword("password = \"a\\\"#b\"\n"), "a\"#b");
}

TEST(OptionFileTest, UnmatchedQuotesAreKept) {
  EXPECT_EQ(ClientPassword("password = 'abc\"\n"), "'abc\"");
  EXPECT_EQ(ClientPassword("password = '\n"), "'");
}

TEST(OptionFileTest, EscapesAreDecodedAndUnknownOnesKeepTheBackslash) {
  EXPECT_EQ(ClientPassword("password = a\\sb\\tc\\\\d\n"), "a b\tc\\d");
  EXPECT_EQ(ClientPassword("password = a\\qb\n"), "a\\qb");
  EXPECT_EQ(ClientPassword("password = ends\\\n"), "ends\\");
}

TEST(OptionFileTest, BlanksAndWindowsLineEndsAreTrimmed) {
  EXPECT_EQ(ClientPassword("  password\t=\t pw  \r\n"), "pw");
}

TEST(OptionFileTest, EmptyValueIsAnEmptyPassword) { EXPECT_EQ(ClientPassword("password =\n"), ""); }

TEST(OptionFileTest, NamesIgnoreCaseAndDashVersusUnderscore) {
  Result<OptionFileSettings> s = ReadOptionFileSettings("[CLIENT]\nSSL_CA = /ca\nUser = bob\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->ssl_ca, "/ca");
  EXPECT_EQ(s->user, "bob");
}

TEST(OptionFileTest, TextAfterGroupBracketIsIgnored) {
  Result<OptionFileSettings> s = ReadOptionFileSettings("[ client ] trailing words\nuser = a\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->user, "a");
}

TEST(OptionFileTest, LastLineWinsWithinAGroup) {
  EXPECT_EQ(ClientPassword("password = first\npassword = second\n"), "second");
}

TEST(OptionFileTest, OscGroupOverridesClientKeyByKey) {
  Result<OptionFileSettings> s =
      ReadOptionFileSettings("[osc]\nuser = osc-user\n[client]\nuser = client-user\nhost = client-host\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->user, "osc-user");
  EXPECT_EQ(s->host, "client-host");
}

TEST(OptionFileTest, OtherGroupsAreIgnored) {
  Result<OptionFileSettings> s = ReadOptionFileSettings("[mysqld]\nport = 3306\nuser = mysql\nbogus\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->port.has_value());
  EXPECT_FALSE(s->user.has_value());
}

TEST(OptionFileTest, UnknownKeysAreIgnoredInClientButRefusedInOsc) {
  EXPECT_EQ(ClientPassword("default-character-set = utf8mb4\nprompt = x\npassword = pw\n"), "pw");
  const std::string msg = ErrorOf("[osc]\nuser = a\nchunk-sise = 10\n");
  EXPECT_THAT(msg, HasSubstr("line 3"));
  EXPECT_THAT(msg, HasSubstr("chunk-sise"));
}

TEST(OptionFileTest, LoosePrefixAppliesKnownKeysAndSilencesUnknownOnes) {
  Result<OptionFileSettings> s = ReadOptionFileSettings("[osc]\nloose-user = a\nloose-whatever = 1\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->user, "a");
}

TEST(OptionFileTest, KnownKeyWithoutValueIsRefused) {
  EXPECT_THAT(ErrorOf("[client]\npassword\n"), HasSubstr("line 2: password needs a value"));
}

TEST(OptionFileTest, BadPortIsRefusedWithItsLine) {
  EXPECT_THAT(ErrorOf("[client]\n\nport = 70000\n"), HasSubstr("line 3"));
  EXPECT_THAT(ErrorOf("[client]\nport = -1\n"), HasSubstr("port"));
}

TEST(OptionFileTest, SyntaxErrorsNameTheLine) {
  EXPECT_THAT(ErrorOf("user = a\n"), HasSubstr("line 1: setting before the first [group]"));
  EXPECT_THAT(ErrorOf("[client\nuser = a\n"), HasSubstr("line 1"));
  EXPECT_THAT(ErrorOf("[client]\n= value\n"), HasSubstr("line 2"));
  EXPECT_THAT(ErrorOf("[client]\n!include /etc/other.cnf\n"), HasSubstr("line 2: include"));
  EXPECT_THAT(ErrorOf("[client]\n  !includedir /etc/my.cnf.d\n"), HasSubstr("line 2"));
}

TEST(OptionFileTest, EntriesKeepGroupNameValueAndLine) {
  Result<std::vector<OptionFileEntry>> e = ParseOptionFile("[Client]\n# c\nSsl_Key = /k\nflag\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->size(), 2u);
  EXPECT_EQ((*e)[0].group, "client");
  EXPECT_EQ((*e)[0].name, "ssl-key");
  EXPECT_EQ((*e)[0].value, "/k");
  EXPECT_EQ((*e)[0].line, 3);
  EXPECT_EQ((*e)[1].name, "flag");
  EXPECT_FALSE((*e)[1].value.has_value());
}

TEST(OptionFileTest, EmptyFileSetsNothing) {
  Result<OptionFileSettings> s = ReadOptionFileSettings("");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->password.has_value());
  EXPECT_FALSE(s->host.has_value());
}

}  // namespace
}  // namespace osc::cli
