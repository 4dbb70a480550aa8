#include "osc/hooks/hook_facts.h"

#include <algorithm>
#include <cstdio>

namespace osc::hooks {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

// gh-ost formats floats with Go's "%f": six decimals, no exponent.
std::string FormatFixed(double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%f", value);
  return buf;
}

std::string Seconds(std::chrono::milliseconds d) {
  return FormatFixed(std::chrono::duration<double>(d).count());
}

std::string Bool(bool b) { return b ? "true" : "false"; }

// The OSC_* names FactEnvironment can set; kept next to the code that sets
// them so IsFactVariableName cannot drift from it.
constexpr std::string_view kOscNames[] = {
    "OSC_HOOK_EVENT",       "OSC_DATABASE",          "OSC_TABLE",
    "OSC_SHADOW_TABLE",     "OSC_OLD_TABLE",         "OSC_ALTER",
    "OSC_ELAPSED_SECONDS",  "OSC_COPY_ELAPSED_SECONDS", "OSC_ROWS_ESTIMATED",
    "OSC_ROWS_COPIED",      "OSC_REPLICA_LAG_SECONDS", "OSC_HEARTBEAT_LAG_SECONDS",
    "OSC_PROGRESS_PERCENT", "OSC_ETA_SECONDS",       "OSC_MIGRATED_HOST",
    "OSC_INSPECTED_HOST",   "OSC_EXECUTING_HOST",    "OSC_HOOKS_HINT",
    "OSC_HOOKS_HINT_OWNER", "OSC_HOOKS_HINT_TOKEN",  "OSC_DRY_RUN",
    "OSC_STATE",            "OSC_STATUS",            "OSC_COMMAND",
    "OSC_LAST_BATCH_COPY_ERROR", "OSC_INSTANT_DDL",  "OSC_FAILURE",
};

void AppendGhostFacts(const HookFacts& f, Env& env) {
  env.emplace_back("GH_OST_DATABASE_NAME", f.database);
  env.emplace_back("GH_OST_TABLE_NAME", f.table);
  env.emplace_back("GH_OST_GHOST_TABLE_NAME", f.shadow_table);
  env.emplace_back("GH_OST_OLD_TABLE_NAME", f.old_table);
  env.emplace_back("GH_OST_DDL", f.alter);
  env.emplace_back("GH_OST_ELAPSED_SECONDS", Seconds(f.elapsed));
  env.emplace_back("GH_OST_ELAPSED_COPY_SECONDS", Seconds(f.copy_elapsed));
  env.emplace_back("GH_OST_ESTIMATED_ROWS", std::to_string(f.rows_estimated));
  env.emplace_back("GH_OST_COPIED_ROWS", std::to_string(f.rows_copied));
  env.emplace_back("GH_OST_MIGRATED_HOST", f.migrated_host);
  env.emplace_back("GH_OST_INSPECTED_HOST", f.inspected_host);
  env.emplace_back("GH_OST_EXECUTING_HOST", f.executing_host);
  // gh-ost always prints a number here; scripts doing arithmetic on it
  // would break on an empty string, so unknown lag reads as 0.
  env.emplace_back("GH_OST_INSPECTED_LAG", Seconds(f.replica_lag.value_or(std::chrono::milliseconds(0))));
  env.emplace_back("GH_OST_HEARTBEAT_LAG", Seconds(f.heartbeat_lag.value_or(std::chrono::milliseconds(0))));
  env.emplace_back("GH_OST_PROGRESS", FormatFixed(f.progress_percent));
  env.emplace_back("GH_OST_ETA_SECONDS", f.eta ? std::to_string(f.eta->count()) : "-1");
  env.emplace_back("GH_OST_HOOKS_HINT", f.hooks_hint);
  env.emplace_back("GH_OST_HOOKS_HINT_OWNER", f.hooks_hint_owner);
  env.emplace_back("GH_OST_HOOKS_HINT_TOKEN", f.hooks_hint_token);
  env.emplace_back("GH_OST_DRY_RUN", Bool(f.dry_run));
  env.emplace_back("GH_OST_REVERT", "false");  // osc has no revert mode
}

std::string OptionalSeconds(const std::optional<std::chrono::milliseconds>& d) {
  return d ? Seconds(*d) : std::string();
}

void AppendOscFacts(HookEvent event, const HookFacts& f, Env& env) {
  env.emplace_back("OSC_HOOK_EVENT", std::string(HookName(event)));
  env.emplace_back("OSC_DATABASE", f.database);
  env.emplace_back("OSC_TABLE", f.table);
  env.emplace_back("OSC_SHADOW_TABLE", f.shadow_table);
  env.emplace_back("OSC_OLD_TABLE", f.old_table);
  env.emplace_back("OSC_ALTER", f.alter);
  env.emplace_back("OSC_ELAPSED_SECONDS", Seconds(f.elapsed));
  env.emplace_back("OSC_COPY_ELAPSED_SECONDS", Seconds(f.copy_elapsed));
  env.emplace_back("OSC_ROWS_ESTIMATED", std::to_string(f.rows_estimated));
  env.emplace_back("OSC_ROWS_COPIED", std::to_string(f.rows_copied));
  env.emplace_back("OSC_REPLICA_LAG_SECONDS", OptionalSeconds(f.replica_lag));
  env.emplace_back("OSC_HEARTBEAT_LAG_SECONDS", OptionalSeconds(f.heartbeat_lag));
  env.emplace_back("OSC_PROGRESS_PERCENT", FormatFixed(f.progress_percent));
  env.emplace_back("OSC_ETA_SECONDS", f.eta ? std::to_string(f.eta->count()) : std::string());
  env.emplace_back("OSC_MIGRATED_HOST", f.migrated_host);
  env.emplace_back("OSC_INSPECTED_HOST", f.inspected_host);
  env.emplace_back("OSC_EXECUTING_HOST", f.executing_host);
  env.emplace_back("OSC_HOOKS_HINT", f.hooks_hint);
  env.emplace_back("OSC_HOOKS_HINT_OWNER", f.hooks_hint_owner);
  env.emplace_back("OSC_HOOKS_HINT_TOKEN", f.hooks_hint_token);
  env.emplace_back("OSC_DRY_RUN", Bool(f.dry_run));
  env.emplace_back("OSC_STATE", f.state);
}

// gh-ost builds these two as fmt.Sprintf("GH_OST_STATUS='%s'", ...), so the
// quotes are part of the value its hooks receive.
std::string GhostQuoted(const std::string& text) { return "'" + text + "'"; }

void AppendEventFacts(HookEvent event, const HookFacts& f, Env& env) {
  switch (event) {
    case HookEvent::kStatus:
      env.emplace_back("GH_OST_STATUS", GhostQuoted(f.status_message));
      env.emplace_back("OSC_STATUS", f.status_message);
      break;
    case HookEvent::kInteractiveCommand:
      env.emplace_back("GH_OST_COMMAND", GhostQuoted(f.command));
      env.emplace_back("OSC_COMMAND", f.command);
      break;
    case HookEvent::kBatchCopyRetry:
      env.emplace_back("GH_OST_LAST_BATCH_COPY_ERROR", f.last_copy_error);
      env.emplace_back("OSC_LAST_BATCH_COPY_ERROR", f.last_copy_error);
      break;
    case HookEvent::kSuccess:
      env.emplace_back("GH_OST_INSTANT_DDL", Bool(f.instant_ddl));
      env.emplace_back("OSC_INSTANT_DDL", Bool(f.instant_ddl));
      break;
    case HookEvent::kFailure:
      env.emplace_back("OSC_FAILURE", f.failure);
      break;
    default:
      break;
  }
}

bool ContainsAny(std::string_view value, const std::vector<std::string>& needles) {
  return std::any_of(needles.begin(), needles.end(), [&](const std::string& n) {
    return !n.empty() && value.find(n) != std::string_view::npos;
  });
}

}  // namespace

Env FactEnvironment(HookEvent event, const HookFacts& facts) {
  Env env;
  env.reserve(56);
  AppendGhostFacts(facts, env);
  AppendOscFacts(event, facts, env);
  AppendEventFacts(event, facts, env);
  return env;
}

bool IsFactVariableName(std::string_view name) {
  if (name.starts_with("GH_OST_")) return true;
  return std::find(std::begin(kOscNames), std::end(kOscNames), name) != std::end(kOscNames);
}

std::vector<std::string> FilterBaseEnvironment(const std::vector<std::string>& base,
                                               const std::vector<std::string>& redacted_names,
                                               const std::vector<std::string>& secret_values) {
  std::vector<std::string> kept;
  kept.reserve(base.size());
  for (const std::string& entry : base) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    const std::string_view name(entry.data(), eq);
    const std::string_view value = std::string_view(entry).substr(eq + 1);
    const bool always = std::find(std::begin(kAlwaysRedacted), std::end(kAlwaysRedacted), name) !=
                        std::end(kAlwaysRedacted);
    const bool listed = std::find(redacted_names.begin(), redacted_names.end(), name) != redacted_names.end();
    if (always || listed || IsFactVariableName(name) || ContainsAny(value, secret_values)) continue;
    kept.push_back(entry);
  }
  return kept;
}

}  // namespace osc::hooks
