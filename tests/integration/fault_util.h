// Helpers for the fault tests (resume_faults_test.cc): reading the `osc`
// program's plain progress output to pick the moment of a fault, and a
// reader that keeps querying the table and counts "table doesn't exist".
// Header-only, test code only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "db/connection.h"
#include "db/connection_options.h"
#include "tests/integration/cli_process.h"

namespace osc::testing {

// Both output streams of a run (progress lines go to one of them; where
// exactly is the CLI's business, not these tests').
inline std::string AllOutput(const OscProcess& p) { return p.out() + "\n" + p.err(); }

// True once the run has logged a transition into `state`
// ("state <from> -> <state>" in the plain progress output).
inline bool ReachedState(const std::string& output, const std::string& state) {
  return output.find(" -> " + state + " ") != std::string::npos ||
         output.find(" -> " + state + "\n") != std::string::npos;
}

// Rows copied according to the last "osc: copying ... N/M rows" progress
// line, or 0 if there is none yet.
inline uint64_t LastCopiedRows(const std::string& output) {
  uint64_t last = 0;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("osc: copying ", 0) != 0) continue;
    const size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    size_t begin = slash;
    while (begin > 0 && line[begin - 1] >= '0' && line[begin - 1] <= '9') --begin;
    if (begin == slash) continue;
    last = std::stoull(line.substr(begin, slash - begin));
  }
  return last;
}

// Polls `done` every 5 ms until it is true (returns true) or `limit`
// passes (returns false).
inline bool PollUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// True once process `pid` (our unreaped child) has exited: /proc shows it
// as a zombie. Does not reap it, so OscProcess::Wait still gets its code.
inline bool HasExited(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = all.rfind(')');
  return paren == std::string::npos || all.size() < paren + 3 || all[paren + 2] == 'Z';
}

// Polls the run's output until `at_point` holds (true) or the run exits
// or `limit` passes (false).
inline bool WaitForPoint(const OscProcess& p, const std::function<bool(const std::string&)>& at_point,
                         std::chrono::milliseconds limit) {
  bool at = false;
  PollUntil([&] { return (at = at_point(AllOutput(p))) || HasExited(p.pid()); }, limit);
  return at;
}

// Runs `SELECT COUNT(*) FROM <qualified_table>` in a loop on its own
// connection and counts the answers, the "table doesn't exist" errors
// (1146: a non-atomic swap or a dropped original) and other errors
// (reconnecting after a lost connection, e.g. during a server restart).
// Thread safety: the counters may be read from any thread.
class TableReader {
 public:
  TableReader(db::ConnectionOptions options, std::string qualified_table)
      : options_(std::move(options)), table_(std::move(qualified_table)) {
    thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  }
  ~TableReader() { Stop(); }
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  void Stop() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }
  uint64_t answers() const { return answers_.load(); }
  uint64_t missing() const { return missing_.load(); }
  uint64_t other_errors() const { return other_errors_.load(); }

 private:
  static constexpr uint32_t kNoSuchTable = 1146;

  void Run(std::stop_token stop) {
    std::optional<db::Connection> conn;
    while (!stop.stop_requested()) {
      if (!conn || conn->broken()) {
        auto c = db::Connection::Open(options_);
        if (!c.ok()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        conn.emplace(std::move(*c));
      }
      auto r = conn->QueryScalar("SELECT COUNT(*) FROM " + table_);
      if (r.ok()) {
        ++answers_;
      } else if (r.status().server_errno() == kNoSuchTable) {
        ++missing_;
      } else {
        ++other_errors_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  const db::ConnectionOptions options_;
  const std::string table_;
  std::atomic<uint64_t> answers_{0};
  std::atomic<uint64_t> missing_{0};
  std::atomic<uint64_t> other_errors_{0};
  std::jthread thread_;
};

}  // namespace osc::testing
