// HookRunner against real executables: small /bin/sh scripts the tests
// write into a fresh temporary directory.
#include <fcntl.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "db/library.h"
#include "osc/hooks/hook_runner.h"

namespace osc::hooks {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class HookRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "osc-hooks-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    hooks_ = root_ / "hooks";
    out_ = root_ / "out";
    fs::create_directories(hooks_);
    fs::create_directories(out_);
    // Capture the log; restored in TearDown.
    previous_logger_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("hooks-capture", sink));
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_logger_);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Writes an executable /bin/sh script `name` with `body`.
  void Hook(const std::string& name, const std::string& body, fs::perms perms = fs::perms::owner_all) {
    const fs::path p = hooks_ / name;
    std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(p, perms);
  }

  HookRunnerOptions Options() {
    HookRunnerOptions o;
    o.dir = hooks_;
    o.timeout = 10s;
    o.kill_grace = 300ms;
    o.base_environment = {"PATH=/usr/bin:/bin", "HOOK_OUT=" + out_.string()};
    return o;
  }

  std::unique_ptr<HookRunner> Open(HookRunnerOptions o) {
    auto r = HookRunner::Open(std::move(o));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }

  std::string Read(const std::string& name) {
    std::ifstream in(out_ / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // `env` output of a hook -> map (values without newlines only).
  std::map<std::string, std::string> EnvOf(const std::string& file) {
    std::map<std::string, std::string> m;
    std::istringstream in(Read(file));
    for (std::string line; std::getline(in, line);) {
      const size_t eq = line.find('=');
      if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return m;
  }

  std::string Log() {
    spdlog::default_logger()->flush();
    return log_.str();
  }

  fs::path root_, hooks_, out_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

// Appends the hook's file name to $HOOK_OUT/order and saves its environment.
const char* kRecorder = R"(n=$(basename "$0"); echo "$n" >> "$HOOK_OUT/order"; env > "$HOOK_OUT/env.$n")";

TEST_F(HookRunnerTest, RunsMatchingHooksInLexicalOrderWithTheFacts) {
  Hook("gh-ost-on-success-b", kRecorder);
  Hook("gh-ost-on-success", kRecorder);
  Hook("gh-ost-on-success-a", kRecorder);
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  HookFacts facts;
  facts.database = "shop";
  facts.table = "orders";
  facts.shadow_table = "_orders_gho";
  facts.alter = "ADD COLUMN note TEXT";
  facts.rows_copied = 7;
  ASSERT_TRUE(runner->Fire(HookEvent::kSuccess, facts, {}).ok());

  EXPECT_EQ(Read("order"), "gh-ost-on-success\ngh-ost-on-success-a\ngh-ost-on-success-b\n");
  auto env = EnvOf("env.gh-ost-on-success-a");
  EXPECT_EQ(env["GH_OST_DATABASE_NAME"], "shop");
  EXPECT_EQ(env["GH_OST_TABLE_NAME"], "orders");
  EXPECT_EQ(env["GH_OST_GHOST_TABLE_NAME"], "_orders_gho");
  EXPECT_EQ(env["GH_OST_DDL"], "ADD COLUMN note TEXT");
  EXPECT_EQ(env["GH_OST_COPIED_ROWS"], "7");
  EXPECT_EQ(env["OSC_HOOK_EVENT"], "gh-ost-on-success");
  EXPECT_EQ(env["HOOK_OUT"], out_.string());  // base environment inherited
}

TEST_F(HookRunnerTest, IgnoresNonExecutableNonMatchingAndDirectoryEntries) {
  Hook("gh-ost-on-success-run", kRecorder);
  Hook("gh-ost-on-success-not-executable", kRecorder, fs::perms::owner_read | fs::perms::owner_write);
  Hook("gh-ost-on-startup", kRecorder);          // another event
  Hook("notify-gh-ost-on-success", kRecorder);   // name does not start with it
  fs::create_directories(hooks_ / "gh-ost-on-success-dir");
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  ASSERT_TRUE(runner->Fire(HookEvent::kSuccess, {}, {}).ok());
  EXPECT_EQ(Read("order"), "gh-ost-on-success-run\n");
}

TEST_F(HookRunnerTest, NoHooksForAnEventIsOk) {
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  EXPECT_TRUE(runner->Fire(HookEvent::kBeforeCutOver, {}, {}).ok());
  EXPECT_FALSE(fs::exists(out_ / "order"));
}

TEST_F(HookRunnerTest, FailingHookIsNamedWithItsStatusAndOutputAndStopsTheRest) {
  Hook("gh-ost-on-before-cut-over-1-check", "echo 'checking window'; echo 'outside change window' >&2; exit 3");
  Hook("gh-ost-on-before-cut-over-2-after", kRecorder);
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  const Status s = runner->Fire(HookEvent::kBeforeCutOver, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition);
  const std::string msg(s.message());
  EXPECT_NE(msg.find("gh-ost-on-before-cut-over-1-check"), std::string::npos) << msg;
  EXPECT_NE(msg.find("status 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("outside change window"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(out_ / "order")) << "hooks after a failing one must not run";
}

TEST_F(HookRunnerTest, HookKilledBySignalIsReportedWithTheSignal) {
  Hook("gh-ost-on-validated", "kill -SEGV $$");
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  const Status s = runner->Fire(HookEvent::kValidated, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("SIGSEGV"), std::string::npos) << s.message();
}

TEST_F(HookRunnerTest, HangingHookIsKilledAtTheTimeoutWithItsChildren) {
  Hook("gh-ost-on-startup", R"(sleep 30 & echo $! > "$HOOK_OUT/bg.pid"; echo started; sleep 30)");
  HookRunnerOptions o = Options();
  o.timeout = 500ms;
  auto runner = Open(o);
  ASSERT_NE(runner, nullptr);
  const auto start = Clock::now();
  const Status s = runner->Fire(HookEvent::kStartup, {}, {});
  const auto took = Clock::now() - start;
  EXPECT_TRUE(s.IsTimeout()) << s.ToString();
  EXPECT_NE(std::string(s.message()).find("gh-ost-on-startup"), std::string::npos);
  EXPECT_LT(took, 5s);
  EXPECT_GE(took, 500ms);

  // The background sleep was in the hook's process group: gone (or a
  // zombie waiting for init) shortly after.
  const std::string pid = Read("bg.pid");
  ASSERT_FALSE(pid.empty());
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::ifstream stat("/proc/" + pid.substr(0, pid.find('\n')) + "/stat");
    std::string all;
    std::getline(stat, all);
    const size_t paren = all.rfind(')');
    gone = !stat || (paren != std::string::npos && all.size() > paren + 2 && all[paren + 2] == 'Z');
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone) << "background process of a timed-out hook still running";
}

TEST_F(HookRunnerTest, HookIgnoringSigtermIsKilledAfterTheGrace) {
  Hook("gh-ost-on-startup", "trap '' TERM; sleep 30");
  HookRunnerOptions o = Options();
  o.timeout = 300ms;
  o.kill_grace = 300ms;
  auto runner = Open(o);
  ASSERT_NE(runner, nullptr);
  const auto start = Clock::now();
  EXPECT_TRUE(runner->Fire(HookEvent::kStartup, {}, {}).IsTimeout());
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 600ms);
  EXPECT_LT(took, 5s);
}

TEST_F(HookRunnerTest, StopInterruptsARunningHook) {
  Hook("gh-ost-on-before-row-copy", "echo waiting; sleep 30");
  HookRunnerOptions o = Options();
  o.timeout = 60s;
  auto runner = Open(o);
  ASSERT_NE(runner, nullptr);
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const auto start = Clock::now();
  const Status s = runner->Fire(HookEvent::kBeforeRowCopy, {}, stop.get_token());
  const auto took = Clock::now() - start;
  stopper.join();
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_LT(took, 5s);
}

TEST_F(HookRunnerTest, StopRequestedBeforehandRunsNothing) {
  Hook("gh-ost-on-failure", kRecorder);
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  std::stop_source stop;
  stop.request_stop();
  EXPECT_TRUE(runner->Fire(HookEvent::kFailure, {}, stop.get_token()).IsAborted());
  EXPECT_FALSE(fs::exists(out_ / "order"));
}

TEST_F(HookRunnerTest, PasswordsNeverReachTheHook) {
  Hook("gh-ost-on-startup", kRecorder);
  HookRunnerOptions o = Options();
  o.base_environment.push_back("OSC_PASSWORD=s3cret-one");
  o.base_environment.push_back("MYSQL_PWD=s3cret-two");
  o.base_environment.push_back("DEPLOY_TOKEN=s3cret-three");
  o.base_environment.push_back("DATABASE_URL=mysql2://app:s3cret-four@db/shop");
  o.redacted_variables = {"DEPLOY_TOKEN"};
  o.secret_values = {"s3cret-four"};
  auto runner = Open(o);
  ASSERT_NE(runner, nullptr);
  ASSERT_TRUE(runner->Fire(HookEvent::kStartup, {}, {}).ok());
  const std::string env = Read("env.gh-ost-on-startup");
  ASSERT_NE(env.find("HOOK_OUT="), std::string::npos) << "hook did not record its environment";
  EXPECT_EQ(env.find("s3cret"), std::string::npos) << env;
  EXPECT_EQ(env.find("OSC_PASSWORD"), std::string::npos);
  EXPECT_EQ(env.find("MYSQL_PWD"), std::string::npos);
}

TEST_F(HookRunnerTest, OutputOfBothStreamsIsLoggedPerLine) {
  Hook("gh-ost-on-status-chat", "echo 'hello from stdout'; echo 'hello from stderr' >&2; printf 'no newline'");
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  ASSERT_TRUE(runner->Fire(HookEvent::kStatus, {}, {}).ok());
  const std::string log = Log();
  EXPECT_NE(log.find("info hook gh-ost-on-status-chat: hello from stdout\n"), std::string::npos) << log;
  EXPECT_NE(log.find("info hook gh-ost-on-status-chat: hello from stderr\n"), std::string::npos) << log;
  EXPECT_NE(log.find("info hook gh-ost-on-status-chat: no newline\n"), std::string::npos) << log;
}

TEST_F(HookRunnerTest, ChattyHookIsLoggedUpToTheCapAndStillFinishes) {
  // ~780 KB of output, far beyond a pipe buffer: must be drained, not block.
  Hook("gh-ost-on-status", "i=0; while [ $i -lt 20000 ]; do echo \"line $i of many many many bytes\"; i=$((i+1)); done");
  HookRunnerOptions o = Options();
  o.max_output_bytes = 4096;
  auto runner = Open(o);
  ASSERT_NE(runner, nullptr);
  ASSERT_TRUE(runner->Fire(HookEvent::kStatus, {}, {}).ok());
  const std::string log = Log();
  EXPECT_NE(log.find("hook gh-ost-on-status: line 0 of"), std::string::npos);
  EXPECT_EQ(log.find("hook gh-ost-on-status: line 19999 of"), std::string::npos);
  EXPECT_NE(log.find("not logged"), std::string::npos);
  EXPECT_LT(log.size(), 16u * 1024);
}

TEST_F(HookRunnerTest, OverlongLinesAreLoggedInPiecesWithoutEmptyLines) {
  // Exactly two maximum-length pieces, then the newline.
  Hook("gh-ost-on-status", "head -c 16384 /dev/zero | tr '\\0' x; echo; echo after");
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  ASSERT_TRUE(runner->Fire(HookEvent::kStatus, {}, {}).ok());
  std::istringstream log(Log());
  std::vector<size_t> lengths;
  const std::string prefix = "info hook gh-ost-on-status: ";
  for (std::string line; std::getline(log, line);) {
    if (line.starts_with(prefix)) lengths.push_back(line.size() - prefix.size());
  }
  EXPECT_EQ(lengths, (std::vector<size_t>{8192, 8192, 5}));  // 5 = "after"
}

TEST_F(HookRunnerTest, FailureQuotesTheLastLinesEvenPastTheLogCap) {
  Hook("gh-ost-on-validated", "i=0; while [ $i -lt 3000 ]; do echo \"noise $i\"; i=$((i+1)); done; echo 'the real reason'; exit 1");
  HookRunnerOptions o = Options();
  o.max_output_bytes = 1024;
  auto runner = Open(o);
  ASSERT_NE(runner, nullptr);
  const Status s = runner->Fire(HookEvent::kValidated, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("the real reason"), std::string::npos) << s.message();
}

TEST_F(HookRunnerTest, HookGetsNoStdinAndNoneOfOscsDescriptors) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately no O_CLOEXEC
  ASSERT_GE(leaked, 3);
  Hook("gh-ost-on-startup", "if read x; then echo stdin-had-data; else echo stdin-eof; fi > \"$HOOK_OUT/stdin\"\n"
                            "if [ -e /proc/$$/fd/" + std::to_string(leaked) + " ]; then echo leaked; else echo closed; fi"
                            " > \"$HOOK_OUT/fd\"");
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  const Status s = runner->Fire(HookEvent::kStartup, {}, {});
  ::close(leaked);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Read("stdin"), "stdin-eof\n");
  EXPECT_EQ(Read("fd"), "closed\n");
}

TEST_F(HookRunnerTest, ScriptWithoutInterpreterLineIsAClearError) {
  const fs::path p = hooks_ / "gh-ost-on-startup";
  std::ofstream(p) << "echo no shebang\n";
  fs::permissions(p, fs::perms::owner_all);
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  const Status s = runner->Fire(HookEvent::kStartup, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("gh-ost-on-startup"), std::string::npos) << s.message();
  EXPECT_NE(std::string(s.message()).find("cannot execute"), std::string::npos) << s.message();
}

TEST_F(HookRunnerTest, ConcurrentFiresDoNotOverlap) {
  Hook("gh-ost-on-status", R"(echo start >> "$HOOK_OUT/trace"; sleep 0.1; echo end >> "$HOOK_OUT/trace")");
  auto runner = Open(Options());
  ASSERT_NE(runner, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(runner->Fire(HookEvent::kStatus, {}, {}).ok()); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Read("trace"), "start\nend\nstart\nend\nstart\nend\n");
}

TEST_F(HookRunnerTest, MissingOrNonDirectoryHooksPathIsAClearError) {
  HookRunnerOptions o = Options();
  o.dir = root_ / "does-not-exist";
  auto missing = HookRunner::Open(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsInvalidArgument());
  EXPECT_NE(std::string(missing.status().message()).find("does-not-exist: no such directory"), std::string::npos)
      << missing.status().message();

  std::ofstream(root_ / "a-file") << "x";
  o.dir = root_ / "a-file";
  auto file = HookRunner::Open(o);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(std::string(file.status().message()).find("not a directory"), std::string::npos);
}

TEST_F(HookRunnerTest, NonPositiveTimeoutIsRejected) {
  HookRunnerOptions o = Options();
  o.timeout = 0ms;
  EXPECT_TRUE(HookRunner::Open(o).status().IsInvalidArgument());
}

// osc skips the system CA file for its own connections (db/library.h),
// and hooks get SSL_CERT_FILE as it was before.
TEST(SystemCaStoreTest, SkippedForOscButHooksGetTheOriginal) {
  const char* before = std::getenv("SSL_CERT_FILE");
  const std::optional<std::string> saved = before != nullptr ? std::optional<std::string>(before) : std::nullopt;
  ASSERT_FALSE(db::SystemCaStoreEnvironment().changed);  // nothing in this process called it yet

  ASSERT_EQ(::setenv("SSL_CERT_FILE", "/etc/custom-ca.pem", 1), 0);
  db::SkipUnusedSystemCaStore();
  EXPECT_STREQ(std::getenv("SSL_CERT_FILE"), "/dev/null");
  ASSERT_TRUE(db::SystemCaStoreEnvironment().changed);
  EXPECT_EQ(db::SystemCaStoreEnvironment().original, std::optional<std::string>("/etc/custom-ca.pem"));
  std::vector<std::string> env = CurrentEnvironment();
  EXPECT_EQ(std::count(env.begin(), env.end(), "SSL_CERT_FILE=/etc/custom-ca.pem"), 1);
  for (const std::string& e : env) EXPECT_NE(e, "SSL_CERT_FILE=/dev/null");

  if (saved) {
    ::setenv("SSL_CERT_FILE", saved->c_str(), 1);
  } else {
    ::unsetenv("SSL_CERT_FILE");
  }
}

}  // namespace
}  // namespace osc::hooks
