// The real environment, files and terminal behind ParseCommandLine's seams.
// Only main() uses these; tests inject fakes instead.
//
// Thread safety: GetEnv and ReadConfFile may be called from any thread
// (nothing in osc modifies the environment). PromptPassword changes the
// terminal's settings and signal dispositions: call it from main() before
// any other thread starts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace osc::cli {

// getenv(name), nullopt when unset.
std::optional<std::string> GetEnv(std::string_view name);

// Reads the --conf file. Refuses (InvalidArgument) anything but a regular
// file, files over 1 MiB, and world-writable files: a file anyone may
// change could redirect osc to another server, and the MySQL client
// library ignores such files for the same reason. IoError when it cannot
// be opened or read.
Result<std::string> ReadConfFile(const std::string& path);

// Writes `prompt` to the terminal and reads one line from stdin with echo
// off (the trailing newline is dropped). FailedPrecondition when stdin is
// not a terminal or input ends before a newline. The terminal is restored
// on return, and also when SIGINT/SIGTERM/SIGHUP/SIGQUIT arrive during
// the prompt (the signal then takes its default action, ending osc).
Result<std::string> PromptPassword(std::string_view prompt);

}  // namespace osc::cli
