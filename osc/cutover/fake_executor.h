// Test doubles for osc::cutover (in the library, like throttle/fake_signal.h,
// so every test target can use them; nothing in production refers to them).
//
// FakeExecutor models just enough of a server to run the cut-over
// protocol against it: a set of tables (name -> definition), LOCK TABLES
// per session (a table locked by another session fails at once with 1205),
// a RENAME that waits (really blocks its thread) while another session
// holds the lock on a table it names, KILL QUERY / KILL
// CONNECTION, and a processlist that shows the waiting RENAME as
// "Waiting for table metadata lock". Closing or killing a session releases
// its lock, as on a server. Database qualifiers in statements are ignored.
//
// Scripting: FailStatement makes matching statements fail without effect;
// OnStatement runs a hook just before a matching statement executes (e.g.
// to kill another session at that moment); SetBlockerReports scripts what
// ListBlockers returns. Statements and kills are recorded for assertions.
//
// SteppingClock: time moves only when someone sleeps, by exactly the
// requested amount, and SleepFor returns at once. Polling loops with
// deadlines then run at full speed in virtual time, deterministically.
//
// Thread safety: all methods of both classes are thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "osc/cutover/executor.h"

namespace osc::cutover {

class FakeExecutor final : public Executor {
 public:
  using Hook = std::function<void(uint64_t session_id)>;

  FakeExecutor() = default;
  // Joins the threads of detached statements (see DetachStatement).
  ~FakeExecutor() override;

  // --- The modelled server.
  // `body` is what follows the name in SHOW CREATE TABLE, e.g.
  // "(\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB".
  void AddTable(const std::string& name, const std::string& body);
  bool HasTable(const std::string& name) const;
  // "CREATE TABLE `name` <body>", or nullopt.
  std::optional<std::string> ShowCreate(const std::string& name) const;
  // Simulates the death of a session (network loss, KILL from outside):
  // its lock is released, a statement it is waiting in fails with 2013,
  // later ones with 2006.
  void KillConnection(uint64_t id);

  // --- Scripting. `role` "" matches sessions of any role; `prefix`
  // matches the start of the statement text.
  void FailStatement(const std::string& role, const std::string& prefix, Status status,
                     int times = 1);
  void OnStatement(const std::string& role, const std::string& prefix, Hook hook);
  void FailOpen(Status status, int times = 1);
  // The next matching statement loses its client: the call fails at once
  // with 2013 (lost connection) and the session counts as broken, while the
  // modelled server goes on running the statement (a client read timeout,
  // a dropped proxy connection): it shows in the processlist and takes
  // effect unless the session is killed first. Closing the session object
  // does not stop it.
  void DetachStatement(const std::string& role, const std::string& prefix);
  // ListBlockers returns these in turn; the last repeats. None: empty,
  // with metadata locks usable. Whenever the report says metadata locks are
  // usable, a RENAME waiting for the queried table is added as a PENDING
  // kMetadataLock row (as performance_schema would show it).
  void SetBlockerReports(std::vector<BlockerReport> reports);
  // The next `looks` ListBlockers calls on `table` made while a RENAME
  // naming it waits leave that RENAME out: hidden on t alone, it looks as
  // if it still waited for another of its tables; hidden on all of them, as
  // if its thread were not instrumented.
  void HideRenameWaits(const std::string& table, int looks);

  // --- Observations.
  std::vector<std::string> Statements(const std::string& role) const;
  // How the last statement of `role` starting with `prefix` ended, or
  // nullopt if there was none (statements of dead sessions included).
  std::optional<Status> Outcome(const std::string& role, const std::string& prefix) const;
  // Id of the most recently opened session of `role`.
  std::optional<uint64_t> LastSessionId(const std::string& role) const;
  std::vector<std::pair<uint64_t, KillScope>> Kills() const;
  std::vector<BlockerQuery> BlockerQueries() const;
  int SessionsOpened(const std::string& role) const;

  // --- Executor.
  Result<std::unique_ptr<Session>> OpenSession(std::string_view role) override;
  Result<std::optional<ProcessInfo>> FindProcess(uint64_t id) override;
  Result<BlockerReport> ListBlockers(const BlockerQuery& query) override;
  Status Kill(uint64_t id, KillScope scope) override;

 private:
  friend class FakeSession;
  struct SessionState {
    std::string role;
    bool dead = false;
    bool client_lost = false;  // DetachStatement: the server side goes on
    bool waiting = false;      // blocked in RENAME
    bool interrupted = false;  // KILL QUERY arrived while waiting
    std::string running;       // the statement it is blocked in
  };
  struct Failure {
    std::string role, prefix;
    Status status;
    int times = 0;
  };
  struct HookEntry {
    std::string role, prefix;
    Hook hook;
  };

  Result<db::QueryResult> Run(uint64_t id, std::string_view sql);
  Result<db::QueryResult> RunUnlogged(uint64_t id, std::string_view sql);
  Result<db::QueryResult> Interpret(std::unique_lock<std::mutex>& lock, uint64_t id,
                                    std::string_view sql);
  Result<db::QueryResult> Rename(std::unique_lock<std::mutex>& lock, uint64_t id,
                                 std::string_view sql);
  void Close(uint64_t id);
  bool IsDead(uint64_t id) const;
  void ReleaseLockLocked(uint64_t id);
  bool LockedByOther(uint64_t id, const std::string& table) const;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> tables_;
  // LOCK TABLES of each session that holds some: session id -> tables.
  std::map<uint64_t, std::vector<std::string>> locks_;
  std::map<uint64_t, SessionState> sessions_;
  uint64_t next_id_ = 100;
  std::vector<Failure> failures_;
  std::vector<HookEntry> hooks_;
  int open_failures_ = 0;
  Status open_failure_;
  std::vector<std::pair<std::string, std::string>> log_;  // role, statement
  struct OutcomeEntry {
    std::string role, sql;
    Status status;
  };
  std::vector<OutcomeEntry> outcomes_;
  std::vector<BlockerReport> blocker_reports_;
  std::vector<BlockerQuery> blocker_queries_;
  std::map<std::string, int> hidden_rename_looks_;  // table -> looks
  std::vector<std::pair<uint64_t, KillScope>> kills_;
  std::vector<std::pair<std::string, std::string>> detach_;  // role, prefix
  std::vector<std::thread> detached_;
};

class SteppingClock final : public Clock {
 public:
  SteadyTime Now() const override;
  WallTime WallNow() const override;
  // Advances by `d`, pauses ~100 us of real time so other threads run,
  // returns false if `stop` is requested.
  bool SleepFor(Duration d, std::stop_token stop) override;
  // Every SleepFor duration, in call order.
  std::vector<Duration> sleeps() const;

 private:
  mutable std::mutex mu_;
  Duration elapsed_{};
  std::vector<Duration> sleeps_;
};

}  // namespace osc::cutover
