// Running the built `osc` program (OSC_BINARY) from live tests: a child
// process with stdout and stderr captured in files, so no pipe can fill up
// and stall it. Header-only; used by the cli_bad_input and cleanup tests.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace osc::testing {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The lines of `text` that start with `prefix`.
inline std::vector<std::string> LinesStartingWith(const std::string& text,
                                                  const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

class OscProcess {
 public:
  // Starts `program` with `args`; the environment is ours minus
  // OSC_PASSWORD, plus `env`. stdin is /dev/null.
  OscProcess(const std::string& program, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env = {}) {
    char dir_template[] = "/tmp/osc-proc-test-XXXXXX";
    dir_ = mkdtemp(dir_template);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string kv(*e);
      const std::string key = kv.substr(0, kv.find('='));
      if (key != "OSC_PASSWORD" && env.count(key) == 0) env_strings.push_back(kv);
    }
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<std::string> argv_strings = {program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv_ptrs, env_ptrs;
    for (std::string& s : argv_strings) argv_ptrs.push_back(s.data());
    for (std::string& s : env_strings) env_ptrs.push_back(s.data());
    argv_ptrs.push_back(nullptr);
    env_ptrs.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, (dir_ + "/out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ + "/err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    start_ = std::chrono::steady_clock::now();
    if (posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv_ptrs.data(), env_ptrs.data()) !=
        0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~OscProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }
  OscProcess(const OscProcess&) = delete;
  OscProcess& operator=(const OscProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Waits (at most `limit`, then kills) and returns the exit code; -1 if it
  // did not exit normally (killed by a signal). Later calls return the
  // same code.
  int Wait(std::chrono::seconds limit = std::chrono::seconds(120)) {
    if (pid_ <= 0) return -1;
    if (exited_) return code_;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    exited_ = true;
    elapsed_ = std::chrono::steady_clock::now() - start_;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return code_;
  }
  // Seconds from the start to the end of the first Wait().
  double seconds() const { return std::chrono::duration<double>(elapsed_).count(); }

  std::string out() const { return ReadWholeFile(dir_ + "/out"); }
  std::string err() const { return ReadWholeFile(dir_ + "/err"); }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::duration elapsed_{};
};

}  // namespace osc::testing
