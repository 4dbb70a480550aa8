#include "cli/run.h"

#include "cli/run_internal.h"
#include "common/logging.h"
#include "db/errors.h"
#include "osc/server_check.h"

namespace osc::cli {
namespace internal {
namespace {

Outcome RunCheckServer(const CliCommand& cmd, std::ostream& out) {
  Outcome failure;
  Result<db::Connection> conn = Connect(cmd, &failure);
  if (!conn.ok()) return failure;
  if (auto refused = CheckServerAndReport(*conn, out)) return *refused;
  return Outcome{};
}

}  // namespace

Result<db::Connection> Connect(const CliCommand& cmd, Outcome* failure) {
  spdlog::debug("connecting to {}", cmd.options.connection.Describe());
  Result<db::Connection> conn = db::Connection::Open(cmd.options.connection);
  if (!conn.ok()) {
    *failure = Outcome{ExitCodeForConnectError(conn.status()),
                       ConnectErrorLine(conn.status(), cmd.password_source)};
    return conn.status();
  }
  spdlog::debug("connected to {} ({})", conn->description(), conn->server_info().ToString());
  return conn;
}

std::optional<Outcome> CheckServerAndReport(db::Connection& conn, std::ostream& out) {
  Result<migration::ServerReport> report = migration::CheckServer(conn);
  if (!report.ok()) {
    return Outcome{ExitCode::kFailed, "osc: the server check failed: " + report.status().ToString()};
  }
  out << migration::RenderReport(*report);
  out.flush();
  const size_t problems = report->Count(migration::Severity::kFatal);
  if (problems == 0) return std::nullopt;
  return Outcome{ExitCode::kRefused, "osc: refused: the server check found " + std::to_string(problems) +
                                         (problems == 1 ? " problem" : " problems") +
                                         " (see the report for what to change)"};
}

}  // namespace internal

ExitCode ExitCodeForConnectError(const Status& status) {
  return status.IsInvalidArgument() ? ExitCode::kUsage : ExitCode::kCannotConnect;
}

std::string ConnectErrorLine(const Status& status, PasswordSource password_source) {
  std::string line = "osc: cannot connect: " + std::string(status.message());
  const uint32_t code = status.server_errno();
  if (code != 0) line += " (error " + std::to_string(code) + ")";
  switch (db::Classify(code)) {
    case db::ErrorClass::kAccessDenied:
      line += "; check --user and the password (taken from " + std::string(ToString(password_source)) + ")";
      break;
    case db::ErrorClass::kCannotConnect:
      line += code == db::errc::kClientSslConnectionError
                  ? "; check --ssl-mode and the --ssl-* files"
                  : "; check --host/--port (or --socket) and that the server is running";
      break;
    case db::ErrorClass::kConnectionLost:
      line += "; the server closed the connection or did not answer within --connect-timeout";
      break;
    default:
      break;
  }
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

ExitCode RunCommand(const CliCommand& cmd, std::ostream& out, std::ostream& err, std::stop_token stop) {
  internal::Outcome outcome;
  switch (cmd.mode) {
    case Mode::kCheckServer:
      outcome = internal::RunCheckServer(cmd, out);
      break;
    case Mode::kMigrate:
      outcome = internal::RunMigration(cmd, out, stop);
      break;
    case Mode::kCleanup:
      outcome = internal::RunCleanup(cmd, out, stop);
      break;
    case Mode::kHelp:
    case Mode::kVersion:
      outcome = {ExitCode::kFailed, "osc: internal error: --help/--version reached RunCommand"};
      break;
  }
  // A failure after a stop request is most likely caused by it (a wait cut
  // short); either way the user asked to stop, and nothing was changed.
  if (stop.stop_requested() && outcome.code != ExitCode::kSuccess) {
    outcome = {ExitCode::kAborted, "osc: stopped by a signal; nothing was changed"};
    // A stopped migration keeps its helper tables (for a resume); say how
    // to remove them instead of leaving the user to find them.
    if (cmd.mode == Mode::kMigrate) {
      outcome.line += " in the original table; osc's helper tables may remain: resume, or remove them with "
                      "osc --cleanup --database " + cmd.options.database + " --table " + cmd.options.table;
    }
  }
  if (!outcome.line.empty()) err << outcome.line << '\n';
  err.flush();
  return outcome.code;
}

}  // namespace osc::cli
