// HookRunner: runs the executables of a --hooks-path directory at gh-ost's
// hook points (see hook_event.h for the events, hook_facts.h for the
// environment they get).
//
// For each Fire(event, ...) the directory is listed afresh (as gh-ost does:
// hooks may be added or removed while a migration runs), and every regular,
// executable file whose name starts with HookName(event) is run, in lexical
// (byte) order of the name, one after another, stopping at the first
// failure. Each hook:
//   - is executed directly (argv = {path}; no shell, no arguments), with
//     stdin /dev/null and stdout+stderr logged line by line at info level as
//     "hook <file name>: <line>" (at most max_output_bytes logged per run);
//   - gets the base environment minus every password-bearing variable, plus
//     the facts; the database password never reaches a hook;
//   - runs in its own process group and is killed (SIGTERM to the group,
//     SIGKILL kill_grace later) when it outlives `timeout` or `stop` is
//     requested.
//
// Thread safety: Fire may be called from any thread (the status hook comes
// from the progress thread); runs are serialised by one mutex, so a hook
// never overlaps another, as with gh-ost. A Fire therefore may wait for the
// hook another thread is running (bounded by that hook's timeout).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "osc/hooks/hook_event.h"
#include "osc/hooks/hook_facts.h"

namespace osc::hooks {

struct HookRunnerOptions {
  // --hooks-path: the directory holding the hooks. Must exist.
  std::filesystem::path dir;
  // Longest one hook may run. gh-ost has no limit, but a hung notification
  // script must not hold a migration (or a cut-over) forever; 60 s leaves
  // room for slow webhooks. Must be positive.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  // After SIGTERM, how long a hook has to clean up before SIGKILL.
  std::chrono::milliseconds kill_grace{std::chrono::seconds(2)};
  // Output logged per hook run; the rest is counted, not logged, so a
  // chatty hook cannot flood osc's log. Reading continues either way (a
  // hook blocked on a full pipe would otherwise hang until the timeout).
  uint64_t max_output_bytes = 1 << 20;
  // Lines of a failing hook's output quoted in the returned error.
  size_t error_tail_lines = 5;
  // The environment hooks inherit, as "NAME=value" (typically
  // CurrentEnvironment()). Filtered as FilterBaseEnvironment describes.
  std::vector<std::string> base_environment;
  // Extra variable names never passed on (OSC_PASSWORD and MYSQL_PWD always
  // are dropped).
  std::vector<std::string> redacted_variables;
  // Secrets (e.g. the database password): any base variable whose value
  // contains one is dropped too. Empty strings are ignored.
  std::vector<std::string> secret_values;

  Status Validate() const;
};

// osc's own environment (environ) as "NAME=value" strings.
std::vector<std::string> CurrentEnvironment();

class HookRunner {
 public:
  // Validates the options and that `options.dir` is an existing directory
  // (InvalidArgument naming it otherwise: "--hooks-path /x: no such
  // directory"). The directory's contents are not checked here: an empty
  // one is valid.
  static Result<std::unique_ptr<HookRunner>> Open(HookRunnerOptions options);

  HookRunner(const HookRunner&) = delete;
  HookRunner& operator=(const HookRunner&) = delete;

  // Runs the hooks of `event` (see the file comment). Returns OK when there
  // are none or all exited with status 0. Otherwise the first failure,
  // naming the hook file and quoting its last output lines:
  //   FailedPrecondition  it exited non-zero or died by a signal
  //   Timeout             it ran past options.timeout and was killed
  //   Aborted             `stop` was requested (before or while it ran)
  //   IoError             the directory could not be listed, or a hook
  //                       could not be started
  // Hooks after a failing one are not run. Whether the failure should stop
  // the migration is the caller's decision: see Blocking(event).
  //
  // To run on-failure hooks after a stop request, pass a fresh
  // std::stop_token{} (never stops); the timeout still bounds them.
  Status Fire(HookEvent event, const HookFacts& facts, std::stop_token stop);

  // The hooks Fire(event) would run now, as full paths in run order.
  Result<std::vector<std::filesystem::path>> List(HookEvent event) const;

  const HookRunnerOptions& options() const { return options_; }

 private:
  explicit HookRunner(HookRunnerOptions options);
  Status RunOne(HookEvent event, const std::filesystem::path& path,
                const std::vector<std::string>& env, std::stop_token stop);

  const HookRunnerOptions options_;
  // The base environment after redaction, computed once.
  const std::vector<std::string> base_env_;
  // Serialises hook runs across threads (see the file comment).
  std::mutex run_mu_;
};

}  // namespace osc::hooks
