#include "osc/server_check.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/numbers.h"
#include "db/errors.h"
#include "db/variables.h"

namespace osc::migration {
namespace {

constexpr int64_t kDay = 86400;
// A migration of a large table can run for many hours, and a paused one
// (postpone flag, throttling) longer: retention under a day is a real risk.
constexpr int64_t kMinRetentionSeconds = kDay;
constexpr std::string_view kMdlInstrument = "wait/lock/metadata/sql/mdl";

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> Var(const ServerSettings& s, const std::string& name) {
  auto it = s.variables.find(name);
  if (it == s.variables.end()) return std::nullopt;
  return it->second;
}

bool IsOn(const std::optional<std::string>& v) { return v && (Upper(*v) == "ON" || *v == "1"); }

Finding Ok(std::string name, std::string message) {
  return Finding{std::move(name), Severity::kOk, std::move(message), ""};
}

Finding Problem(std::string name, Severity severity, std::string message, std::string fix) {
  return Finding{std::move(name), severity, std::move(message), std::move(fix)};
}

Finding CheckVersion(const db::ServerInfo& info) {
  const bool supported = info.IsMariaDB() ? info.AtLeast(10, 6, 0) : info.AtLeast(8, 0, 0);
  if (supported) return Ok("server", info.ToString());
  return Problem("server", Severity::kWarning, info.ToString() + ": older than osc supports",
                 "osc is tested on MariaDB 10.11 and written for MySQL 8.0; upgrade the server "
                 "(MariaDB >= 10.6, MySQL >= 8.0)");
}

Finding CheckLogBin(const ServerSettings& s) {
  const auto v = Var(s, "log_bin");
  if (IsOn(v)) return Ok("log_bin", "ON");
  return Problem("log_bin", Severity::kFatal,
                 v.value_or("not reported") + ": binary logging is off, and osc follows changes to "
                                              "the table through the binary log",
                 "restart the server with log_bin (e.g. log-bin=mysql-bin) and a non-zero "
                 "server_id in its configuration; it cannot be enabled at run time");
}

Finding CheckBinlogFormat(const ServerSettings& s) {
  const auto v = Var(s, "binlog_format");
  if (v && Upper(*v) == "ROW") return Ok("binlog_format", "ROW");
  return Problem("binlog_format", Severity::kFatal,
                 v.value_or("not reported") + ": osc needs row events to replay changes",
                 "SET GLOBAL binlog_format = 'ROW' and set binlog_format=ROW in the configuration; "
                 "sessions already connected keep their format until they reconnect");
}

Finding CheckRowImage(const ServerSettings& s) {
  const auto v = Var(s, "binlog_row_image");
  if (v && Upper(*v) == "FULL") return Ok("binlog_row_image", "FULL");
  return Problem("binlog_row_image", Severity::kFatal,
                 v.value_or("not reported") + ": osc needs every column of every changed row",
                 "SET GLOBAL binlog_row_image = 'FULL' and set it in the configuration; sessions "
                 "already connected keep their value until they reconnect");
}

Finding CheckChecksum(const ServerSettings& s) {
  const auto v = Var(s, "binlog_checksum");
  const std::string upper = v ? Upper(*v) : "";
  if (upper == "CRC32" || upper == "NONE") return Ok("binlog_checksum", upper);
  return Problem("binlog_checksum", Severity::kWarning,
                 v.value_or("not reported") + ": osc knows only CRC32 and NONE",
                 "SET GLOBAL binlog_checksum = 'CRC32'");
}

Finding CheckServerId(const ServerSettings& s) {
  const auto v = Var(s, "server_id");
  if (v && *v != "0") return Ok("server_id", *v);
  return Problem("server_id", Severity::kFatal,
                 v.value_or("not reported") + ": a server without a server_id refuses binlog clients",
                 "SET GLOBAL server_id = <a unique non-zero number> and set it in the configuration");
}

Finding CheckMdlInstrument(const ServerSettings& s) {
  const std::string name = "mdl_instrument";
  const std::string startup_fix =
      "restart with performance_schema=ON and performance-schema-instrument="
      "'wait/lock/metadata/sql/mdl=ON'";
  if (!IsOn(Var(s, "performance_schema"))) {
    return Problem(name, Severity::kWarning,
                   "performance_schema is OFF: when a cut-over waits on a metadata lock, osc cannot "
                   "name the session holding it",
                   startup_fix);
  }
  if (!s.mdl_read_error.empty()) {
    return Problem(name, Severity::kWarning,
                   "cannot read performance_schema.setup_instruments: " + s.mdl_read_error,
                   "GRANT SELECT ON performance_schema.* TO the osc user");
  }
  if (s.mdl_instrument_enabled && Upper(*s.mdl_instrument_enabled) == "YES") {
    return Ok(name, std::string(kMdlInstrument) + " enabled");
  }
  return Problem(name, Severity::kWarning,
                 std::string(kMdlInstrument) +
                     " is not enabled: metadata_locks stays empty, so osc cannot name the "
                     "session blocking a cut-over",
                 "UPDATE performance_schema.setup_instruments SET ENABLED='YES', TIMED='YES' WHERE "
                 "NAME='wait/lock/metadata/sql/mdl' (covers locks taken afterwards), and " +
                     startup_fix + " so it survives a restart");
}

Finding CheckGtid(const ServerSettings& s) {
  if (s.server.IsMariaDB()) {
    return Ok("gtid", "MariaDB GTIDs (always on), gtid_strict_mode=" +
                          Var(s, "gtid_strict_mode").value_or("unknown"));
  }
  return Ok("gtid", "gtid_mode=" + Var(s, "gtid_mode").value_or("unknown"));
}

Finding CheckReadOnly(const ServerSettings& s) {
  const std::string fix = "run osc against the primary; if this is the primary, SET GLOBAL read_only = OFF";
  for (const char* var : {"super_read_only", "read_only"}) {
    if (IsOn(Var(s, var))) {
      return Problem("read_only", Severity::kFatal,
                     std::string(var) + "=ON: osc writes a shadow and a changelog table, and a "
                                        "read-only server is usually a replica",
                     fix);
    }
  }
  return Ok("read_only", "OFF");
}

// Not about correctness (the copy is right in every mode), about speed:
// in modes 0 and 1 every INSERT ... SELECT into a table with an
// AUTO_INCREMENT column holds the table's AUTO-INC lock until it ends, even
// with explicit values, so osc's copy threads take turns (and the binlog
// applier's writes to the shadow wait for the chunk in progress). Measured
// on the 1M-row benchmark: two copy sessions 6.4 s in mode 1, 4.1 s when
// the shadow had no AUTO_INCREMENT. Mode 2 is safe with binlog_format=ROW,
// which osc requires, and is MySQL 8.0's default.
Finding CheckAutoincLockMode(const ServerSettings& s) {
  const std::optional<std::string> mode = Var(s, "innodb_autoinc_lock_mode");
  if (!mode) return Ok("autoinc_lock_mode", "innodb_autoinc_lock_mode unknown");
  if (*mode == "2") return Ok("autoinc_lock_mode", "2 (interleaved): copy threads insert side by side");
  return Problem("autoinc_lock_mode", Severity::kWarning,
                 "innodb_autoinc_lock_mode=" + *mode +
                     ": on a table with an AUTO_INCREMENT column each copy chunk holds the table's AUTO-INC "
                     "lock, so copy threads take turns and the copy is slower (still correct)",
                 "innodb_autoinc_lock_mode = 2 in the server's configuration (a startup option; safe with "
                 "binlog_format=ROW, and MySQL 8.0's default)");
}

std::optional<double> ToNumber(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  return ParseNumber<double>(*v);
}

std::string FormatSeconds(int64_t seconds) {
  if (seconds % kDay == 0) return std::to_string(seconds / kDay) + " days";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds) + " s";
}

// MySQL 8.0 and MariaDB 10.6+ both have binlog_expire_logs_seconds (MariaDB
// keeps it in step with expire_logs_days, a fractional day count there);
// older servers only have expire_logs_days. 0 in both means never.
Finding CheckRetention(const ServerSettings& s) {
  const auto seconds = ToNumber(Var(s, "binlog_expire_logs_seconds"));
  const auto days = ToNumber(Var(s, "expire_logs_days"));
  int64_t retention = 0;
  if (seconds && *seconds > 0) {
    retention = static_cast<int64_t>(*seconds);
  } else if (days && *days > 0) {
    retention = static_cast<int64_t>(*days * static_cast<double>(kDay));
  }
  if (retention == 0) return Ok("binlog_retention", "binlogs are never purged automatically");
  if (retention >= kMinRetentionSeconds) {
    return Ok("binlog_retention", "binlogs kept " + FormatSeconds(retention));
  }
  return Problem("binlog_retention", Severity::kWarning,
                 "binlogs are purged after " + FormatSeconds(retention) +
                     ": a migration that runs or pauses longer loses its place in the stream",
                 "SET GLOBAL binlog_expire_logs_seconds = 604800 (7 days) for the duration, with "
                 "the disk space that takes");
}

}  // namespace

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kOk: return "ok";
    case Severity::kWarning: return "warning";
    case Severity::kFatal: return "fatal";
  }
  return "unknown";
}

bool ServerReport::HasFatal() const { return Count(Severity::kFatal) > 0; }

size_t ServerReport::Count(Severity severity) const {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(),
                                           [&](const Finding& f) { return f.severity == severity; }));
}

const Finding* ServerReport::Find(std::string_view name) const {
  for (const Finding& f : findings) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const std::vector<std::string_view>& CheckedVariables() {
  static const std::vector<std::string_view> kNames = {
      "log_bin",          "binlog_format",   "binlog_row_image",           "binlog_checksum",
      "server_id",        "performance_schema", "gtid_mode",               "gtid_strict_mode",
      "read_only",        "super_read_only", "binlog_expire_logs_seconds", "expire_logs_days",
      "innodb_autoinc_lock_mode"};
  return kNames;
}

ServerReport EvaluateServer(const ServerSettings& settings) {
  ServerReport report;
  report.server = settings.server;
  report.endpoint = settings.endpoint;
  report.findings = {CheckVersion(settings.server), CheckLogBin(settings),    CheckBinlogFormat(settings),
                     CheckRowImage(settings),       CheckChecksum(settings),  CheckServerId(settings),
                     CheckMdlInstrument(settings),  CheckGtid(settings),      CheckReadOnly(settings),
                     CheckRetention(settings),      CheckAutoincLockMode(settings)};
  return report;
}

namespace {

// ENABLED of the MDL instrument. Missing privileges or a missing table are
// findings, not errors: the rest of the report is still worth printing.
Status ReadMdlInstrument(db::Connection& conn, ServerSettings* s) {
  auto enabled = conn.QueryScalar(
      "SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = "
      "'wait/lock/metadata/sql/mdl'");
  if (enabled.ok()) {
    s->mdl_instrument_enabled = *enabled;
    return Status::Ok();
  }
  const Status& st = enabled.status();
  if (st.IsNotFound()) return Status::Ok();  // no such instrument row
  const db::ErrorClass c = db::Classify(st.server_errno());
  if (c == db::ErrorClass::kAccessDenied || c == db::ErrorClass::kUnknownTable) {
    s->mdl_read_error = std::string(st.message());
    return Status::Ok();
  }
  return st;
}

}  // namespace

Result<ServerSettings> ReadServerSettings(db::Connection& conn) {
  ServerSettings s;
  s.server = conn.server_info();
  s.endpoint = conn.description();
  // One round trip for all of them. The names are this file's constants,
  // checked anyway so the statement can only ever be a name list.
  std::string sql = "SHOW GLOBAL VARIABLES WHERE Variable_name IN (";
  bool first = true;
  for (std::string_view name : CheckedVariables()) {
    OSC_RETURN_IF_ERROR(db::ValidateVariableName(name));
    sql.append(first ? "'" : ", '").append(name).append("'");
    first = false;
  }
  sql += ")";
  OSC_ASSIGN_OR_RETURN(db::QueryResult result, conn.Query(sql));
  for (db::Row& row : result.rows) {
    if (row.size() < 2 || !row[0]) continue;
    std::string name = std::move(*row[0]);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.variables[std::move(name)] = row[1].value_or("");
  }
  if (IsOn(Var(s, "performance_schema"))) OSC_RETURN_IF_ERROR(ReadMdlInstrument(conn, &s));
  return s;
}

Result<ServerReport> CheckServer(db::Connection& conn) {
  OSC_ASSIGN_OR_RETURN(ServerSettings settings, ReadServerSettings(conn));
  return EvaluateServer(settings);
}

std::string RenderReport(const ServerReport& report) {
  std::string out = "Server check: " + report.server.ToString() + " at " + report.endpoint + " (" +
                    report.server.version_string + ")\n";
  for (const Finding& f : report.findings) {
    const char* label = f.severity == Severity::kOk        ? "OK"
                        : f.severity == Severity::kWarning ? "WARNING"
                                                           : "PROBLEM";
    char head[64];
    std::snprintf(head, sizeof(head), "  %-8s %-17s ", label, f.name.c_str());
    out += head + f.message + "\n";
    if (!f.fix.empty()) out += std::string(29, ' ') + "fix: " + f.fix + "\n";
  }
  const size_t problems = report.Count(Severity::kFatal);
  const size_t warnings = report.Count(Severity::kWarning);
  out += "Result: " + std::to_string(problems) + (problems == 1 ? " problem, " : " problems, ") +
         std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
  out += problems > 0 ? ": osc refuses to migrate on this server until the problems are fixed.\n"
                      : ": osc can migrate tables on this server.\n";
  return out;
}

}  // namespace osc::migration
