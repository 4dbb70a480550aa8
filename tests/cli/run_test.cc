// Exit codes and the one-line messages for connection failures.
#include "cli/run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "cli/exit_codes.h"

namespace osc::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The numbers are a user contract (documented in exit_codes.h and the
// README): a renumbering must fail here.
TEST(ExitCodeTest, NumbersMatchTheDocumentedContract) {
  EXPECT_EQ(ToInt(ExitCode::kSuccess), 0);
  EXPECT_EQ(ToInt(ExitCode::kFailed), 1);
  EXPECT_EQ(ToInt(ExitCode::kUsage), 2);
  EXPECT_EQ(ToInt(ExitCode::kRefused), 3);
  EXPECT_EQ(ToInt(ExitCode::kCannotConnect), 4);
  EXPECT_EQ(ToInt(ExitCode::kAborted), 5);
  EXPECT_EQ(ToInt(ExitCode::kNotImplemented), 6);
  EXPECT_EQ(ToInt(ExitCode::kSwapIncomplete), 7);
}

TEST(ExitCodeTest, ConnectFailuresMapToCannotConnectExceptRefusedOptions) {
  EXPECT_EQ(ExitCodeForConnectError(Status::ServerError(1045, "28000 Access denied")), ExitCode::kCannotConnect);
  EXPECT_EQ(ExitCodeForConnectError(Status::ServerError(2002, "HY000 Can't connect")), ExitCode::kCannotConnect);
  EXPECT_EQ(ExitCodeForConnectError(Status::ServerError(2026, "TLS")), ExitCode::kCannotConnect);
  EXPECT_EQ(ExitCodeForConnectError(Status::ServerError(2013, "Lost connection")), ExitCode::kCannotConnect);
  EXPECT_EQ(ExitCodeForConnectError(Status::InvalidArgument("user is required")), ExitCode::kUsage);
}

TEST(ConnectErrorLineTest, AccessDeniedNamesThePasswordSource) {
  const std::string line = ConnectErrorLine(
      Status::ServerError(1045, "connect to u@h:3306: 28000 Access denied for user 'u'@'h'"),
      PasswordSource::kEnvironment);
  EXPECT_THAT(line, StartsWith("osc: cannot connect: "));
  EXPECT_THAT(line, HasSubstr("error 1045"));
  EXPECT_THAT(line, HasSubstr("OSC_PASSWORD"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(ConnectErrorLineTest, RefusedAndTlsFailuresGetTheirHints) {
  EXPECT_THAT(ConnectErrorLine(Status::ServerError(2002, "refused"), PasswordSource::kNone), HasSubstr("--port"));
  EXPECT_THAT(ConnectErrorLine(Status::ServerError(2026, "tls"), PasswordSource::kNone), HasSubstr("--ssl-mode"));
}

TEST(ConnectErrorLineTest, MultiLineMessagesBecomeOneLine) {
  const std::string line = ConnectErrorLine(Status::ServerError(2000, "a\nb\r\nc"), PasswordSource::kNone);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
}

TEST(RunCommandTest, UnreachableServerExitsCannotConnectWithOneLine) {
  // Port 1 on loopback: nothing listens there, so the connect is refused at
  // once without any server.
  CliCommand cmd;
  cmd.mode = Mode::kCheckServer;
  cmd.options.connection.user = "u";
  cmd.options.connection.port = 1;
  std::ostringstream out;
  std::ostringstream err;
  std::stop_source stop;
  EXPECT_EQ(RunCommand(cmd, out, err, stop.get_token()), ExitCode::kCannotConnect);
  EXPECT_EQ(out.str(), "");
  const std::string text = err.str();
  EXPECT_THAT(text, StartsWith("osc: cannot connect"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
}

TEST(RunCommandTest, FailureAfterAStopRequestIsReportedAsAborted) {
  CliCommand cmd;
  cmd.mode = Mode::kCheckServer;
  cmd.options.connection.user = "u";
  cmd.options.connection.port = 1;
  std::ostringstream out;
  std::ostringstream err;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(RunCommand(cmd, out, err, stop.get_token()), ExitCode::kAborted);
  EXPECT_THAT(err.str(), HasSubstr("stopped by a signal"));
}

}  // namespace
}  // namespace osc::cli
