// The --cleanup mode: removes the helper tables a failed, aborted or killed
// run left next to --table (osc/cleanup.h has the rules).
//
// It acts at once, without --execute, as gh-ost's and pt-osc's cleanup
// does: it only ever drops tables osc can prove it made, and refuses
// (exit 3, nothing dropped) whenever it cannot. _<t>_osc_old, which may
// hold the only copy of the pre-migration data, needs --ok-to-drop-table.
//
// Output: one line per helper on stdout ("dropped:", "kept:"), or
// "nothing to clean up ..."; a refusal or failure is the usual one line on
// stderr. Exit 0 when done (also when nothing was there, or _old was
// kept), 3 refused (also --ok-to-drop-table on the record of an unconfirmed
// swap), 1 a DROP failed (stdout says what was dropped before).

#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/run_internal.h"
#include "db/quoting.h"
#include "osc/cleanup.h"

namespace osc::cli::internal {

Outcome RunCleanup(const CliCommand& cmd, std::ostream& out, std::stop_token stop) {
  Outcome failure;
  Result<db::Connection> conn = Connect(cmd, &failure);
  if (!conn.ok()) return failure;
  if (stop.stop_requested())
    return Outcome{ExitCode::kAborted, "osc: stopped by a signal; nothing was dropped"};

  migration::CleanupOptions options;
  options.database = cmd.options.database;
  options.table = cmd.options.table;
  options.drop_old = cmd.options.cut_over.ok_to_drop_table;
  migration::CleanupPlan plan;
  std::vector<std::string> dropped;
  const Status s = migration::CleanupHelpers(*conn, options, &plan, &dropped);
  if (s.ok() || !dropped.empty()) {
    out << migration::RenderCleanup(plan, dropped);
    out.flush();
  }
  if (s.ok()) return Outcome{};
  if (s.code() == Status::Code::kFailedPrecondition) {
    return Outcome{ExitCode::kRefused, "osc: refused: " + std::string(s.message())};
  }
  if (s.IsInvalidArgument()) return Outcome{ExitCode::kUsage, UsageErrorLine(s)};
  std::string line = "osc: failed: cleanup: " + std::string(s.message());
  if (s.server_errno() != 0) line += " (error " + std::to_string(s.server_errno()) + ")";
  line += "; the original table " + db::QuoteQualified(options.database, options.table) +
          " is untouched";
  return Outcome{ExitCode::kFailed, line};
}

}  // namespace osc::cli::internal
