#include "cli/signals.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "cli/exit_codes.h"

namespace osc::cli {
namespace {

// How often the watcher looks at its own stop token; bounds how long the
// destructor waits for it.
constexpr long kPollNanos = 100'000'000;

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void WriteStderr(const std::string& line) {
  [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

StopOnSignals::StopOnSignals(std::stop_source stop) : stop_(std::move(stop)) {}

Result<std::unique_ptr<StopOnSignals>> StopOnSignals::Start(std::stop_source stop) {
  std::unique_ptr<StopOnSignals> self(new StopOnSignals(std::move(stop)));
  const sigset_t set = StopSignals();
  const int rc = pthread_sigmask(SIG_BLOCK, &set, &self->old_mask_);
  if (rc != 0) return Status::Internal(std::string("pthread_sigmask: ") + std::strerror(rc));
  self->watcher_ = std::jthread([raw = self.get()](std::stop_token own_stop) { raw->Watch(own_stop); });
  return self;
}

StopOnSignals::~StopOnSignals() {
  watcher_.request_stop();
  if (watcher_.joinable()) watcher_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void StopOnSignals::Watch(std::stop_token own_stop) {
  const sigset_t set = StopSignals();
  const timespec poll{0, kPollNanos};
  while (!own_stop.stop_requested()) {
    const int sig = sigtimedwait(&set, nullptr, &poll);
    if (sig < 0) continue;  // timeout (EAGAIN) or EINTR: look at own_stop again
    const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    int expected = 0;
    if (first_signal_.compare_exchange_strong(expected, sig, std::memory_order_acq_rel)) {
      WriteStderr(std::string("osc: ") + name + " received, stopping (send it again to exit at once)\n");
      stop_.request_stop();
      continue;
    }
    WriteStderr(std::string("osc: second ") + name + ": exiting now\n");
    std::_Exit(ToInt(ExitCode::kAborted));
  }
}

}  // namespace osc::cli
