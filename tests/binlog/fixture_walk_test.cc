// Walks every shared binlog fixture (see /work/shared/fixtures/binlog/
// README.md) through BinlogFileReader and checks, per file, the server
// version, the checksum mode and the count of every event type against the
// README's inventory (which came from an independent walker). CRC32 is
// verified on every event of the CRC32 files by the reader itself.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "binlog/binlog_file.h"
#include "binlog/event_type.h"
#include "binlog/events.h"
#include "tests/support/test_env.h"

namespace osc::binlog {
namespace {

enum class Checksum { kCrc32, kOff, kNone };

struct Expected {
  const char* path;
  const char* server_version;
  Checksum checksum;
  const char* events;  // README "events (type×count)", same names
};

// From the README "Per-file inventory" tables.
const Expected kInventory[] = {
    {"MySqlCdc/mysql-bin.000001", "5.7.23-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:5 QUERY:5 TABLE_MAP:3 WRITE_ROWS_V2:3 XID:3"},
    {"binlog-parser-zalora/mysql-bin.01", "5.7.32-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:17 QUERY:17 TABLE_MAP:10 WRITE_ROWS_V2:7 XID:4 UPDATE_ROWS_V2:2 DELETE_ROWS_V2:1"},
    {"binlog-parser-zalora/mysql-bin.07", "10.0.15-MariaDB-log", Checksum::kOff,
     "FDE:1 MARIA_GTID_LIST:1 MARIA_BINLOG_CHECKPOINT:1 MARIA_GTID:2 QUERY:1 TABLE_MAP:2 WRITE_ROWS_V1:2 XID:1"},
    {"gh-ost/mysql-bin.000066", "5.6.28-log", Checksum::kCrc32,
     "FDE:1 QUERY:13 TABLE_MAP:16 WRITE_ROWS_V2:9 XID:11 UPDATE_ROWS_V2:5 DELETE_ROWS_V2:3 ROTATE:1"},
    {"gh-ost/mysql-bin.000070", "5.6.28-log", Checksum::kCrc32,
     "FDE:1 QUERY:13 TABLE_MAP:16 WRITE_ROWS_V2:9 XID:11 UPDATE_ROWS_V2:5 DELETE_ROWS_V2:3 ROTATE:1"},
    {"go-mysql/tcb-eval002c-bin.003320", "5.6.16-64.2-56-log", Checksum::kCrc32,
     "FDE:1 QUERY:1 TABLE_MAP:1 WRITE_ROWS_V2:1 XID:1 ROTATE:1"},
    {"maxwell/binlog.000004", "8.0.29", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:21 QUERY:21 TABLE_MAP:5 WRITE_ROWS_V2:3 XID:5 UPDATE_ROWS_V2:2"},
    {"mysql-binlog-connector-java/mysql-bin.aurora-padding", "5.7.12-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:1 TYPE_100:1 QUERY:1"},
    {"mysql-binlog-connector-java/mysql-bin.checksum-crc32", "5.7.21-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:60 QUERY:60 TABLE_MAP:60 WRITE_ROWS_V2:34 XID:60 UPDATE_ROWS_V2:20 DELETE_ROWS_V2:6 ROTATE:1"},
    {"mysql-binlog-connector-java/mysql-bin.checksum-none", "5.7.20-log", Checksum::kOff,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:40 QUERY:40 TABLE_MAP:36 WRITE_ROWS_V2:34 XID:36 UPDATE_ROWS_V2:2 STOP:1"},
    {"mysql-binlog-connector-java/mysql-bin.compressed", "8.0.28", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:1 TRX_PAYLOAD:1 payload:QUERY:1 payload:TABLE_MAP:1 payload:UPDATE_ROWS_V2:1 payload:XID:1 ROTATE:1"},
    {"mysql-binlog-connector-java/mysql-bin.sakila.gz", "5.5.27-log", Checksum::kNone,
     "FDE:1 QUERY:54 TABLE_MAP:18 WRITE_ROWS_V1:1374 XID:15"},
    {"mysql-binlog-connector-rust/mysql-bin.000057", "8.0.31", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:3 QUERY:1 TRX_PAYLOAD:2 payload:QUERY:2 payload:ROWS_QUERY:3 payload:TABLE_MAP:3 payload:WRITE_ROWS_V2:2 payload:XID:2 payload:UPDATE_ROWS_V2:1"},
    {"mysql-binlog-connector-rust/mysql-bin.000080", "5.7.40-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:10 QUERY:10 TABLE_MAP:5 DELETE_ROWS_V2:2 XID:5 WRITE_ROWS_V2:3"},
    {"mysql-cdc-rs/8.0_02_query__binlog.000001", "8.2.0", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:1 QUERY:1"},
    {"mysql-cdc-rs/8.0_02_query_bigger__binlog.000733", "8.0.31", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:11 QUERY:11 TABLE_MAP:6 WRITE_ROWS_V2:3 XID:6 UPDATE_ROWS_V2:1 DELETE_ROWS_V2:2"},
    {"mysql-cdc-rs/8.0_19_30_table_map_write_rows__binlog.000018", "8.2.0", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:3 QUERY:3 TABLE_MAP:1 WRITE_ROWS_V2:1 XID:1"},
    {"mysql-cdc-rs/8.0_31_update_rows_v2__binlog.000001", "8.2.0", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:4 QUERY:4 TABLE_MAP:2 WRITE_ROWS_V2:1 XID:2 UPDATE_ROWS_V2:1"},
    {"mysql-cdc-rs/8.0_32_delete_rows_v2__binlog.000001", "8.2.0", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:5 QUERY:5 TABLE_MAP:3 WRITE_ROWS_V2:1 XID:3 UPDATE_ROWS_V2:1 DELETE_ROWS_V2:1"},
    {"percona-binlog-server/data_80045_gtid__binlog.000001", "8.0.45", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:4 QUERY:4 TABLE_MAP:6 WRITE_ROWS_V2:6 XID:3 ROTATE:1"},
    {"percona-binlog-server/data_80045_gtid__binlog.000002", "8.0.45", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:2 QUERY:2 TABLE_MAP:2 UPDATE_ROWS_V2:1 XID:2 DELETE_ROWS_V2:1 STOP:1"},
    {"percona-binlog-server/data_80045_position__binlog.000001", "8.0.45", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:4 QUERY:4 TABLE_MAP:6 WRITE_ROWS_V2:6 XID:3 ROTATE:1"},
    {"percona-binlog-server/data_80045_position__binlog.000002", "8.0.45", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:2 QUERY:2 TABLE_MAP:2 UPDATE_ROWS_V2:1 XID:2 DELETE_ROWS_V2:1 STOP:1"},
    {"rust-mysql-binlog-easypost/bin-log.000001", "5.7.24-27-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:3 QUERY:3 TABLE_MAP:2 WRITE_ROWS_V2:2 XID:2"},
    {"rust_mysql_common/binlog-invisible-columns.000001", "8.0.26", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:5 QUERY:5 TABLE_MAP:3 WRITE_ROWS_V2:2 XID:3 UPDATE_ROWS_V2:1 STOP:1"},
    {"rust_mysql_common/binlog_56_gtid_reserved_word.000001", "5.6.41-debug-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:6 QUERY:9 TABLE_MAP:1 WRITE_ROWS_V2:1 STOP:1"},
    {"rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001", "8.0.40", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ROTATE:1"},
    {"rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", "9.6.0", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID_TAGGED:1 QUERY:1 TABLE_MAP:1 WRITE_ROWS_V2:1 XID:1 ROTATE:1"},
    {"rust_mysql_common/binlog_transaction_with_anonymous_GTID.000001", "5.7.6-m16-debug-log", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:2 QUERY:3 XID:1 ROTATE:1"},
    {"rust_mysql_common/bug11747887-bin.000003", "5.6.4-m7-debug-log", Checksum::kOff,
     "FDE:1 QUERY:5 USER_VAR:1 XID:1 STOP:1"},
    {"rust_mysql_common/bug32407.001", "5.7.1-m11-log", Checksum::kCrc32,
     "FDE:1 QUERY:3 TABLE_MAP:1 WRITE_ROWS_V2:1 ROTATE:1"},
    {"rust_mysql_common/json-opaque.binlog", "9.0.1", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:3 QUERY:3 TABLE_MAP:8 WRITE_ROWS_V2:8 XID:1"},
    {"rust_mysql_common/json.binlog.000001", "8.0.22", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:8 QUERY:8 TABLE_MAP:6 WRITE_ROWS_V2:4 XID:6 UPDATE_ROWS_V2:1 PARTIAL_UPDATE_ROWS:1"},
    {"rust_mysql_common/mariadb-bin.000001", "10.5.15-MariaDB-1:10.5.15+maria~focal-log", Checksum::kCrc32,
     "FDE:1 MARIA_GTID_LIST:1 MARIA_BINLOG_CHECKPOINT:1 MARIA_GTID:2 MARIA_ANNOTATE_ROWS:2 TABLE_MAP:2 WRITE_ROWS_V1:2 XID:2"},
    {"rust_mysql_common/master-bin.000001", "8.0.2-dmr-debug-log-asan", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 STOP:1"},
    {"rust_mysql_common/minimal_row_metadata.000001", "8.0.40", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:1 QUERY:1 TABLE_MAP:1 WRITE_ROWS_V2:1 XID:1 ROTATE:1"},
    {"rust_mysql_common/mysql-enum-string-set.000001", "8.0.28", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:5 QUERY:5 TABLE_MAP:3 WRITE_ROWS_V2:1 XID:3 UPDATE_ROWS_V2:1 DELETE_ROWS_V2:1"},
    {"rust_mysql_common/mysql_type_bit.000001", "8.0.26", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 GTID:3 QUERY:3 TABLE_MAP:1 WRITE_ROWS_V2:1 XID:1"},
    {"rust_mysql_common/rpl_unfiltered_hidden_gcol.000001", "8.0.17-debug", Checksum::kCrc32,
     "FDE:2 PREV_GTIDS:1 ROTATE:2 ANON_GTID:3 QUERY:3 TABLE_MAP:1 WRITE_ROWS_V2:1 XID:1 STOP:1"},
    {"rust_mysql_common/time_issue.000001", "8.0.40", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:1 QUERY:1 TABLE_MAP:1 WRITE_ROWS_V2:1 XID:1 ROTATE:1"},
    {"rust_mysql_common/transaction_compression.000001", "8.0.32", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:1 TRX_PAYLOAD:1 payload:QUERY:1 payload:TABLE_MAP:1 payload:WRITE_ROWS_V2:1 payload:XID:1 ROTATE:1"},
    {"rust_mysql_common/update-partial-row.binlog", "5.1.37-ndb-6.2.19-debug-log", Checksum::kNone,
     "FDE:1 QUERY:2 TABLE_MAP:2 WRITE_ROWS_V1:2 UPDATE_ROWS_V1:1 DELETE_ROWS_V1:1 ROTATE:1"},
    {"rust_mysql_common/vector.binlog", "9.0.1", Checksum::kCrc32,
     "FDE:1 PREV_GTIDS:1 ANON_GTID:10 QUERY:10 TABLE_MAP:6 WRITE_ROWS_V2:5 XID:3 DELETE_ROWS_V2:1 STOP:1"},
    {"rust_mysql_common/write-partial-row.binlog", "5.1.37-ndb-6.2.19-debug-log", Checksum::kNone,
     "FDE:1 QUERY:2 TABLE_MAP:2 WRITE_ROWS_V1:3 DELETE_ROWS_V1:1 ROTATE:1"},
    {"tiflow/mysql-bin.000001", "10.0.17-MariaDB-1~wheezy-log", Checksum::kOff,
     "FDE:1 MARIA_GTID_LIST:1 MARIA_BINLOG_CHECKPOINT:1 MARIA_GTID:20 TABLE_MAP:8 DELETE_ROWS_V1:1 QUERY:13 WRITE_ROWS_V1:7 XID:7"},
};

// The truncated fixtures: events before the cut, and the cut must be a
// clean "truncated" corruption.
const std::map<std::string, std::string> kTruncated = {
    {"rust_mysql_common/binlog_truncated_event.000001", ""},
    {"rust_mysql_common/binlog_truncated_prev_gtid_event.000001", "FDE:1"},
};

std::string ReadmeName(const EventView& ev) {
  switch (ev.type()) {
    case EventType::kFormatDescription: return "FDE";
    case EventType::kPreviousGtids: return "PREV_GTIDS";
    case EventType::kAnonymousGtid: return "ANON_GTID";
    case EventType::kTransactionPayload: return "TRX_PAYLOAD";
    default: break;
  }
  std::string name(EventTypeName(ev.header.type));
  return (ev.in_payload ? "payload:" : "") + name;
}

std::map<std::string, int> ParseCounts(const std::string& text) {
  std::map<std::string, int> counts;
  std::istringstream in(text);
  std::string item;
  while (in >> item) {
    const size_t colon = item.rfind(':');
    counts[item.substr(0, colon)] += std::stoi(item.substr(colon + 1));
  }
  return counts;
}

struct Walk {
  std::map<std::string, int> counts;
  Status status;  // OK when the file ended cleanly
  FormatDescription format;
  int fde_seen = 0;
  std::vector<std::string> lines;  // DescribeEvent of every event
};

Walk WalkFile(const std::string& path) {
  Walk walk;
  auto reader = BinlogFileReader::Open(path);
  if (!reader.ok()) {
    walk.status = reader.status();
    return walk;
  }
  while (true) {
    auto ev = (*reader)->Next();
    if (!ev.ok()) {
      walk.status = ev.status();
      break;
    }
    if (!ev->has_value()) break;
    ++walk.counts[ReadmeName(**ev)];
    auto line = DescribeEvent(**ev, (*reader)->reader().format());
    if (!line.ok()) {
      walk.status = line.status().WithContext("offset " + std::to_string((*ev)->offset));
      break;
    }
    walk.lines.push_back(*line);
    if ((*ev)->type() == EventType::kFormatDescription) ++walk.fde_seen;
  }
  if ((*reader)->reader().skipped_events() > 0) {
    walk.counts["TYPE_100"] += static_cast<int>((*reader)->reader().skipped_events());
  }
  walk.format = (*reader)->reader().format();
  return walk;
}

class FixtureWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = osc::testing::BinlogFixturesDir();
    if (!dir) OSC_SKIP_OR_FAIL("binlog fixtures directory not found (set OSC_FIXTURES_DIR)");
    dir_ = *dir;
  }
  std::string dir_;
};

TEST_F(FixtureWalkTest, EveryFixtureFileIsInTheInventory) {
  std::set<std::string> known;
  for (const Expected& e : kInventory) known.insert(e.path);
  for (const auto& [path, _] : kTruncated) known.insert(path);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    ++files;
    const std::string rel = std::filesystem::relative(entry.path(), dir_).string();
    EXPECT_TRUE(known.count(rel)) << rel << " has no expected counts in this test";
  }
  EXPECT_EQ(files, static_cast<int>(known.size()));
}

TEST_F(FixtureWalkTest, EveryFileWalksToItsEndWithTheReadmeEventCounts) {
  for (const Expected& e : kInventory) {
    SCOPED_TRACE(e.path);
    const Walk walk = WalkFile(dir_ + "/" + e.path);
    ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
    EXPECT_EQ(walk.counts, ParseCounts(e.events));
    EXPECT_EQ(walk.format.server_version, e.server_version);
    switch (e.checksum) {
      case Checksum::kCrc32:
        EXPECT_EQ(walk.format.checksum_alg, ChecksumAlg::kCrc32);
        break;
      case Checksum::kOff:
        EXPECT_TRUE(walk.format.has_checksum_alg);
        EXPECT_EQ(walk.format.checksum_alg, ChecksumAlg::kOff);
        break;
      case Checksum::kNone:
        EXPECT_FALSE(walk.format.has_checksum_alg);
        break;
    }
  }
}

TEST_F(FixtureWalkTest, SourceRepositoryTotalsMatch) {
  // Totals asserted by the source repositories' own tests (README).
  const std::map<std::string, int> totals = {
      {"mysql-binlog-connector-java/mysql-bin.sakila.gz", 1462},
      {"mysql-binlog-connector-java/mysql-bin.checksum-none", 191},
      {"mysql-binlog-connector-java/mysql-bin.checksum-crc32", 303},
      {"mysql-binlog-connector-rust/mysql-bin.000080", 37},
  };
  for (const auto& [path, total] : totals) {
    const Walk walk = WalkFile(dir_ + "/" + path);
    ASSERT_TRUE(walk.status.ok()) << path << ": " << walk.status.ToString();
    int sum = 0;
    for (const auto& [name, count] : walk.counts) sum += count;
    EXPECT_EQ(sum, total) << path;
  }
}

TEST_F(FixtureWalkTest, TruncatedFilesEndInACleanTruncationError) {
  for (const auto& [path, before] : kTruncated) {
    SCOPED_TRACE(path);
    const Walk walk = WalkFile(dir_ + "/" + path);
    EXPECT_TRUE(walk.status.IsCorruption()) << walk.status.ToString();
    EXPECT_EQ(walk.status.message().rfind("truncated", 0), 0u) << walk.status.ToString();
    EXPECT_EQ(walk.counts, ParseCounts(before));
  }
}

TEST_F(FixtureWalkTest, MidStreamFormatDescriptionReplacesTheFirst) {
  // rpl_unfiltered_hidden_gcol.000001 is a relay log: two FDEs.
  const Walk walk = WalkFile(dir_ + "/rust_mysql_common/rpl_unfiltered_hidden_gcol.000001");
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  EXPECT_EQ(walk.fde_seen, 2);
}

bool Contains(const std::vector<std::string>& lines, const std::string& line) {
  for (const std::string& l : lines) {
    if (l == line) return true;
  }
  return false;
}

// Values asserted by the source repositories' tests (README "[source
// test]"), decoded through DescribeEvent.
TEST_F(FixtureWalkTest, NonRowEventsDecodeToTheValuesTheSourceTestsAssert) {
  struct Case {
    const char* path;
    const char* line;
  };
  const Case cases[] = {
      {"rust_mysql_common/binlog_transaction_with_GTID_TAG.000001",
       "PREVIOUS_GTIDS 55778904-0299-11f1-b1b8-4ef0c4956feb:1-13 "
       "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:1-2"},
      {"rust_mysql_common/binlog_transaction_with_GTID_TAG.000001",
       "GTID_TAGGED 55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3"},
      {"rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001",
       "PREVIOUS_GTIDS b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2"},
      {"rust-mysql-binlog-easypost/bin-log.000001", "GTID 87cee3a4-6b31-11e7-bdfd-0d98d6698870:14918"},
      {"binlog-parser-zalora/mysql-bin.01", "GTID 10440e47-3885-11eb-ac5b-0242ac110002:22"},
      {"rust_mysql_common/mariadb-bin.000001",
       "MARIA_ANNOTATE_ROWS query=insert into outbox (topic, event_type, event) values "
       "('foo', 'JSON', '{\"foo\":1}')"},
  };
  for (const Case& c : cases) {
    const Walk walk = WalkFile(dir_ + "/" + c.path);
    ASSERT_TRUE(walk.status.ok()) << c.path << ": " << walk.status.ToString();
    EXPECT_TRUE(Contains(walk.lines, c.line)) << c.path << " lacks: " << c.line;
  }
  // The CREATE TABLE of zalora/07 (data/fixtures/07.json, which shows it
  // without backquotes and newlines).
  const Walk walk = WalkFile(dir_ + "/binlog-parser-zalora/mysql-bin.07");
  bool found = false;
  for (const std::string& l : walk.lines) {
    found |= l.find("query=CREATE TABLE `departments` (\n  `dept_no` char(4) NOT NULL") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

TEST_F(FixtureWalkTest, AuroraPaddingIsSkippedAndTheQueryAfterItIsReturned) {
  // SHOW BINLOG EVENTS in the source test: Aurora_padding 281-1209, then
  // Query BEGIN at 1209.
  auto reader = BinlogFileReader::Open(dir_ + "/mysql-binlog-connector-java/mysql-bin.aurora-padding");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<uint64_t> offsets;
  std::string last_query;
  while (true) {
    auto ev = (*reader)->Next();
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    if (!ev->has_value()) break;
    offsets.push_back((*ev)->offset);
    if ((*ev)->type() != EventType::kQuery) continue;
    // The body is only valid until the next call: decode it now.
    auto q = ParseQuery((*ev)->body, (*reader)->reader().format().PostHeaderLength(2));
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    last_query = std::string(q->query);
  }
  EXPECT_EQ(offsets, (std::vector<uint64_t>{4, 185, 216, 1209}));
  EXPECT_EQ((*reader)->reader().skipped_events(), 1u);
  EXPECT_EQ(last_query, "BEGIN");
}

TEST_F(FixtureWalkTest, PayloadInnerEventsCarryThePayloadsOffset) {
  auto reader = BinlogFileReader::Open(dir_ + "/rust_mysql_common/transaction_compression.000001");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  uint64_t payload_offset = 0;
  std::vector<std::string> inner;
  while (true) {
    auto ev = (*reader)->Next();
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    if (!ev->has_value()) break;
    const EventView& e = **ev;
    if (e.type() == EventType::kTransactionPayload) payload_offset = e.offset;
    if (!e.in_payload) continue;
    EXPECT_EQ(e.offset, payload_offset);
    EXPECT_NE(e.storage, nullptr);
    inner.push_back(std::string(EventTypeName(e.header.type)));
  }
  // [source test]: exactly QUERY, TABLE_MAP, WRITE_ROWS (v2), XID.
  EXPECT_EQ(inner, (std::vector<std::string>{"QUERY", "TABLE_MAP", "WRITE_ROWS_V2", "XID"}));
}

}  // namespace
}  // namespace osc::binlog
