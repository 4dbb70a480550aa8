// The --alter mode: runs the migration engine (osc/migration.h).
//   without --execute: prints the plan and every preflight finding; exit 0
//                      when the migration could run, 3 when it is refused.
//   with --execute:    migrates, printing a progress line on stderr at
//                      every --progress-interval; exit 0 after the swap.
// Failures map onto the documented exit codes (cli/exit_codes.h); the last
// line always says what state the server was left in.

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <string>

#include "cli/run_internal.h"
#include "common/logging.h"
#include "db/errors.h"
#include "db/quoting.h"
#include "cli/progress_output.h"
#include "cli/version.h"
#include "osc/migration.h"
#include "osc/report/html_report.h"
#include "osc/report/recorder.h"

namespace osc::cli::internal {
namespace {

ExitCode CodeFor(const Status& s, const migration::MigrationOutcome& outcome) {
  if (outcome.swap_incomplete) return ExitCode::kSwapIncomplete;
  if (outcome.refused) return ExitCode::kRefused;
  if (s.IsAborted()) return ExitCode::kAborted;
  if (s.code() == Status::Code::kFailedPrecondition) return ExitCode::kRefused;
  return ExitCode::kFailed;
}

// The migration's own sessions connect with --database as the default
// database, so a missing one surfaced as "failed: connect ... Unknown
// database (error 1049)", exit 1; it is bad input, refused before anything
// runs. SCHEMATA lists only databases the account has some privilege on,
// hence the second half of the message.
std::optional<Outcome> RefuseMissingDatabase(db::Connection& conn, const std::string& database) {
  Result<std::optional<std::string>> found = conn.QueryScalar(
      "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + db::QuoteStringLiteral(database));
  // QueryScalar says NotFound for no row; other errors are the run's to report.
  if (!found.ok() && !found.status().IsNotFound()) return std::nullopt;
  if (found.ok() && found->has_value() && **found == database) return std::nullopt;
  return Outcome{ExitCode::kRefused, "osc: refused: database " + db::QuoteIdentifier(database) +
                                         " does not exist, or this account has no privileges on it (names are "
                                         "case-sensitive); check --database. Nothing was changed"};
}

}  // namespace

namespace {

std::string OutcomeWord(const Status& s, ExitCode code, bool execute) {
  if (s.ok()) return execute ? "success" : "planned";
  switch (code) {
    case ExitCode::kRefused: return "refused";
    case ExitCode::kAborted: return "aborted";
    case ExitCode::kSwapIncomplete: return "incomplete";
    default: return "failed";
  }
}

// While a bar is drawn, log lines go through it (they end the bar's line
// first); the previous sinks come back when the run ends.
class BarLogRoute {
 public:
  BarLogRoute(std::shared_ptr<ProgressOutput> po, bool active) : active_(active) {
    if (!active_) return;
    auto& sinks = spdlog::default_logger()->sinks();
    saved_ = sinks;
    sinks.clear();
    sinks.push_back(std::make_shared<ProgressLogSink>(std::move(po)));
  }
  ~BarLogRoute() {
    if (active_) spdlog::default_logger()->sinks() = saved_;
  }
  BarLogRoute(const BarLogRoute&) = delete;
  BarLogRoute& operator=(const BarLogRoute&) = delete;

 private:
  bool active_;
  std::vector<spdlog::sink_ptr> saved_;
};

}  // namespace

Outcome RunMigration(const CliCommand& cmd, std::ostream& out, std::stop_token stop) {
  const migration::MigrationOptions& options = cmd.options;
  // Connect once up front so that a wrong password or an unreachable server
  // gets the same one-line error and exit code as in the check mode.
  std::string server;
  {
    Outcome failure;
    Result<db::Connection> conn = Connect(cmd, &failure);
    if (!conn.ok()) return failure;
    if (auto refused = RefuseMissingDatabase(*conn, options.database)) return *refused;
    server = conn->description();
  }

  Result<ProgressMode> mode = ParseProgressMode(cmd.progress);
  if (!mode.ok()) return Outcome{ExitCode::kUsage, UsageErrorLine(mode.status())};
  ProgressStreams streams;
  streams.human = &std::cerr;
  streams.data = &std::cout;
  streams.human_is_terminal = CanRedrawInPlace(2);
  streams.terminal_width = [] { return TerminalWidth(2); };
  streams.unicode = LocaleIsUtf8();
  const bool bar = *mode == ProgressMode::kBar || (*mode == ProgressMode::kAuto && streams.human_is_terminal);
  std::shared_ptr<ProgressOutput> po = MakeProgressOutput(*mode, streams);
  BarLogRoute route(po, bar && options.execute);

  report::Recorder recorder;
  Clock* clock = SystemClock();
  const Clock::WallTime started_wall = clock->WallNow();
  const Clock::SteadyTime started = clock->Now();
  migration::MigrationHooks hooks;
  std::atomic<int> attempts_seen{0};
  Clock::WallTime cut_over_started{};
  hooks.on_progress = [&](const migration::ProgressSnapshot& p) {
    if (options.execute) po->Progress(p);
    recorder.OnProgress(p, clock->WallNow());
    attempts_seen = p.cut_over_attempts;
  };
  hooks.on_state = [&](migration::State from, migration::State to) {
    // People see state changes as log lines already ("state: a -> b");
    // programs reading --progress=json get them as objects.
    if (*mode == ProgressMode::kJson) {
      po->StateChange(migration::ToString(from), migration::ToString(to),
                      std::chrono::duration_cast<std::chrono::milliseconds>(clock->Now() - started));
    }
    recorder.OnState(from, to, clock->WallNow());
    // The report shows the cut-over phase as one band: its attempts as the
    // progress samples counted them, and whether the swap happened.
    if (to == migration::State::kCuttingOver) cut_over_started = clock->WallNow();
    if (from == migration::State::kCuttingOver) {
      report::CutOverAttempt a;
      a.number = std::max(1, attempts_seen.load());
      a.start = cut_over_started;
      a.end = clock->WallNow();
      a.ok = to == migration::State::kDone;
      if (!a.ok) a.error = "the cut-over did not complete (state " + std::string(migration::ToString(to)) + ")";
      recorder.OnCutOverAttempt(a);
    }
  };
  migration::Migration m(options, nullptr, hooks);
  const Status s = m.Run(stop);
  const migration::MigrationOutcome& outcome = m.outcome();

  if (const schema::PreflightReport* report = m.preflight(); report && (!options.execute || outcome.refused)) {
    out << schema::RenderPlan(*report);
    out.flush();
  }
  const ExitCode code = s.ok() ? ExitCode::kSuccess : CodeFor(s, outcome);
  std::string message = s.ok() ? outcome.summary : std::string(s.message());
  if (!s.ok() && s.server_errno() != 0) message += " (error " + std::to_string(s.server_errno()) + ")";
  if (!s.ok() && !outcome.summary.empty()) message += "; " + outcome.summary;

  std::string report_written;
  if (!cmd.report_path.empty() && options.execute) {
    report::ReportHeader header;
    header.database = options.database;
    header.table = options.table;
    header.alter = options.alter;
    header.server = server;
    header.osc_version = std::string(kOscVersion);
    header.started = started_wall;
    header.ended = clock->WallNow();
    header.outcome = OutcomeWord(s, code, options.execute);
    header.message = message;
    if (Status w = recorder.WriteHtml(cmd.report_path, header); w.ok()) {
      report_written = cmd.report_path;
    } else {
      po->Message("osc: warning: the report was not written: " + w.ToString());
    }
  }
  migration::ProgressSummary summary;
  summary.outcome = OutcomeWord(s, code, options.execute);
  summary.final_state = std::string(migration::ToString(outcome.final_state));
  summary.message = message;
  summary.last = m.progress();
  summary.report_path = report_written;
  // The JSON summary object is for programs on stdout; people get the one
  // line below on stderr in every mode.
  if (*mode == ProgressMode::kJson) po->Summary(summary);
  const std::string report_note = report_written.empty() ? "" : " (report: " + report_written + ")";

  if (s.ok()) {
    if (!options.execute) return Outcome{ExitCode::kSuccess, ""};
    // With --progress=json stdout carries only JSON objects.
    std::ostream& human = *mode == ProgressMode::kJson ? std::cerr : out;
    human << "osc: done: " << outcome.summary << report_note << "\n";
    return Outcome{ExitCode::kSuccess, ""};
  }
  std::string line = code == ExitCode::kRefused ? "osc: refused: " : code == ExitCode::kAborted ? "osc: aborted: "
                                                                                               : "osc: failed: ";
  return Outcome{code, line + message + report_note};
}

}  // namespace osc::cli::internal
