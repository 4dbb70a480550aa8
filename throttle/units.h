// Size and duration helpers shared by the throttle signals: parsing sizes as
// operators type them ("512M", "1.5G", "10%") and formatting sizes and
// durations for one-line reasons ("300M", "3h12m").
//
// All functions are pure and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace osc::throttle {

// A size threshold: either an absolute number of bytes or a percentage of
// some total that is only known when the threshold is applied (MemTotal, a
// cgroup's memory.max, ...).
struct SizeSpec {
  enum class Kind : uint8_t { kBytes, kPercent };

  Kind kind = Kind::kBytes;
  uint64_t bytes = 0;    // meaningful when kind == kBytes
  double percent = 0.0;  // 0..100, meaningful when kind == kPercent

  static SizeSpec Bytes(uint64_t b) { return SizeSpec{Kind::kBytes, b, 0.0}; }
  static SizeSpec Percent(double p) { return SizeSpec{Kind::kPercent, 0, p}; }

  // The threshold in bytes against `total` (rounded down). For kBytes,
  // `total` is ignored.
  uint64_t Resolve(uint64_t total) const;
  // True when the threshold can never trigger (0 bytes or 0%).
  bool IsZero() const { return kind == Kind::kBytes ? bytes == 0 : percent == 0.0; }
  // "512M", "1.5G", "10%": re-parses to the same value.
  std::string ToString() const;
};

// Parses a size: a non-negative decimal number with an optional binary
// suffix K, M, G or T (case-insensitive, powers of 1024, as MySQL options
// use them), or a percentage "10%" / "12.5%" (at most 100). Fractions are
// allowed with a suffix ("1.5G") and round down to whole bytes; a plain byte
// count must be an integer. Returns InvalidArgument, naming the input and
// what is wrong, for anything else ("512MB", "-1G", "", "1e9", overflow).
Result<SizeSpec> ParseSize(std::string_view text);

// Compact human size with binary units: "0B", "512B", "300M", "1.5G"
// (one decimal, dropped when it is zero).
std::string FormatBytes(uint64_t bytes);

// Compact human duration, rounded up so a reason never says "0s" while time
// remains: "200ms" (below a second), "45s", "12m30s", "3h12m" (seconds
// dropped from an hour on), "26h0m". Zero and negative durations give "0s".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace osc::throttle
