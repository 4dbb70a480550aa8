// osc: online schema change for MySQL and MariaDB. This file only wires the
// process (argv, environment, terminal, signals, exit status) to the cli
// library; see command_line.h for the flags and run.h for what runs.

#include <exception>
#include <iostream>
#include <stop_token>
#include <string>
#include <vector>

#include "cli/argv_scrub.h"
#include "cli/command_line.h"
#include "cli/exit_codes.h"
#include "cli/run.h"
#include "cli/signals.h"
#include "cli/system_io.h"
#include "common/logging.h"
#include "db/library.h"

namespace {

using osc::cli::ExitCode;

int Fail(ExitCode code, const std::string& line) {
  std::cerr << line << std::endl;
  return osc::cli::ToInt(code);
}

int Main(int argc, char** argv) {
  namespace cli = osc::cli;
  // Parse a copy; the originals are what `ps` shows, so hide the password
  // there before anything else (argv_scrub.h).
  const std::vector<std::string> args(argv + 1, argv + argc);
  cli::ScrubPasswordArguments(argc, argv);

  osc::Result<cli::CliCommand> parsed = cli::ParseCommandLine(args, cli::GetEnv, cli::ReadConfFile);
  if (!parsed.ok()) return Fail(ExitCode::kUsage, cli::UsageErrorLine(parsed.status()));
  cli::CliCommand& cmd = *parsed;
  if (cmd.mode == cli::Mode::kHelp) {
    std::cout << cli::HelpText();
    return cli::ToInt(ExitCode::kSuccess);
  }
  if (cmd.mode == cli::Mode::kVersion) {
    std::cout << cli::VersionText();
    return cli::ToInt(ExitCode::kSuccess);
  }
  for (const std::string& warning : cmd.warnings) std::cerr << "osc: " << warning << '\n';
  if (!osc::InitLogging(cmd.log)) return Fail(ExitCode::kUsage, "osc: bad --log-level; see osc --help");

  if (cmd.password_source == cli::PasswordSource::kPrompt) {
    osc::Result<std::string> password = cli::PromptPassword("Password: ");
    if (!password.ok()) return Fail(ExitCode::kUsage, cli::UsageErrorLine(password.status()));
    cmd.options.connection.password = std::move(*password);
  }

  // The client library must be initialised before any thread starts; so
  // must the environment (see db/library.h).
  osc::db::SkipUnusedSystemCaStore();
  if (osc::Status st = osc::db::InitLibrary(); !st.ok()) {
    return Fail(ExitCode::kFailed, "osc: " + st.ToString());
  }
  std::stop_source stop;
  auto signals = cli::StopOnSignals::Start(stop);
  if (!signals.ok()) return Fail(ExitCode::kFailed, "osc: " + signals.status().ToString());
  return cli::ToInt(cli::RunCommand(cmd, std::cout, std::cerr, stop.get_token()));
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values inside osc; this catches only what must never happen
  // (std::bad_alloc, a bug), so it ends with one line instead of an abort.
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    return Fail(ExitCode::kFailed, std::string("osc: internal error: ") + e.what());
  }
}
