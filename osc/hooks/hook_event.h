// Hook events: the points of a migration at which osc runs the user's hook
// executables (--hooks-path), named exactly as gh-ost names them so a hooks
// directory written for gh-ost works unchanged.
//
// gh-ost's list is in go/logic/hooks.go of github/gh-ost (its doc/hooks.md
// says the code is authoritative). A hook file belongs to an event when its
// name starts with the event's name: "gh-ost-on-success",
// "gh-ost-on-success--mail-team" and "gh-ost-on-success42" all run on
// success. No event name is a prefix of another, so a file never belongs to
// two events.
//
// Thread safety: everything here is a pure function of its arguments.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace osc::hooks {

enum class HookEvent : uint8_t {
  kStartup = 0,         // gh-ost-on-startup: options parsed, nothing touched yet
  kValidated,           // gh-ost-on-validated: preflight and inspection passed
  kRowCountComplete,    // gh-ost-on-rowcount-complete: row estimate/count known
  kBeforeRowCopy,       // gh-ost-on-before-row-copy: shadow table ready, copy next
  kBatchCopyRetry,      // gh-ost-on-batch-copy-retry: a copy chunk failed, retrying
  kRowCopyComplete,     // gh-ost-on-row-copy-complete: every chunk copied
  kBeginPostponed,      // gh-ost-on-begin-postponed: cut-over held by the flag file
  kBeforeCutOver,       // gh-ost-on-before-cut-over: about to lock and rename
  kInteractiveCommand,  // gh-ost-on-interactive-command: a socket command arrived
  kStatus,              // gh-ost-on-status: periodic status
  kStopReplication,     // gh-ost-on-stop-replication: (--test-on-replica)
  kStartReplication,    // gh-ost-on-start-replication: (--test-on-replica)
  kSuccess,             // gh-ost-on-success: the migration finished
  kFailure,             // gh-ost-on-failure: the migration failed or was aborted
};

inline constexpr std::array<HookEvent, 14> kAllHookEvents = {
    HookEvent::kStartup,          HookEvent::kValidated,       HookEvent::kRowCountComplete,
    HookEvent::kBeforeRowCopy,    HookEvent::kBatchCopyRetry,  HookEvent::kRowCopyComplete,
    HookEvent::kBeginPostponed,   HookEvent::kBeforeCutOver,   HookEvent::kInteractiveCommand,
    HookEvent::kStatus,           HookEvent::kStopReplication, HookEvent::kStartReplication,
    HookEvent::kSuccess,          HookEvent::kFailure,
};

// The gh-ost file-name prefix of `event`, e.g. "gh-ost-on-before-cut-over".
std::string_view HookName(HookEvent event);

// The event whose gh-ost name is exactly `name`; nullopt if none.
std::optional<HookEvent> HookEventFromName(std::string_view name);

// Whether a failing hook of `event` must stop the migration from going on.
//
// Blocking (true) — the caller must not proceed past the point:
//   startup, validated, rowcount-complete, before-row-copy, row-copy-complete:
//     the migration fails before (or instead of) the next phase; this is
//     gh-ost's behaviour, and how a team vetoes a migration by its own rules.
//   before-cut-over: the cut-over is HELD, not attempted. Unlike gh-ost
//     (which fails the whole migration) osc keeps the shadow table in sync
//     and fires the hook again before the next attempt, so a hook that says
//     "not now" (e.g. outside a change window) delays the swap without
//     throwing away hours of copying. The caller bounds how long it holds.
//   stop-replication, start-replication: with --test-on-replica the hook
//     replaces osc's own STOP/START SLAVE; if it failed, the replica is not
//     in the state the next step assumes.
// Not blocking (false) — the failure is logged and the migration goes on:
//   status, interactive-command, batch-copy-retry, begin-postponed: they
//     report; a broken chat webhook must not fail a migration.
//   success, failure: the outcome is already decided (after success the
//     tables are swapped and cannot be un-swapped by a hook's exit code).
bool Blocking(HookEvent event);

}  // namespace osc::hooks
