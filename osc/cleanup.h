// `osc --cleanup`: removes the helper tables (osc/schema/names.h) that a
// failed, aborted or killed run left next to a table. It never touches the
// table itself: every statement names a helper, and helper names can never
// equal the table's own name (they add a prefix and a suffix).
//
// Three steps, so that every decision is a pure, unit-tested function:
//   ObserveHelpers  reads what exists (information_schema, and the age of
//                   the changelog's newest row)
//   PlanCleanup     decides per helper: drop, keep, or refuse everything
//   ExecuteCleanup  runs the plan's DROP TABLE statements
// CleanupHelpers does all three.
//
// The rules PlanCleanup applies (a refusal changes nothing at all):
//   _<t>_osc_log  dropped when its columns and comment are exactly the ones
//                 cutover::Changelog::CreateTable makes (and it is not the
//                 record of an unconfirmed swap, below); anything else is a
//                 user's table that happens to have the name: refused.
//                 Refused too while its newest row is younger than
//                 `active_window` (a live run writes its heartbeat every
//                 500 ms): that run would fail.
//   _<t>_osc_new  dropped only next to an osc changelog, the one proof that
//                 osc made it. Without one it is refused, naming the DROP
//                 TABLE statement for the user to run after checking it.
//   _<t>_osc_old  the original data after a completed swap: dropped only
//                 with `drop_old` (--ok-to-drop-table), otherwise kept and
//                 reported. Next to a changelog but no shadow it is the
//                 original of a swap its run never confirmed
//                 (schema::IsUnconfirmedSwap: stopped between the RENAME
//                 and the binlog check, the check did not finish, or
//                 cut-over incomplete): it and the changelog are both kept,
//                 the reason gives the DROP statements to run after
//                 comparing, and `drop_old` is refused.
//   A helper name that is a view or anything but a base table: refused.
// Idempotent: a second run finds nothing (or the same kept tables) and
// succeeds.
//
// Thread safety: the functions use the Connection given (one thread at a
// time); PlanCleanup and RenderCleanup are pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "db/connection.h"
#include "osc/schema/names.h"

namespace osc::migration {

struct CleanupOptions {
  std::string database;  // --database
  std::string table;     // --table: the table whose helpers are removed
  // --ok-to-drop-table: also drop _<t>_osc_old. Default false: it may hold
  // the only copy of the data from before a completed migration.
  bool drop_old = false;
  // A changelog written to more recently than this belongs to a run that is
  // probably still going. 30 s covers the heartbeat interval (500 ms) and a
  // heartbeat writer retrying a few lost connections; the cost is that a
  // cleanup right after killing osc is refused for up to 30 s (the message
  // says how long to wait).
  std::chrono::seconds active_window{30};
};

// One column of a table, as information_schema.COLUMNS describes it.
struct ColumnShape {
  std::string name;
  std::string data_type;    // DATA_TYPE: "bigint", "varchar", ...
  std::string column_type;  // COLUMN_TYPE: "bigint(20) unsigned", ...
};

// What exists on the server for one table's helpers.
struct HelperObservation {
  std::string database;
  std::string table;
  schema::HelperTableNames names;
  bool database_exists = false;
  // information_schema TABLE_TYPE ("BASE TABLE", "VIEW", ...) of each
  // helper name, nullopt when no such table exists.
  std::optional<std::string> shadow_type, changelog_type, old_type;
  // Only read when the changelog is a base table.
  std::vector<ColumnShape> changelog_columns;
  std::string changelog_comment;
  // How long ago the changelog's newest row was written (server clock);
  // nullopt when it has no rows or its layout is not osc's.
  std::optional<std::chrono::microseconds> changelog_age;
  // The changelog's state row (osc/cutover/changelog.h), when it was read.
  std::optional<std::string> changelog_state;

  // The state row says its run stopped (and kept its tables for a resume,
  // or for comparing after a swap): no run is using them, whatever
  // changelog_age says.
  bool stopped_cleanly() const;
};

enum class HelperFate : uint8_t {
  kDrop,
  kKeep,  // exists, deliberately left (see the reason)
};

struct HelperStep {
  std::string table;  // unquoted helper name
  HelperFate fate = HelperFate::kDrop;
  std::string reason;  // for kKeep: why, and how to drop it
};

// The steps in the order they run: shadow, old, changelog last (see .cc).
// Empty when no helper exists.
struct CleanupPlan {
  std::string database;
  std::string table;
  std::vector<HelperStep> steps;
};

// Reads what exists. InvalidArgument when the names are not valid
// identifiers or too long to have helpers; server errors as they come.
Result<HelperObservation> ObserveHelpers(db::Connection& conn, const CleanupOptions& options);

// nullopt when `columns` and `comment` are those of osc's changelog,
// else a short description of the first difference.
std::optional<std::string> ChangelogLayoutMismatch(const std::vector<ColumnShape>& columns,
                                                   std::string_view comment);

// Decides what to do. FailedPrecondition (with one message saying why and
// what to do) for every refusal listed at the top of this file, and when
// the database does not exist (a typo must not look like "all clean").
Result<CleanupPlan> PlanCleanup(const HelperObservation& observed, const CleanupOptions& options);

// Runs the plan's drops in order, appending each dropped name to
// `dropped` as it goes (so a failure still reports what was done). Bounds
// each DROP's metadata-lock wait by `lock_wait_timeout` seconds.
Status ExecuteCleanup(db::Connection& conn, const CleanupPlan& plan,
                      std::vector<std::string>* dropped, int lock_wait_timeout = 10);

// What ExecuteCleanup did, for the user: one line per helper ("dropped:",
// "kept:") or "nothing to clean up ..." when the plan was empty. Ends with
// a newline.
std::string RenderCleanup(const CleanupPlan& plan, const std::vector<std::string>& dropped);

// ObserveHelpers + PlanCleanup + ExecuteCleanup. `plan` and `dropped` are
// filled as far as the steps got (for rendering after a failure).
Status CleanupHelpers(db::Connection& conn, const CleanupOptions& options, CleanupPlan* plan,
                      std::vector<std::string>* dropped);

}  // namespace osc::migration
