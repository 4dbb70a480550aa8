// Preflight checks about the account and the host rather than the table:
// privileges, leftover helper tables, disk space, binlog retention.
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "common/numbers.h"
#include "db/quoting.h"
#include "db/variables.h"
#include "osc/cutover/changelog.h"
#include "osc/schema/preflight_internal.h"

namespace osc::schema::internal {
namespace {

std::optional<DiskSpace> StatPath(const std::string& path) {
  struct statvfs fs {};
  struct stat st {};
  if (::statvfs(path.c_str(), &fs) != 0 || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  return DiskSpace{static_cast<uint64_t>(fs.f_bavail) * static_cast<uint64_t>(fs.f_frsize),
                   static_cast<uint64_t>(st.st_dev)};
}

std::string LocalHostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

// A schema name as a GRANT target: `_` and `%` are wildcards there, so a
// literal one is escaped (GRANT ... ON `my\_db`.* grants on my_db only).
std::string GrantSchema(std::string_view schema) {
  std::string escaped;
  for (char c : schema) {
    if (c == '_' || c == '%') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return db::QuoteIdentifier(escaped);
}

// CURRENT_USER() is "user@host"; the user part may itself contain '@'.
// GRANT takes either part as a backtick-quoted name.
std::string AccountName(std::string_view current_user) {
  const size_t at = current_user.rfind('@');
  if (at == std::string_view::npos) return db::QuoteIdentifier(current_user);
  return db::QuoteIdentifier(current_user.substr(0, at)) + "@" + db::QuoteIdentifier(current_user.substr(at + 1));
}

std::string JoinPlain(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::optional<double> Number(const migration::ServerSettings& s, const std::string& name) {
  const auto it = s.variables.find(name);
  if (it == s.variables.end()) return std::nullopt;
  return ParseNumber<double>(it->second);
}

}  // namespace

Result<AccountPrivileges> ReadPrivileges(db::Connection& conn, std::string_view schema) {
  // Plain SHOW GRANTS: on MariaDB it also lists the active role's
  // privileges (SHOW GRANTS FOR CURRENT_USER does not).
  OSC_ASSIGN_OR_RETURN(db::QueryResult grants, conn.Query("SHOW GRANTS"));
  std::vector<std::string> lines;
  for (const db::Row& row : grants.rows) {
    if (!row.empty() && row[0]) lines.push_back(*row[0]);
  }
  OSC_ASSIGN_OR_RETURN(std::optional<std::string> user, conn.QueryScalar("SELECT CURRENT_USER()"));
  return AccountPrivileges{CheckGrants(lines, schema), user.value_or(""), std::string(schema)};
}

Finding PrivilegeFinding(const AccountPrivileges& account) {
  const PrivilegeCheck& check = account.check;
  if (check.complete()) return Ok("privileges", "all needed privileges held by " + account.account);
  std::string message = account.account + " lacks";
  std::string fix;
  const std::string to = " TO " + AccountName(account.account) + ";";
  if (!check.missing_on_schema.empty()) {
    message += " " + JoinPlain(check.missing_on_schema) + " on " + db::QuoteIdentifier(account.schema);
    fix += "GRANT " + JoinPlain(check.missing_on_schema) + " ON " + GrantSchema(account.schema) + ".*" + to;
  }
  if (!check.missing_global.empty()) {
    if (!check.missing_on_schema.empty()) message += " and";
    message += " " + JoinPlain(check.missing_global) + " globally";
    fix += std::string(fix.empty() ? "" : " ") + "GRANT " + JoinPlain(check.missing_global) + " ON *.*" + to;
  }
  if (!check.roles.empty()) {
    // Role privileges may not be in SHOW GRANTS (MySQL never expands them;
    // MariaDB only the active role's), so "missing" is not proven.
    return Warning("privileges",
                   message + " according to SHOW GRANTS, but it has roles (" + JoinPlain(check.roles) +
                       ") that may grant them",
                   "make sure the roles are active by default (SET DEFAULT ROLE), or: " + fix);
  }
  return Refusal("privileges", message, fix);
}

Result<HelperPresence> ObserveHelperPresence(db::Connection& conn, std::string_view schema,
                                             const HelperTableNames& names) {
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                 db::QuoteStringLiteral(schema) + " AND TABLE_NAME IN (" + db::QuoteStringLiteral(names.shadow) +
                 ", " + db::QuoteStringLiteral(names.changelog) + ", " + db::QuoteStringLiteral(names.old) + ")"));
  HelperPresence p;
  // Exact comparison: information_schema matches names case-insensitively.
  for (const db::Row& row : r.rows) {
    if (row.size() < 2 || !row[0] || !row[1] || *row[0] != schema) continue;
    p.shadow = p.shadow || *row[1] == names.shadow;
    p.changelog = p.changelog || *row[1] == names.changelog;
    p.old = p.old || *row[1] == names.old;
  }
  if (p.changelog) {
    // A table of that name that is not osc's changelog has no such row (or
    // no such columns): then there is no state, which is the cautious case.
    auto state = conn.QueryScalar("SELECT value FROM " + db::QuoteQualified(schema, names.changelog) +
                                  " WHERE id = " + std::to_string(static_cast<uint64_t>(cutover::RowId::kState)));
    if (state.ok()) p.changelog_state = *state;
  }
  return p;
}

Result<Finding> CheckLeftovers(db::Connection& conn, std::string_view schema, const HelperTableNames& names) {
  OSC_ASSIGN_OR_RETURN(HelperPresence presence, ObserveHelperPresence(conn, schema, names));
  std::vector<std::string> found;
  if (presence.shadow) found.push_back(names.shadow);
  if (presence.changelog) found.push_back(names.changelog);
  if (presence.old) found.push_back(names.old);
  if (found.empty()) return Ok("leftover_tables", "none");
  auto has = [&found](const std::string& name) { return std::find(found.begin(), found.end(), name) != found.end(); };
  std::string message = "helper tables of an earlier osc run exist: " + QuotedList(found);
  std::string drops;
  for (const std::string& name : found) drops += " DROP TABLE " + db::QuoteQualified(schema, name) + ";";
  if (IsUnconfirmedSwap(presence)) {
    // osc --cleanup keeps both tables then (osc/cleanup.h).
    message += "; " + std::string(kUnconfirmedSwapNote) + " (it stopped, or is still checking), so " +
               db::QuoteIdentifier(names.old) + " may hold changes the table lacks";
    return Refusal("leftover_tables", message,
                   "compare " + db::QuoteIdentifier(names.old) + " with the table and copy what is missing, then:" +
                       drops);
  }
  // osc --cleanup first: it checks that the tables are osc's and that no
  // run is still writing to them; the statements are for doing it by hand.
  std::string fix = "run osc --cleanup with the same --database and --table; or, if no osc run on this table "
                    "is still in progress:" +
                    drops;
  if (has(names.old)) {
    message += "; " + db::QuoteIdentifier(names.old) +
               " may hold the table's data from before an earlier, completed migration (kept without "
               "--ok-to-drop-table): drop it once that data is no longer needed";
  }
  return Refusal("leftover_tables", message, fix);
}

Result<Finding> CheckDiskSpace(db::Connection& conn, uint64_t table_bytes, uint64_t data_bytes,
                               const PreflightEnv& env) {
  OSC_ASSIGN_OR_RETURN(std::optional<std::string> datadir, db::GetGlobalVariable(conn, "datadir"));
  OSC_ASSIGN_OR_RETURN(std::optional<std::string> hostname, db::GetGlobalVariable(conn, "hostname"));
  OSC_ASSIGN_OR_RETURN(std::optional<std::string> binlog_base, db::GetGlobalVariable(conn, "log_bin_basename"));
  const auto needed = static_cast<uint64_t>(std::ceil(static_cast<double>(table_bytes) * env.disk_headroom));
  const std::string want = "at least " + FormatBytes(needed) + " free (" + FormatBytes(table_bytes) + " x " +
                           std::to_string(env.disk_headroom).substr(0, 4) + ")";
  // Same host only when the server's own hostname is ours: a loopback port
  // or a socket can lead into a container whose datadir path means a
  // different filesystem (or none) out here.
  const std::string here = env.local_hostname ? env.local_hostname() : LocalHostname();
  if (!datadir || !hostname || here.empty() || *hostname != here) {
    return Warning("disk_space",
                   "could not be checked: the server runs on another host (" + hostname.value_or("?") + ")",
                   "make sure the server's datadir has " + want);
  }
  const auto probe = env.disk_space ? env.disk_space : StatPath;
  const std::optional<DiskSpace> data_fs = probe(*datadir);
  if (!data_fs) {
    return Warning("disk_space", "could not be checked: cannot read " + *datadir + " from here",
                   "make sure " + *datadir + " has " + want);
  }
  uint64_t required = needed;
  std::string binlog_note;
  if (binlog_base) {
    const std::string binlog_dir = binlog_base->substr(0, binlog_base->find_last_of('/') + 1);
    const std::optional<DiskSpace> binlog_fs = probe(binlog_dir.empty() ? *datadir : binlog_dir);
    if (binlog_fs && binlog_fs->device == data_fs->device) {
      required += data_bytes;
      binlog_note = ", plus " + FormatBytes(data_bytes) + " of binlog the copy writes to the same filesystem";
    }
  }
  const std::string numbers = FormatBytes(data_fs->available_bytes) + " free at " + *datadir + "; the copy needs " +
                              FormatBytes(required) + " (" + FormatBytes(table_bytes) + " x " +
                              std::to_string(env.disk_headroom).substr(0, 4) + binlog_note + ")";
  if (data_fs->available_bytes < required) {
    return Refusal("disk_space", numbers, "free space on that filesystem, or migrate when it has room");
  }
  return Ok("disk_space", numbers);
}

Finding CheckCopyDuration(const migration::ServerSettings& settings, const CopyEstimate& estimate) {
  // Same rule as the server check: binlog_expire_logs_seconds when set,
  // else expire_logs_days (fractional on MariaDB); 0 means never.
  double retention = Number(settings, "binlog_expire_logs_seconds").value_or(0);
  if (retention <= 0) retention = Number(settings, "expire_logs_days").value_or(0) * 86400.0;
  const std::string estimate_text = "the copy of " + FormatBytes(estimate.bytes) + " should take about " +
                                    FormatDuration(estimate.duration) + " (longer when throttled or postponed)";
  if (retention <= 0) return Ok("copy_duration", estimate_text + "; binlogs are never purged automatically");
  const auto retention_s = std::chrono::seconds(static_cast<int64_t>(retention));
  const std::string compared = estimate_text + ", and binlogs are purged after " + FormatDuration(retention_s);
  const std::string fix = "raise binlog_expire_logs_seconds for the migration (SET GLOBAL "
                          "binlog_expire_logs_seconds = ...), with the disk space that takes";
  if (estimate.duration > retention_s) return Refusal("copy_duration", compared, fix);
  if (estimate.duration * 2 > retention_s) {
    return Warning("copy_duration", compared + ": less than twice the estimate", fix);
  }
  return Ok("copy_duration", compared);
}

}  // namespace osc::schema::internal
