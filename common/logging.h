// Logging goes through spdlog's default logger, configured once by the
// program (cli/) or the test main. Library code logs with spdlog::info(...)
// etc.; it never configures sinks itself.
//
// spdlog is PUBLIC to common (unlike other third-party libraries, which are
// private to the module that wraps them) because logging is cross-cutting and
// a wrapper around its format API would only re-declare it.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace osc {

struct LogOptions {
  // trace, debug, info, warn, error, critical, off.
  std::string level = "info";
  // Optional file to also log to (appended). Empty: stderr only.
  std::string file;
};

// Sends logs to stderr (and `file`), with a timestamped, level-tagged pattern.
// Returns false and leaves logging unchanged if `level` is not a known name.
bool InitLogging(const LogOptions& options);

}  // namespace osc
