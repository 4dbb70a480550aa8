#include "osc/control/dispatch.h"

#include <string>

#include "common/logging.h"
#include "osc/control/command.h"

namespace osc::control {
namespace {

std::string WithNewline(std::string text) {
  if (text.empty() || text.back() != '\n') text.push_back('\n');
  return text;
}

std::string ErrorReply(const Status& status) { return WithNewline("error: " + std::string(status.message())); }

// A setting's current value as `name?` prints it. max-load with no
// thresholds prints an empty line, which `max-load=` (empty) sets back.
std::string CurrentValue(Setting setting, ControlTarget& target) {
  switch (setting) {
    case Setting::kChunkSize:
      return std::to_string(target.chunk_size());
    case Setting::kThreads:
      return std::to_string(target.threads());
    case Setting::kMaxLagMillis:
      return std::to_string(target.max_lag_millis());
    case Setting::kMaxLoad:
      return throttle::ToString(target.max_load());
    case Setting::kCriticalLoad:
      return throttle::ToString(target.critical_load());
    case Setting::kNone:
      break;
  }
  return "";
}

Result<std::string> Apply(const Command& c, ControlTarget& target) {
  switch (c.setting) {
    case Setting::kChunkSize:
      return target.SetChunkSize(c.number);
    case Setting::kThreads:
      // Bounded by the parser to [1, 64], so the narrowing is exact.
      return target.SetThreads(static_cast<int>(c.number));
    case Setting::kMaxLagMillis:
      return target.SetMaxLagMillis(c.number);
    case Setting::kMaxLoad:
      return target.SetMaxLoad(c.load);
    case Setting::kCriticalLoad:
      return target.SetCriticalLoad(c.load);
    case Setting::kNone:
      break;
  }
  return Status::Internal("no setting to change");
}

// Logs before -> after as the target reports them, so a clamped value is
// logged as what took effect, not as what was asked.
std::string Set(const Command& c, ControlTarget& target) {
  const std::string name(SettingName(c.setting));
  const std::string before = CurrentValue(c.setting, target);
  Result<std::string> reply = Apply(c, target);
  if (!reply.ok()) {
    spdlog::warn("control: {} refused: {}", name, reply.status().message());
    return ErrorReply(reply.status());
  }
  spdlog::info("control: {} {} -> {}", name, before.empty() ? "(none)" : before,
               [&] {
                 const std::string after = CurrentValue(c.setting, target);
                 return after.empty() ? std::string("(none)") : after;
               }());
  return WithNewline(std::move(reply).value());
}

std::string Action(std::string_view what, Result<std::string> reply) {
  if (!reply.ok()) {
    spdlog::warn("control: {} refused: {}", what, reply.status().message());
    return ErrorReply(reply.status());
  }
  spdlog::info("control: {}", what);
  return WithNewline(std::move(reply).value());
}

}  // namespace

std::string Execute(std::string_view line, ControlTarget& target) {
  Result<Command> parsed = ParseCommand(line);
  if (!parsed.ok()) return ErrorReply(parsed.status());
  const Command& c = *parsed;
  switch (c.verb) {
    case Verb::kStatus:
      return WithNewline(target.StatusText());
    case Verb::kStatusJson:
      return WithNewline(target.StatusJson());
    case Verb::kShortStatus:
      return WithNewline(target.ShortStatus());
    case Verb::kHelp:
      return HelpText();
    case Verb::kThrottle:
      return Action("throttle", target.Throttle());
    case Verb::kNoThrottle:
      return Action("no-throttle", target.NoThrottle());
    case Verb::kUnpostpone:
      return Action("unpostpone", target.Unpostpone());
    case Verb::kPanic:
      return Action("panic", target.Panic());
    case Verb::kGet:
      return CurrentValue(c.setting, target) + "\n";
    case Verb::kSet:
      return Set(c, target);
  }
  return ErrorReply(Status::Internal("unhandled command"));
}

}  // namespace osc::control
