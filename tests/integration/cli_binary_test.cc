// The built `osc` program, run as a subprocess (the path comes from the
// build: OSC_BINARY), checked on what a user sees: exit code, stdout,
// stderr, and the process list.
//
// Needs the sandbox primary (scripts/sandbox.sh) for the server tests, and
// mariadbd for the server without binary logging (scripts/plain_server.sh).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "tests/integration/cli_process.h"
#include "tests/support/test_env.h"

extern char** environ;

namespace osc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t Lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

// A child process with stdout/stderr captured in files (no pipe can fill up
// and stall it) and stdin from /dev/null.
using Child = osc::testing::OscProcess;

// A TCP listener on 127.0.0.1 that accepts connections and never answers:
// a client stays in the MySQL handshake until its own timeout.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 && listen(fd_, 4) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentServer() {
    if (client_ >= 0) close(client_);
    close(fd_);
  }
  uint16_t port() const { return port_; }
  // True once a client connected within `timeout`.
  bool AcceptWithin(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
    client_ = accept(fd_, nullptr, nullptr);
    return client_ >= 0;
  }
  // Hangs up on the accepted client: its handshake fails at once.
  void HangUp() {
    if (client_ >= 0) close(client_);
    client_ = -1;
  }

 private:
  int fd_ = -1;
  int client_ = -1;
  uint16_t port_ = 0;
};

// A loopback port nothing listens on (bound, then released).
uint16_t UnusedPort() {
  SilentServer s;
  return s.port();
}

std::string ProcCmdline(pid_t pid) {
  std::string raw = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(raw.begin(), raw.end(), '\0', ' ');
  return raw;
}

class CliBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto primary = testing::SandboxPrimary();
    if (!primary) OSC_SKIP_OR_FAIL("sandbox primary not configured (eval \"$(scripts/sandbox.sh env)\")");
    primary_ = *primary;
  }
  std::vector<std::string> PrimaryArgs() const {
    return {"--host", primary_.host, "--port", std::to_string(primary_.port), "--user", primary_.user};
  }

  testing::ServerEndpoint primary_;
};

TEST_F(CliBinaryTest, GoodConnectionPrintsTheReportAndExitsZero) {
  Child osc(OSC_BINARY, PrimaryArgs(), {{"OSC_PASSWORD", primary_.password}});
  ASSERT_EQ(osc.Wait(), 0) << osc.err();
  const std::string out = osc.out();
  EXPECT_THAT(out, HasSubstr("MariaDB 10.11"));
  EXPECT_TRUE(std::regex_search(out, std::regex("OK +binlog_format +ROW\n"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("OK +log_bin +ON\n"))) << out;
  EXPECT_EQ(osc.err(), "");
}

TEST_F(CliBinaryTest, WrongPasswordExitsFourWithOneLine) {
  const std::string wrong = primary_.password + "-wrong";
  Child osc(OSC_BINARY, PrimaryArgs(), {{"OSC_PASSWORD", wrong}});
  EXPECT_EQ(osc.Wait(), 4);
  const std::string err = osc.err();
  EXPECT_EQ(Lines(err), 1u) << err;
  EXPECT_THAT(err, StartsWith("osc: cannot connect"));
  EXPECT_THAT(err, HasSubstr("1045"));
  EXPECT_THAT(err, Not(HasSubstr(wrong)));
  EXPECT_EQ(osc.out(), "");
}

TEST_F(CliBinaryTest, AlterPlansWithoutExecuteMigratesWithItAndRefusesMissingTables) {
  db::ConnectionOptions root;
  root.host = primary_.host;
  root.port = primary_.port;
  root.user = primary_.user;
  root.password = primary_.password;
  auto conn = db::Connection::Open(root);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE(conn->Execute("DROP DATABASE IF EXISTS osc_cli_test").ok());
  ASSERT_TRUE(conn->Execute("CREATE DATABASE osc_cli_test").ok());
  ASSERT_TRUE(conn->Execute("CREATE TABLE osc_cli_test.t (id INT PRIMARY KEY, v VARCHAR(10))").ok());
  ASSERT_TRUE(conn->Execute("INSERT INTO osc_cli_test.t VALUES (1, 'a'), (2, 'b')").ok());

  std::vector<std::string> args = PrimaryArgs();
  args.insert(args.end(), {"--database", "osc_cli_test", "--table", "t", "--alter", "ADD COLUMN c INT"});
  Child plan(OSC_BINARY, args, {{"OSC_PASSWORD", primary_.password}});
  EXPECT_EQ(plan.Wait(), 0) << plan.err();
  auto cols = conn->Query("SHOW COLUMNS FROM osc_cli_test.t LIKE 'c'");
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->rows.size(), 0u) << "a run without --execute must change nothing";

  std::vector<std::string> exec_args = args;
  exec_args.push_back("--execute");
  Child run(OSC_BINARY, exec_args, {{"OSC_PASSWORD", primary_.password}});
  EXPECT_EQ(run.Wait(), 0) << run.err();
  EXPECT_THAT(run.out(), HasSubstr("osc: done"));
  cols = conn->Query("SHOW COLUMNS FROM osc_cli_test.t LIKE 'c'");
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->rows.size(), 1u) << run.err();

  args[args.size() - 3] = "no_such_table";
  Child missing(OSC_BINARY, args, {{"OSC_PASSWORD", primary_.password}});
  EXPECT_EQ(missing.Wait(), 3) << missing.err();
  EXPECT_THAT(missing.err(), HasSubstr("osc: refused"));
}

TEST(CliBinaryNoServerTest, UnreachablePortExitsFourFast) {
  Child osc(OSC_BINARY, {"--host", "127.0.0.1", "--port", std::to_string(UnusedPort()), "--user", "root"});
  EXPECT_EQ(osc.Wait(), 4);
  EXPECT_LT(osc.seconds(), 5.0);
  EXPECT_EQ(Lines(osc.err()), 1u) << osc.err();
  EXPECT_THAT(osc.err(), StartsWith("osc: cannot connect"));
}

TEST(CliBinaryNoServerTest, UsageErrorIsExactlyOneLineAndExitTwo) {
  Child osc(OSC_BINARY, {"--bogus=1"});
  EXPECT_EQ(osc.Wait(), 2);
  EXPECT_EQ(osc.err(), "osc: unknown flag '--bogus'; see osc --help\n");
  EXPECT_EQ(osc.out(), "");
}

TEST(CliBinaryNoServerTest, AskPassWithoutTerminalIsAUsageError) {
  Child osc(OSC_BINARY, {"--user", "root", "--ask-pass"});
  EXPECT_EQ(osc.Wait(), 2);
  EXPECT_EQ(Lines(osc.err()), 1u) << osc.err();
  EXPECT_THAT(osc.err(), HasSubstr("--ask-pass needs a terminal"));
}

TEST(CliBinaryNoServerTest, VersionAndHelpExitZero) {
  Child version(OSC_BINARY, {"--version"});
  EXPECT_EQ(version.Wait(), 0);
  EXPECT_TRUE(std::regex_match(version.out(), std::regex("osc [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << version.out();
  Child help(OSC_BINARY, {"--help"});
  EXPECT_EQ(help.Wait(), 0);
  EXPECT_THAT(help.out(), HasSubstr("--alter"));
}

// The password must vanish from /proc/<pid>/cmdline while osc runs. osc is
// held in its connect by a server that never answers; by the time it
// connects, main() is long past hiding the value.
TEST(CliBinaryNoServerTest, PasswordFlagIsHiddenFromTheProcessList) {
  for (const bool with_equals : {true, false}) {
    SCOPED_TRACE(with_equals ? "--password=..." : "--password ...");
    const std::string secret = "Sekr1t-value-42";
    SilentServer server;
    ASSERT_NE(server.port(), 0);
    std::vector<std::string> args = {"--host", "127.0.0.1", "--port", std::to_string(server.port()),
                                     "--user", "root", "--connect-timeout", "3"};
    if (with_equals) {
      args.push_back("--password=" + secret);
    } else {
      args.insert(args.end(), {"--password", secret});
    }
    Child osc(OSC_BINARY, args);
    ASSERT_TRUE(server.AcceptWithin(std::chrono::seconds(10))) << osc.err();
    const std::string cmdline = ProcCmdline(osc.pid());
    EXPECT_THAT(cmdline, HasSubstr("--password"));  // the process is alive and readable
    EXPECT_THAT(cmdline, Not(HasSubstr(secret)));
    server.HangUp();
    EXPECT_EQ(osc.Wait(), 4);
    EXPECT_THAT(osc.err(), HasSubstr("warning: a password given with --password"));
    EXPECT_THAT(osc.err(), Not(HasSubstr(secret)));
  }
}

TEST(CliBinaryNoServerTest, SigtermStopsWithExitFive) {
  SilentServer server;
  ASSERT_NE(server.port(), 0);
  Child osc(OSC_BINARY, {"--host", "127.0.0.1", "--port", std::to_string(server.port()), "--user", "root",
                         "--connect-timeout", "3"});
  ASSERT_TRUE(server.AcceptWithin(std::chrono::seconds(10))) << osc.err();
  ASSERT_EQ(kill(osc.pid(), SIGTERM), 0);
  EXPECT_EQ(osc.Wait(), 5) << osc.err();
  EXPECT_THAT(osc.err(), HasSubstr("SIGTERM"));
  EXPECT_THAT(osc.err(), HasSubstr("stopped by a signal"));
}

// A server without binary logging, started for this suite on a free port.
class CliPlainServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir_template[] = "/tmp/osc-plain-XXXXXX";
    dir_ = mkdtemp(dir_template);
    port_ = UnusedPort();
    Child start(Script(), {"start", std::to_string(port_), dir_});
    started_ = start.Wait(std::chrono::seconds(120)) == 0;
    if (!started_) start_error_ = start.err();
  }
  static void TearDownTestSuite() {
    Child stop(Script(), {"stop", std::to_string(port_), dir_});
    stop.Wait(std::chrono::seconds(60));
    std::filesystem::remove_all(dir_);
  }
  void SetUp() override {
    if (!started_) OSC_SKIP_OR_FAIL("scripts/plain_server.sh could not start mariadbd: " + start_error_);
  }
  static std::string Script() { return std::string(OSC_SOURCE_DIR) + "/scripts/plain_server.sh"; }

  static inline std::string dir_;
  static inline uint16_t port_ = 0;
  static inline bool started_ = false;
  static inline std::string start_error_;
};

TEST_F(CliPlainServerTest, ServerWithoutBinaryLoggingIsRefusedWithExitThree) {
  Child osc(OSC_BINARY, {"--socket", dir_ + "/mariadbd.sock", "--user", "root"});
  EXPECT_EQ(osc.Wait(), 3) << osc.err();
  EXPECT_TRUE(std::regex_search(osc.out(), std::regex("PROBLEM +log_bin +OFF"))) << osc.out();
  EXPECT_THAT(osc.out(), HasSubstr("fix: "));
  EXPECT_EQ(Lines(osc.err()), 1u) << osc.err();
  EXPECT_THAT(osc.err(), StartsWith("osc: refused"));
}

}  // namespace
}  // namespace osc
