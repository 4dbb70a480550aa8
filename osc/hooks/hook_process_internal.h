// Internal to osc/hooks: running one hook executable as a supervised child
// process, and turning its output into log lines.
//
// Not a public interface: HookRunner (hook_runner.h) is.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace osc::hooks::internal {

struct ChildSpec {
  std::string path;              // executed directly: argv is just {path}
  std::vector<std::string> env;  // the complete environment, "NAME=value"
  std::chrono::milliseconds timeout{60000};
  // After SIGTERM (timeout or stop), how long the child has to exit before
  // its process group gets SIGKILL.
  std::chrono::milliseconds kill_grace{2000};
};

struct ChildExit {
  enum class How : uint8_t {
    kExited,    // exited on its own; `value` is the exit code
    kSignaled,  // killed by a signal it did not get from us; `value` is it
    kTimedOut,  // we killed it at the timeout
    kStopped,   // we killed it because stop was requested
  };
  How how = How::kExited;
  int value = 0;
};

// Runs `spec` and waits for it, calling `on_output` (on the calling thread)
// with each chunk the child writes to stdout or stderr (both go to one
// pipe, so their relative order is kept). stdin is /dev/null; no file
// descriptor of osc other than that pipe reaches the child.
//
// The child leads its own process group, so a Ctrl-C on osc's terminal does
// not hit it directly; osc's stop token does, through `stop`. On timeout or
// stop the whole group gets SIGTERM, then SIGKILL after kill_grace, and the
// call returns once the child is reaped (within kill_grace plus a moment).
// When the child exits on its own, processes it started in the background
// are left alone (gh-ost's docs suggest hooks background long work); we stop
// reading the pipe then, so such processes should not write to it.
//
// Returns how the child ended, or an error when it could not be started
// (IoError naming errno, e.g. ENOEXEC for a script without a "#!" line).
Result<ChildExit> RunChild(const ChildSpec& spec, std::stop_token stop,
                           const std::function<void(std::string_view)>& on_output);

// Splits a hook's output into lines, logs each, and remembers the last few
// for the error message. Bounded: at most max_logged_bytes are logged (the
// rest is counted and dropped, but the tail is still kept up to date), and a
// line longer than kMaxLineBytes is cut into pieces.
//
// Not thread-safe (one per hook run).
class HookOutput {
 public:
  static constexpr size_t kMaxLineBytes = 8192;

  // `label` prefixes each log line: "hook <label>: <line>".
  HookOutput(std::string label, uint64_t max_logged_bytes, size_t tail_lines);

  void Append(std::string_view bytes);
  // Logs a final line without newline, and the truncation notice if any.
  void Finish();

  // The last lines (at most tail_lines, each cut to 300 bytes), joined with
  // " | "; empty if the hook printed nothing.
  std::string Tail() const;
  uint64_t dropped_bytes() const { return dropped_bytes_; }

 private:
  void EmitLine(std::string_view line);

  const std::string label_;
  const uint64_t max_logged_bytes_;
  const size_t tail_lines_;
  uint64_t logged_bytes_ = 0;
  uint64_t dropped_bytes_ = 0;
  std::string partial_;
  std::deque<std::string> tail_;
};

}  // namespace osc::hooks::internal
