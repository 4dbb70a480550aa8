// Running a parsed command: connect, check, (later) migrate, and turn the
// outcome into an exit code and one line for the user.
//
// Output contract: reports go to `out` (stdout); the outcome of a failure
// is exactly one line "osc: ..." on `err` (stderr), never containing the
// password. Routine progress goes through spdlog at debug level, so a
// default run prints nothing else on stderr.
//
// Thread safety: RunCommand runs on the calling thread and returns when
// the mode is done; `stop` may be requested from another thread.
#pragma once

#include <ostream>
#include <stop_token>
#include <string>

#include "cli/command_line.h"
#include "cli/exit_codes.h"
#include "common/status.h"

namespace osc::cli {

// Runs cmd.mode (kCheckServer or kMigrate; kHelp/kVersion are main()'s).
// With the password already filled in (main() prompts for kPrompt). When
// `stop` was requested and the mode did not succeed, the result is
// kAborted with the line "osc: stopped by a signal; ..." instead of the
// mode's own failure line.
ExitCode RunCommand(const CliCommand& cmd, std::ostream& out, std::ostream& err, std::stop_token stop);

// kUsage for InvalidArgument (the options were refused before any network
// traffic), kCannotConnect for everything else Connection::Open returns.
ExitCode ExitCodeForConnectError(const Status& status);

// The one line for a failed Connection::Open: the library's message, the
// errno, and a hint for the usual causes (wrong credentials: which password
// source was used; refused/unreachable: host and port; TLS: --ssl-mode).
std::string ConnectErrorLine(const Status& status, PasswordSource password_source);

}  // namespace osc::cli
