#include "throttle/load_thresholds.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cctype>

#include "common/numbers.h"
#include "throttle/strings_internal.h"

namespace osc::throttle {
namespace {

using internal::Trim;

bool IsValidName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status Invalid(std::string_view item, std::string_view why) {
  return Status::InvalidArgument(fmt::format("invalid load threshold \"{}\": {}", item, why));
}

Result<std::pair<std::string, uint64_t>> ParseItem(std::string_view item) {
  const size_t eq = item.find('=');
  if (eq == std::string_view::npos) return Invalid(item, "expected Name=value");
  const std::string_view name = Trim(item.substr(0, eq));
  const std::string_view value = Trim(item.substr(eq + 1));
  if (!IsValidName(name)) {
    return Invalid(item, "the name must be a status variable name (letters, digits, underscore)");
  }
  const bool digits_only = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  if (!digits_only) return Invalid(item, "the value must be a non-negative integer");
  const std::optional<uint64_t> number = ParseNumber<uint64_t>(value);
  if (!number) return Invalid(item, "value too large");
  return std::pair<std::string, uint64_t>(std::string(name), *number);
}

}  // namespace

Result<LoadThresholds> ParseLoadThresholds(std::string_view text) {
  LoadThresholds out;
  if (Trim(text).empty()) return out;
  std::map<std::string, std::string> seen;  // lower-cased name -> spelling used
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = Trim(text.substr(pos, comma - pos));
    if (item.empty()) {
      return Status::InvalidArgument(
          fmt::format("invalid load thresholds \"{}\": empty item", text));
    }
    OSC_ASSIGN_OR_RETURN(auto parsed, ParseItem(item));
    auto [it, inserted] = seen.emplace(Lower(parsed.first), parsed.first);
    if (!inserted) {
      return Invalid(item, fmt::format("{} is already given", it->second));
    }
    out.emplace(std::move(parsed.first), parsed.second);
    pos = comma + 1;
  }
  return out;
}

std::string ToString(const LoadThresholds& thresholds) {
  std::string out;
  for (const auto& [name, value] : thresholds) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}={}", name, value);
  }
  return out;
}

}  // namespace osc::throttle
