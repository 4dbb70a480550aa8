#include "cli/flag_values_internal.h"

#include <array>
#include <cctype>
#include <optional>

#include "common/numbers.h"

namespace osc::cli::internal {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status RangeError(std::string_view what, std::string_view text, const std::string& min,
                  const std::string& max) {
  return Status::InvalidArgument(std::string(what) + " must be an integer between " + min + " and " +
                                 max + ", not " + ShowValue(text));
}

}  // namespace

std::string ShowValue(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c == 0x7f ? '?' : text[i]);
  }
  if (text.size() > kMaxShown) out += "...";
  out += "'";
  return out;
}

Result<uint64_t> ParseUnsigned(std::string_view what, std::string_view text, uint64_t min, uint64_t max) {
  // An unsigned type already refuses '-', unlike lexical_cast.
  const std::optional<uint64_t> value = ParseNumber<uint64_t>(text);
  if (!value || *value < min || *value > max) {
    return RangeError(what, text, std::to_string(min), std::to_string(max));
  }
  return *value;
}

Result<int64_t> ParseSigned(std::string_view what, std::string_view text, int64_t min, int64_t max) {
  const std::optional<int64_t> value = ParseNumber<int64_t>(text);
  if (!value || *value < min || *value > max) {
    return RangeError(what, text, std::to_string(min), std::to_string(max));
  }
  return *value;
}

Result<bool> ParseBool(std::string_view what, std::string_view text) {
  const std::string v = Lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return Status::InvalidArgument(std::string(what) + " takes true or false, not " + ShowValue(text));
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view what, std::string_view text) {
  struct Unit {
    std::string_view suffix;
    int64_t ms;
  };
  // Longest suffix first, so "ms" is not read as "m" followed by "s".
  constexpr std::array<Unit, 4> kUnits = {{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
  constexpr int64_t kMaxMs = 24 * 3'600'000LL;
  const std::string v = Lower(text);
  std::string_view number = v;
  int64_t unit_ms = 1000;  // bare number: seconds
  for (const Unit& u : kUnits) {
    if (number.size() > u.suffix.size() && number.ends_with(u.suffix)) {
      number.remove_suffix(u.suffix.size());
      unit_ms = u.ms;
      break;
    }
  }
  const int64_t count = ParseNumber<int64_t>(number).value_or(0);
  if (count <= 0 || count > kMaxMs / unit_ms) {
    return Status::InvalidArgument(std::string(what) +
                                   " must be a positive duration of at most 24h such as 500ms, 5s, "
                                   "2m or 5 (seconds), not " +
                                   ShowValue(text));
  }
  return std::chrono::milliseconds(count * unit_ms);
}

}  // namespace osc::cli::internal
