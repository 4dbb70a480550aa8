// Round trips (test encoder -> decoder) for every non-row event body, and
// corrupt / truncate / lengthen sweeps over each of them.
#include <gtest/gtest.h>

#include <functional>

#include "binlog/events.h"
#include "tests/support/binlog_encoder.h"

namespace osc::binlog {
namespace {

namespace t = osc::testing;
using t::Buffer;

Uuid MakeUuid(uint8_t seed) {
  Uuid u;
  for (size_t i = 0; i < u.size(); ++i) u[i] = static_cast<uint8_t>(seed + 17 * i);
  return u;
}

// Feeds truncations, single-byte corruptions and appended garbage of `body`
// to `parse`, each in its own exact-size heap buffer so a sanitizer build
// catches any read past the end. `parse` returns whether decoding
// succeeded; `truncation_fails_below` is the length under which a
// truncated body must be rejected.
void Sweep(const Buffer& body, const std::function<bool(Bytes)>& parse, size_t truncation_fails_below) {
  for (size_t n = 0; n < body.size(); ++n) {
    const auto cut = std::make_unique<uint8_t[]>(n + 1);
    std::copy_n(body.begin(), n, cut.get());
    const bool ok = parse(Bytes(cut.get(), n));
    if (n < truncation_fails_below) {
      EXPECT_FALSE(ok) << "truncated to " << n;
    }
  }
  for (size_t i = 0; i < body.size(); ++i) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      Buffer bad = body;
      bad[i] ^= flip;
      parse(bad);  // any value or error; must not crash or overrun
    }
  }
  Buffer longer = body;
  for (int i = 0; i < 64; ++i) longer.push_back(static_cast<uint8_t>(0xfb + i));
  parse(longer);
}

TEST(QueryEventTest, RoundTripsAllFields) {
  const uint8_t status[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x00};
  QueryEvent in;
  in.thread_id = 77;
  in.exec_time = 3;
  in.error_code = 1062;
  in.status_vars = Bytes(status, sizeof(status));
  in.db = "shop";
  in.query = "ALTER TABLE orders ADD COLUMN note TEXT";
  const Buffer body = t::QueryBody(in);
  auto q = ParseQuery(body, kQueryPostHeaderLength);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->thread_id, 77u);
  EXPECT_EQ(q->exec_time, 3u);
  EXPECT_EQ(q->error_code, 1062);
  EXPECT_EQ(Buffer(q->status_vars.begin(), q->status_vars.end()), Buffer(status, status + sizeof(status)));
  EXPECT_EQ(q->db, "shop");
  EXPECT_EQ(q->query, in.query);
  Sweep(body, [](Bytes b) { return ParseQuery(b, kQueryPostHeaderLength).ok(); },
        13 + sizeof(status) + 4 + 1);
}

TEST(QueryEventTest, SkipsExtraPostHeaderBytesAndRejectsAShortOne) {
  QueryEvent in;
  in.db = "d";
  in.query = "BEGIN";
  Buffer body = t::QueryBody(in);
  body.insert(body.begin() + 13, {0xaa, 0xbb});  // a longer post-header
  auto q = ParseQuery(body, 15);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->db, "d");
  EXPECT_EQ(q->query, "BEGIN");
  EXPECT_TRUE(ParseQuery(body, 11).status().IsCorruption());
}

TEST(QueryEventTest, StatusVariablesLongerThanTheBodyAreCorrupt) {
  QueryEvent in;
  in.query = "COMMIT";
  Buffer body = t::QueryBody(in);
  StoreLE16(body.data() + 11, 500);
  EXPECT_TRUE(ParseQuery(body, 13).status().IsCorruption());
}

TEST(RotateEventTest, RoundTripsAndTakesTheNameToTheEndOfTheBodyOnly) {
  const Buffer body = t::RotateBody(4, "mysql-bin.000123");
  auto r = ParseRotate(body, 8);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->position, 4u);
  EXPECT_EQ(r->next_file, "mysql-bin.000123");
  // The view ends exactly at the body's end (no trailing byte read).
  EXPECT_EQ(r->next_file.data() + r->next_file.size(), reinterpret_cast<const char*>(body.data() + body.size()));
  auto no_post_header = ParseRotate(Bytes(body).subspan(8), 0);
  ASSERT_TRUE(no_post_header.ok());
  EXPECT_EQ(no_post_header->position, 4u);
  EXPECT_EQ(no_post_header->next_file, "mysql-bin.000123");
  Sweep(body, [](Bytes b) { return ParseRotate(b, 8).ok(); }, 9);
}

TEST(SmallEventsTest, XidIntvarIncidentRowsQueryRoundTrip) {
  auto x = ParseXid(t::XidBody(0x0102030405060708));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->xid, 0x0102030405060708u);
  Sweep(t::XidBody(9), [](Bytes b) { return ParseXid(b).ok(); }, 8);

  auto i = ParseIntvar(t::IntvarBody(2, 12345));
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->type, 2);
  EXPECT_EQ(i->value, 12345u);
  Sweep(t::IntvarBody(1, 1), [](Bytes b) { return ParseIntvar(b).ok(); }, 9);

  const Buffer incident = t::IncidentBody(1, "LOST_EVENTS");  // views point into it
  auto inc = ParseIncident(incident);
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->type, 1);
  EXPECT_EQ(inc->message, "LOST_EVENTS");
  Sweep(t::IncidentBody(1, "gap"), [](Bytes b) { return ParseIncident(b).ok(); }, 6);

  const Buffer rows_query = t::RowsQueryBody("UPDATE t SET a = 1");
  auto rq = ParseRowsQuery(rows_query);
  ASSERT_TRUE(rq.ok());
  EXPECT_EQ(rq->query, "UPDATE t SET a = 1");
  EXPECT_FALSE(ParseRowsQuery({}).ok());
}

TEST(HeartbeatEventTest, V1AndV2RoundTrip) {
  const std::string file = "binlog.000041";
  auto v1 = ParseHeartbeatV1(AsBytes(file), 9876);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->log_file, file);
  EXPECT_EQ(v1->position, 9876u);

  const Buffer v2_body = t::HeartbeatV2Body(file, 123456789);
  auto v2 = ParseHeartbeatV2(v2_body);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->log_file, file);
  EXPECT_EQ(v2->position, 123456789u);

  auto no_pos = ParseHeartbeatV2(t::HeartbeatV2Body(file, std::nullopt));
  ASSERT_TRUE(no_pos.ok());
  EXPECT_FALSE(no_pos->position.has_value());

  // An unknown field (id 9) is skipped by its length.
  Buffer with_unknown = {9, 3, 'x', 'y', 'z'};
  const Buffer rest = t::HeartbeatV2Body(file, 5);
  with_unknown.insert(with_unknown.end(), rest.begin(), rest.end());
  auto skipped = ParseHeartbeatV2(with_unknown);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->position, 5u);
  Sweep(t::HeartbeatV2Body(file, 70000), [](Bytes b) { return ParseHeartbeatV2(b).ok(); }, 0);
}

GtidEvent FullGtid() {
  GtidEvent g;
  g.flags = 1;
  g.sid = MakeUuid(3);
  g.gno = 123456789012;
  g.last_committed = 41;
  g.sequence_number = 42;
  g.immediate_commit_timestamp = 1700000000123456;
  g.original_commit_timestamp = 1690000000000001;
  g.transaction_length = 70000;
  g.immediate_server_version = 80036;
  g.original_server_version = 80028;
  g.commit_group_ticket = 5;
  return g;
}

void ExpectSameGtid(const GtidEvent& a, const GtidEvent& b) {
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.sid, b.sid);
  EXPECT_EQ(a.tag, b.tag);
  EXPECT_EQ(a.gno, b.gno);
  EXPECT_EQ(a.last_committed, b.last_committed);
  EXPECT_EQ(a.sequence_number, b.sequence_number);
  EXPECT_EQ(a.immediate_commit_timestamp, b.immediate_commit_timestamp);
  EXPECT_EQ(a.original_commit_timestamp, b.original_commit_timestamp);
  EXPECT_EQ(a.transaction_length, b.transaction_length);
  EXPECT_EQ(a.immediate_server_version, b.immediate_server_version);
  EXPECT_EQ(a.original_server_version, b.original_server_version);
  EXPECT_EQ(a.commit_group_ticket, b.commit_group_ticket);
}

TEST(GtidEventTest, RoundTripsEachServerGenerationsLayout) {
  GtidEvent v56;  // 5.6: flags, sid, gno only
  v56.sid = MakeUuid(1);
  v56.gno = 7;
  GtidEvent v57 = v56;  // 5.7: + logical clock
  v57.last_committed = 3;
  v57.sequence_number = 4;
  GtidEvent v80 = v57;  // 8.0.1: + commit timestamps equal (no original)
  v80.immediate_commit_timestamp = 1600000000000000;
  v80.original_commit_timestamp = 1600000000000000;
  for (const GtidEvent& in : {v56, v57, v80, FullGtid()}) {
    auto out = ParseGtid(t::GtidBody(in), 33);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ExpectSameGtid(*out, in);
  }
  Sweep(t::GtidBody(FullGtid()), [](Bytes b) { return ParseGtid(b, 33).ok(); }, 25);
}

TEST(GtidEventTest, AnonymousAllowsGnoZeroButGtidDoesNot) {
  GtidEvent anon;
  anon.last_committed = 0;
  anon.sequence_number = 1;
  const Buffer body = t::GtidBody(anon);
  EXPECT_TRUE(ParseGtid(body, 34).ok());
  EXPECT_TRUE(ParseGtid(body, 33).status().IsCorruption());
  EXPECT_TRUE(ParseGtid(body, 2).status().IsInvalidArgument());
}

TEST(GtidEventTest, TaggedRoundTripsIncludingLargeValues) {
  GtidEvent g = FullGtid();
  g.tag = "orders_migration";
  g.gno = (int64_t{1} << 62) + 5;
  g.commit_group_ticket = ~uint64_t{0};
  g.last_committed = -1;  // negative values use the zigzag form
  auto out = ParseGtid(t::GtidTaggedBody(g), 42);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectSameGtid(*out, g);

  GtidEvent same_origin = FullGtid();
  same_origin.original_commit_timestamp = same_origin.immediate_commit_timestamp;
  same_origin.original_server_version = same_origin.immediate_server_version;
  same_origin.commit_group_ticket.reset();
  auto omitted = ParseGtid(t::GtidTaggedBody(same_origin), 42);
  ASSERT_TRUE(omitted.ok()) << omitted.status().ToString();
  ExpectSameGtid(*omitted, same_origin);
  Sweep(t::GtidTaggedBody(g), [](Bytes b) { return ParseGtid(b, 42).ok(); }, 3);
}

TEST(GtidEventTest, DecodesARealTaggedEventFromPerconaServer84) {
  // Gtid_tagged_log_event body (checksum stripped) published in Percona-Lab
  // percona-binlog-server's binlog_tail_scanner tests: GTID
  // 77d1902c-01da-11f1-9a41-908d6e5f6e8d:test_tag:1, transaction_length 337,
  // written by 8.4.11.
  const Buffer body = {0x02, 0x7c, 0x00, 0x00, 0x02, 0x02, 0xee, 0x45, 0x03, 0x41, 0x02, 0x58, 0x02,
                       0x69, 0x03, 0x22, 0xc5, 0x03, 0x69, 0x02, 0x82, 0x41, 0x02, 0x35, 0x02, 0xdc,
                       0xbe, 0xdc, 0x35, 0x02, 0x04, 0x04, 0x06, 0x10, 0x74, 0x65, 0x73, 0x74, 0x5f,
                       0x74, 0x61, 0x67, 0x08, 0x00, 0x0a, 0x04, 0x0c, 0x7f, 0x00, 0x3e, 0x89, 0x00,
                       0xfa, 0x5b, 0x06, 0x10, 0x45, 0x05, 0x12, 0xdb, 0xd0, 0x09};
  auto g = ParseGtid(body, 42);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(FormatUuid(g->sid), "77d1902c-01da-11f1-9a41-908d6e5f6e8d");
  EXPECT_EQ(g->tag, "test_tag");
  EXPECT_EQ(g->gno, 1);
  EXPECT_EQ(g->flags, 1);
  EXPECT_EQ(g->transaction_length, 337u);
  EXPECT_EQ(g->immediate_server_version, 80411u);
  EXPECT_EQ(g->original_server_version, 80411u);
  EXPECT_EQ(g->last_committed, 0);
  EXPECT_EQ(g->sequence_number, 1);
}

TEST(PreviousGtidsEventTest, RoundTripsUntaggedAndTaggedSets) {
  PreviousGtidsEvent in;
  in.entries.push_back({MakeUuid(1), "", {{1, 14}, {20, 21}}});
  in.entries.push_back({MakeUuid(2), "", {{5, 9}}});
  for (bool tagged : {false, true}) {
    in.tagged_format = tagged;
    if (tagged) in.entries[1].tag = "mytag";
    auto out = ParsePreviousGtids(t::PreviousGtidsBody(in));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->tagged_format, tagged);
    ASSERT_EQ(out->entries.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(out->entries[i].sid, in.entries[i].sid);
      EXPECT_EQ(out->entries[i].tag, in.entries[i].tag);
      ASSERT_EQ(out->entries[i].intervals.size(), in.entries[i].intervals.size());
      for (size_t j = 0; j < in.entries[i].intervals.size(); ++j) {
        EXPECT_EQ(out->entries[i].intervals[j].start, in.entries[i].intervals[j].start);
        EXPECT_EQ(out->entries[i].intervals[j].end, in.entries[i].intervals[j].end);
      }
    }
    Sweep(t::PreviousGtidsBody(in), [](Bytes b) { return ParsePreviousGtids(b).ok(); },
          t::PreviousGtidsBody(in).size());
  }
  auto empty = ParsePreviousGtids(t::PreviousGtidsBody({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->entries.empty());
}

TEST(PreviousGtidsEventTest, RejectsHugeCountsEmptyIntervalsAndUnknownFormats) {
  Buffer huge(8, 0);
  StoreLE64(huge.data(), uint64_t{1} << 40);
  EXPECT_TRUE(ParsePreviousGtids(huge).status().IsCorruption());
  PreviousGtidsEvent in;
  in.entries.push_back({MakeUuid(1), "", {{5, 5}}});
  EXPECT_TRUE(ParsePreviousGtids(t::PreviousGtidsBody(in)).status().IsCorruption());
  Buffer format2(8, 0);
  format2[7] = 2;
  EXPECT_TRUE(ParsePreviousGtids(format2).status().IsCorruption());
}

TEST(MariaGtidEventTest, RoundTripsPlainGroupCommitXaAndExtraFlags) {
  MariaGtidEvent plain;
  plain.seq_no = 3584;
  plain.domain_id = 2;
  plain.flags2 = kMariaGtidStandalone | kMariaGtidDdl;
  MariaGtidEvent group = plain;
  group.flags2 = kMariaGtidGroupCommitId | kMariaGtidTransactional;
  group.commit_id = 991;
  MariaGtidEvent xa = plain;
  xa.flags2 = kMariaGtidPreparedXa;
  const uint8_t xid_data[] = {'g', 't', 'r', 'b', 'q'};
  xa.xid = MariaXid{1, 3, 2, Bytes(xid_data, 5)};
  MariaGtidEvent extra = group;
  extra.flags_extra = kMariaGtidExtraMultiEngine | kMariaGtidExtraCommitAlter;
  extra.extra_engines = 2;
  extra.start_alter_seq_no = 77;
  for (const MariaGtidEvent& in : {plain, group, xa, extra}) {
    const Buffer body = t::MariaGtidBody(in);  // out->xid->data points into it
    auto out = ParseMariaGtid(body);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->seq_no, in.seq_no);
    EXPECT_EQ(out->domain_id, in.domain_id);
    EXPECT_EQ(out->flags2, in.flags2);
    EXPECT_EQ(out->commit_id, in.commit_id);
    EXPECT_EQ(out->xid.has_value(), in.xid.has_value());
    if (in.xid) {
      EXPECT_EQ(out->xid->format_id, in.xid->format_id);
      EXPECT_EQ(Buffer(out->xid->data.begin(), out->xid->data.end()), Buffer(xid_data, xid_data + 5));
    }
    EXPECT_EQ(out->flags_extra, in.flags_extra);
    EXPECT_EQ(out->extra_engines, in.extra_engines);
    EXPECT_EQ(out->start_alter_seq_no, in.start_alter_seq_no);
    Sweep(t::MariaGtidBody(in), [](Bytes b) { return ParseMariaGtid(b).ok(); }, 19);
  }
  EXPECT_TRUE(ParseMariaGtid(t::MariaGtidBody(plain)).value().standalone());
}

TEST(MariaGtidListEventTest, RoundTripsGtidsAndFlags) {
  MariaGtidListEvent in;
  in.flags = 1;
  in.gtids = {{0, 10124, 3584}, {1, 7, 1}};
  auto out = ParseMariaGtidList(t::MariaGtidListBody(in));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->flags, 1);
  ASSERT_EQ(out->gtids.size(), 2u);
  EXPECT_EQ(out->gtids[0].server_id, 10124u);
  EXPECT_EQ(out->gtids[0].seq_no, 3584u);
  EXPECT_EQ(out->gtids[1].domain_id, 1u);
  Sweep(t::MariaGtidListBody(in), [](Bytes b) { return ParseMariaGtidList(b).ok(); }, 4 + 32);
}

TEST(MariaSmallEventsTest, CheckpointAnnotateAndStartEncryptionRoundTrip) {
  const Buffer checkpoint = t::BinlogCheckpointBody("mariadb-bin.000007");
  auto cp = ParseBinlogCheckpoint(checkpoint);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->file, "mariadb-bin.000007");
  Sweep(t::BinlogCheckpointBody("m.1"), [](Bytes b) { return ParseBinlogCheckpoint(b).ok(); }, 7);

  const std::string q = "insert into t values (1)";
  auto an = ParseAnnotateRows(AsBytes(q));
  ASSERT_TRUE(an.ok());
  EXPECT_EQ(an->query, q);

  StartEncryptionEvent in;
  in.scheme = 1;
  in.key_version = 3;
  for (size_t i = 0; i < in.nonce.size(); ++i) in.nonce[i] = static_cast<uint8_t>(100 + i);
  auto out = ParseStartEncryption(t::StartEncryptionBody(in));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->scheme, 1);
  EXPECT_EQ(out->key_version, 3u);
  EXPECT_EQ(out->nonce, in.nonce);
  Sweep(t::StartEncryptionBody(in), [](Bytes b) { return ParseStartEncryption(b).ok(); }, 17);
}

TEST(UuidTest, FormatsInTheUsualGroups) {
  Uuid u{};
  for (size_t i = 0; i < u.size(); ++i) u[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(FormatUuid(u), "00010203-0405-0607-0809-0a0b0c0d0e0f");
}

}  // namespace
}  // namespace osc::binlog
