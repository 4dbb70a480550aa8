// Temporal storage formats: bytes recorded from MariaDB 10.11 for known
// inserted values, and encoder round trips of edge values.
#include <gtest/gtest.h>

#include <string>

#include "binlog/temporal.h"
#include "tests/support/row_encoder.h"

namespace osc::binlog {
namespace {

using testing::ByteVec;

std::string DateTimeText(const Temporal& t, uint8_t fsp) {
  std::string s;
  AppendDateTime(t, fsp, &s);
  return s;
}
std::string TimeText(const Temporal& t, uint8_t fsp) {
  std::string s;
  AppendTime(t, fsp, &s);
  return s;
}

std::string DateTime2(const ByteVec& b, uint8_t fsp) {
  Temporal t;
  EXPECT_TRUE(DecodeDateTime2(b.data(), fsp, &t));
  return DateTimeText(t, fsp);
}
std::string Time2(const ByteVec& b, uint8_t fsp) {
  Temporal t;
  EXPECT_TRUE(DecodeTime2(b.data(), fsp, &t));
  return TimeText(t, fsp);
}

// Bytes from a MariaDB 10.11 binlog (mysql56_temporal_format=ON) after
// INSERT ... VALUES ('2024-01-02 03:04:05.678', '-838:59:59.99',
// '2024-01-02 03:04:05.123456') into DATETIME(3), TIME(2), TIMESTAMP(6)
// columns, server time zone UTC.
TEST(TemporalTest, DecodesServerBytesOfTheMySql56Formats) {
  EXPECT_EQ(DateTime2({0x99, 0xb2, 0x44, 0x31, 0x05, 0x1a, 0x7c}, 3), "2024-01-02 03:04:05.678");
  EXPECT_EQ(Time2({0x4b, 0x91, 0x04, 0x9d}, 2), "-838:59:59.99");
  const ByteVec ts = {0x65, 0x93, 0x7d, 0x25, 0x01, 0xe2, 0x40};
  uint32_t seconds = 0, micros = 0;
  ASSERT_TRUE(DecodeTimestamp2(ts.data(), 6, &seconds, &micros));
  EXPECT_EQ(seconds, 1704164645u);
  EXPECT_EQ(micros, 123456u);
  EXPECT_EQ(DateTimeText(TemporalFromEpoch(seconds, micros), 6), "2024-01-02 03:04:05.123456");
}

// Same server with mysql56_temporal_format=OFF: TIMESTAMP(3), DATETIME(4),
// DATETIME(6), TIME(2), TIME(6), TIME(1) in MariaDB's hires format, plus
// the classic fsp-0 TIME and DATETIME.
TEST(TemporalTest, DecodesServerBytesOfMariaDbHiresFormats) {
  const ByteVec ts3 = {0x62, 0x82, 0x65, 0x56, 0x00, 0x7b};
  uint32_t seconds = 0, micros = 0;
  ASSERT_EQ(MariaHiresTimestampBytes(3), ts3.size());
  ASSERT_TRUE(DecodeMariaHiresTimestamp(ts3.data(), 3, &seconds, &micros));
  EXPECT_EQ(seconds, 1652712790u);  // 2022-05-16 14:53:10 UTC
  EXPECT_EQ(micros, 123000u);

  struct DtCase { ByteVec bytes; uint8_t fsp; const char* text; };
  for (const DtCase& c : {DtCase{{0x02, 0x95, 0xa9, 0x25, 0x5f, 0x9f, 0xd5}, 4, "2024-01-02 03:04:05.6789"},
                          DtCase{{0x04, 0xfc, 0xee, 0x39, 0x43, 0xbf, 0xff, 0xff}, 6,
                                 "9999-12-31 23:59:59.999999"}}) {
    ASSERT_EQ(MariaHiresDateTimeBytes(c.fsp), c.bytes.size());
    Temporal t;
    ASSERT_TRUE(DecodeMariaHiresDateTime(c.bytes.data(), c.fsp, &t));
    EXPECT_EQ(DateTimeText(t, c.fsp), c.text);
  }
  struct TmCase { ByteVec bytes; uint8_t fsp; const char* text; };
  for (const TmCase& c : {TmCase{{0x00, 0x00, 0x00, 0x01}, 2, "-838:59:59.99"},
                          TmCase{{0x05, 0x7e, 0x7b, 0xad, 0xb5, 0xc1}, 6, "838:59:59.000001"},
                          TmCase{{0x01, 0xcc, 0xe0, 0x5b}, 1, "-00:00:00.5"}}) {
    ASSERT_EQ(MariaHiresTimeBytes(c.fsp), c.bytes.size());
    Temporal t;
    ASSERT_TRUE(DecodeMariaHiresTime(c.bytes.data(), c.fsp, &t));
    EXPECT_EQ(TimeText(t, c.fsp), c.text);
  }
  Temporal t;
  const ByteVec time_old = {0xc0, 0x1d, 0xfe};
  ASSERT_TRUE(DecodeTimeOld(time_old.data(), &t));
  EXPECT_EQ(TimeText(t, 0), "-12:34:56");
  const ByteVec dt_old = {0x45, 0x7c, 0x17, 0x84, 0x68, 0x12, 0x00, 0x00};
  ASSERT_TRUE(DecodeDateTimeOld(dt_old.data(), &t));
  EXPECT_EQ(DateTimeText(t, 0), "2024-01-02 03:04:05");
}

struct TimeCase {
  bool negative;
  int h, m, s;
  uint32_t micros;
  uint8_t fsp;
  const char* text;
};

class Time2RoundTrip : public ::testing::TestWithParam<TimeCase> {};

TEST_P(Time2RoundTrip, EncoderOutputDecodesToTheSameTime) {
  const TimeCase& c = GetParam();
  const auto cell = testing::Time2(c.negative, c.h, c.m, c.s, c.micros, c.fsp);
  ASSERT_EQ(cell.bytes.size(), 3u + TemporalFractionBytes(c.fsp));
  EXPECT_EQ(Time2(cell.bytes, c.fsp), c.text);
  // The MariaDB hires format must agree for the same value.
  if (c.fsp > 0) {
    const auto hires = testing::MariaTimeHires(c.negative, c.h, c.m, c.s, c.micros, c.fsp);
    Temporal t;
    ASSERT_TRUE(DecodeMariaHiresTime(hires.bytes.data(), c.fsp, &t));
    EXPECT_EQ(TimeText(t, c.fsp), c.text);
  }
}

INSTANTIATE_TEST_SUITE_P(
    EdgeValues, Time2RoundTrip,
    ::testing::Values(TimeCase{false, 0, 0, 0, 0, 0, "00:00:00"},
                      TimeCase{false, 838, 59, 59, 0, 0, "838:59:59"},
                      TimeCase{true, 838, 59, 59, 0, 0, "-838:59:59"},
                      TimeCase{true, 838, 59, 59, 0, 6, "-838:59:59.000000"},
                      TimeCase{true, 838, 59, 59, 999999, 6, "-838:59:59.999999"},
                      TimeCase{true, 0, 0, 0, 500000, 1, "-00:00:00.5"},
                      TimeCase{true, 0, 0, 1, 500000, 1, "-00:00:01.5"},
                      TimeCase{true, 0, 0, 1, 10000, 2, "-00:00:01.01"},
                      TimeCase{true, 12, 34, 56, 789000, 3, "-12:34:56.789"},
                      TimeCase{true, 12, 34, 56, 789100, 4, "-12:34:56.7891"},
                      TimeCase{false, 12, 34, 56, 789120, 5, "12:34:56.78912"},
                      TimeCase{true, 507, 48, 27, 0, 0, "-507:48:27"},
                      TimeCase{true, 0, 0, 0, 1, 6, "-00:00:00.000001"}));

TEST(TemporalTest, DateTime2RoundTripsZeroAndMaximumValues) {
  EXPECT_EQ(DateTime2(testing::DateTime2(0, 0, 0, 0, 0, 0, 0, 0).bytes, 0), "0000-00-00 00:00:00");
  EXPECT_EQ(DateTime2(testing::DateTime2(9999, 12, 31, 23, 59, 59, 999999, 6).bytes, 6),
            "9999-12-31 23:59:59.999999");
  EXPECT_EQ(DateTime2(testing::DateTime2(2024, 2, 0, 1, 2, 3, 450000, 2).bytes, 2),
            "2024-02-00 01:02:03.45");  // zero-in-date is kept
  EXPECT_EQ(DateTime2(testing::DateTime2(1000, 1, 1, 0, 0, 0, 120000, 3).bytes, 3),
            "1000-01-01 00:00:00.120");
}

TEST(TemporalTest, DateAndOldFormatsRoundTrip) {
  Temporal t;
  const auto date = testing::Date(2024, 12, 31);
  ASSERT_TRUE(DecodeDate(date.bytes.data(), &t));
  std::string s;
  AppendDate(t, &s);
  EXPECT_EQ(s, "2024-12-31");
  const auto zero = testing::Date(0, 0, 0);
  ASSERT_TRUE(DecodeDate(zero.bytes.data(), &t));
  s.clear();
  AppendDate(t, &s);
  EXPECT_EQ(s, "0000-00-00");
  const auto dt = testing::DateTimeOld(1999, 12, 31, 23, 59, 59);
  ASSERT_TRUE(DecodeDateTimeOld(dt.bytes.data(), &t));
  EXPECT_EQ(DateTimeText(t, 0), "1999-12-31 23:59:59");
  const auto tm = testing::TimeOld(true, 838, 59, 59);
  ASSERT_TRUE(DecodeTimeOld(tm.bytes.data(), &t));
  EXPECT_EQ(TimeText(t, 0), "-838:59:59");
}

TEST(TemporalTest, Timestamp2FractionUnitsFollowFsp) {
  // 123456 microseconds cut to each precision, as a column of that fsp stores it.
  constexpr uint32_t kStored[7] = {0, 100000, 120000, 123000, 123400, 123450, 123456};
  for (uint8_t fsp = 0; fsp <= 6; ++fsp) {
    const uint32_t micros = kStored[fsp];
    const auto cell = testing::Timestamp2(1650493084, micros, fsp);
    ASSERT_EQ(cell.bytes.size(), 4u + TemporalFractionBytes(fsp));
    uint32_t s = 0, us = 0;
    ASSERT_TRUE(DecodeTimestamp2(cell.bytes.data(), fsp, &s, &us));
    EXPECT_EQ(s, 1650493084u);
    EXPECT_EQ(us, micros) << "fsp " << int(fsp);
  }
}

TEST(TemporalTest, EpochConvertsToUtcCalendar) {
  // MySqlCdc fixture: TIMESTAMP(3) 498046943.567 = 1985-10-13 10:22:23.567 UTC.
  EXPECT_EQ(DateTimeText(TemporalFromEpoch(498046943, 567000), 3), "1985-10-13 10:22:23.567");
  EXPECT_EQ(DateTimeText(TemporalFromEpoch(1, 0), 0), "1970-01-01 00:00:01");
  EXPECT_EQ(DateTimeText(TemporalFromEpoch(2147483647, 999999), 6), "2038-01-19 03:14:07.999999");
  EXPECT_EQ(DateTimeText(TemporalFromEpoch(951782400, 0), 0), "2000-02-29 00:00:00");
}

TEST(TemporalTest, ImpossibleClockValuesAreRejected) {
  Temporal t;
  // DATETIME2 with hour 24.
  EXPECT_FALSE(DecodeDateTime2(testing::DateTime2(2024, 1, 1, 24, 0, 0, 0, 0).bytes.data(), 0, &t));
  // DATETIME2(2) with a fraction byte of 100 (units of 1/100 s).
  ByteVec b = testing::DateTime2(2024, 1, 1, 0, 0, 0, 0, 2).bytes;
  b.back() = 100;
  EXPECT_FALSE(DecodeDateTime2(b.data(), 2, &t));
  // TIME2 with 60 minutes.
  EXPECT_FALSE(DecodeTime2(testing::Time2(false, 1, 60, 0, 0, 0).bytes.data(), 0, &t));
  // Old TIME beyond 838 hours.
  EXPECT_FALSE(DecodeTimeOld(testing::TimeOld(false, 900, 0, 0).bytes.data(), &t));
  // DATE with month 13.
  EXPECT_FALSE(DecodeDate(testing::Date(2024, 13, 1).bytes.data(), &t));
}

}  // namespace
}  // namespace osc::binlog
