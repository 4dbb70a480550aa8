#include "throttle/units.h"

#include <spdlog/fmt/fmt.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace osc::throttle {
namespace {

constexpr uint64_t kKiB = 1024;
// Largest first, so FormatBytes and ToString pick the biggest unit that fits.
constexpr std::array<std::pair<char, uint64_t>, 4> kUnits = {{
    {'T', kKiB* kKiB* kKiB* kKiB},
    {'G', kKiB* kKiB* kKiB},
    {'M', kKiB* kKiB},
    {'K', kKiB},
}};
// More fractional digits than this cannot change a byte count below 2^64
// by a meaningful amount and would overflow the scaled arithmetic below.
constexpr size_t kMaxFractionDigits = 9;

Status Invalid(std::string_view text, std::string_view why) {
  return Status::InvalidArgument(fmt::format("invalid size \"{}\": {}", text, why));
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

uint64_t UnitMultiplier(char c) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& [letter, mult] : kUnits) {
    if (letter == upper) return mult;
  }
  return 0;
}

Result<SizeSpec> ParsePercent(std::string_view text, std::string_view number) {
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value,
                                         std::chars_format::fixed);
  if (ec != std::errc() || end != number.data() + number.size()) {
    return Invalid(text, "not a number before '%'");
  }
  if (value > 100.0) return Invalid(text, "a percentage cannot exceed 100%");
  return SizeSpec::Percent(value);
}

// int_part * mult + fraction * mult / 10^digits, all checked for overflow.
// Exact integer arithmetic: "1.5G" must be 1610612736, not a double's guess.
Result<uint64_t> ScaleBytes(std::string_view text, std::string_view int_part,
                            std::string_view frac_part, uint64_t mult) {
  uint64_t whole = 0;
  const auto [end, ec] = std::from_chars(int_part.data(), int_part.data() + int_part.size(), whole);
  if (ec != std::errc() || end != int_part.data() + int_part.size()) {
    return Invalid(text, "number too large");
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(whole, mult, &bytes)) return Invalid(text, "size too large");
  if (frac_part.empty()) return bytes;
  if (frac_part.size() > kMaxFractionDigits) return Invalid(text, "too many decimal places");
  uint64_t frac = 0;
  uint64_t scale = 1;
  for (char c : frac_part) {
    frac = frac * 10 + static_cast<uint64_t>(c - '0');
    scale *= 10;
  }
  // mult <= 2^40 and frac < 10^9 < 2^30, so split mult to stay below 2^64.
  const uint64_t extra = (mult / scale) * frac + (mult % scale) * frac / scale;
  if (__builtin_add_overflow(bytes, extra, &bytes)) return Invalid(text, "size too large");
  return bytes;
}

}  // namespace

uint64_t SizeSpec::Resolve(uint64_t total) const {
  if (kind == Kind::kBytes) return bytes;
  // long double keeps 64 bits of mantissa, enough for any byte count.
  return static_cast<uint64_t>(static_cast<long double>(total) * percent / 100.0L);
}

std::string SizeSpec::ToString() const {
  if (kind == Kind::kPercent) return fmt::format("{:g}%", percent);
  for (const auto& [letter, mult] : kUnits) {
    if (bytes != 0 && bytes % mult == 0) return fmt::format("{}{}", bytes / mult, letter);
  }
  return std::to_string(bytes);
}

Result<SizeSpec> ParseSize(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  std::string_view number = text;
  if (number.back() == '%') {
    number.remove_suffix(1);
    const size_t dot = number.find('.');
    const bool well_formed = dot == std::string_view::npos ? AllDigits(number)
                                                           : AllDigits(number.substr(0, dot)) &&
                                                                 AllDigits(number.substr(dot + 1));
    if (!well_formed) return Invalid(text, "expected a number like 10% or 12.5%");
    return ParsePercent(text, number);
  }
  uint64_t mult = 1;
  if (!std::isdigit(static_cast<unsigned char>(number.back()))) {
    mult = UnitMultiplier(number.back());
    if (mult == 0) {
      return Invalid(text, "unknown unit; use K, M, G or T (powers of 1024), or a percentage");
    }
    number.remove_suffix(1);
  }
  const size_t dot = number.find('.');
  const std::string_view int_part = number.substr(0, dot);
  const std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view() : number.substr(dot + 1);
  if (!AllDigits(int_part) || (dot != std::string_view::npos && !AllDigits(frac_part))) {
    return Invalid(text, "expected a non-negative number with an optional K, M, G or T suffix");
  }
  if (mult == 1 && !frac_part.empty()) return Invalid(text, "a byte count must be a whole number");
  OSC_ASSIGN_OR_RETURN(const uint64_t bytes, ScaleBytes(text, int_part, frac_part, mult));
  return SizeSpec::Bytes(bytes);
}

std::string FormatBytes(uint64_t bytes) {
  for (const auto& [letter, mult] : kUnits) {
    if (bytes < mult) continue;
    // Tenths rounded down, computed without overflowing for huge values.
    const uint64_t tenths = (bytes / mult) * 10 + (bytes % mult) * 10 / mult;
    if (tenths % 10 == 0) return fmt::format("{}{}", tenths / 10, letter);
    return fmt::format("{}.{}{}", tenths / 10, tenths % 10, letter);
  }
  return fmt::format("{}B", bytes);
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  if (d <= std::chrono::nanoseconds::zero()) return "0s";
  const auto millis = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  if (millis < 1000) return fmt::format("{}ms", millis);
  const auto secs = std::chrono::ceil<std::chrono::seconds>(d).count();
  const auto hours = secs / 3600;
  const auto minutes = (secs % 3600) / 60;
  const auto seconds = secs % 60;
  if (hours > 0) return fmt::format("{}h{}m", hours, minutes);
  if (minutes > 0)
    return seconds == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, seconds);
  return fmt::format("{}s", seconds);
}

}  // namespace osc::throttle
