// Binary NEWDECIMAL (MySQL/MariaDB "decimal_bin" format) to exact text.
//
// Format (strings/decimal.cc bin2decimal / decimal2bin in both servers):
// the integer digits and the fraction digits are each split in groups of 9
// decimal digits stored as 4-byte big-endian integers; the integer part's
// leftover (most significant) digits and the fraction's leftover (least
// significant) digits use 1-4 bytes (1-2 digits: 1 byte, 3-4: 2, 5-6: 3,
// 7-9: 4). The sign is the top bit of the first byte flipped (set for
// non-negative); a negative number additionally has every byte inverted.
// The size is fixed by (precision, scale): DecimalBinarySize().
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace osc::binlog {

// Renders a binary decimal of DECIMAL(precision, scale) as the text the
// server prints and accepts: optional '-', integer digits without leading
// zeros (at least "0"), then '.' and exactly `scale` fraction digits when
// scale > 0. Examples: "0.00", "-0.01", "12345", "99999999999999999999.99".
// A zero value never carries a sign.
//
// `bin` must be exactly DecimalBinarySize(precision, scale) bytes. Fails
// with kCorruption if the size is wrong, the precision/scale are out of
// range (precision 1-65, scale <= precision) or a digit group holds a value
// no server writes (e.g. 1000000000 in a 9-digit group).
Result<std::string> FormatDecimal(std::string_view bin, uint8_t precision, uint8_t scale);

// Appends the same text to *out; returns false (leaving *out unspecified
// beyond its original size) on the conditions FormatDecimal fails on.
bool AppendDecimal(std::string_view bin, uint8_t precision, uint8_t scale, std::string* out);

}  // namespace osc::binlog
