// Names of the helper tables osc creates next to the table it migrates.
//
// The names are part of the user contract (documented, looked for by
// --cleanup and by the leftover check), so they never change:
//   _<table>_osc_new  the shadow table that becomes the new table
//   _<table>_osc_log  the changelog (heartbeat, state, checkpoints)
//   _<table>_osc_old  the original data after the cut-over's RENAME
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace osc::schema {

struct HelperTableNames {
  std::string shadow;     // _<table>_osc_new
  std::string changelog;  // _<table>_osc_log
  std::string old;        // _<table>_osc_old
};

// Characters the helper names add to the table name ("_" + "_osc_new").
inline constexpr size_t kHelperNameOverhead = 9;
// The longest table name whose helper names still fit the server's
// 64-character limit on table names.
inline constexpr size_t kMaxMigratableTableNameChars = 64 - kHelperNameOverhead;

// Which helper tables exist next to a table, and the state row of the
// changelog (nullopt when there is none or it cannot be read).
struct HelperPresence {
  bool shadow = false;
  bool changelog = false;
  bool old = false;
  std::optional<std::string> changelog_state;
};

// True for the record of a swap its run never confirmed from the binlog:
// the old table and the changelog without the shadow (the RENAME ran, the
// changelog was not dropped), unless the changelog's state says the swap
// was confirmed (cutover::kSwapConfirmedState). The run stopped between the
// RENAME and the binlog check, the check did not finish, or it found a
// change missing: the old table may hold the only copy of some changes, so
// --cleanup, --initially-drop-* and new runs leave both tables alone until
// a person has compared them.
bool IsUnconfirmedSwap(const HelperPresence& p);
// How messages about such a record say it.
inline constexpr std::string_view kUnconfirmedSwapNote =
    "an osc run swapped the tables and has not confirmed that every change made during the swap reached the new "
    "table";

// The helper names for `table`. InvalidArgument when they would exceed the
// 64-character limit, with a message naming the table, its length in
// characters and the limit; or when `table` is not a valid identifier.
// Lengths count characters (UTF-8 code points), as the server does.
Result<HelperTableNames> HelperNamesFor(std::string_view table);

}  // namespace osc::schema
