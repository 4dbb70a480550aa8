#include "osc/cutover/fake_executor.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "db/errors.h"

namespace osc::cutover {
namespace {

// How long a RENAME waits in the fake before it gives up with 1205, in
// real time: a backstop so a broken test fails instead of hanging.
constexpr auto kFakeLockWaitLimit = std::chrono::seconds(20);

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

void SkipSpaces(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
}

// One identifier: `quoted` (doubled backquotes inside) or a bare word.
std::string TakeIdentifier(std::string_view& s) {
  std::string out;
  if (!s.empty() && s.front() == '`') {
    size_t i = 1;
    for (; i < s.size(); ++i) {
      if (s[i] != '`') {
        out.push_back(s[i]);
        continue;
      }
      if (i + 1 < s.size() && s[i + 1] == '`') {
        out.push_back('`');
        ++i;
        continue;
      }
      break;
    }
    s.remove_prefix(std::min(i + 1, s.size()));
    return out;
  }
  size_t i = 0;
  while (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != '.' && s[i] != '(') ++i;
  out = std::string(s.substr(0, i));
  s.remove_prefix(i);
  return out;
}

// `db`.`table` or `table`: returns the table, consumes the text.
std::string TakeTableName(std::string_view& s) {
  SkipSpaces(s);
  std::string name = TakeIdentifier(s);
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    name = TakeIdentifier(s);
  }
  SkipSpaces(s);
  return name;
}

bool TakeWord(std::string_view& s, std::string_view word) {
  SkipSpaces(s);
  if (!StartsWith(s, word)) return false;
  s.remove_prefix(word.size());
  SkipSpaces(s);
  return true;
}

Status Error(uint32_t code, const std::string& text) {
  return Status::ServerError(code, "fake: " + text);
}

}  // namespace

// ---------------------------------------------------------------- session

class FakeSession final : public Session {
 public:
  FakeSession(FakeExecutor* executor, uint64_t id) : executor_(executor), id_(id) {}
  ~FakeSession() override { executor_->Close(id_); }

  Status Execute(std::string_view sql) override {
    auto r = executor_->Run(id_, sql);
    return r.ok() ? Status::Ok() : r.status();
  }
  Result<db::QueryResult> Query(std::string_view sql) override { return executor_->Run(id_, sql); }
  uint64_t id() const override { return id_; }
  bool broken() const override { return executor_->IsDead(id_); }

 private:
  FakeExecutor* const executor_;
  const uint64_t id_;
};

// ------------------------------------------------------------------ model

void FakeExecutor::AddTable(const std::string& name, const std::string& body) {
  std::lock_guard lock(mu_);
  tables_[name] = body;
}

bool FakeExecutor::HasTable(const std::string& name) const {
  std::lock_guard lock(mu_);
  return tables_.count(name) > 0;
}

std::optional<std::string> FakeExecutor::ShowCreate(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return std::nullopt;
  return "CREATE TABLE `" + name + "` " + it->second;
}

void FakeExecutor::KillConnection(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second.dead = true;
  ReleaseLockLocked(id);
  cv_.notify_all();
}

bool FakeExecutor::LockedByOther(uint64_t id, const std::string& table) const {
  for (const auto& [holder, names] : locks_) {
    if (holder != id && std::find(names.begin(), names.end(), table) != names.end()) return true;
  }
  return false;
}

void FakeExecutor::ReleaseLockLocked(uint64_t id) {
  locks_.erase(id);
}

FakeExecutor::~FakeExecutor() {
  for (std::thread& t : detached_) t.join();
}

void FakeExecutor::DetachStatement(const std::string& role, const std::string& prefix) {
  std::lock_guard lock(mu_);
  detach_.emplace_back(role, prefix);
}

void FakeExecutor::Close(uint64_t id) {
  std::lock_guard lock(mu_);
  // The server thread of a detached statement ends with the statement.
  if (sessions_[id].client_lost && !sessions_[id].dead) return;
  sessions_[id].dead = true;
  ReleaseLockLocked(id);
  cv_.notify_all();
}

bool FakeExecutor::IsDead(uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  return it == sessions_.end() || it->second.dead || it->second.client_lost;
}

// -------------------------------------------------------------- scripting

void FakeExecutor::FailStatement(const std::string& role, const std::string& prefix, Status status,
                                 int times) {
  std::lock_guard lock(mu_);
  failures_.push_back({role, prefix, std::move(status), times});
}

void FakeExecutor::OnStatement(const std::string& role, const std::string& prefix, Hook hook) {
  std::lock_guard lock(mu_);
  hooks_.push_back({role, prefix, std::move(hook)});
}

void FakeExecutor::FailOpen(Status status, int times) {
  std::lock_guard lock(mu_);
  open_failure_ = std::move(status);
  open_failures_ = times;
}

void FakeExecutor::SetBlockerReports(std::vector<BlockerReport> reports) {
  std::lock_guard lock(mu_);
  blocker_reports_ = std::move(reports);
}

std::vector<std::string> FakeExecutor::Statements(const std::string& role) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [r, sql] : log_) {
    if (role.empty() || r == role) out.push_back(sql);
  }
  return out;
}

std::optional<Status> FakeExecutor::Outcome(const std::string& role,
                                            const std::string& prefix) const {
  std::lock_guard lock(mu_);
  for (auto it = outcomes_.rbegin(); it != outcomes_.rend(); ++it) {
    if (it->role == role && StartsWith(it->sql, prefix)) return it->status;
  }
  return std::nullopt;
}

std::optional<uint64_t> FakeExecutor::LastSessionId(const std::string& role) const {
  std::lock_guard lock(mu_);
  std::optional<uint64_t> id;
  for (const auto& [sid, s] : sessions_) {
    if (s.role == role) id = sid;  // ids grow, so the last match is the newest
  }
  return id;
}

std::vector<std::pair<uint64_t, KillScope>> FakeExecutor::Kills() const {
  std::lock_guard lock(mu_);
  return kills_;
}

std::vector<BlockerQuery> FakeExecutor::BlockerQueries() const {
  std::lock_guard lock(mu_);
  return blocker_queries_;
}

int FakeExecutor::SessionsOpened(const std::string& role) const {
  std::lock_guard lock(mu_);
  return static_cast<int>(std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& entry) {
    return entry.second.role == role;
  }));
}

// --------------------------------------------------------------- Executor

Result<std::unique_ptr<Session>> FakeExecutor::OpenSession(std::string_view role) {
  std::lock_guard lock(mu_);
  if (open_failures_ > 0) {
    --open_failures_;
    return open_failure_;
  }
  const uint64_t id = next_id_++;
  sessions_[id].role = std::string(role);
  return std::unique_ptr<Session>(std::make_unique<FakeSession>(this, id));
}

Result<std::optional<ProcessInfo>> FakeExecutor::FindProcess(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.dead) return std::optional<ProcessInfo>();
  ProcessInfo p;
  p.id = id;
  p.user = "osc";
  p.host = "localhost";
  p.command = it->second.waiting ? "Query" : "Sleep";
  p.state = it->second.waiting ? "Waiting for table metadata lock" : "";
  p.query = it->second.waiting ? it->second.running : "";
  return std::optional<ProcessInfo>(std::move(p));
}

Result<BlockerReport> FakeExecutor::ListBlockers(const BlockerQuery& query) {
  std::lock_guard lock(mu_);
  const size_t call = blocker_queries_.size();
  blocker_queries_.push_back(query);
  BlockerReport report = blocker_reports_.empty() ? BlockerReport{{}, true, ""}
                                                  : blocker_reports_[std::min(call, blocker_reports_.size() - 1)];
  if (!report.metadata_locks_usable) return report;
  std::vector<Blocker> renames;
  for (const auto& [id, s] : sessions_) {
    if (s.dead || !s.waiting || !MentionsTable(s.running, query.table)) continue;
    Blocker b;
    b.kind = BlockerKind::kMetadataLock;
    b.process.id = id;
    b.process.command = "Query";
    b.process.state = "Waiting for table metadata lock";
    b.process.query = s.running;
    b.lock_type = "EXCLUSIVE";
    b.lock_status = "PENDING";
    renames.push_back(std::move(b));
  }
  if (renames.empty()) return report;
  if (int& hidden = hidden_rename_looks_[query.table]; hidden > 0) {
    --hidden;
    return report;
  }
  report.blockers.insert(report.blockers.end(), renames.begin(), renames.end());
  return report;
}

void FakeExecutor::HideRenameWaits(const std::string& table, int looks) {
  std::lock_guard lock(mu_);
  hidden_rename_looks_[table] = looks;
}

Status FakeExecutor::Kill(uint64_t id, KillScope scope) {
  std::lock_guard lock(mu_);
  kills_.emplace_back(id, scope);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.dead)
    return Status::NotFound("fake: no session " + std::to_string(id));
  if (scope == KillScope::kConnection) {
    it->second.dead = true;
    ReleaseLockLocked(id);
  } else if (it->second.waiting) {
    it->second.interrupted = true;
  }
  cv_.notify_all();
  return Status::Ok();
}

// ------------------------------------------------------------- statements

Result<db::QueryResult> FakeExecutor::Run(uint64_t id, std::string_view sql) {
  auto result = RunUnlogged(id, sql);
  std::lock_guard lock(mu_);
  outcomes_.push_back(
      {sessions_[id].role, std::string(sql), result.ok() ? Status::Ok() : result.status()});
  return result;
}

Result<db::QueryResult> FakeExecutor::RunUnlogged(uint64_t id, std::string_view sql) {
  std::vector<Hook> to_run;
  {
    std::lock_guard lock(mu_);
    const std::string& role = sessions_[id].role;
    for (const HookEntry& h : hooks_) {
      if ((h.role.empty() || h.role == role) && StartsWith(sql, h.prefix)) to_run.push_back(h.hook);
    }
  }
  for (const Hook& hook : to_run) hook(id);  // unlocked: hooks call back into us

  std::unique_lock lock(mu_);
  SessionState& s = sessions_[id];
  if (s.dead || s.client_lost) return Error(db::errc::kClientServerGone, "MySQL server has gone away");
  log_.emplace_back(s.role, std::string(sql));
  for (auto it = detach_.begin(); it != detach_.end(); ++it) {
    if ((it->first.empty() || it->first == s.role) && StartsWith(sql, it->second)) {
      detach_.erase(it);
      s.client_lost = true;
      detached_.emplace_back([this, id, statement = std::string(sql)] {
        // Let the client's failure reach its caller first, as on a server
        // where the statement is still in flight when the client gives up.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::unique_lock server(mu_);
        (void)Interpret(server, id, statement);
        sessions_[id].dead = true;  // the statement was all that kept it alive
        ReleaseLockLocked(id);
        cv_.notify_all();
      });
      return Error(db::errc::kClientServerLost, "Lost connection to server during query");
    }
  }
  for (Failure& f : failures_) {
    if (f.times > 0 && (f.role.empty() || f.role == s.role) && StartsWith(sql, f.prefix)) {
      --f.times;
      return f.status;
    }
  }
  return Interpret(lock, id, sql);
}

Result<db::QueryResult> FakeExecutor::Interpret(std::unique_lock<std::mutex>& lock, uint64_t id,
                                                std::string_view sql) {
  std::string_view rest = sql;
  if (StartsWith(sql, "SET ") || StartsWith(sql, "REPLACE ") || StartsWith(sql, "INSERT ") ||
      StartsWith(sql, "UPDATE ") || StartsWith(sql, "DELETE ") || StartsWith(sql, "SELECT ")) {
    return db::QueryResult{};
  }
  if (TakeWord(rest, "SHOW CREATE TABLE")) {
    const std::string name = TakeTableName(rest);
    auto it = tables_.find(name);
    if (it == tables_.end())
      return Error(db::errc::kNoSuchTable, "Table '" + name + "' doesn't exist");
    db::QueryResult r;
    r.columns = {db::Column{"Table", db::ColumnType::kVarString, 33, false, false},
                 db::Column{"Create Table", db::ColumnType::kVarString, 33, false, false}};
    r.rows.push_back({name, "CREATE TABLE `" + name + "` " + it->second});
    return r;
  }
  if (TakeWord(rest, "CREATE TABLE")) {
    const std::string name = TakeTableName(rest);
    if (tables_.count(name))
      return Error(db::errc::kTableExists, "Table '" + name + "' already exists");
    tables_[name] = std::string(rest);
    return db::QueryResult{};
  }
  if (TakeWord(rest, "DROP TABLE")) {
    const bool if_exists = TakeWord(rest, "IF EXISTS");
    const std::string name = TakeTableName(rest);
    if (!tables_.erase(name) && !if_exists)
      return Error(db::errc::kBadTable, "Unknown table '" + name + "'");
    for (auto& [holder, names] : locks_) std::erase(names, name);
    cv_.notify_all();
    return db::QueryResult{};
  }
  if (TakeWord(rest, "LOCK TABLES")) {
    std::vector<std::string> names;
    while (!rest.empty()) {
      const size_t before = rest.size();
      names.push_back(TakeTableName(rest));
      TakeWord(rest, "WRITE");
      TakeWord(rest, ",");
      if (rest.size() == before)
        return Status::Internal("fake executor: cannot parse " + std::string(sql));
    }
    // LOCK TABLES first releases the session's own locks, as on a server.
    locks_.erase(id);
    cv_.notify_all();
    for (const std::string& name : names) {
      if (LockedByOther(id, name)) return Error(db::errc::kLockWaitTimeout, "Lock wait timeout exceeded");
    }
    locks_[id] = std::move(names);
    return db::QueryResult{};
  }
  if (TakeWord(rest, "UNLOCK TABLES")) {
    ReleaseLockLocked(id);
    cv_.notify_all();
    return db::QueryResult{};
  }
  if (StartsWith(sql, "RENAME TABLE ")) return Rename(lock, id, sql);
  return Status::Internal("fake executor: unsupported statement: " + std::string(sql));
}

Result<db::QueryResult> FakeExecutor::Rename(std::unique_lock<std::mutex>& lock, uint64_t id,
                                             std::string_view sql) {
  std::string_view rest = sql;
  TakeWord(rest, "RENAME TABLE");
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!rest.empty()) {
    const size_t before = rest.size();
    std::string from = TakeTableName(rest);
    TakeWord(rest, "TO");
    std::string to = TakeTableName(rest);
    TakeWord(rest, ",");
    if (rest.size() == before)
      return Status::Internal("fake executor: cannot parse " + std::string(sql));
    pairs.emplace_back(std::move(from), std::move(to));
  }
  const auto blocked = [&] {
    return std::any_of(pairs.begin(), pairs.end(),
                       [&](const auto& p) { return LockedByOther(id, p.first) || LockedByOther(id, p.second); });
  };
  SessionState& s = sessions_[id];
  s.waiting = true;
  s.running = std::string(sql);
  const bool granted =
      cv_.wait_for(lock, kFakeLockWaitLimit, [&] { return !blocked() || s.dead || s.interrupted; });
  s.waiting = false;
  s.running.clear();
  if (s.dead) return Error(db::errc::kClientServerLost, "Lost connection to server during query");
  if (s.interrupted) {
    s.interrupted = false;
    return Error(db::errc::kQueryInterrupted, "Query execution was interrupted");
  }
  if (!granted) return Error(db::errc::kLockWaitTimeout, "Lock wait timeout exceeded");
  // Renames apply in order, all or nothing, as the server's do.
  std::map<std::string, std::string> tables = tables_;
  for (const auto& [from, to] : pairs) {
    if (!tables.count(from))
      return Error(db::errc::kNoSuchTable, "Table '" + from + "' doesn't exist");
    if (tables.count(to)) return Error(db::errc::kTableExists, "Table '" + to + "' already exists");
    tables[to] = std::move(tables[from]);
    tables.erase(from);
  }
  tables_ = std::move(tables);
  return db::QueryResult{};
}

// ---------------------------------------------------------- SteppingClock

Clock::SteadyTime SteppingClock::Now() const {
  std::lock_guard lock(mu_);
  return SteadyTime(std::chrono::hours(1000)) + elapsed_;
}

Clock::WallTime SteppingClock::WallNow() const {
  std::lock_guard lock(mu_);
  return WallTime(std::chrono::hours(24 * 365 * 50)) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(elapsed_);
}

bool SteppingClock::SleepFor(Duration d, std::stop_token stop) {
  if (stop.stop_requested()) return false;
  {
    std::lock_guard lock(mu_);
    elapsed_ += d;
    sleeps_.push_back(d);
  }
  std::this_thread::sleep_for(std::chrono::microseconds(100));
  return !stop.stop_requested();
}

std::vector<Clock::Duration> SteppingClock::sleeps() const {
  std::lock_guard lock(mu_);
  return sleeps_;
}

}  // namespace osc::cutover
