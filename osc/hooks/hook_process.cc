// Why posix_spawn and not fork: osc is multi-threaded (copy workers, binlog
// reader, progress thread), and after fork() only async-signal-safe calls
// are allowed in the child; a malloc lock held by another thread at fork
// time deadlocks the child. glibc's posix_spawn runs in a vfork-style child
// that only performs the listed file actions and execs, which is safe, and
// it reports exec failures (ENOENT, EACCES, ENOEXEC) as its return value.
#include "osc/hooks/hook_process_internal.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>

namespace osc::hooks::internal {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string ErrnoText(int err) { return std::string(std::strerror(err)); }

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// pidfd_open(2): a descriptor that polls readable when the child exits, so
// the wait loop sleeps in poll() instead of ticking. Linux >= 5.3; on older
// kernels (ENOSYS) we fall back to a short poll tick.
int OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}
constexpr std::chrono::milliseconds kTickWithoutPidFd{20};

// posix_spawn attributes and file actions, released on scope exit.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

int PrepareSpawn(SpawnSetup& s, int pipe_write) {
  int rc = posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&s.actions, pipe_write, 1);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&s.actions, pipe_write, 2);
  // Connection sockets, binlog files and the like must not leak into a
  // user's script (it could hold a server connection open after osc ends),
  // even if some library opened them without O_CLOEXEC.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  if (rc != 0) return rc;
  sigset_t empty;
  sigemptyset(&empty);
  // Ignored dispositions survive exec; osc ignores SIGPIPE, and a hook that
  // inherited that would not die when its own pipeline's reader exits.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM}) {
    sigaddset(&defaults, sig);
  }
  rc = posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  if (rc == 0) rc = posix_spawnattr_setpgroup(&s.attr, 0);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&s.attr, &empty);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&s.attr, &defaults);
  return rc;
}

// Reads what is available without blocking; closes `fd` at end of file.
void Drain(Fd& fd, const std::function<void(std::string_view)>& on_output) {
  char buf[8192];
  while (fd.get() >= 0) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n > 0) {
      on_output(std::string_view(buf, static_cast<size_t>(n)));
    } else if (n == 0) {
      fd.Reset();
    } else if (errno != EINTR) {
      if (errno != EAGAIN) fd.Reset();  // EAGAIN: nothing more right now
      return;
    }
  }
}

// True once the child has exited, without reaping it: a zombie keeps its
// pid (and so its process-group id) reserved, so a later kill(-pid) can
// never hit an unrelated group that reused the number.
bool HasExited(pid_t pid) {
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    if (errno != EINTR) return true;  // ECHILD: nothing left to wait for
  }
  return info.si_pid == pid;
}

int Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Waits until the child exits, the deadline passes, or stop is signalled on
// `wake_fd`, forwarding output meanwhile. Returns true if the child exited.
bool WaitFor(pid_t pid, int pid_fd, Fd& out, int wake_fd, SteadyClock::time_point deadline,
             const std::stop_token& stop, const std::function<void(std::string_view)>& on_output) {
  while (true) {
    if (HasExited(pid)) return true;
    const auto now = SteadyClock::now();
    if (now >= deadline || (wake_fd >= 0 && stop.stop_requested())) return false;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (pid_fd < 0) wait = std::min(wait, kTickWithoutPidFd);
    pollfd fds[3];
    nfds_t n = 0;
    if (out.get() >= 0) fds[n++] = pollfd{out.get(), POLLIN, 0};
    if (pid_fd >= 0) fds[n++] = pollfd{pid_fd, POLLIN, 0};
    if (wake_fd >= 0) fds[n++] = pollfd{wake_fd, POLLIN, 0};
    const int rc = ::poll(fds, n, static_cast<int>(std::min<int64_t>(wait.count(), 60000)));
    if (rc < 0 && errno != EINTR) return HasExited(pid);
    Drain(out, on_output);
  }
}

ChildExit Decode(int status) {
  if (WIFSIGNALED(status)) return {ChildExit::How::kSignaled, WTERMSIG(status)};
  return {ChildExit::How::kExited, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

Result<ChildExit> RunChild(const ChildSpec& spec, std::stop_token stop,
                           const std::function<void(std::string_view)>& on_output) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Status::IoError("pipe2: " + ErrnoText(errno));
  Fd out(pipe_fds[0]);
  Fd out_write(pipe_fds[1]);
  ::fcntl(out.get(), F_SETFL, ::fcntl(out.get(), F_GETFL) | O_NONBLOCK);
  Fd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake.get() < 0) return Status::IoError("eventfd: " + ErrnoText(errno));

  SpawnSetup setup;
  if (int rc = PrepareSpawn(setup, out_write.get()); rc != 0) {
    return Status::IoError("preparing posix_spawn: " + ErrnoText(rc));
  }
  std::vector<char*> envp;
  envp.reserve(spec.env.size() + 1);
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>(spec.path.c_str()), nullptr};

  pid_t pid = -1;
  if (int rc = ::posix_spawn(&pid, spec.path.c_str(), &setup.actions, &setup.attr, argv, envp.data()); rc != 0) {
    return Status::IoError("cannot execute " + spec.path + ": " + ErrnoText(rc));
  }
  out_write.Reset();  // the child holds the only write end now: EOF when it exits
  Fd pid_fd(OpenPidFd(pid));

  // Wakes the poll below from whichever thread requests the stop.
  const int wake_fd = wake.get();
  std::stop_callback on_stop(stop, [wake_fd] {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t ignored = ::write(wake_fd, &one, sizeof(one));
  });

  const auto deadline = SteadyClock::now() + spec.timeout;
  if (WaitFor(pid, pid_fd.get(), out, wake_fd, deadline, stop, on_output)) {
    Drain(out, on_output);
    return Decode(Reap(pid));
  }
  const ChildExit::How why = stop.stop_requested() ? ChildExit::How::kStopped : ChildExit::How::kTimedOut;
  ::kill(-pid, SIGTERM);
  const auto grace_end = SteadyClock::now() + spec.kill_grace;
  WaitFor(pid, pid_fd.get(), out, /*wake_fd=*/-1, grace_end, stop, on_output);
  // Also sweeps processes the hook started, which would otherwise keep
  // running against a migration that has moved on.
  ::kill(-pid, SIGKILL);
  const int status = Reap(pid);
  Drain(out, on_output);
  return ChildExit{why, WIFEXITED(status) ? WEXITSTATUS(status) : (WIFSIGNALED(status) ? WTERMSIG(status) : -1)};
}

// --- HookOutput -------------------------------------------------------------

HookOutput::HookOutput(std::string label, uint64_t max_logged_bytes, size_t tail_lines)
    : label_(std::move(label)), max_logged_bytes_(max_logged_bytes), tail_lines_(tail_lines) {}

void HookOutput::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    const size_t room = kMaxLineBytes - partial_.size();
    if (piece.size() > room) {  // an over-long line: emit what fits
      partial_.append(piece.substr(0, room));
      EmitLine(partial_);
      partial_.clear();
      bytes.remove_prefix(room);
      continue;
    }
    partial_.append(piece);
    if (nl == std::string_view::npos) return;
    EmitLine(partial_);
    partial_.clear();
    bytes.remove_prefix(nl + 1);
  }
}

void HookOutput::Finish() {
  if (!partial_.empty()) EmitLine(partial_);
  partial_.clear();
  if (dropped_bytes_ > 0) {
    spdlog::warn("hook {}: {} more bytes of output not logged (limit {} bytes)", label_, dropped_bytes_,
                 max_logged_bytes_);
  }
}

void HookOutput::EmitLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (logged_bytes_ + line.size() <= max_logged_bytes_) {
    logged_bytes_ += line.size() + 1;
    spdlog::info("hook {}: {}", label_, line);
  } else {
    dropped_bytes_ += line.size() + 1;
  }
  if (tail_lines_ == 0) return;
  tail_.emplace_back(line.substr(0, 300));
  if (tail_.size() > tail_lines_) tail_.pop_front();
}

std::string HookOutput::Tail() const {
  std::string joined;
  for (const std::string& line : tail_) {
    if (!joined.empty()) joined += " | ";
    joined += line;
  }
  return joined;
}

}  // namespace osc::hooks::internal
