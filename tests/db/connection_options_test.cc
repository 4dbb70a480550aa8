#include "db/connection_options.h"

#include <gtest/gtest.h>

#include <string>

namespace osc::db {
namespace {

ConnectionOptions Valid() {
  ConnectionOptions o;
  o.host = "db1.example.com";
  o.port = 3307;
  o.user = "osc";
  o.password = "s3cr3t-Pa55";
  return o;
}

TEST(ConnectionOptionsTest, DefaultsDocumentedValues) {
  ConnectionOptions o;
  EXPECT_EQ(o.connect_timeout, std::chrono::seconds(10));
  EXPECT_EQ(o.read_timeout, std::chrono::seconds(60));
  EXPECT_EQ(o.write_timeout, std::chrono::seconds(60));
  EXPECT_EQ(o.charset, "utf8mb4");
  EXPECT_EQ(o.ssl_mode, SslMode::kPreferred);
  EXPECT_EQ(o.port, 3306);
}

TEST(ConnectionOptionsTest, ValidOptionsPass) {
  EXPECT_TRUE(Valid().Validate().ok());
}

TEST(ConnectionOptionsTest, RequiresUser) {
  ConnectionOptions o = Valid();
  o.user.clear();
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

TEST(ConnectionOptionsTest, RequiresHostOrSocket) {
  ConnectionOptions o = Valid();
  o.host.clear();
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
  o.socket = "/run/mysqld/mysqld.sock";
  EXPECT_TRUE(o.Validate().ok());
}

TEST(ConnectionOptionsTest, RejectsPortZeroForTcp) {
  ConnectionOptions o = Valid();
  o.port = 0;
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

TEST(ConnectionOptionsTest, RejectsTimeoutsBelowOneSecond) {
  for (int which = 0; which < 3; ++which) {
    ConnectionOptions o = Valid();
    std::chrono::seconds* t = which == 0   ? &o.connect_timeout
                              : which == 1 ? &o.read_timeout
                                           : &o.write_timeout;
    *t = std::chrono::seconds(0);
    EXPECT_TRUE(o.Validate().IsInvalidArgument()) << which;
    *t = std::chrono::seconds(1);
    EXPECT_TRUE(o.Validate().ok()) << which;
  }
}

TEST(ConnectionOptionsTest, RejectsAbsurdTimeout) {
  ConnectionOptions o = Valid();
  o.read_timeout = std::chrono::hours(25);
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

TEST(ConnectionOptionsTest, TlsFileRules) {
  ConnectionOptions o = Valid();
  o.ssl_cert = "/etc/osc/client.pem";
  EXPECT_TRUE(o.Validate().IsInvalidArgument()) << "cert without key";
  o.ssl_key = "/etc/osc/client.key";
  EXPECT_TRUE(o.Validate().ok());
  o.ssl_mode = SslMode::kDisabled;
  EXPECT_TRUE(o.Validate().IsInvalidArgument()) << "files with TLS disabled";
}

TEST(ConnectionOptionsTest, VerifyModesNeedCa) {
  for (SslMode m : {SslMode::kVerifyCa, SslMode::kVerifyIdentity}) {
    ConnectionOptions o = Valid();
    o.ssl_mode = m;
    EXPECT_TRUE(o.Validate().IsInvalidArgument());
    o.ssl_ca = "/etc/osc/ca.pem";
    EXPECT_TRUE(o.Validate().ok());
  }
}

TEST(ConnectionOptionsTest, OnlyAsciiSafeCharsets) {
  ConnectionOptions o = Valid();
  for (const char* ok : {"utf8mb4", "utf8mb3", "utf8", "latin1", "ascii", "binary"}) {
    o.charset = ok;
    EXPECT_TRUE(o.Validate().ok()) << ok;
  }
  for (const char* bad : {"gbk", "big5", "sjis", "", "utf8mb4; DROP"}) {
    o.charset = bad;
    EXPECT_TRUE(o.Validate().IsInvalidArgument()) << bad;
  }
}

TEST(ConnectionOptionsTest, DatabaseMustBeAValidIdentifier) {
  ConnectionOptions o = Valid();
  o.database = "shop";
  EXPECT_TRUE(o.Validate().ok());
  o.database = std::string(65, 'd');
  EXPECT_TRUE(o.Validate().IsInvalidArgument());
}

TEST(ConnectionOptionsTest, RejectsBlankInitStatement) {
  ConnectionOptions o = Valid();
  o.init_statements = {"SET SESSION lock_wait_timeout = 5", "  \n"};
  Status s = o.Validate();
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("2"), std::string_view::npos);
}

TEST(ConnectionOptionsTest, DescribeShowsUserHostPortWithoutPassword) {
  ConnectionOptions o = Valid();
  EXPECT_EQ(o.Describe(), "osc@db1.example.com:3307");
  EXPECT_EQ(o.Describe().find(o.password), std::string::npos);
}

TEST(ConnectionOptionsTest, DescribeSocketDatabaseAndIpv6) {
  ConnectionOptions o = Valid();
  o.database = "shop";
  o.socket = "/tmp/m.sock";
  EXPECT_EQ(o.Describe(), "osc@unix:/tmp/m.sock/shop");
  o.socket.clear();
  o.host = "::1";
  EXPECT_EQ(o.Describe(), "osc@[::1]:3307/shop");
}

TEST(ConnectionOptionsTest, ValidationErrorsNeverEchoThePassword) {
  ConnectionOptions o = Valid();
  o.read_timeout = std::chrono::seconds(0);
  Status s = o.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.ToString().find(o.password), std::string::npos);
}

TEST(SslModeTest, ParsesAllSpellings) {
  EXPECT_EQ(*ParseSslMode("disabled"), SslMode::kDisabled);
  EXPECT_EQ(*ParseSslMode("PREFERRED"), SslMode::kPreferred);
  EXPECT_EQ(*ParseSslMode("required"), SslMode::kRequired);
  EXPECT_EQ(*ParseSslMode("VERIFY_CA"), SslMode::kVerifyCa);
  EXPECT_EQ(*ParseSslMode("verify-identity"), SslMode::kVerifyIdentity);
  EXPECT_TRUE(ParseSslMode("on").status().IsInvalidArgument());
  EXPECT_EQ(ToString(SslMode::kVerifyIdentity), "verify_identity");
}

}  // namespace
}  // namespace osc::db
