// The migration facts a hook sees, and how they become its environment.
//
// Every hook gets two spellings of each fact:
//   GH_OST_*  exactly the names and formats gh-ost uses (go/logic/hooks.go
//             and doc/hooks.md of github/gh-ost), so gh-ost hook scripts run
//             unchanged;
//   OSC_*     osc's own names, with unknown values left EMPTY instead of
//             gh-ost's placeholders, and free text unquoted.
//
//   gh-ost variable              osc variable               value
//   (none)                       OSC_HOOK_EVENT             "gh-ost-on-success"
//   GH_OST_DATABASE_NAME         OSC_DATABASE               schema of the table
//   GH_OST_TABLE_NAME            OSC_TABLE                  table being altered
//   GH_OST_GHOST_TABLE_NAME      OSC_SHADOW_TABLE           osc's shadow table
//   GH_OST_OLD_TABLE_NAME        OSC_OLD_TABLE              name the original gets
//   GH_OST_DDL                   OSC_ALTER                  the --alter text
//   GH_OST_ELAPSED_SECONDS       OSC_ELAPSED_SECONDS        "%f" since start
//   GH_OST_ELAPSED_COPY_SECONDS  OSC_COPY_ELAPSED_SECONDS   "%f" of row copy
//   GH_OST_ESTIMATED_ROWS        OSC_ROWS_ESTIMATED         integer
//   GH_OST_COPIED_ROWS           OSC_ROWS_COPIED            integer
//   GH_OST_INSPECTED_LAG         OSC_REPLICA_LAG_SECONDS    "%f"; gh-ost 0 / osc "" if unknown
//   GH_OST_HEARTBEAT_LAG         OSC_HEARTBEAT_LAG_SECONDS  "%f"; gh-ost 0 / osc "" if unknown
//   GH_OST_PROGRESS              OSC_PROGRESS_PERCENT       "%f" in [0, 100]
//   GH_OST_ETA_SECONDS           OSC_ETA_SECONDS            integer; gh-ost -1 / osc "" if unknown
//   GH_OST_MIGRATED_HOST         OSC_MIGRATED_HOST          server written to
//   GH_OST_INSPECTED_HOST        OSC_INSPECTED_HOST         server inspected
//   GH_OST_EXECUTING_HOST        OSC_EXECUTING_HOST         host running osc
//   GH_OST_HOOKS_HINT            OSC_HOOKS_HINT             --hooks-hint
//   GH_OST_HOOKS_HINT_OWNER      OSC_HOOKS_HINT_OWNER       --hooks-hint-owner
//   GH_OST_HOOKS_HINT_TOKEN      OSC_HOOKS_HINT_TOKEN       --hooks-hint-token
//   GH_OST_DRY_RUN               OSC_DRY_RUN                "true" / "false"
//   GH_OST_REVERT                (none)                     always "false"
//   (none)                       OSC_STATE                  osc's state name
// Only on some events:
//   GH_OST_STATUS                OSC_STATUS                 on-status
//   GH_OST_COMMAND               OSC_COMMAND                on-interactive-command
//   GH_OST_LAST_BATCH_COPY_ERROR OSC_LAST_BATCH_COPY_ERROR  on-batch-copy-retry
//   GH_OST_INSTANT_DDL           OSC_INSTANT_DDL            on-success ("true"/"false")
//   (none)                       OSC_FAILURE                on-failure: why it failed
//
// gh-ost wraps GH_OST_STATUS and GH_OST_COMMAND in literal single quotes
// (the hook sees "'copy 12%...'"); we do the same for compatibility with
// scripts that strip them. OSC_STATUS / OSC_COMMAND carry the raw text.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osc/hooks/hook_event.h"

namespace osc::hooks {

// A snapshot of the migration, filled by the caller for each Fire. Fields a
// caller does not know yet keep their defaults (empty / zero / nullopt).
struct HookFacts {
  std::string database;
  std::string table;
  std::string shadow_table;
  std::string old_table;
  std::string alter;  // the --alter text as the user gave it
  std::chrono::milliseconds elapsed{0};
  std::chrono::milliseconds copy_elapsed{0};
  uint64_t rows_estimated = 0;
  uint64_t rows_copied = 0;
  double progress_percent = 0;
  std::optional<std::chrono::seconds> eta;
  std::optional<std::chrono::milliseconds> replica_lag;
  std::optional<std::chrono::milliseconds> heartbeat_lag;
  std::string migrated_host;   // "host:port" osc writes to
  std::string inspected_host;  // "host:port" osc reads the schema from
  std::string executing_host;  // this machine's host name
  std::string hooks_hint;
  std::string hooks_hint_owner;
  std::string hooks_hint_token;
  bool dry_run = false;
  std::string state;  // osc state name, e.g. "copying"
  // Event-specific; each is passed only on its event (see the table above).
  std::string status_message;    // on-status
  std::string command;           // on-interactive-command
  std::string last_copy_error;   // on-batch-copy-retry
  bool instant_ddl = false;      // on-success
  std::string failure;           // on-failure
};

// NAME=value pairs for `event` from `facts`, GH_OST_* first, in the order
// of the table above. Values are passed verbatim (a hook gets exactly these
// bytes; no shell is involved).
std::vector<std::pair<std::string, std::string>> FactEnvironment(HookEvent event,
                                                                 const HookFacts& facts);

// True when `name` is one that FactEnvironment may set for some event (any
// GH_OST_* name, or one of the OSC_* names above). Base-environment entries
// with such names are dropped so a stale value from osc's own environment
// can never shadow or duplicate a fact.
bool IsFactVariableName(std::string_view name);

// The variables that always carry a password and never reach a hook.
inline constexpr std::string_view kAlwaysRedacted[] = {"OSC_PASSWORD", "MYSQL_PWD"};

// The part of `base` ("NAME=value" strings, as in environ) a hook may
// inherit: drops entries that are malformed (no '='), named in
// kAlwaysRedacted or `redacted_names`, fact names (IsFactVariableName), or
// whose value contains any non-empty string of `secret_values` (e.g. the
// password itself, which may sit inside a DATABASE_URL).
std::vector<std::string> FilterBaseEnvironment(const std::vector<std::string>& base,
                                               const std::vector<std::string>& redacted_names,
                                               const std::vector<std::string>& secret_values);

}  // namespace osc::hooks
