// The server check: is this server set up so that osc can migrate a table
// on it? Used by `osc` without --alter (prints the report) and by the
// migration's preflight (refuses to start on a fatal finding).
//
// What is checked, and why each one matters to osc:
//   server            flavour and version (MariaDB >= 10.6, MySQL >= 8.0)
//   log_bin           osc follows changes through the binary log
//   binlog_format     ROW: statement events cannot be applied to a shadow
//   binlog_row_image  FULL: the applier writes whole rows from the images
//   binlog_checksum   CRC32 or NONE: the formats the decoder verifies
//   server_id         non-zero: a server with 0 refuses binlog clients
//   mdl_instrument    performance_schema plus wait/lock/metadata/sql/mdl:
//                     without them a stuck cut-over cannot name its blocker
//   gtid              informational: GTID mode of the server
//   read_only         osc must write (shadow, changelog): it needs the primary
//   binlog_retention  binlogs purged sooner than a migration lasts would
//                     lose osc's place in the stream
//   autoinc_lock_mode innodb_autoinc_lock_mode 2, or copy threads take
//                     turns on tables with an AUTO_INCREMENT column (speed
//                     only)
//
// Thread safety: CheckServer uses the Connection (one thread at a time);
// the rest are pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/connection.h"
#include "db/server_info.h"

namespace osc::migration {

enum class Severity : uint8_t {
  kOk = 0,   // as osc needs it (or purely informational)
  kWarning,  // osc can run, with the stated loss (e.g. no blocker names)
  kFatal,    // osc refuses to migrate until this is changed
};

std::string_view ToString(Severity severity);

struct Finding {
  std::string name;     // stable identifier, e.g. "binlog_format"
  Severity severity = Severity::kOk;
  std::string message;  // what was found, e.g. "ROW" or "MIXED: osc needs ..."
  std::string fix;      // what to change; empty when severity is kOk
};

struct ServerReport {
  db::ServerInfo server;
  std::string endpoint;  // Connection::description(), e.g. "root@127.0.0.1:3306"
  std::vector<Finding> findings;  // in the order of the table above

  bool HasFatal() const;
  size_t Count(Severity severity) const;
  // The finding called `name`, or nullptr.
  const Finding* Find(std::string_view name) const;
};

// What CheckServer reads from the server, as plain values, so the rules can
// be tested without one.
struct ServerSettings {
  db::ServerInfo server;
  std::string endpoint;
  // Global variables as SHOW GLOBAL VARIABLES prints them, keyed by name;
  // a variable the server does not have is absent.
  std::map<std::string, std::string> variables;
  // ENABLED of wait/lock/metadata/sql/mdl in performance_schema.
  // setup_instruments ("YES"/"NO"); nullopt when not read (performance_schema
  // is OFF, the row is missing, or reading failed: see mdl_read_error).
  std::optional<std::string> mdl_instrument_enabled;
  std::string mdl_read_error;  // why it could not be read; empty otherwise
};

// The global variables ReadServerSettings asks for.
const std::vector<std::string_view>& CheckedVariables();

// Reads the settings from the server. A missing privilege for
// performance_schema is recorded in mdl_read_error, not returned; other
// errors (lost connection, ...) are returned as the Connection reports them.
Result<ServerSettings> ReadServerSettings(db::Connection& conn);

// Applies the rules to `settings`. Pure.
ServerReport EvaluateServer(const ServerSettings& settings);

// ReadServerSettings + EvaluateServer.
Result<ServerReport> CheckServer(db::Connection& conn);

// The report as text for a terminal: a header naming the server, one line
// per finding ("OK", "WARNING" or "PROBLEM", name, message), an indented
// "fix:" line under each non-OK finding, and a closing summary line.
std::string RenderReport(const ServerReport& report);

}  // namespace osc::migration
