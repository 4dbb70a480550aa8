// The control socket server (osc/control/server.h) over real Unix sockets
// in a temporary directory, with a fake target.
#include "osc/control/server.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/osc/control_fake_target.h"

namespace osc::control {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::FakeTarget;
using SteadyClock = std::chrono::steady_clock;

// A connected client socket; -1 when connect failed.
int Connect(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until the server closes (or 10 s pass).
std::string ReadAll(int fd) {
  std::string out;
  char buf[1024];
  const SteadyClock::time_point deadline = SteadyClock::now() + 10s;
  while (SteadyClock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// What `echo <text> | nc -U path` does: send, half-close, read the reply.
std::string Ask(const std::string& path, const std::string& text) {
  const int fd = Connect(path);
  EXPECT_GE(fd, 0) << "connect " << path << ": " << std::strerror(errno);
  if (fd < 0) return "";
  EXPECT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
  ::shutdown(fd, SHUT_WR);
  std::string reply = ReadAll(fd);
  ::close(fd);
  return reply;
}

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/osc-control-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/osc.sock";
  }
  void TearDown() override {
    StopServer();
    std::filesystem::remove_all(dir_);
  }

  ControlServerOptions Fast() {
    ControlServerOptions o;
    o.client_timeout = 300ms;
    o.poll_interval = 20ms;
    return o;
  }

  void StartServer(ControlServerOptions options) {
    Result<std::unique_ptr<ControlServer>> s = ControlServer::Open(path_, &target_, options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    thread_ = std::jthread([this](std::stop_token stop) { run_status_ = server_->Run(stop); });
  }
  void StopServer() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
    server_.reset();
  }

  std::string dir_;
  std::string path_;
  FakeTarget target_;
  std::unique_ptr<ControlServer> server_;
  std::jthread thread_;
  Status run_status_;
};

TEST_F(ControlServerTest, RepliesToOneLineAndCloses) {
  StartServer(Fast());
  EXPECT_EQ(Ask(path_, "sup\n"), "copying 42 rows\n");
  EXPECT_EQ(Ask(path_, "status json\r\n"), "{\"state\":\"copying\",\"rows\":42}\n");
  EXPECT_THAT(Ask(path_, "help\n"), StartsWith("available commands:"));
}

TEST_F(ControlServerTest, EveryCommandReachesTheTarget) {
  StartServer(Fast());
  EXPECT_EQ(Ask(path_, "status\n"), "state: copying\nrows: 42\n");
  EXPECT_EQ(Ask(path_, "throttle\n"), "throttle done\n");
  EXPECT_TRUE(target_.throttled());
  EXPECT_EQ(Ask(path_, "no-throttle\n"), "no-throttle done\n");
  EXPECT_FALSE(target_.throttled());
  EXPECT_EQ(Ask(path_, "chunk-size=5000\n"), "chunk-size is 5000\n");
  EXPECT_EQ(Ask(path_, "chunk-size?\n"), "5000\n");
  EXPECT_EQ(Ask(path_, "threads=6\n"), "threads is 6\n");
  EXPECT_EQ(target_.threads(), 6);
  EXPECT_EQ(Ask(path_, "max-lag-millis=3000\n"), "max-lag-millis set\n");
  EXPECT_EQ(target_.max_lag_millis(), 3000u);
  EXPECT_EQ(Ask(path_, "max-load=Threads_running=30\n"), "max-load set\n");
  EXPECT_EQ(Ask(path_, "critical-load=Threads_running=99\n"), "critical-load set\n");
  EXPECT_EQ(Ask(path_, "critical-load?\n"), "Threads_running=99\n");
  EXPECT_EQ(Ask(path_, "unpostpone\n"), "cut-over unpostponed\n");
  EXPECT_EQ(Ask(path_, "panic\n"), "panic done\n");
  EXPECT_TRUE(target_.panicked());
}

TEST_F(ControlServerTest, BadInputGetsAnErrorAndChangesNothing) {
  StartServer(Fast());
  EXPECT_EQ(Ask(path_, "bogus\n"), "error: unknown command 'bogus'; try help\n");
  EXPECT_EQ(Ask(path_, "threads=65\n"), "error: threads must be between 1 and 64, got 65\n");
  EXPECT_EQ(Ask(path_, "\n"), "error: empty command; try help\n");
  EXPECT_EQ(target_.threads(), 2);
  // Only the first line counts.
  EXPECT_EQ(Ask(path_, "sup\nthreads=9\n"), "copying 42 rows\n");
  EXPECT_EQ(target_.threads(), 2);
}

TEST_F(ControlServerTest, LineWithoutNewlineIsServedAtHalfClose) {
  StartServer(Fast());
  EXPECT_EQ(Ask(path_, "threads=3"), "threads is 3\n");
  EXPECT_EQ(target_.threads(), 3);
}

TEST_F(ControlServerTest, OverlongLineIsRefused) {
  StartServer(Fast());
  EXPECT_EQ(Ask(path_, std::string(5000, 'x')), "error: command longer than 4096 bytes\n");
  EXPECT_EQ(Ask(path_, "sup\n"), "copying 42 rows\n");  // still serving
}

TEST_F(ControlServerTest, SilentClientTimesOutWithoutBlockingOthersLong) {
  ControlServerOptions o = Fast();
  o.client_timeout = 1s;
  StartServer(o);
  const int silent = Connect(path_);
  ASSERT_GE(silent, 0);
  std::this_thread::sleep_for(50ms);  // the server is now waiting on it
  const SteadyClock::time_point start = SteadyClock::now();
  EXPECT_EQ(Ask(path_, "sup\n"), "copying 42 rows\n");
  EXPECT_LT(SteadyClock::now() - start, 1800ms);
  EXPECT_EQ(ReadAll(silent), "error: no command within 1000 ms\n");
  ::close(silent);
}

TEST_F(ControlServerTest, ConcurrentClientsAllGetTheirReply) {
  StartServer(Fast());
  constexpr int kClients = 12;
  std::vector<std::string> replies(kClients);
  {
    std::vector<std::jthread> clients;
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back([&, i] {
        replies[static_cast<size_t>(i)] = Ask(path_, i % 2 == 0 ? "sup\n" : "threads=" + std::to_string(i) + "\n");
      });
    }
  }
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(replies[static_cast<size_t>(i)], i % 2 == 0 ? "copying 42 rows\n" : "threads is " + std::to_string(i) + "\n");
  }
}

TEST_F(ControlServerTest, ClientThatHangsUpEarlyDoesNotHurtTheServer) {
  StartServer(Fast());
  for (int i = 0; i < 20; ++i) {
    const int fd = Connect(path_);
    ASSERT_GE(fd, 0);
    ASSERT_GT(::send(fd, "help\n", 5, MSG_NOSIGNAL), 0);
    ::close(fd);  // never reads the (long) reply
  }
  EXPECT_EQ(Ask(path_, "sup\n"), "copying 42 rows\n");
}

TEST_F(ControlServerTest, SocketIsOwnerOnlyAndRemovedOnDestruction) {
  StartServer(Fast());
  struct stat st {};
  ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  StopServer();
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(path_)));
}

TEST_F(ControlServerTest, StopIsPrompt) {
  ControlServerOptions o = Fast();
  o.poll_interval = 100ms;
  StartServer(o);
  std::this_thread::sleep_for(50ms);
  const SteadyClock::time_point start = SteadyClock::now();
  thread_.request_stop();
  thread_.join();
  EXPECT_LT(SteadyClock::now() - start, 500ms);
  EXPECT_TRUE(run_status_.ok()) << run_status_.ToString();
}

TEST_F(ControlServerTest, StaleSocketIsReplaced) {
  // A socket file nobody listens on, as a crashed run leaves it.
  const int stale = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.data(), path_.size());
  ASSERT_EQ(::bind(stale, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(stale);
  ASSERT_TRUE(std::filesystem::is_socket(path_));
  StartServer(Fast());
  EXPECT_EQ(Ask(path_, "sup\n"), "copying 42 rows\n");
}

TEST_F(ControlServerTest, LiveSocketIsRefusedAndKept) {
  StartServer(Fast());
  FakeTarget other;
  Result<std::unique_ptr<ControlServer>> second = ControlServer::Open(path_, &other, Fast());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("another process listens"));
  EXPECT_EQ(Ask(path_, "sup\n"), "copying 42 rows\n");  // the first still serves
}

TEST_F(ControlServerTest, NonSocketFileIsLeftAlone) {
  { std::ofstream(path_) << "precious\n"; }
  Result<std::unique_ptr<ControlServer>> s = ControlServer::Open(path_, &target_, Fast());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("is not a socket"));
  std::ifstream in(path_);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "precious");
}

TEST_F(ControlServerTest, DirectoryAtThePathIsLeftAlone) {
  std::filesystem::create_directory(path_);
  Result<std::unique_ptr<ControlServer>> s = ControlServer::Open(path_, &target_, Fast());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(std::filesystem::is_directory(path_));
}

TEST_F(ControlServerTest, TooLongPathIsInvalid) {
  Result<std::unique_ptr<ControlServer>> s = ControlServer::Open(dir_ + "/" + std::string(120, 'p'), &target_);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsInvalidArgument()) << s.status().ToString();
}

TEST_F(ControlServerTest, FileSomebodyPutAtThePathLaterIsNotRemoved) {
  StartServer(Fast());
  ASSERT_TRUE(std::filesystem::remove(path_));
  { std::ofstream(path_) << "someone else's\n"; }
  StopServer();
  EXPECT_TRUE(std::filesystem::is_regular_file(path_));
}

}  // namespace
}  // namespace osc::control
