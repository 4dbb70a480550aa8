// Reading server system variables.
//
// Values come back as SHOW VARIABLES prints them ("ROW", "ON", "OFF",
// "268435456"), the same text on MySQL and MariaDB. Names are validated
// (letters, digits, '_' and '.', at most 64), never pasted raw, so no name
// can change the statement.
//
// Thread safety: as the Connection passed in.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "db/connection.h"

namespace osc::db {

// OK if `name` may be a system variable name: [A-Za-z0-9_.]{1,64} (dots
// for MySQL component variables such as validate_password.length).
Status ValidateVariableName(std::string_view name);

// The global value of `name`, or nullopt when the server has no such
// variable. InvalidArgument for a malformed name; connection errors as
// Connection::Query.
Result<std::optional<std::string>> GetGlobalVariable(Connection& conn, std::string_view name);

// As GetGlobalVariable, for this connection's session value.
Result<std::optional<std::string>> GetSessionVariable(Connection& conn, std::string_view name);

// All global variables whose name matches the LIKE pattern (case-
// insensitive; '%' and '_' are wildcards, so "binlog_%" matches
// binlog_format but also "binlogXformat"). Pattern characters are limited
// to [A-Za-z0-9_.%]{1,64}. Keys are the names as the server prints them.
Result<std::map<std::string, std::string>> GetGlobalVariables(Connection& conn,
                                                              std::string_view like_pattern);

}  // namespace osc::db
