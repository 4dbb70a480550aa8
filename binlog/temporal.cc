#include "binlog/temporal.h"

#include <cstdlib>

#include "common/bytes.h"

namespace osc::binlog {
namespace {

constexpr uint32_t kMicrosPerSecond = 1000000;
constexpr uint16_t kMaxTimeHours = 838;  // TIME range is +-838:59:59.999999
constexpr uint16_t kMaxYear = 9999;
constexpr int64_t kTime2IntOffset = 0x800000;             // TIMEF_INT_OFS
constexpr int64_t kTime2Offset = 0x800000000000LL;        // TIMEF_OFS
constexpr int64_t kDateTime2IntOffset = 0x8000000000LL;   // DATETIMEF_INT_OFS
constexpr int64_t kPackedFracUnits = 1LL << 24;           // MY_PACKED_TIME_MAKE
constexpr uint64_t kPow10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};

// MariaDB sql/field.cc: bytes of the hires formats, indexed by fsp.
constexpr uint8_t kHiresSecPartBytes[7] = {0, 1, 1, 2, 2, 3, 3};
constexpr uint8_t kHiresDateTimeBytes[7] = {5, 6, 6, 7, 7, 7, 8};
constexpr uint8_t kHiresTimeBytes[7] = {3, 4, 4, 5, 5, 5, 6};
// (TIME_MAX_VALUE_SECONDS + 1) = 839 hours, the TIME(n) hires zero point.
constexpr uint64_t kHiresTimeZeroSeconds = 839ULL * 3600;

bool ValidClock(const Temporal& t) {
  return t.minute < 60 && t.second < 60 && t.micros < kMicrosPerSecond;
}
bool ValidDateTime(const Temporal& t) {
  return t.year <= kMaxYear && t.month <= 12 && t.day <= 31 && t.hour < 24 && ValidClock(t);
}
bool ValidTime(const Temporal& t) { return t.hour <= kMaxTimeHours && ValidClock(t); }

// Fraction of the "2" formats, in microseconds; false if out of range.
bool ReadFraction2(const uint8_t* p, uint8_t fsp, int64_t* micros) {
  switch (fsp) {
    case 0: *micros = 0; return true;
    case 1: case 2: *micros = p[0] * 10000LL; return p[0] < 100;
    case 3: case 4: *micros = static_cast<int64_t>(LoadBEN(p, 2)) * 100; return LoadBEN(p, 2) < 10000;
    case 5: case 6: *micros = static_cast<int64_t>(LoadBEN(p, 3)); return LoadBEN(p, 3) < kMicrosPerSecond;
    default: return false;
  }
}

// Splits a packed "hour << 12 | minute << 6 | second" int part.
void SplitHms(uint64_t hms, Temporal* t) {
  t->hour = static_cast<uint16_t>((hms >> 12) % (1 << 10));
  t->minute = static_cast<uint8_t>((hms >> 6) % 64);
  t->second = static_cast<uint8_t>(hms % 64);
}

void AppendPadded(uint64_t v, int width, std::string* out) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(buf[--n]);
}

void AppendFraction(uint32_t micros, uint8_t fsp, std::string* out) {
  if (fsp == 0) return;
  if (fsp > 6) fsp = 6;
  out->push_back('.');
  AppendPadded(micros / kPow10[6 - fsp], fsp, out);
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// civil_from_days, valid for the whole TIMESTAMP range).
void CivilFromDays(int64_t z, Temporal* t) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  t->year = static_cast<uint16_t>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  t->month = static_cast<uint8_t>(m);
  t->day = static_cast<uint8_t>(d);
}

}  // namespace

uint8_t MariaHiresTimestampBytes(uint8_t fsp) {
  return static_cast<uint8_t>(4 + kHiresSecPartBytes[fsp > 6 ? 6 : fsp]);
}
uint8_t MariaHiresDateTimeBytes(uint8_t fsp) { return kHiresDateTimeBytes[fsp > 6 ? 6 : fsp]; }
uint8_t MariaHiresTimeBytes(uint8_t fsp) { return kHiresTimeBytes[fsp > 6 ? 6 : fsp]; }

bool DecodeDate(const uint8_t* p, Temporal* out) {
  const uint32_t v = LoadLE24(p);
  *out = Temporal{};
  out->day = static_cast<uint8_t>(v & 31);
  out->month = static_cast<uint8_t>((v >> 5) & 15);
  out->year = static_cast<uint16_t>(v >> 9);
  return out->month <= 12 && out->year <= kMaxYear;
}

bool DecodeTimeOld(const uint8_t* p, Temporal* out) {
  int32_t v = static_cast<int32_t>(LoadLE24(p));
  if (v & 0x800000) v -= 0x1000000;  // sign-extend the 24-bit value
  *out = Temporal{};
  out->negative = v < 0;
  const uint32_t a = static_cast<uint32_t>(std::abs(v));
  out->hour = static_cast<uint16_t>(a / 10000);
  out->minute = static_cast<uint8_t>(a / 100 % 100);
  out->second = static_cast<uint8_t>(a % 100);
  return ValidTime(*out);
}

bool DecodeDateTimeOld(const uint8_t* p, Temporal* out) {
  const uint64_t v = LoadLE64(p);
  const uint64_t date = v / 1000000;
  const uint64_t time = v % 1000000;
  *out = Temporal{};
  if (date / 10000 > kMaxYear) return false;
  out->year = static_cast<uint16_t>(date / 10000);
  out->month = static_cast<uint8_t>(date / 100 % 100);
  out->day = static_cast<uint8_t>(date % 100);
  out->hour = static_cast<uint16_t>(time / 10000);
  out->minute = static_cast<uint8_t>(time / 100 % 100);
  out->second = static_cast<uint8_t>(time % 100);
  return ValidDateTime(*out);
}

bool DecodeTimestamp2(const uint8_t* p, uint8_t fsp, uint32_t* seconds, uint32_t* micros) {
  int64_t frac = 0;
  *seconds = static_cast<uint32_t>(LoadBEN(p, 4));
  const bool ok = ReadFraction2(p + 4, fsp, &frac);
  *micros = static_cast<uint32_t>(frac);
  return ok;
}

bool DecodeDateTime2(const uint8_t* p, uint8_t fsp, Temporal* out) {
  const int64_t intpart = static_cast<int64_t>(LoadBEN(p, 5)) - kDateTime2IntOffset;
  int64_t frac = 0;
  if (!ReadFraction2(p + 5, fsp, &frac)) return false;
  return TemporalFromPackedDateTime(intpart * kPackedFracUnits + frac, out);
}

bool DecodeTime2(const uint8_t* p, uint8_t fsp, Temporal* out) {
  int64_t packed = 0;
  if (fsp >= 5) {
    packed = static_cast<int64_t>(LoadBEN(p, 6)) - kTime2Offset;
  } else {
    int64_t intpart = static_cast<int64_t>(LoadBEN(p, 3)) - kTime2IntOffset;
    int64_t frac = 0;
    if (fsp > 0) {
      // The fraction byte(s) of a negative time are stored as the
      // complement within one second: borrow it back.
      const int bytes = fsp <= 2 ? 1 : 2;
      frac = static_cast<int64_t>(LoadBEN(p + 3, static_cast<size_t>(bytes)));
      if (intpart < 0 && frac != 0) {
        ++intpart;
        frac -= bytes == 1 ? 0x100 : 0x10000;
      }
      frac *= bytes == 1 ? 10000 : 100;
    }
    packed = intpart * kPackedFracUnits + frac;
  }
  return TemporalFromPackedTime(packed, out);
}

bool DecodeMariaHiresTimestamp(const uint8_t* p, uint8_t fsp, uint32_t* seconds, uint32_t* micros) {
  if (fsp == 0 || fsp > 6) return false;
  *seconds = static_cast<uint32_t>(LoadBEN(p, 4));
  const uint64_t frac = LoadBEN(p + 4, kHiresSecPartBytes[fsp]);
  *micros = static_cast<uint32_t>(frac * kPow10[6 - fsp]);
  return frac < kPow10[fsp];
}

bool DecodeMariaHiresDateTime(const uint8_t* p, uint8_t fsp, Temporal* out) {
  if (fsp == 0 || fsp > 6) return false;
  const uint64_t v = LoadBEN(p, kHiresDateTimeBytes[fsp]);
  if (v > UINT64_MAX / kPow10[6 - fsp]) return false;
  const uint64_t total = v * kPow10[6 - fsp];
  *out = Temporal{};
  out->micros = static_cast<uint32_t>(total % kMicrosPerSecond);
  uint64_t x = total / kMicrosPerSecond;
  out->second = static_cast<uint8_t>(x % 60);
  x /= 60;
  out->minute = static_cast<uint8_t>(x % 60);
  x /= 60;
  out->hour = static_cast<uint16_t>(x % 24);
  x /= 24;
  out->day = static_cast<uint8_t>(x % 32);
  x /= 32;
  out->month = static_cast<uint8_t>(x % 13);
  if (x / 13 > kMaxYear) return false;
  out->year = static_cast<uint16_t>(x / 13);
  return ValidDateTime(*out);
}

bool DecodeMariaHiresTime(const uint8_t* p, uint8_t fsp, Temporal* out) {
  if (fsp == 0 || fsp > 6) return false;
  const int64_t v = static_cast<int64_t>(LoadBEN(p, kHiresTimeBytes[fsp]));
  const int64_t zero = static_cast<int64_t>(kHiresTimeZeroSeconds * kPow10[fsp]);
  const int64_t units = v - zero;  // |units| < 2^48, no overflow below
  const uint64_t abs_micros = static_cast<uint64_t>(units < 0 ? -units : units) * kPow10[6 - fsp];
  *out = Temporal{};
  out->negative = units < 0;
  out->micros = static_cast<uint32_t>(abs_micros % kMicrosPerSecond);
  const uint64_t secs = abs_micros / kMicrosPerSecond;
  if (secs / 3600 > kMaxTimeHours) return false;
  out->hour = static_cast<uint16_t>(secs / 3600);
  out->minute = static_cast<uint8_t>(secs / 60 % 60);
  out->second = static_cast<uint8_t>(secs % 60);
  return ValidTime(*out);
}

bool TemporalFromPackedDateTime(int64_t packed, Temporal* out) {
  *out = Temporal{};
  if (packed < 0) return false;  // no DATETIME/DATE/TIMESTAMP is negative
  const uint64_t u = static_cast<uint64_t>(packed);
  out->micros = static_cast<uint32_t>(u % kPackedFracUnits);
  const uint64_t ymdhms = u >> 24;
  const uint64_t ymd = ymdhms >> 17;
  const uint64_t ym = ymd >> 5;
  if (ym / 13 > kMaxYear) return false;
  out->year = static_cast<uint16_t>(ym / 13);
  out->month = static_cast<uint8_t>(ym % 13);
  out->day = static_cast<uint8_t>(ymd % 32);
  SplitHms(ymdhms % (1 << 17), out);
  return ValidDateTime(*out);
}

bool TemporalFromPackedTime(int64_t packed, Temporal* out) {
  *out = Temporal{};
  out->negative = packed < 0;
  const uint64_t u = packed < 0 ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
  out->micros = static_cast<uint32_t>(u % kPackedFracUnits);
  const uint64_t hms = u >> 24;
  if ((hms >> 12) >= (1 << 10)) return false;
  SplitHms(hms, out);
  return ValidTime(*out);
}

Temporal TemporalFromEpoch(uint32_t seconds, uint32_t micros) {
  Temporal t;
  CivilFromDays(seconds / 86400, &t);
  const uint32_t s = seconds % 86400;
  t.hour = static_cast<uint16_t>(s / 3600);
  t.minute = static_cast<uint8_t>(s / 60 % 60);
  t.second = static_cast<uint8_t>(s % 60);
  t.micros = micros;
  return t;
}

void AppendDate(const Temporal& t, std::string* out) {
  AppendPadded(t.year, 4, out);
  out->push_back('-');
  AppendPadded(t.month, 2, out);
  out->push_back('-');
  AppendPadded(t.day, 2, out);
}

void AppendDateTime(const Temporal& t, uint8_t fsp, std::string* out) {
  AppendDate(t, out);
  out->push_back(' ');
  AppendTime(Temporal{.hour = t.hour, .minute = t.minute, .second = t.second, .micros = t.micros},
             fsp, out);
}

void AppendTime(const Temporal& t, uint8_t fsp, std::string* out) {
  if (t.negative) out->push_back('-');
  AppendPadded(t.hour, 2, out);
  out->push_back(':');
  AppendPadded(t.minute, 2, out);
  out->push_back(':');
  AppendPadded(t.second, 2, out);
  AppendFraction(t.micros, fsp, out);
}

}  // namespace osc::binlog
