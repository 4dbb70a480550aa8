// Common header, CRC32 trailer and FORMAT_DESCRIPTION.
#include <gtest/gtest.h>

#include "binlog/checksum.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "tests/support/binlog_encoder.h"

namespace osc::binlog {
namespace {

using osc::testing::BinlogBuilder;
using osc::testing::Buffer;
using osc::testing::ReferenceCrc32;

TEST(EventHeaderTest, RoundTripsEveryField) {
  EventHeader h;
  h.timestamp = 0x01020304;
  h.type = 0xa2;
  h.server_id = 0xdeadbeef;
  h.event_size = 0x11223344;
  h.log_pos = 0x55667788;
  h.flags = 0x4089;
  uint8_t wire[19];
  EncodeEventHeader(h, wire);
  auto parsed = ParseEventHeader(Bytes(wire, sizeof(wire)));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->timestamp, h.timestamp);
  EXPECT_EQ(parsed->type, h.type);
  EXPECT_EQ(parsed->server_id, h.server_id);
  EXPECT_EQ(parsed->event_size, h.event_size);
  EXPECT_EQ(parsed->log_pos, h.log_pos);
  EXPECT_EQ(parsed->flags, h.flags);
  EXPECT_TRUE(parsed->IsIgnorable());
  // Byte 4 is the type, bytes 9..12 the size (little-endian).
  EXPECT_EQ(wire[4], 0xa2);
  EXPECT_EQ(wire[9], 0x44);
}

TEST(EventHeaderTest, RejectsShortInputAndSizesBelowTheHeader) {
  const Buffer ev = osc::testing::EncodeEvent(16, osc::testing::XidBody(1), false);
  for (size_t n = 0; n < 19; ++n) {
    EXPECT_TRUE(ParseEventHeader(Bytes(ev.data(), n)).status().IsCorruption()) << n;
  }
  Buffer bad = ev;
  StoreLE32(bad.data() + 9, 18);
  EXPECT_TRUE(ParseEventHeader(bad).status().IsCorruption());
}

TEST(ChecksumTest, MatchesAnIndependentCrc32) {
  const std::string text = "123456789";
  EXPECT_EQ(Crc32(AsBytes(text)), 0xcbf43926u);  // the CRC-32 check value
  Buffer data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  EXPECT_EQ(Crc32(data), ReferenceCrc32(data));
  // Chaining equals one pass.
  EXPECT_EQ(Crc32(Bytes(data).subspan(300), Crc32(Bytes(data).first(300))), ReferenceCrc32(data));
}

TEST(ChecksumTest, VerifiesAGoodTrailerAndNamesTheOffsetOfABadOne) {
  Buffer ev = osc::testing::EncodeEvent(16, osc::testing::XidBody(42), true);
  EXPECT_TRUE(VerifyEventChecksum(ev, 1234).ok());
  ev[20] ^= 1;
  const Status s = VerifyEventChecksum(ev, 1234);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("1234"), std::string_view::npos) << s.ToString();
  EXPECT_TRUE(VerifyEventChecksum(Bytes(ev.data(), 22), 0).IsCorruption());
}

TEST(ChecksumTest, FormatDescriptionIsCheckedWithTheInUseFlagCleared) {
  BinlogBuilder b(/*with_magic=*/false);
  b.Fde("8.0.36", ChecksumAlg::kCrc32, kFlagBinlogInUse);
  const Buffer& fde = b.bytes();
  ASSERT_EQ(fde[17] & kFlagBinlogInUse, kFlagBinlogInUse);
  EXPECT_TRUE(VerifyEventChecksum(fde, 4).ok());
  // The same rule does not apply to other event types.
  Buffer xid = osc::testing::EncodeEvent(16, osc::testing::XidBody(1), false, 0, 0);
  const uint32_t crc_without_flag = ReferenceCrc32(xid);
  xid[17] |= kFlagBinlogInUse;
  osc::testing::PutLE(xid, crc_without_flag, 4);
  StoreLE32(xid.data() + 9, static_cast<uint32_t>(xid.size()));
  EXPECT_TRUE(VerifyEventChecksum(xid, 0).IsCorruption());
}

TEST(FormatDescriptionTest, RoundTripsAMySql8DescriptionWithCrc32) {
  BinlogBuilder b(false);
  b.Fde("8.0.36-debug", ChecksumAlg::kCrc32);
  auto fd = ParseFormatDescription(b.bytes());
  ASSERT_TRUE(fd.ok()) << fd.status().ToString();
  EXPECT_EQ(fd->binlog_version, 4);
  EXPECT_EQ(fd->server_version, "8.0.36-debug");
  EXPECT_EQ(fd->version_split, (std::array<uint8_t, 3>{8, 0, 36}));
  EXPECT_EQ(fd->flavor, ServerFlavor::kMySql);
  EXPECT_EQ(fd->create_timestamp, 1700000000u);
  EXPECT_EQ(fd->common_header_length, 19);
  EXPECT_TRUE(fd->has_checksum_alg);
  EXPECT_TRUE(fd->ChecksumsEnabled());
  EXPECT_EQ(fd->post_header_lengths, osc::testing::StandardPostHeaderLengths(false));
  EXPECT_EQ(fd->PostHeaderLength(2), 13);   // QUERY
  EXPECT_EQ(fd->PostHeaderLength(30), 10);  // WRITE_ROWS v2
  EXPECT_EQ(fd->PostHeaderLength(0), 0);
  EXPECT_EQ(fd->PostHeaderLength(200), 0);
}

TEST(FormatDescriptionTest, AlgorithmBytePresenceFollowsTheServerVersion) {
  struct Case {
    const char* version;
    ChecksumAlg written;  // kUndefined = no algorithm byte
    bool has_alg;
    ServerFlavor flavor;
  };
  const Case cases[] = {
      {"5.5.27-log", ChecksumAlg::kUndefined, false, ServerFlavor::kMySql},
      {"5.6.0-m4", ChecksumAlg::kUndefined, false, ServerFlavor::kMySql},
      {"5.6.1-m5", ChecksumAlg::kOff, true, ServerFlavor::kMySql},
      {"5.7.20-log", ChecksumAlg::kOff, true, ServerFlavor::kMySql},
      {"5.2.9-MariaDB", ChecksumAlg::kUndefined, false, ServerFlavor::kMariaDb},
      {"5.3.0-MariaDB", ChecksumAlg::kCrc32, true, ServerFlavor::kMariaDb},
      {"10.11.19-MariaDB-log", ChecksumAlg::kCrc32, true, ServerFlavor::kMariaDb},
      {"5.5.5-10.1.2-MariaDB", ChecksumAlg::kOff, true, ServerFlavor::kMariaDb},
  };
  for (const Case& c : cases) {
    BinlogBuilder b(false);
    b.Fde(c.version, c.written);
    auto fd = ParseFormatDescription(b.bytes());
    ASSERT_TRUE(fd.ok()) << c.version << ": " << fd.status().ToString();
    EXPECT_EQ(fd->has_checksum_alg, c.has_alg) << c.version;
    EXPECT_EQ(fd->flavor, c.flavor) << c.version;
    EXPECT_EQ(fd->checksum_alg, c.written) << c.version;
    // The post-header array is exactly what was written, whatever the tail.
    EXPECT_EQ(fd->post_header_lengths,
              osc::testing::StandardPostHeaderLengths(c.flavor == ServerFlavor::kMariaDb))
        << c.version;
  }
}

TEST(FormatDescriptionTest, SplitsVersionsTheWayTheServerDoes) {
  EXPECT_EQ(SplitServerVersion("10.5.15-MariaDB-1:10.5.15+maria~focal-log"),
            (std::array<uint8_t, 3>{10, 5, 15}));
  EXPECT_EQ(SplitServerVersion("8.0"), (std::array<uint8_t, 3>{8, 0, 0}));
  EXPECT_EQ(SplitServerVersion("5.6.16-64.2-56-log"), (std::array<uint8_t, 3>{5, 6, 16}));
  EXPECT_EQ(SplitServerVersion("8"), (std::array<uint8_t, 3>{0, 0, 0}));
  EXPECT_EQ(SplitServerVersion("256.1.1"), (std::array<uint8_t, 3>{0, 0, 0}));
  EXPECT_EQ(SplitServerVersion(""), (std::array<uint8_t, 3>{0, 0, 0}));
}

TEST(FormatDescriptionTest, RejectsBadAlgorithmBytesShortBodiesAndOtherVersions) {
  BinlogBuilder b(false);
  b.Fde("8.0.36", ChecksumAlg::kCrc32);
  Buffer bad_alg = b.bytes();
  bad_alg[bad_alg.size() - 5] = 7;
  EXPECT_TRUE(ParseFormatDescription(bad_alg).status().IsCorruption());

  Buffer v3 = b.bytes();
  v3[19] = 3;
  EXPECT_TRUE(ParseFormatDescription(v3).status().IsNotSupported());

  Buffer short_header = b.bytes();
  short_header[19 + 56] = 13;  // common header length < 19
  EXPECT_TRUE(ParseFormatDescription(short_header).status().IsCorruption());

  for (size_t n = 0; n < b.bytes().size(); ++n) {
    Buffer cut(b.bytes().begin(), b.bytes().begin() + static_cast<std::ptrdiff_t>(n));
    if (n >= 19) StoreLE32(cut.data() + 9, static_cast<uint32_t>(n));
    const auto fd = ParseFormatDescription(cut);
    // Either rejected, or (once the version says "no alg byte" can't apply)
    // a description whose array is shorter: never a crash, never an overrun.
    if (n < 19 + 57 + 5) {
      EXPECT_FALSE(fd.ok()) << n;
    }
  }
}

TEST(FormatDescriptionTest, RejectsVersionsNoBinlogV4ServerWrites) {
  // A damaged version could otherwise switch checksum verification off.
  for (const char* version : {"8/0.36", "x.0.36", "", "4.1.22-log"}) {
    BinlogBuilder b(false);
    b.Fde(version, ChecksumAlg::kUndefined);
    EXPECT_TRUE(ParseFormatDescription(b.bytes()).status().IsCorruption()) << version;
  }
}

TEST(FormatDescriptionTest, DefaultV4KnowsTheRotatePostHeader) {
  const FormatDescription fd = FormatDescription::DefaultV4(ChecksumAlg::kCrc32);
  EXPECT_EQ(fd.PostHeaderLength(4), 8);     // ROTATE
  EXPECT_EQ(fd.PostHeaderLength(162), 19);  // MariaDB GTID
  EXPECT_EQ(fd.PostHeaderLength(169), 10);  // MariaDB WRITE_ROWS_COMPRESSED (v2)
  EXPECT_TRUE(fd.ChecksumsEnabled());
}

}  // namespace
}  // namespace osc::binlog
