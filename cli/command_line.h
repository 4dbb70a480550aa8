// The `osc` command line: gh-ost's flag names mapped onto
// migration::MigrationOptions, as a pure function of the arguments, the
// environment and the files it reads (both injected), so every mapping and
// precedence rule is testable without a process.
//
// Flag syntax: --name value or --name=value; boolean flags are --name or
// --name=true|false. No abbreviations (--pass is not --password: a prefix
// that later becomes ambiguous would change meaning between versions) and
// no positional arguments.
//
// Password sources, first one set wins:
//   1. --password VALUE     (warned about: visible in the process list;
//                            main() overwrites it in argv, see argv_scrub.h)
//   2. --ask-pass           (prompted on the terminal, without echo)
//   3. $OSC_PASSWORD        (an empty value counts as unset)
//   4. --conf FILE          (password in [osc], else in [client])
// Other connection settings: command-line flags over --conf ([osc] over
// [client]) over the defaults. --socket with --host or --port is an error.
// A socket from --conf is used only when the command line gives neither
// --host nor --port and the file's host is unset or "localhost" (the mysql
// client's rule).
//
// Modes: --help and --version print and exit; with --alter, the migration
// (needs --database and --table); without --alter and --table, the server
// check. --table without --alter, and --execute without --alter, are usage
// errors (they suggest a migration the user forgot to describe).
// --cleanup (needs --database and --table; not with --alter) removes the
// helper tables a failed run left, at once: --execute is accepted and
// changes nothing; --ok-to-drop-table also drops _<table>_osc_old.
//
// Thread safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/logging.h"
#include "common/result.h"
#include "common/status.h"
#include "osc/options.h"

namespace osc::cli {

enum class Mode : uint8_t {
  kHelp,
  kVersion,
  kCheckServer,  // connect and print the server report
  kMigrate,      // --alter given
  kCleanup,      // --cleanup: drop the helper tables of --table (osc/cleanup.h)
};

enum class PasswordSource : uint8_t {
  kNone,         // no source set: the password is empty
  kCommandLine,  // --password
  kPrompt,       // --ask-pass: main() must prompt before connecting
  kEnvironment,  // $OSC_PASSWORD
  kOptionFile,   // --conf
};

std::string_view ToString(Mode mode);
std::string_view ToString(PasswordSource source);

inline constexpr std::string_view kPasswordEnvVar = "OSC_PASSWORD";

struct CliCommand {
  Mode mode = Mode::kCheckServer;
  // Fully validated for the mode (Validate() for kMigrate, ValidateSettings()
  // for kCheckServer and kCleanup), except that with kPrompt the password is
  // still empty.
  // Defaults only for kHelp/kVersion.
  migration::MigrationOptions options;
  LogOptions log;  // --log-level, already checked to be a known level
  // --progress: auto (default), bar, plain or json (checked here; see
  // cli/progress_output.h). --report: an HTML report written at the end.
  std::string progress = "auto";
  std::string report_path;
  PasswordSource password_source = PasswordSource::kNone;
  // Notes for the user, to print once each on stderr before running (e.g.
  // the --password warning). They never contain the password.
  std::vector<std::string> warnings;
};

// Returns the value of an environment variable, nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Returns a file's whole content; an error Status names the problem.
using FileReader = std::function<Result<std::string>(const std::string& path)>;

// Parses `args` (argv without the program name). Errors are InvalidArgument
// with a one-line message naming the flag (or --conf line) at fault and
// never containing the password; see UsageErrorLine.
Result<CliCommand> ParseCommandLine(const std::vector<std::string>& args, const EnvLookup& env,
                                    const FileReader& read_file);

// `osc --help`: usage, every flag with its default, password precedence
// and exit codes. Ends with a newline.
std::string HelpText();
// `osc --version`: "osc <version>\n", the CMake project version.
std::string VersionText();
// "osc: <message>; see osc --help" (no newline) for a parse error.
std::string UsageErrorLine(const Status& status);

}  // namespace osc::cli
