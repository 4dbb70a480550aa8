// EventReader: framing, "need more" vs corrupt, checksums, FDE changes,
// ignorable events, TRANSACTION_PAYLOAD and MariaDB compressed events, and
// corrupt / truncate / lengthen sweeps over a whole stream.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "binlog/binlog_file.h"
#include "binlog/event_reader.h"
#include "binlog/events.h"
#include "tests/support/binlog_encoder.h"

namespace osc::binlog {
namespace {

namespace t = osc::testing;
using t::BinlogBuilder;
using t::Buffer;

constexpr uint8_t kQuery = 2, kXid = 16, kTableMap = 19, kWriteRowsV1 = 23, kUpdateRowsV1 = 24,
                  kWriteRowsV2 = 30, kPayload = 40;

Buffer QueryOf(std::string_view db, std::string_view text) {
  QueryEvent q;
  q.db = db;
  q.query = text;
  return t::QueryBody(q);
}

// Reads `stream` to the end. Returns the events; `*end` is the final status
// (OK when the reader stopped needing more bytes at the very end).
struct ReadAll {
  std::vector<EventView> events;
  Status status;
  bool needs_more_at_end = false;
  size_t consumed = 0;
};

ReadAll Drain(EventReader& reader, Bytes stream) {
  ReadAll out;
  while (true) {
    auto step = reader.Next(stream.subspan(out.consumed));
    if (!step.ok()) {
      out.status = step.status();
      return out;
    }
    out.consumed += step->consumed;
    if (step->kind == EventReader::Step::kNeedMore) {
      out.needs_more_at_end = out.consumed < stream.size();
      return out;
    }
    out.events.push_back(step->event);
  }
}

ReadAll DrainFile(const Buffer& file, EventReaderOptions options = {}) {
  options.start_offset = 4;
  options.format_description_first = true;
  EventReader reader(options);
  return Drain(reader, Bytes(file).subspan(4));
}

TEST(EventReaderTest, AsksForTheHeaderThenTheWholeEventAndConsumesNothingUntilThen) {
  BinlogBuilder b;
  b.Fde("8.0.36", ChecksumAlg::kCrc32).Event(kQuery, QueryOf("db", "BEGIN"));
  const Bytes stream = Bytes(b.bytes()).subspan(4);
  const size_t fde_size = b.offsets()[1] - b.offsets()[0];
  for (size_t n = 0; n < fde_size; ++n) {
    EventReader reader;
    auto step = reader.Next(stream.first(n));
    ASSERT_TRUE(step.ok()) << step.status().ToString();
    EXPECT_EQ(step->kind, EventReader::Step::kNeedMore);
    EXPECT_EQ(step->consumed, 0u);
    EXPECT_EQ(step->need, n < 19 ? 19u : fde_size) << n;
  }
  EventReader reader({.start_offset = 4});
  auto fde = reader.Next(stream);
  ASSERT_TRUE(fde.ok());
  EXPECT_EQ(fde->consumed, fde_size);
  EXPECT_EQ(fde->event.offset, 4u);
  EXPECT_TRUE(reader.format().ChecksumsEnabled());
  auto query = reader.Next(stream.subspan(fde_size));
  ASSERT_TRUE(query.ok());
  ASSERT_EQ(query->kind, EventReader::Step::kEvent);
  EXPECT_EQ(query->event.offset, b.offsets()[1]);
  auto q = ParseQuery(query->event.body, 13);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->query, "BEGIN");  // the CRC32 trailer is not part of the body
}

TEST(EventReaderTest, ChecksumMismatchIsCorruptionNamingTheOffsetAndIsSticky) {
  BinlogBuilder b;
  b.Fde("5.7.40-log", ChecksumAlg::kCrc32).Event(kXid, t::XidBody(1)).Event(kXid, t::XidBody(2));
  Buffer file = b.bytes();
  file[b.offsets()[2] + 20] ^= 0x10;
  const ReadAll r = DrainFile(file);
  EXPECT_TRUE(r.status.IsCorruption());
  EXPECT_NE(r.status.message().find("offset " + std::to_string(b.offsets()[2])), std::string_view::npos)
      << r.status.ToString();
  EXPECT_EQ(r.events.size(), 2u);  // FDE and the first XID
}

TEST(EventReaderTest, ErrorsAreStickyAcrossCalls) {
  BinlogBuilder b;
  b.Fde("5.7.40-log", ChecksumAlg::kCrc32).Event(kXid, t::XidBody(1));
  Buffer file = b.bytes();
  file.back() ^= 1;
  EventReader reader({.start_offset = 4});
  const Bytes stream = Bytes(file).subspan(4);
  ASSERT_TRUE(reader.Next(stream).ok());
  const size_t fde_size = b.offsets()[1] - 4;
  EXPECT_TRUE(reader.Next(stream.subspan(fde_size)).status().IsCorruption());
  EXPECT_TRUE(reader.Next({}).status().IsCorruption());
}

TEST(EventReaderTest, TrailersFollowTheFdeInForceIncludingAMidStreamChange) {
  BinlogBuilder b;
  b.Fde("8.0.36", ChecksumAlg::kCrc32).Event(kXid, t::XidBody(1));
  b.Fde("10.11.19-MariaDB-log", ChecksumAlg::kOff).Event(kXid, t::XidBody(2));
  b.Fde("5.5.27-log", ChecksumAlg::kUndefined).Event(kXid, t::XidBody(3));
  const ReadAll r = DrainFile(b.bytes());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.events.size(), 6u);
  for (size_t i : {1u, 3u, 5u}) {
    EXPECT_EQ(r.events[i].body.size(), 8u) << i;  // no trailer left on any
    EXPECT_EQ(ParseXid(r.events[i].body)->xid, (i + 1) / 2);
  }
  EXPECT_FALSE(r.needs_more_at_end);
}

TEST(EventReaderTest, SkipsUnknownIgnorableEventsAndRefusesUnknownMandatoryOnes) {
  BinlogBuilder b;
  b.Fde("5.7.12-log", ChecksumAlg::kCrc32)
      .Event(100, Buffer(928, 0), kFlagIgnorable)  // Aurora padding
      .Event(kQuery, QueryOf("", "BEGIN"));
  const ReadAll ok = DrainFile(b.bytes());
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  ASSERT_EQ(ok.events.size(), 2u);
  EXPECT_EQ(ok.events[1].type(), EventType::kQuery);

  BinlogBuilder mandatory;
  mandatory.Fde("5.7.12-log", ChecksumAlg::kCrc32).Event(100, Buffer(8, 0));
  EXPECT_TRUE(DrainFile(mandatory.bytes()).status.IsNotSupported());
  const ReadAll passed = DrainFile(mandatory.bytes(), {.pass_unknown_events = true});
  ASSERT_TRUE(passed.status.ok());
  ASSERT_EQ(passed.events.size(), 2u);
  EXPECT_EQ(passed.events[1].header.type, 100);
}

TEST(EventReaderTest, PassesStopUserVarAndIntvarThroughWithTheirRawBodies) {
  const Buffer user_var = {3, 0, 0, 0, 'a', 'b', 'c', 1};  // name "abc", NULL value
  BinlogBuilder b;
  b.Fde("5.6.4-m7-debug-log", ChecksumAlg::kCrc32)
      .Event(5, t::IntvarBody(2, 1000))
      .Event(14, user_var)
      .Event(3, {});
  for (bool verify : {true, false}) {
    const ReadAll r = DrainFile(b.bytes(), {.verify_checksums = verify});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    ASSERT_EQ(r.events.size(), 4u);
    EXPECT_EQ(ParseIntvar(r.events[1].body)->value, 1000u);
    EXPECT_EQ(Buffer(r.events[2].body.begin(), r.events[2].body.end()), user_var);
    EXPECT_EQ(r.events[3].type(), EventType::kStop);
    EXPECT_TRUE(r.events[3].body.empty());  // trailer stripped even unverified
  }
}

TEST(EventReaderTest, RejectsADeclaredSizeAboveTheLimitBeforeTheBytesArrive) {
  Buffer header = t::EncodeEvent(kXid, t::XidBody(1), false);
  StoreLE32(header.data() + 9, 64u << 20);
  EventReader reader({.max_event_size = 16u << 20});
  auto step = reader.Next(Bytes(header).first(19));
  EXPECT_TRUE(step.status().IsCorruption()) << step.status().ToString();
}

TEST(EventReaderTest, ChecksumBeforeTheFirstFdeComesFromTheOptions) {
  // A network stream: artificial ROTATE (with CRC32) before the FDE.
  BinlogBuilder b(/*with_magic=*/false);
  b.RawEvent(4, t::RotateBody(4, "mysql-bin.000009"), /*crc=*/true, kFlagArtificial);
  EventReader reader({.checksum_before_format = ChecksumAlg::kCrc32});
  auto step = reader.Next(b.bytes());
  ASSERT_TRUE(step.ok()) << step.status().ToString();
  auto rotate = ParseRotate(step->event.body, reader.format().PostHeaderLength(4));
  ASSERT_TRUE(rotate.ok());
  EXPECT_EQ(rotate->next_file, "mysql-bin.000009");
}

Buffer Zstd(const Buffer& in) {
  Buffer out(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// QUERY, TABLE_MAP, WRITE_ROWS, XID as a transaction payload holds them: no
// checksums, log_pos 0.
Buffer InnerEvents() {
  Buffer inner;
  for (const Buffer& ev : {t::EncodeEvent(kQuery, QueryOf("test", "BEGIN"), false),
                           t::EncodeEvent(kTableMap, Buffer{1, 0, 0, 0, 0, 0, 1, 0, 4, 't', 'e', 's', 't'}, false),
                           t::EncodeEvent(kWriteRowsV2, Buffer(23, 0x5a), false),
                           t::EncodeEvent(kXid, t::XidBody(99), false)}) {
    inner.insert(inner.end(), ev.begin(), ev.end());
  }
  return inner;
}

TEST(EventReaderTest, UnpacksATransactionPayloadIntoItsInnerEvents) {
  const Buffer inner = InnerEvents();
  for (uint8_t compression : {uint8_t{0}, uint8_t{255}}) {
    const Buffer payload = compression == 0 ? Zstd(inner) : inner;
    BinlogBuilder b;
    b.Fde("8.0.32", ChecksumAlg::kCrc32)
        .Event(kPayload, t::TransactionPayloadBody(compression, payload, inner.size()))
        .Event(kXid, t::XidBody(100));
    const ReadAll r = DrainFile(b.bytes());
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    ASSERT_EQ(r.events.size(), 7u);
    EXPECT_EQ(r.events[1].type(), EventType::kTransactionPayload);
    const EventType expected[] = {EventType::kQuery, EventType::kTableMap, EventType::kWriteRowsV2,
                                  EventType::kXid};
    for (size_t i = 0; i < 4; ++i) {
      const EventView& ev = r.events[2 + i];
      EXPECT_EQ(ev.type(), expected[i]);
      EXPECT_TRUE(ev.in_payload);
      EXPECT_EQ(ev.offset, b.offsets()[1]);
      EXPECT_NE(ev.storage, nullptr);
    }
    EXPECT_EQ(r.events[4].body.size(), 23u);
    EXPECT_EQ(ParseXid(r.events[5].body)->xid, 99u);
    EXPECT_FALSE(r.events[6].in_payload);
    EXPECT_EQ(ParseXid(r.events[6].body)->xid, 100u);
  }
}

TEST(EventReaderTest, PayloadSizesAreBoundedAndMustMatch) {
  const Buffer inner = InnerEvents();
  const Buffer z = Zstd(inner);
  auto read = [](const Buffer& body, uint64_t limit) {
    BinlogBuilder b;
    b.Fde("8.0.32", ChecksumAlg::kCrc32).Event(kPayload, body);
    return DrainFile(b.bytes(), {.max_uncompressed_size = limit}).status;
  };
  EXPECT_TRUE(read(t::TransactionPayloadBody(0, z, inner.size()), 1 << 20).ok());
  // Declared above the limit: refused before decompressing.
  EXPECT_TRUE(read(t::TransactionPayloadBody(0, z, inner.size()), inner.size() - 1).IsCorruption());
  // Declared smaller or larger than what the stream holds.
  EXPECT_TRUE(read(t::TransactionPayloadBody(0, z, inner.size() - 1), 1 << 20).IsCorruption());
  EXPECT_TRUE(read(t::TransactionPayloadBody(0, z, inner.size() + 1), 1 << 20).IsCorruption());
  // No declared size: bounded by the limit instead.
  EXPECT_TRUE(read(t::TransactionPayloadBody(0, z, std::nullopt), 1 << 20).ok());
  EXPECT_TRUE(read(t::TransactionPayloadBody(0, z, std::nullopt), 64).IsCorruption());
  // Unknown compression type, garbage stream, inner event overrunning.
  EXPECT_TRUE(read(t::TransactionPayloadBody(7, z, inner.size()), 1 << 20).IsCorruption());
  EXPECT_TRUE(read(t::TransactionPayloadBody(0, Buffer(40, 0x33), 100), 1 << 20).IsCorruption());
  Buffer overrun = inner;
  StoreLE32(overrun.data() + 9, 5000);
  EXPECT_TRUE(read(t::TransactionPayloadBody(255, overrun, std::nullopt), 1 << 20).IsCorruption());
  const Buffer nested = t::EncodeEvent(kPayload, t::TransactionPayloadBody(255, inner, std::nullopt), false);
  EXPECT_TRUE(read(t::TransactionPayloadBody(255, nested, std::nullopt), 1 << 20).IsCorruption());
}

Buffer Deflate(const Buffer& in) {
  uLongf n = compressBound(static_cast<uLong>(in.size()));
  Buffer out(n);
  EXPECT_EQ(compress(out.data(), &n, in.data(), static_cast<uLong>(in.size())), Z_OK);
  out.resize(n);
  return out;
}

TEST(EventReaderTest, HandsOutMariaDbCompressedQueryAsAPlainQuery) {
  const std::string text = "ALTER TABLE t1 ADD COLUMN c2 INT, ALGORITHM=INPLACE";
  QueryEvent head;
  head.db = "test";
  Buffer body = t::QueryBody(head);  // empty query: the compressed block follows
  const Buffer block = t::MariaCompressedBlock(static_cast<uint32_t>(text.size()),
                                               Deflate(Buffer(text.begin(), text.end())));
  body.insert(body.end(), block.begin(), block.end());
  BinlogBuilder b;
  b.Fde("10.11.19-MariaDB-log", ChecksumAlg::kCrc32).Event(165, body);
  const ReadAll r = DrainFile(b.bytes());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.events.size(), 2u);
  const EventView& ev = r.events[1];
  EXPECT_EQ(ev.type(), EventType::kQuery);
  EXPECT_EQ(ev.wire_type, 165);
  EXPECT_NE(ev.storage, nullptr);
  auto q = ParseQuery(ev.body, 13);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->db, "test");
  EXPECT_EQ(q->query, text);
}

// Rows header up to the compressed rows: table id, flags, [v2 extra
// header], column count 3, bitmap(s).
Buffer RowsHead(bool v2, bool update) {
  Buffer head = {0x21, 0, 0, 0, 0, 0, 0x01, 0x00};
  if (v2) {
    head.push_back(2);  // extra-data length, counting itself
    head.push_back(0);
  }
  head.push_back(3);
  head.push_back(0x07);
  if (update) head.push_back(0x07);
  return head;
}

TEST(EventReaderTest, HandsOutMariaDbCompressedRowsAsPlainRowEvents) {
  const Buffer rows = {0xf8, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
  struct Case {
    uint8_t wire;
    uint8_t plain;
    bool v2;
    bool update;
  };
  for (const Case c : {Case{166, kWriteRowsV1, false, false}, Case{167, kUpdateRowsV1, false, true},
                       Case{169, kWriteRowsV2, true, false}}) {
    Buffer body = RowsHead(c.v2, c.update);
    const size_t head_size = body.size();
    const Buffer block = t::MariaCompressedBlock(static_cast<uint32_t>(rows.size()), Deflate(rows));
    body.insert(body.end(), block.begin(), block.end());
    BinlogBuilder b;
    b.Fde("10.11.19-MariaDB-log", ChecksumAlg::kCrc32).Event(c.wire, body);
    const ReadAll r = DrainFile(b.bytes());
    ASSERT_TRUE(r.status.ok()) << int{c.wire} << ": " << r.status.ToString();
    const EventView& ev = r.events.at(1);
    EXPECT_EQ(ev.header.type, c.plain);
    EXPECT_EQ(ev.wire_type, c.wire);
    Buffer expected = RowsHead(c.v2, c.update);
    expected.insert(expected.end(), rows.begin(), rows.end());
    EXPECT_EQ(Buffer(ev.body.begin(), ev.body.end()), expected);
    EXPECT_EQ(ev.header.event_size, 19 + expected.size() + 4);
    EXPECT_EQ(head_size + rows.size(), ev.body.size());
  }
}

TEST(EventReaderTest, MariaDbCompressedBlocksAreValidatedAndBounded) {
  const Buffer rows(100, 0x42);
  auto read = [](Buffer body, uint64_t limit) {
    BinlogBuilder b;
    b.Fde("10.11.19-MariaDB-log", ChecksumAlg::kCrc32).Event(166, body);
    return DrainFile(b.bytes(), {.max_uncompressed_size = limit}).status;
  };
  Buffer good = RowsHead(false, false);
  const Buffer block = t::MariaCompressedBlock(100, Deflate(rows));
  good.insert(good.end(), block.begin(), block.end());
  EXPECT_TRUE(read(good, 1 << 20).ok());
  EXPECT_TRUE(read(good, 99).IsCorruption());  // declared 100 > limit
  Buffer bad_alg = good;
  bad_alg[RowsHead(false, false).size()] |= 0x10;  // algorithm 1
  EXPECT_TRUE(read(bad_alg, 1 << 20).IsCorruption());
  Buffer wrong_len = RowsHead(false, false);
  const Buffer short_block = t::MariaCompressedBlock(90, Deflate(rows));
  wrong_len.insert(wrong_len.end(), short_block.begin(), short_block.end());
  EXPECT_TRUE(read(wrong_len, 1 << 20).IsCorruption());
}

TEST(EventReaderTest, StopsAtEncryptedEvents) {
  StartEncryptionEvent se;
  BinlogBuilder b;
  b.Fde("10.11.19-MariaDB-log", ChecksumAlg::kCrc32)
      .Event(164, t::StartEncryptionBody(se))
      .Event(kXid, t::XidBody(1));
  const ReadAll r = DrainFile(b.bytes());
  EXPECT_EQ(r.events.size(), 2u);
  EXPECT_TRUE(r.status.IsNotSupported()) << r.status.ToString();
}

TEST(EventReaderTest, ReadPacketTakesExactlyOneEventPerPacket) {
  BinlogBuilder fde(false);
  fde.Fde("8.0.36", ChecksumAlg::kCrc32);
  EventReader reader;
  ASSERT_TRUE(reader.ReadPacket(fde.bytes()).ok());
  const Buffer xid = t::EncodeEvent(kXid, t::XidBody(5), true);
  auto ev = reader.ReadPacket(xid);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ParseXid(ev->body)->xid, 5u);
  EXPECT_TRUE(reader.ReadPacket(t::EncodeEvent(100, Buffer(4, 0), true, 0, kFlagIgnorable)).status().IsNotFound());

  const Buffer inner = InnerEvents();
  ASSERT_TRUE(reader.ReadPacket(t::EncodeEvent(kPayload, t::TransactionPayloadBody(255, inner, std::nullopt), true)).ok());
  EXPECT_TRUE(reader.has_pending());
  EXPECT_TRUE(reader.ReadPacket(xid).status().code() == Status::Code::kFailedPrecondition);
  int inner_events = 0;
  while (reader.has_pending()) {
    auto step = reader.Next({});
    ASSERT_TRUE(step.ok());
    ASSERT_EQ(step->kind, EventReader::Step::kEvent);
    ++inner_events;
  }
  EXPECT_EQ(inner_events, 4);

  Buffer longer = xid;
  longer.push_back(0);
  EXPECT_TRUE(reader.ReadPacket(longer).status().IsCorruption());
}

TEST(BinlogFileReaderTest, ReportsMissingFilesBadMagicAndReadsAPlainFile) {
  EXPECT_TRUE(BinlogFileReader::Open("/nonexistent/osc/binlog.000001").status().IsNotFound());
  const std::string dir = ::testing::TempDir();
  const std::string bad = dir + "/osc_d1_bad_magic.bin";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "not a binlog";
  }
  EXPECT_TRUE(BinlogFileReader::Open(bad).status().IsCorruption());

  BinlogBuilder b;
  b.Fde("8.0.36", ChecksumAlg::kCrc32).Event(kXid, t::XidBody(11));
  const std::string good = dir + "/osc_d1_good.bin";
  {
    std::ofstream out(good, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.bytes().data()), static_cast<std::streamsize>(b.bytes().size()));
  }
  auto reader = BinlogFileReader::Open(good);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto fde = (*reader)->Next();
  ASSERT_TRUE(fde.ok() && fde->has_value());
  EXPECT_EQ((*fde)->offset, 4u);
  auto xid = (*reader)->Next();
  ASSERT_TRUE(xid.ok() && xid->has_value());
  EXPECT_EQ(ParseXid((*xid)->body)->xid, 11u);
  auto end = (*reader)->Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  std::remove(bad.c_str());
  std::remove(good.c_str());
}

// A stream with one of everything the reader treats specially.
Buffer MixedStream() {
  const Buffer inner = InnerEvents();
  GtidEvent gtid;
  gtid.sid[0] = 1;
  gtid.gno = 5;
  BinlogBuilder b;
  b.Fde("8.0.36", ChecksumAlg::kCrc32, kFlagBinlogInUse)
      .Event(33, t::GtidBody(gtid))
      .Event(kQuery, QueryOf("db", "BEGIN"))
      .Event(100, Buffer(10, 0), kFlagIgnorable)
      .Event(kPayload, t::TransactionPayloadBody(0, Zstd(inner), inner.size()))
      .Event(kXid, t::XidBody(7))
      .Event(4, t::RotateBody(4, "binlog.000002"));
  return b.bytes();
}

TEST(EventReaderSweepTest, EveryTruncationNeedsMoreAndYieldsAPrefix) {
  const Buffer file = MixedStream();
  const ReadAll full = DrainFile(file);
  ASSERT_TRUE(full.status.ok()) << full.status.ToString();
  ASSERT_EQ(full.events.size(), 10u);
  for (size_t n = 4; n < file.size(); ++n) {
    const Buffer cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    const ReadAll r = DrainFile(cut);
    ASSERT_TRUE(r.status.ok()) << n << ": " << r.status.ToString();
    EXPECT_LE(r.events.size(), full.events.size());
    for (size_t i = 0; i < r.events.size(); ++i) EXPECT_EQ(r.events[i].header.type, full.events[i].header.type);
  }
}

TEST(EventReaderSweepTest, EveryFlippedByteIsCaughtByTheChecksums) {
  const Buffer file = MixedStream();
  const size_t full = DrainFile(file).events.size();
  for (size_t i = 4; i < file.size(); ++i) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      if (i == 4 + 17 && flip == 0x01) continue;  // the FDE's in-use bit is outside its CRC
      Buffer bad = file;
      bad[i] ^= flip;
      const ReadAll r = DrainFile(bad);
      EXPECT_TRUE(!r.status.ok() || r.needs_more_at_end || r.events.size() < full)
          << "flip " << int{flip} << " at " << i << " went unnoticed";
    }
  }
}

TEST(EventReaderSweepTest, GarbageAfterTheLastEventNeverCrashes) {
  std::mt19937 rng(12345);
  const Buffer file = MixedStream();
  for (int round = 0; round < 200; ++round) {
    Buffer longer = file;
    const size_t extra = rng() % 64;
    for (size_t i = 0; i < extra; ++i) longer.push_back(static_cast<uint8_t>(rng()));
    const ReadAll r = DrainFile(longer);
    EXPECT_GE(r.events.size(), 10u);  // everything before the garbage still decodes
  }
  for (int round = 0; round < 300; ++round) {  // random bytes, checksums off
    Buffer noise(4 + rng() % 300);
    for (uint8_t& byte : noise) byte = static_cast<uint8_t>(rng());
    DrainFile(noise);
    DrainFile(noise, {.verify_checksums = false, .pass_unknown_events = true});
  }
}

}  // namespace
}  // namespace osc::binlog
