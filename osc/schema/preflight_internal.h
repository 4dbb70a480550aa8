// Internal to osc/schema: the preflight's individual checks, shared by
// preflight.cc (table and ALTER checks, orchestration),
// preflight_resources.cc (privileges, leftovers, disk, duration) and
// plan_text.cc (RenderPlan).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/connection.h"
#include "osc/schema/preflight.h"
#include "osc/schema/privileges.h"

namespace osc::schema::internal {

Finding Ok(std::string name, std::string message);
Finding Warning(std::string name, std::string message, std::string fix);
Finding Refusal(std::string name, std::string message, std::string fix);

// "`a`, `b` and `c`".
std::string QuotedList(const std::vector<std::string>& names);
// "1.5 GiB", "312 KiB", "12 bytes".
std::string FormatBytes(uint64_t bytes);
// "3 h 12 min", "45 s".
std::string FormatDuration(std::chrono::seconds duration);

struct AccountPrivileges {
  PrivilegeCheck check;
  std::string account;  // CURRENT_USER(): "osc@10.0.0.%"
  std::string schema;   // the schema the check was for
};

// SHOW GRANTS, parsed and judged for `schema`; and the finding for it,
// whose fix is the exact GRANT statements.
Result<AccountPrivileges> ReadPrivileges(db::Connection& conn, std::string_view schema);
Finding PrivilegeFinding(const AccountPrivileges& account);

// Helper tables of an earlier run in `schema`.
// What CheckLeftovers looks at: which helper tables exist, and the
// changelog's state row.
Result<HelperPresence> ObserveHelperPresence(db::Connection& conn, std::string_view schema,
                                             const HelperTableNames& names);
// Refuses when helper tables of an earlier run exist. Its message contains
// kUnconfirmedSwapNote exactly when IsUnconfirmedSwap.
Result<Finding> CheckLeftovers(db::Connection& conn, std::string_view schema, const HelperTableNames& names);

// Free space at the server's datadir for a table of `table_bytes`
// (data+index) whose copy writes about `data_bytes` of binlog.
// The check needs the server on this host (same @@hostname); otherwise it
// is a warning saying it could not be done.
Result<Finding> CheckDiskSpace(db::Connection& conn, uint64_t table_bytes, uint64_t data_bytes,
                               const PreflightEnv& env);

// Binlog retention (from the server settings) against the estimate.
Finding CheckCopyDuration(const migration::ServerSettings& settings, const CopyEstimate& estimate);

}  // namespace osc::schema::internal
