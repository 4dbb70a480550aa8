#include "osc/control/command.h"

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <system_error>

namespace osc::control {
namespace {

// Words that take no argument, with the aliases gh-ost accepts, so an
// operator's muscle memory (and scripts written for gh-ost) keep working.
struct Word {
  std::string_view text;
  Verb verb;
};
constexpr std::array<Word, 12> kWords{{
    {"status", Verb::kStatus},
    {"info", Verb::kStatus},
    {"sup", Verb::kShortStatus},
    {"help", Verb::kHelp},
    {"throttle", Verb::kThrottle},
    {"pause", Verb::kThrottle},
    {"no-throttle", Verb::kNoThrottle},
    {"unthrottle", Verb::kNoThrottle},
    {"resume", Verb::kNoThrottle},
    {"unpostpone", Verb::kUnpostpone},
    {"no-postpone", Verb::kUnpostpone},
    {"panic", Verb::kPanic},
}};

struct SettingWord {
  std::string_view text;
  Setting setting;
};
constexpr std::array<SettingWord, 5> kSettings{{
    {"chunk-size", Setting::kChunkSize},
    {"threads", Setting::kThreads},
    {"max-lag-millis", Setting::kMaxLagMillis},
    {"max-load", Setting::kMaxLoad},
    {"critical-load", Setting::kCriticalLoad},
}};

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<Setting> FindSetting(std::string_view name) {
  for (const SettingWord& w : kSettings) {
    if (w.text == name) return w.setting;
  }
  return std::nullopt;
}

Status Unknown(std::string_view line) {
  return Status::InvalidArgument("unknown command '" + std::string(line) + "'; try help");
}

// A decimal number within [lo, hi]; no sign, no spaces inside, no suffix.
Result<uint64_t> ParseBounded(Setting setting, std::string_view text, uint64_t lo, uint64_t hi) {
  const std::string name(SettingName(setting));
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return Status::InvalidArgument(name + " needs a whole number, got '" + std::string(text) + "'");
  }
  if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
    return Status::InvalidArgument(name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                                   ", got " + std::string(text));
  }
  return value;
}

Result<Command> ParseSet(Setting setting, std::string_view value) {
  Command c{Verb::kSet, setting, 0, {}};
  switch (setting) {
    case Setting::kChunkSize: {
      OSC_ASSIGN_OR_RETURN(c.number, ParseBounded(setting, value, kMinChunkSize, kMaxChunkSize));
      return c;
    }
    case Setting::kThreads: {
      OSC_ASSIGN_OR_RETURN(c.number, ParseBounded(setting, value, kMinThreads, kMaxThreads));
      return c;
    }
    case Setting::kMaxLagMillis: {
      OSC_ASSIGN_OR_RETURN(c.number, ParseBounded(setting, value, kMinMaxLagMillis, kMaxMaxLagMillis));
      return c;
    }
    case Setting::kMaxLoad:
    case Setting::kCriticalLoad: {
      Result<throttle::LoadThresholds> load = throttle::ParseLoadThresholds(value);
      if (!load.ok()) return load.status().WithContext(SettingName(setting));
      c.load = std::move(load).value();
      return c;
    }
    case Setting::kNone:
      break;
  }
  return Status::Internal("no setting to parse");
}

}  // namespace

std::string_view SettingName(Setting setting) {
  for (const SettingWord& w : kSettings) {
    if (w.setting == setting) return w.text;
  }
  return "";
}

Result<Command> ParseCommand(std::string_view line) {
  const std::string_view text = Trim(line);
  if (text.empty()) return Status::InvalidArgument("empty command; try help");
  if (text == "status json") return Command{Verb::kStatusJson, Setting::kNone, 0, {}};
  for (const Word& w : kWords) {
    if (w.text == text) return Command{w.verb, Setting::kNone, 0, {}};
  }
  // "name?" reads a setting.
  if (text.back() == '?' && text.find('=') == std::string_view::npos) {
    const std::optional<Setting> s = FindSetting(Trim(text.substr(0, text.size() - 1)));
    if (!s) return Unknown(text);
    return Command{Verb::kGet, *s, 0, {}};
  }
  // "name=value" changes it; "name=?" reads it. Only the first '=' splits:
  // max-load's value has '=' of its own.
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) return Unknown(text);
  const std::optional<Setting> s = FindSetting(Trim(text.substr(0, eq)));
  if (!s) return Unknown(text);
  const std::string_view value = Trim(text.substr(eq + 1));
  if (value == "?") return Command{Verb::kGet, *s, 0, {}};
  return ParseSet(*s, value);
}

std::string HelpText() {
  return "available commands:\n"
         "  status                 full status (also: info)\n"
         "  status json            full status as one JSON object\n"
         "  sup                    one-line status\n"
         "  help                   this text\n"
         "  throttle               throttle the copy until no-throttle (also: pause)\n"
         "  no-throttle            lift a throttle set by 'throttle' (also: unthrottle, resume)\n"
         "  chunk-size=N           rows per chunk, 1..1000000 (the copier adapts from there)\n"
         "  threads=N              copy workers, 1..64\n"
         "  max-lag-millis=N       replica lag that throttles, 100..3600000\n"
         "  max-load=Name=V,...    status thresholds that throttle (empty: none)\n"
         "  critical-load=Name=V,  status thresholds that abort the migration (empty: none)\n"
         "  unpostpone             cut over even though the postpone flag file exists\n"
         "  panic                  abort the migration now; the original table is untouched\n"
         "read a setting with 'name?' or 'name=?', e.g. 'chunk-size?'\n";
}

}  // namespace osc::control
