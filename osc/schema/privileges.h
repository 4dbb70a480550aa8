// Does the account have the privileges a migration needs?
//
// osc needs, on the table's schema: SELECT, INSERT, UPDATE, DELETE (copy
// and apply), CREATE, DROP, ALTER, INDEX (helper tables and the shadow's
// ALTER), LOCK TABLES (cut-over and checksum); and globally: REPLICATION
// SLAVE (read the binlog), REPLICATION CLIENT (SHOW MASTER STATUS, binlog
// positions; MariaDB 10.5.2+ calls it BINLOG MONITOR) and PROCESS (name the
// sessions that block the cut-over). TRIGGER is not needed to migrate, but
// without it information_schema hides the table's triggers, so the trigger
// check cannot be trusted.
//
// The answer comes from parsing the account's SHOW GRANTS lines. Rules
// mirrored from the servers:
//   - global (`*.*`) privileges count for every schema; ALL [PRIVILEGES]
//     means every privilege at its level;
//   - a schema grant's name is a LIKE pattern: `_` and `%` are wildcards
//     unless escaped with a backslash (`my\_db`), compared case-sensitively
//     (lower_case_table_names=0). MySQL 8.0 with partial_revokes=ON takes
//     wildcards literally; there this check may believe a privilege exists
//     that does not, and the server's own error then says which;
//   - table, column and routine grants do not count (helper tables need
//     schema-level CREATE/DROP; the copy needs the privileges on them too);
//   - MySQL 8.0 partial revokes (REVOKE ... ON `db`.* lines) subtract;
//   - roles: MariaDB's SHOW GRANTS includes the privileges of the session's
//     active role, MySQL's does not expand roles. Granted role names are
//     reported so the caller can soften "missing" into "not proven".
//
// Thread safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osc::schema {

struct PrivilegeCheck {
  // Upper-case privilege names, in the order listed above.
  std::vector<std::string> missing_on_schema;
  std::vector<std::string> missing_global;
  // Roles granted to the account (GRANT `r` TO ...), which may carry
  // privileges SHOW GRANTS did not show.
  std::vector<std::string> roles;
  // TRIGGER is held on the schema (so information_schema.TRIGGERS is
  // complete for its tables).
  bool can_see_triggers = false;

  bool complete() const { return missing_on_schema.empty() && missing_global.empty(); }
};

// Evaluates the SHOW GRANTS output `grant_lines` (one GRANT/REVOKE
// statement each) for migrating a table in `schema`. Lines it does not
// understand are ignored, which can only make privileges look missing.
PrivilegeCheck CheckGrants(const std::vector<std::string>& grant_lines, std::string_view schema);

// True if `name` matches the grant pattern `pattern` (`%` any run of
// characters, `_` one character, `\` escapes the next character).
bool GrantPatternMatches(std::string_view pattern, std::string_view name);

}  // namespace osc::schema
