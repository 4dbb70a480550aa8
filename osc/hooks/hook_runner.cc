#include "osc/hooks/hook_runner.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <spdlog/spdlog.h>
#include <system_error>

#include "db/library.h"
#include "osc/hooks/hook_process_internal.h"

extern char** environ;

namespace osc::hooks {
namespace {

namespace fs = std::filesystem;

// "1.5s" for messages.
std::string Secs(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1fs", std::chrono::duration<double>(d).count());
  return buf;
}

// The signal's short name ("SEGV"); sigabbrev_np is thread-safe, unlike
// strsignal, whose buffer for unknown numbers is static.
std::string SignalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string WithTail(std::string message, const std::string& tail) {
  if (tail.empty()) return message + " (no output)";
  return message + "; last output: " + tail;
}

// What a hook's exit means for Fire's result (see Fire's contract).
Status Judge(const std::string& name, HookEvent event, const internal::ChildExit& exit,
             std::chrono::milliseconds timeout, const std::string& tail) {
  const std::string who = "hook " + name + " (" + std::string(HookName(event)) + ")";
  using How = internal::ChildExit::How;
  switch (exit.how) {
    case How::kExited:
      if (exit.value == 0) return Status::Ok();
      return Status::FailedPrecondition(WithTail(who + " exited with status " + std::to_string(exit.value), tail));
    case How::kSignaled:
      return Status::FailedPrecondition(WithTail(who + " was killed by " + SignalName(exit.value), tail));
    case How::kTimedOut:
      return Status::Timeout(WithTail(who + " ran longer than " + Secs(timeout) + " and was killed", tail));
    case How::kStopped:
      return Status::Aborted(WithTail(who + " was killed because osc is stopping", tail));
  }
  return Status::Internal(who + ": unknown exit kind");
}

bool IsExecutableFile(const fs::path& path) {
  // stat, not lstat: a symlink to a script is a hook, as with gh-ost (Go's
  // exec follows links too).
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

Status HookRunnerOptions::Validate() const {
  if (dir.empty()) return Status::InvalidArgument("--hooks-path: empty directory name");
  if (timeout <= std::chrono::milliseconds::zero()) {
    return Status::InvalidArgument("hook timeout must be positive");
  }
  if (kill_grace < std::chrono::milliseconds::zero()) {
    return Status::InvalidArgument("hook kill grace must not be negative");
  }
  return Status::Ok();
}

std::vector<std::string> CurrentEnvironment() {
  // SSL_CERT_FILE as it was before osc changed it for its own connections
  // (db/library.h): a hook calling an HTTPS endpoint needs the real one.
  const db::CaStoreEnvironment& ca = db::SystemCaStoreEnvironment();
  constexpr std::string_view kCaFile = "SSL_CERT_FILE=";
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (ca.changed && std::string_view(*e).starts_with(kCaFile)) {
      if (ca.original) env.push_back(std::string(kCaFile) + *ca.original);
      continue;
    }
    env.emplace_back(*e);
  }
  return env;
}

Result<std::unique_ptr<HookRunner>> HookRunner::Open(HookRunnerOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  std::error_code ec;
  const fs::file_status st = fs::status(options.dir, ec);
  if (ec || !fs::exists(st)) {
    return Status::InvalidArgument("--hooks-path " + options.dir.string() + ": no such directory");
  }
  if (!fs::is_directory(st)) {
    return Status::InvalidArgument("--hooks-path " + options.dir.string() + ": not a directory");
  }
  return std::unique_ptr<HookRunner>(new HookRunner(std::move(options)));
}

HookRunner::HookRunner(HookRunnerOptions options)
    : options_(std::move(options)),
      base_env_(FilterBaseEnvironment(options_.base_environment, options_.redacted_variables,
                                      options_.secret_values)) {}

Result<std::vector<fs::path>> HookRunner::List(HookEvent event) const {
  const std::string_view prefix = HookName(event);
  std::vector<fs::path> hooks;
  std::error_code ec;
  for (fs::directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(prefix) && IsExecutableFile(it->path())) hooks.push_back(it->path());
  }
  if (ec) return Status::IoError("--hooks-path " + options_.dir.string() + ": " + ec.message());
  // Byte order of the file name, as Go's filepath.Glob returns them.
  std::sort(hooks.begin(), hooks.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  return hooks;
}

Status HookRunner::Fire(HookEvent event, const HookFacts& facts, std::stop_token stop) {
  std::lock_guard<std::mutex> lock(run_mu_);
  if (stop.stop_requested()) {
    return Status::Aborted(std::string(HookName(event)) + " hooks not run: osc is stopping");
  }
  OSC_ASSIGN_OR_RETURN(const std::vector<fs::path> hooks, List(event));
  if (hooks.empty()) return Status::Ok();

  std::vector<std::string> env = base_env_;
  for (auto& [name, value] : FactEnvironment(event, facts)) env.push_back(name + "=" + value);
  for (const fs::path& hook : hooks) {
    OSC_RETURN_IF_ERROR(RunOne(event, hook, env, stop));
  }
  return Status::Ok();
}

Status HookRunner::RunOne(HookEvent event, const fs::path& path, const std::vector<std::string>& env,
                          std::stop_token stop) {
  const std::string name = path.filename().string();
  spdlog::info("running hook {} ({})", path.string(), HookName(event));
  const auto started = std::chrono::steady_clock::now();

  internal::HookOutput output(name, options_.max_output_bytes, options_.error_tail_lines);
  internal::ChildSpec spec{path.string(), env, options_.timeout, options_.kill_grace};
  Result<internal::ChildExit> exit =
      internal::RunChild(spec, stop, [&output](std::string_view bytes) { output.Append(bytes); });
  output.Finish();
  if (!exit.ok()) return exit.status().WithContext("hook " + name);

  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  Status verdict = Judge(name, event, *exit, options_.timeout, output.Tail());
  if (verdict.ok()) {
    spdlog::info("hook {} finished in {}", name, Secs(took));
  } else {
    spdlog::warn("{}", verdict.message());
  }
  return verdict;
}

}  // namespace osc::hooks
