// Corrupted rows events: flip, truncate or lengthen every byte of a small
// event with varied column types. The decoder must return an error value
// or rows of the right shape, never crash or read out of bounds (these
// tests are meant to run under ASan as well).
#include <gtest/gtest.h>

#include <string>

#include "binlog/rows_event.h"
#include "tests/support/row_encoder.h"

namespace osc::binlog {
namespace {

using testing::ByteVec;

Bytes B(const ByteVec& v) { return Bytes(v.data(), v.size()); }

ByteVec TableMapBody() {
  return testing::TableMapBuilder(77, "db", "t")
      .Add(testing::IntCol(3))
      .Add(testing::VarcharCol(300))
      .Add(testing::DecimalCol(12, 2))
      .Add(testing::Temporal2Col(18, 6))
      .Add(testing::Temporal2Col(19, 3))
      .Add(testing::BlobCol(4, 245))
      .Add(testing::EnumCol(1))
      .Add(testing::BitCol(12))
      .Add(testing::BlobCol(2))
      .Tlv(1, testing::MsbBitmap({false, false}))
      .Body();
}

std::vector<testing::Cell> RowCells(int i) {
  const ByteVec json = testing::EncodeJson(testing::Json::Object(
      {{"n", testing::Json::I(i)}, {"s", testing::Json::Array({testing::Json::S("x"), testing::Json::D(0.5)})}}));
  return {testing::Int(static_cast<uint64_t>(i), 4),
          testing::Var("value-" + std::to_string(i), 2),
          testing::Decimal(i % 2 ? "-1234.56" : "0.01", 12, 2),
          testing::DateTime2(2024, 1, 2, 3, 4, 5, 123456, 6),
          testing::Time2(true, 1, 2, 3, 450000, 3),
          testing::Var(std::string(json.begin(), json.end()), 4),
          testing::Int(2, 1),
          testing::Bit(0xabc, 2),
          i % 2 ? testing::Null() : testing::Var("blob", 2)};
}

// UPDATE_ROWS v2 with `rows` before/after pairs.
ByteVec EventBody(int rows) {
  testing::RowsEventBuilder b(31, 77, 9);
  for (int i = 0; i < rows; ++i) b.Image(RowCells(i)).Image(RowCells(i + 100));
  return b.Body();
}

// Decodes everything, formatting every value on the way; returns the
// number of rows decoded and whether decoding ended with an error.
struct Outcome {
  size_t rows = 0;
  bool error = false;
};

Outcome DecodeAndFormat(const std::shared_ptr<const TableMap>& map, const ByteVec& body) {
  Outcome out;
  auto ev = ParseRowsEvent(31, B(body), 10);
  if (!ev.ok()) return {0, true};
  auto dec = RowDecoder::Create(*ev, map);
  if (!dec.ok()) return {0, true};
  Row row;
  for (int guard = 0; guard < 1000; ++guard) {
    auto more = dec->Next(&row);
    if (!more.ok()) {
      out.error = true;
      return out;
    }
    if (!*more) return out;
    ++out.rows;
    EXPECT_EQ(row.before.size(), 9u);
    EXPECT_EQ(row.after.size(), 9u);
    for (const auto* image : {&row.before, &row.after}) {
      for (const Value& v : *image) {
        // Results do not matter here; reaching every byte of them does.
        if (v.kind == ValueKind::kDecimal) (void)FormatDecimal(v);
        if (v.kind == ValueKind::kJson) (void)FormatJson(v);
        if (v.kind == ValueKind::kDateTime || v.kind == ValueKind::kTime) (void)FormatTemporal(v);
        if (v.kind == ValueKind::kString || v.kind == ValueKind::kBit) {
          for (char c : v.raw) (void)c;
        }
      }
    }
  }
  ADD_FAILURE() << "decoder did not terminate";
  return out;
}

class RowsCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto map = TableMap::Parse(B(TableMapBody()), 8);
    ASSERT_TRUE(map.ok()) << map.status().ToString();
    map_ = *map;
    body_ = EventBody(kRows);
    Outcome clean = DecodeAndFormat(map_, body_);
    ASSERT_FALSE(clean.error);
    ASSERT_EQ(clean.rows, static_cast<size_t>(kRows));
    for (int r = 0; r <= kRows; ++r) boundaries_.push_back(EventBody(r).size());
  }
  bool IsRowBoundary(size_t n) const {
    for (size_t b : boundaries_) {
      if (b == n) return true;
    }
    return false;
  }

  static constexpr int kRows = 2;
  std::shared_ptr<const TableMap> map_;
  ByteVec body_;
  std::vector<size_t> boundaries_;
};

TEST_F(RowsCorruptionTest, EveryTruncationFailsUnlessItEndsOnARow) {
  for (size_t n = 0; n < body_.size(); ++n) {
    const ByteVec cut(body_.begin(), body_.begin() + static_cast<ptrdiff_t>(n));
    Outcome o = DecodeAndFormat(map_, cut);
    if (IsRowBoundary(n)) {
      EXPECT_FALSE(o.error) << "cut at row boundary " << n;
    } else {
      EXPECT_TRUE(o.error) << "cut at " << n << " decoded " << o.rows << " rows";
    }
    EXPECT_LE(o.rows, static_cast<size_t>(kRows));
  }
}

TEST_F(RowsCorruptionTest, EveryFlippedByteGivesAnErrorOrWellFormedRows) {
  size_t errors = 0;
  for (size_t i = 0; i < body_.size(); ++i) {
    for (const uint8_t mask : {uint8_t{0x01}, uint8_t{0x10}, uint8_t{0x80}, uint8_t{0xff}}) {
      ByteVec copy = body_;
      copy[i] ^= mask;
      Outcome o = DecodeAndFormat(map_, copy);
      errors += o.error ? 1 : 0;
    }
  }
  // Many flips land in string bytes and are undetectable by design; the
  // rest (lengths, bitmaps, temporal and decimal fields) must be caught.
  EXPECT_GT(errors, body_.size() / 4);
}

TEST_F(RowsCorruptionTest, TrailingGarbageIsAnErrorAndEarlierRowsStayIntact) {
  for (size_t extra = 1; extra <= 16; ++extra) {
    ByteVec longer = body_;
    longer.insert(longer.end(), extra, 0xff);  // null bitmap all NULL, then junk
    Outcome o = DecodeAndFormat(map_, longer);
    EXPECT_GE(o.rows, static_cast<size_t>(kRows)) << extra;
    EXPECT_TRUE(o.error || o.rows > static_cast<size_t>(kRows)) << extra;
  }
}

TEST_F(RowsCorruptionTest, HeaderCorruptionIsRejectedByParse) {
  EXPECT_TRUE(ParseRowsEvent(31, Bytes(body_.data(), 5), 10).status().IsCorruption());
  ByteVec bad_extra = body_;
  bad_extra[8] = 1;  // extra-data length below its own 2 bytes
  bad_extra[9] = 0;
  EXPECT_TRUE(ParseRowsEvent(31, B(bad_extra), 10).status().IsCorruption());
  ByteVec zero_width = body_;
  zero_width[10] = 0;  // column count 0
  EXPECT_TRUE(ParseRowsEvent(31, B(zero_width), 10).status().IsCorruption());
  ByteVec huge_width = body_;
  huge_width[10] = 252;  // 2-byte count follows: 0xffff columns
  huge_width[11] = 0xff;
  huge_width[12] = 0xff;
  EXPECT_TRUE(ParseRowsEvent(31, B(huge_width), 10).status().IsCorruption());
}

}  // namespace
}  // namespace osc::binlog
