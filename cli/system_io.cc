#include "cli/system_io.h"

#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace osc::cli {
namespace {

constexpr off_t kMaxConfBytes = 1 << 20;

// Terminal state saved by PromptPassword, for the signal handler below.
// Written before the handlers are installed and only read by them.
struct termios g_saved_termios;

// Restores echo, then lets the signal do what it would have done (end the
// process) with its default action. Only async-signal-safe calls.
extern "C" void RestoreTerminalAndReraise(int sig) {
  tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  signal(sig, SIG_DFL);
  raise(sig);
}

constexpr std::array<int, 4> kPromptSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Echo off for the lifetime of the object, with the signal handlers that
// undo it if the user presses Ctrl-C at the prompt.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) return;
    struct sigaction sa {};
    sa.sa_handler = RestoreTerminalAndReraise;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < kPromptSignals.size(); ++i) sigaction(kPromptSignals[i], &sa, &previous_[i]);
    struct termios quiet = g_saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // the newline still shows, so the next output starts a line
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    for (size_t i = 0; i < kPromptSignals.size(); ++i) sigaction(kPromptSignals[i], &previous_[i], nullptr);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

  bool active() const { return active_; }

 private:
  bool active_ = false;
  std::array<struct sigaction, kPromptSignals.size()> previous_{};
};

// Reads bytes up to a newline with read(2) (no stdio buffering that could
// keep a copy of the password around). False on end of input or error.
bool ReadLine(std::string* out) {
  for (;;) {
    char c = 0;
    const ssize_t n = read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (c == '\n') return true;
    if (out->size() >= 4096) return false;
    out->push_back(c);
  }
}

}  // namespace

std::optional<std::string> GetEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<std::string> ReadConfFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Status::IoError(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("not a regular file");
  if ((st.st_mode & S_IWOTH) != 0) {
    return Status::InvalidArgument("it is world-writable (chmod o-w it; anyone could change where osc connects)");
  }
  if (st.st_size > kMaxConfBytes) return Status::InvalidArgument("larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IoError("read error");
  return text.str();
}

Result<std::string> PromptPassword(std::string_view prompt) {
  if (isatty(STDIN_FILENO) == 0) {
    return Status::FailedPrecondition(
        "--ask-pass needs a terminal on stdin; in scripts use $OSC_PASSWORD or --conf");
  }
  std::string password;
  bool complete = false;
  {
    EchoOff echo_off;
    if (!echo_off.active()) return Status::FailedPrecondition("--ask-pass cannot turn off terminal echo");
    // Best effort: a prompt that cannot be written still reads the line.
    [[maybe_unused]] const ssize_t w = write(STDERR_FILENO, prompt.data(), prompt.size());
    complete = ReadLine(&password);
  }
  if (!complete) return Status::FailedPrecondition("no password entered at the --ask-pass prompt");
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace osc::cli
