#include "common/bytes.h"

#include <gtest/gtest.h>

#include <vector>

namespace osc {
namespace {

TEST(ByteReaderTest, ReadsLittleAndBigEndian) {
  const std::vector<uint8_t> buf = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  ByteReader r{Bytes(buf)};
  EXPECT_EQ(r.U8(), 0x01);
  EXPECT_EQ(r.U16(), 0x0302);
  EXPECT_EQ(r.BEN(3), 0x040506u);
  EXPECT_EQ(r.U24(), 0x090807u);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, OverrunLatchesFailureAndReturnsZero) {
  const std::vector<uint8_t> buf = {0xff, 0xff, 0xff};
  ByteReader r{Bytes(buf)};
  EXPECT_EQ(r.U32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.U8(), 0u);  // stays failed, reads nothing
  EXPECT_TRUE(r.Take(1).empty());
}

TEST(ByteReaderTest, PackedIntegers) {
  const std::vector<uint8_t> buf = {250, 252, 0x34, 0x12, 253, 0x01, 0x02, 0x03,
                                    254, 1, 0, 0, 0, 0, 0, 0, 0x80, 251};
  ByteReader r{Bytes(buf)};
  EXPECT_EQ(r.PackedInt(), 250u);
  EXPECT_EQ(r.PackedInt(), 0x1234u);
  EXPECT_EQ(r.PackedInt(), 0x030201u);
  EXPECT_EQ(r.PackedInt(), 0x8000000000000001ull);
  EXPECT_TRUE(r.ok());
  r.PackedInt();  // 251 is the text-protocol NULL marker: invalid here
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace osc
