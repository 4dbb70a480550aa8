#include "osc/control/server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "common/logging.h"
#include "osc/control/dispatch.h"

namespace osc::control {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Backlog of the listening socket: clients beyond it get EAGAIN on
// connect; one operator with a script never comes close.
constexpr int kBacklog = 16;

Status Errno(std::string_view what, const std::string& path) {
  return Status::IoError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Closes a file descriptor when it goes out of scope unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Result<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument("--serve-socket-file must be 1 to " + std::to_string(sizeof(addr.sun_path) - 1) +
                                   " bytes long: " + path);
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

// True when a process accepts connections on the socket at `addr`. A
// non-blocking connect never waits: a listener with a full backlog
// answers EAGAIN, which still means somebody is there.
Result<bool> SomebodyListens(const sockaddr_un& addr, const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Errno("creating a probe socket for", path);
  FdCloser closer(fd);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) return true;
  if (errno == EAGAIN || errno == EINPROGRESS) return true;
  if (errno == ECONNREFUSED) return false;
  return Errno("probing the existing socket", path);
}

// Clears the way for bind(): nothing there, or a stale socket removed.
Status ClearPath(const sockaddr_un& addr, const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Errno("inspecting", path);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return Status::FailedPrecondition(path + " exists and is not a socket; refusing to replace it");
  }
  OSC_ASSIGN_OR_RETURN(const bool live, SomebodyListens(addr, path));
  if (live) {
    return Status::FailedPrecondition("another process listens on " + path +
                                      " (is another osc running with the same --serve-socket-file?)");
  }
  // Left by a run that crashed. Another osc starting at the same instant
  // could race us here; the loser's bind() then fails with EADDRINUSE.
  spdlog::info("control: replacing stale socket {}", path);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("removing stale socket", path);
  return Status::Ok();
}

int RemainingMs(SteadyClock::time_point deadline, std::chrono::milliseconds cap) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::clamp(left, std::chrono::milliseconds(0), cap).count());
}

enum class ReadEnd { kLine, kTimeout, kTooLong, kHungUp, kStopped };

// Reads up to the first newline (or the peer's half-close, for clients
// that send without one) into `line`.
ReadEnd ReadLine(int fd, const ControlServerOptions& options, std::stop_token stop, std::string& line) {
  const SteadyClock::time_point deadline = SteadyClock::now() + options.client_timeout;
  char buf[512];
  while (true) {
    if (stop.stop_requested()) return ReadEnd::kStopped;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) {
      const std::string_view chunk(buf, static_cast<size_t>(n));
      const size_t nl = chunk.find('\n');
      line.append(chunk.substr(0, nl));
      if (line.size() > options.max_line) return ReadEnd::kTooLong;
      if (nl != std::string_view::npos) return ReadEnd::kLine;
      continue;
    }
    if (n == 0) return line.empty() ? ReadEnd::kHungUp : ReadEnd::kLine;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return ReadEnd::kHungUp;
    const int wait_ms = RemainingMs(deadline, options.poll_interval);
    if (wait_ms == 0) return ReadEnd::kTimeout;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) < 0 && errno != EINTR) return ReadEnd::kHungUp;
  }
}

// Writes all of `text` unless the peer is gone or does not read within
// `timeout`. MSG_NOSIGNAL: a client that hung up must not SIGPIPE osc.
void WriteAll(int fd, std::string_view text, std::chrono::milliseconds timeout) {
  const SteadyClock::time_point deadline = SteadyClock::now() + timeout;
  while (!text.empty()) {
    const ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      text.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return;
    const int wait_ms = RemainingMs(deadline, timeout);
    if (wait_ms == 0) return;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, wait_ms) < 0 && errno != EINTR) return;
  }
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::Open(const std::string& path, ControlTarget* target,
                                                           ControlServerOptions options) {
  if (target == nullptr) return Status::InvalidArgument("the control server needs a target");
  OSC_ASSIGN_OR_RETURN(const sockaddr_un addr, Address(path));
  OSC_RETURN_IF_ERROR(ClearPath(addr, path));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Errno("creating socket", path);
  FdCloser closer(fd);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) return Errno("binding", path);
  // bind() applies the umask; tighten before listen(): until then connects
  // are refused, so nobody gets in through the looser mode.
  struct stat st {};
  if (::chmod(path.c_str(), 0600) != 0 || ::lstat(path.c_str(), &st) != 0) {
    const Status s = Errno("setting mode 0600 on", path);
    ::unlink(path.c_str());
    return s;
  }
  if (::listen(fd, kBacklog) != 0) {
    const Status s = Errno("listening on", path);
    ::unlink(path.c_str());
    return s;
  }
  spdlog::info("control: listening on {}", path);
  return std::unique_ptr<ControlServer>(new ControlServer(path, closer.release(), target, options,
                                                          static_cast<unsigned long>(st.st_ino),
                                                          static_cast<unsigned long>(st.st_dev)));
}

ControlServer::ControlServer(std::string path, int fd, ControlTarget* target, ControlServerOptions options,
                             unsigned long inode, unsigned long device)
    : path_(std::move(path)), fd_(fd), target_(target), options_(options), inode_(inode), device_(device) {}

ControlServer::~ControlServer() {
  ::close(fd_);
  struct stat st {};
  // Inode numbers are reused at once on tmpfs, so the type is checked too.
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && static_cast<unsigned long>(st.st_ino) == inode_ &&
      static_cast<unsigned long>(st.st_dev) == device_) {
    ::unlink(path_.c_str());
  }
}

Status ControlServer::Run(std::stop_token stop) {
  const int interval_ms = static_cast<int>(options_.poll_interval.count());
  while (!stop.stop_requested()) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, std::max(1, interval_ms));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Errno("waiting for clients on", path_);
    }
    if (ready == 0) continue;
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) {
      // The client may have gone between poll and accept; EMFILE and the
      // like pass too (the next poll tries again after the interval).
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
        // Back off for an interval so a persistent failure does not spin.
        spdlog::warn("control: accept on {} failed: {}", path_, std::strerror(errno));
        pollfd none{-1, 0, 0};
        ::poll(&none, 1, std::max(1, interval_ms));
      }
      continue;
    }
    FdCloser closer(client);
    Serve(client, stop);
  }
  return Status::Ok();
}

void ControlServer::Serve(int client, std::stop_token stop) {
  std::string line;
  switch (ReadLine(client, options_, stop, line)) {
    case ReadEnd::kLine:
      WriteAll(client, Execute(line, *target_), options_.client_timeout);
      return;
    case ReadEnd::kTooLong:
      WriteAll(client, "error: command longer than " + std::to_string(options_.max_line) + " bytes\n",
               options_.client_timeout);
      return;
    case ReadEnd::kTimeout:
      WriteAll(client, "error: no command within " + std::to_string(options_.client_timeout.count()) + " ms\n",
               options_.client_timeout);
      return;
    case ReadEnd::kHungUp:
    case ReadEnd::kStopped:
      return;
  }
}

}  // namespace osc::control
