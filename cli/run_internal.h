// Pieces shared by the modes in cli/run.cc and cli/run_migration.cc.
// Internal to cli/.
#pragma once

#include <optional>
#include <ostream>
#include <stop_token>
#include <string>

#include "cli/command_line.h"
#include "cli/exit_codes.h"
#include "common/result.h"
#include "db/connection.h"

namespace osc::cli::internal {

// What a mode ended with: the exit code and, unless it succeeded quietly,
// the one line RunCommand prints on stderr.
struct Outcome {
  ExitCode code = ExitCode::kSuccess;
  std::string line;
};

// Opens the connection described by cmd.options.connection, or returns the
// Outcome to end with (ExitCodeForConnectError, ConnectErrorLine).
Result<db::Connection> Connect(const CliCommand& cmd, Outcome* failure);

// Runs the server check on `conn` and prints the report to `out`. nullopt
// when nothing is fatal; otherwise the Outcome to end with: kRefused for a
// fatal finding, kFailed when the check's own queries failed.
std::optional<Outcome> CheckServerAndReport(db::Connection& conn, std::ostream& out);

// The mode with --alter (cli/run_migration.cc).
Outcome RunMigration(const CliCommand& cmd, std::ostream& out, std::stop_token stop);

// The mode with --cleanup (cli/run_cleanup.cc).
Outcome RunCleanup(const CliCommand& cmd, std::ostream& out, std::stop_token stop);

}  // namespace osc::cli::internal
