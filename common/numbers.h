// Whole-string number parsing for the many places that read a number the
// server, a file in /proc or a user wrote as text.
//
// ParseNumber<T>(text) accepts exactly what std::from_chars accepts for T
// (decimal digits; a leading '-' only for signed and floating types; for
// floating types the general format, so "1e3" and "2.5" but no "inf" sign
// tricks beyond from_chars' own) and nothing else: empty text, a leading
// '+' or space, any character left over and a value out of T's range all
// give nullopt. Callers that want "0 for anything odd" say so with
// value_or(0).
//
// Thread safety: pure functions.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace osc {

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace osc
