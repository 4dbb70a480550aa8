#include "osc/hooks/hook_event.h"

namespace osc::hooks {

std::string_view HookName(HookEvent event) {
  // Spelled as in gh-ost's go/logic/hooks.go: existing hook directories are
  // matched by these exact prefixes, so a typo here silently skips hooks.
  switch (event) {
    case HookEvent::kStartup: return "gh-ost-on-startup";
    case HookEvent::kValidated: return "gh-ost-on-validated";
    case HookEvent::kRowCountComplete: return "gh-ost-on-rowcount-complete";
    case HookEvent::kBeforeRowCopy: return "gh-ost-on-before-row-copy";
    case HookEvent::kBatchCopyRetry: return "gh-ost-on-batch-copy-retry";
    case HookEvent::kRowCopyComplete: return "gh-ost-on-row-copy-complete";
    case HookEvent::kBeginPostponed: return "gh-ost-on-begin-postponed";
    case HookEvent::kBeforeCutOver: return "gh-ost-on-before-cut-over";
    case HookEvent::kInteractiveCommand: return "gh-ost-on-interactive-command";
    case HookEvent::kStatus: return "gh-ost-on-status";
    case HookEvent::kStopReplication: return "gh-ost-on-stop-replication";
    case HookEvent::kStartReplication: return "gh-ost-on-start-replication";
    case HookEvent::kSuccess: return "gh-ost-on-success";
    case HookEvent::kFailure: return "gh-ost-on-failure";
  }
  return "gh-ost-on-unknown";
}

std::optional<HookEvent> HookEventFromName(std::string_view name) {
  for (HookEvent event : kAllHookEvents) {
    if (HookName(event) == name) return event;
  }
  return std::nullopt;
}

bool Blocking(HookEvent event) {
  switch (event) {
    case HookEvent::kStartup:
    case HookEvent::kValidated:
    case HookEvent::kRowCountComplete:
    case HookEvent::kBeforeRowCopy:
    case HookEvent::kRowCopyComplete:
    case HookEvent::kBeforeCutOver:
    case HookEvent::kStopReplication:
    case HookEvent::kStartReplication:
      return true;
    case HookEvent::kBatchCopyRetry:
    case HookEvent::kBeginPostponed:
    case HookEvent::kInteractiveCommand:
    case HookEvent::kStatus:
    case HookEvent::kSuccess:
    case HookEvent::kFailure:
      return false;
  }
  return false;
}

}  // namespace osc::hooks
