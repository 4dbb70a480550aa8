// Decoding of every temporal storage format a MySQL or MariaDB binlog row
// image can carry, and their exact SQL text.
//
// Formats (ground truth: MySQL mysys/my_time.cc, sql/field.cc; MariaDB
// sql/compat56.cc, sql/field.cc):
//   DATE       3 bytes LE: day | month << 5 | year << 9
//   TIME       3 bytes LE signed: [-](hours * 10000 + minutes * 100 + seconds)
//   DATETIME   8 bytes LE: YYYYMMDDhhmmss as one decimal integer
//   TIMESTAMP  4 bytes LE: seconds since the epoch (0 = zero timestamp)
//   TIMESTAMP2 4 bytes BE seconds + (fsp+1)/2 bytes BE fraction
//   DATETIME2  5 bytes BE (value - 0x8000000000) =
//              ((year*13+month) << 22 | day << 17 | hour << 12 | min << 6 | sec)
//              + (fsp+1)/2 bytes BE fraction
//   TIME2      3 bytes BE (value - 0x800000) = (hour << 12 | min << 6 | sec),
//              signed, + fraction; a negative value with a fraction borrows
//              one second (my_time_packed_from_binary)
//   The fraction of the "2" types is in units of 1/100 s (1 byte, fsp 1-2),
//   1/10000 s (2 bytes, fsp 3-4) or microseconds (3 bytes, fsp 5-6).
//   MariaDB "hires" (5.3 format, mysql56_temporal_format=OFF), fsp 1-6,
//   logged as plain TIMESTAMP/DATETIME/TIME with no metadata:
//     TIMESTAMP(n) 4 bytes BE seconds + {1,1,2,2,3,3}[n-1] bytes BE fraction
//                  in units of 10^-n s
//     DATETIME(n)  {6,6,7,7,7,8}[n-1] bytes BE: pack_time / 10^(6-n), where
//                  pack_time = ((((year*13+month)*32+day)*24+hour)*60+min)*60
//                  +sec)*1000000 + microseconds
//     TIME(n)      {4,4,5,5,5,6}[n-1] bytes BE: pack_time / 10^(6-n) +
//                  zero point (839 hours in the same units); the value
//                  below the zero point is negative
//   (all verified against MariaDB 10.11 with mysql56_temporal_format=OFF).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace osc::binlog {

// A broken-down temporal value. DATE uses year/month/day; TIME uses
// negative/hour (0-838)/minute/second/micros; DATETIME uses all but
// negative. Zero dates ("0000-00-00") and zero-in-date parts are kept as is.
struct Temporal {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  uint16_t hour = 0;
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t micros = 0;
  bool negative = false;

  friend bool operator==(const Temporal&, const Temporal&) = default;
};

// Value sizes.
inline constexpr uint8_t TemporalFractionBytes(uint8_t fsp) { return static_cast<uint8_t>((fsp + 1) / 2); }
uint8_t MariaHiresTimestampBytes(uint8_t fsp);  // fsp 1-6
uint8_t MariaHiresDateTimeBytes(uint8_t fsp);
uint8_t MariaHiresTimeBytes(uint8_t fsp);

// Decoders. `p` points at exactly the value's bytes (size as above). Each
// returns false when the bytes cannot be a value the server writes (an hour
// of 24 in a DATETIME, a minute of 60, a fraction of 100 in 1/100 units, a
// TIME beyond 838:59:59.999999...), leaving *out unspecified.
bool DecodeDate(const uint8_t* p, Temporal* out);
bool DecodeTimeOld(const uint8_t* p, Temporal* out);
bool DecodeDateTimeOld(const uint8_t* p, Temporal* out);
bool DecodeTimestamp2(const uint8_t* p, uint8_t fsp, uint32_t* seconds, uint32_t* micros);
bool DecodeDateTime2(const uint8_t* p, uint8_t fsp, Temporal* out);
bool DecodeTime2(const uint8_t* p, uint8_t fsp, Temporal* out);
bool DecodeMariaHiresTimestamp(const uint8_t* p, uint8_t fsp, uint32_t* seconds, uint32_t* micros);
bool DecodeMariaHiresDateTime(const uint8_t* p, uint8_t fsp, Temporal* out);
bool DecodeMariaHiresTime(const uint8_t* p, uint8_t fsp, Temporal* out);

// The in-memory "packed" longlong of MySQL (my_time.h
// TIME_to_longlong_*_packed), used by opaque temporal values inside binary
// JSON: int part << 24 | microseconds.
bool TemporalFromPackedDateTime(int64_t packed, Temporal* out);
bool TemporalFromPackedTime(int64_t packed, Temporal* out);

// UTC calendar fields of a TIMESTAMP (seconds since 1970-01-01 00:00:00 UTC).
Temporal TemporalFromEpoch(uint32_t seconds, uint32_t micros);

// Text the server accepts for a literal of each type, without quotes.
// `fsp` 0-6 digits of fraction are printed (none and no '.' for 0):
//   AppendDate      "2024-01-02", "0000-00-00"
//   AppendDateTime  "2024-01-02 03:04:05.123456"
//   AppendTime      "-838:59:59.000000", "00:00:00" (hours at least 2 digits)
void AppendDate(const Temporal& t, std::string* out);
void AppendDateTime(const Temporal& t, uint8_t fsp, std::string* out);
void AppendTime(const Temporal& t, uint8_t fsp, std::string* out);

}  // namespace osc::binlog
