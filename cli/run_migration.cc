// The --alter mode: runs the migration engine (osc/migration.h).
//   without --execute: prints the plan and every preflight finding; exit 0
//                      when the migration could run, 3 when it is refused.
//   with --execute:    migrates, printing a progress line on stderr at
//                      every --progress-interval; exit 0 after the swap.
// Failures map onto the documented exit codes (cli/exit_codes.h); the last
// line always says what state the server was left in.

#include <iostream>
#include <mutex>
#include <string>

#include "cli/run_internal.h"
#include "common/logging.h"
#include "db/errors.h"
#include "osc/migration.h"

namespace osc::cli::internal {
namespace {

ExitCode CodeFor(const Status& s, const migration::MigrationOutcome& outcome) {
  if (outcome.refused) return ExitCode::kRefused;
  if (s.IsAborted()) return ExitCode::kAborted;
  if (s.code() == Status::Code::kFailedPrecondition) return ExitCode::kRefused;
  return ExitCode::kFailed;
}

}  // namespace

Outcome RunMigration(const CliCommand& cmd, std::ostream& out, std::stop_token stop) {
  const migration::MigrationOptions& options = cmd.options;
  // Connect once up front so that a wrong password or an unreachable server
  // gets the same one-line error and exit code as in the check mode.
  {
    Outcome failure;
    Result<db::Connection> conn = Connect(cmd, &failure);
    if (!conn.ok()) return failure;
  }

  std::mutex progress_mu;
  migration::MigrationHooks hooks;
  hooks.on_progress = [&](const migration::ProgressSnapshot& p) {
    std::lock_guard lock(progress_mu);
    std::cerr << "osc: " << migration::FormatProgressLine(p) << std::endl;  // one flushed line per interval
  };
  migration::Migration m(options, nullptr, hooks);
  const Status s = m.Run(stop);
  const migration::MigrationOutcome& outcome = m.outcome();

  if (const schema::PreflightReport* report = m.preflight(); report && (!options.execute || outcome.refused)) {
    out << schema::RenderPlan(*report);
    out.flush();
  }
  if (s.ok()) {
    if (!options.execute) return Outcome{ExitCode::kSuccess, ""};
    out << "osc: done: " << outcome.summary << "\n";
    return Outcome{ExitCode::kSuccess, ""};
  }
  const ExitCode code = CodeFor(s, outcome);
  std::string line = code == ExitCode::kRefused ? "osc: refused: " : code == ExitCode::kAborted ? "osc: aborted: "
                                                                                               : "osc: failed: ";
  line += std::string(s.message());
  if (s.server_errno() != 0) line += " (error " + std::to_string(s.server_errno()) + ")";
  if (!outcome.summary.empty()) line += "; " + outcome.summary;
  return Outcome{code, line};
}

}  // namespace osc::cli::internal
