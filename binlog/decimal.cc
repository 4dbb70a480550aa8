#include "binlog/decimal.h"

#include <array>

#include "binlog/column_type.h"
#include "common/bytes.h"

namespace osc::binlog {
namespace {

constexpr uint32_t kGroupDigits = 9;
constexpr uint8_t kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};
// Largest binary decimal: every (precision <= 65, scale) fits in this.
constexpr size_t kMaxBinarySize = 40;
constexpr bool AllSizesFit() {
  for (uint32_t p = 1; p <= 65; ++p) {
    for (uint32_t s = 0; s <= p; ++s) {
      const uint32_t i = p - s;
      if (i / 9 * 4 + kDigitBytes[i % 9] + s / 9 * 4 + kDigitBytes[s % 9] > kMaxBinarySize) return false;
    }
  }
  return true;
}
static_assert(AllSizesFit());

// Reads `digits` digits stored in kDigitBytes[digits] bytes (or a full group
// of 9 in 4 bytes), undoing the negative-number inversion with `mask`.
// Returns false if the stored number has more digits than allowed.
bool ReadGroup(ByteReader& r, uint32_t digits, uint8_t mask, uint32_t* value) {
  const size_t n = kDigitBytes[digits];
  uint64_t v = r.BEN(n);
  if (mask != 0) v ^= (n == 4 ? 0xffffffffULL : ((1ULL << (8 * n)) - 1));
  *value = static_cast<uint32_t>(v);
  return r.ok() && v < kPow10[digits];
}

// Appends `value` as exactly `digits` characters, zero padded.
void AppendPadded(uint32_t value, uint32_t digits, std::string* out) {
  char buf[kGroupDigits];
  for (uint32_t i = digits; i > 0; --i) {
    buf[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, digits);
}

// Integer part: appends the digits and drops leading zeros (keeping one).
bool AppendIntegerPart(ByteReader& r, uint32_t intg, uint8_t mask, std::string* out) {
  const size_t start = out->size();
  uint32_t value = 0;
  if (const uint32_t lead = intg % kGroupDigits; lead > 0) {
    if (!ReadGroup(r, lead, mask, &value)) return false;
    AppendPadded(value, lead, out);
  }
  for (uint32_t g = 0; g < intg / kGroupDigits; ++g) {
    if (!ReadGroup(r, kGroupDigits, mask, &value)) return false;
    AppendPadded(value, kGroupDigits, out);
  }
  size_t first = start;
  while (first + 1 < out->size() && (*out)[first] == '0') ++first;
  out->erase(start, first - start);
  if (out->size() == start) out->push_back('0');
  return true;
}

bool AppendFractionPart(ByteReader& r, uint32_t scale, uint8_t mask, std::string* out) {
  uint32_t value = 0;
  for (uint32_t g = 0; g < scale / kGroupDigits; ++g) {
    if (!ReadGroup(r, kGroupDigits, mask, &value)) return false;
    AppendPadded(value, kGroupDigits, out);
  }
  if (const uint32_t tail = scale % kGroupDigits; tail > 0) {
    if (!ReadGroup(r, tail, mask, &value)) return false;
    AppendPadded(value, tail, out);
  }
  return true;
}

}  // namespace

bool AppendDecimal(std::string_view bin, uint8_t precision, uint8_t scale, std::string* out) {
  if (precision == 0 || precision > 65 || scale > precision) return false;
  if (bin.size() != DecimalBinarySize(precision, scale)) return false;
  // Work on a copy: the sign bit must be flipped before the first group is
  // read, and the event bytes are read-only.
  std::array<uint8_t, kMaxBinarySize> buf;
  std::copy(bin.begin(), bin.end(), buf.begin());
  const bool negative = (buf[0] & 0x80) == 0;
  buf[0] ^= 0x80;
  const uint8_t mask = negative ? 0xff : 0x00;

  const size_t start = out->size();
  if (negative) out->push_back('-');
  const size_t digits_start = out->size();
  ByteReader r(Bytes(buf.data(), bin.size()));
  if (!AppendIntegerPart(r, precision - scale, mask, out)) return false;
  if (scale > 0) {
    out->push_back('.');
    if (!AppendFractionPart(r, scale, mask, out)) return false;
  }
  // "-0.00" is the same number as "0.00"; the server never prints the sign
  // of a zero, so neither do we.
  if (negative && out->find_first_not_of("0.", digits_start) == std::string::npos) {
    out->erase(start, 1);
  }
  return r.ok() && r.empty();
}

Result<std::string> FormatDecimal(std::string_view bin, uint8_t precision, uint8_t scale) {
  std::string out;
  out.reserve(precision + 3u);
  if (!AppendDecimal(bin, precision, scale, &out)) {
    return Status::Corruption("invalid binary DECIMAL(" + std::to_string(precision) + "," +
                              std::to_string(scale) + ") of " + std::to_string(bin.size()) +
                              " bytes");
  }
  return out;
}

}  // namespace osc::binlog
