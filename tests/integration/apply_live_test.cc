// Live tests of osc/apply against the sandbox primary:
//  - literal round trip: edge values of every column type, read back from
//    the binlog, converted with ToSqlLiteral and REPLACEd into a copy table,
//    must equal the original column by column;
//  - applier: a writer changes an (initially empty) original for a few
//    seconds, including key changes and unique-value swaps inside
//    transactions; the shadow (original + ADD COLUMN) built from the binlog
//    alone must end equal; then an ALTER of the original stops the applier.
#include <gtest/gtest.h>

#include <random>
#include <map>
#include <thread>

#include "osc/alter/alter_parser.h"
#include "osc/alter/column_mapping.h"
#include "osc/apply/applier.h"
#include "osc/apply/literal.h"
#include "osc/apply/shadow_writer.h"
#include "osc/schema/chunk_key.h"
#include "osc/schema/inspect.h"
#include "tests/integration/binlog_live_util.h"

namespace osc::apply {
namespace {

using namespace std::chrono_literals;

constexpr char kDb[] = "osc_apply_live";

void Exec(db::Connection& c, const std::string& sql) {
  Status s = c.Execute(sql);
  ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
}

int64_t Scalar(db::Connection& c, const std::string& sql) {
  Result<std::optional<std::string>> r = c.QueryScalar(sql);
  EXPECT_TRUE(r.ok() && r->has_value()) << sql << ": " << (r.ok() ? "NULL" : r.status().ToString());
  return r.ok() && r->has_value() ? std::stoll(**r) : -1;
}

constexpr char kTypesColumns[] =
    "id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, mi MEDIUMINT, bu BIGINT UNSIGNED, bs BIGINT, "
    "f FLOAT, d DOUBLE, de DECIMAL(20,6), y YEAR, dt DATE, tm TIME(6), dtm DATETIME(3), ts TIMESTAMP(6) NULL, "
    "vc VARCHAR(20), lat VARCHAR(10) CHARACTER SET latin1, ch CHAR(5), bi BINARY(4), vb VARBINARY(10), "
    "bl BLOB, tx TEXT, e ENUM('b','a','it''s'), s SET('x','y','z'), bt BIT(64), js JSON, ip INET6, g GEOMETRY";

const char* const kTypeNames[] = {"ti", "tu", "mi", "bu", "bs", "f",  "d",  "de", "y",  "dt", "tm", "dtm", "ts", "vc",
                                  "lat", "ch", "bi", "vb", "bl", "tx", "e", "s", "bt", "js", "ip", "g"};

TEST(ApplyLive, LiteralsRoundTripEveryColumnTypeExactly) {
  OSC_REQUIRE_SANDBOX(opts);
  Result<db::Connection> conn = db::Connection::Open(opts);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  Exec(*conn, std::string("CREATE DATABASE IF NOT EXISTS ") + kDb);
  Exec(*conn, std::string("USE ") + kDb);
  Exec(*conn, "SET time_zone = '+00:00'");
  Exec(*conn, "DROP TABLE IF EXISTS types, types_copy");
  Exec(*conn, std::string("CREATE TABLE types (") + kTypesColumns + ") DEFAULT CHARSET=utf8mb4");
  Exec(*conn, "CREATE TABLE types_copy LIKE types");
  Result<binlog::BinlogPosition> start = osc::testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  Exec(*conn,
       "INSERT INTO types VALUES (1, -128, 0, -8388608, 0, -9223372036854775808, -3.40282e38, "
       "-1.7976931348623157e308, -99999999999999.999999, 1901, '1000-01-01', '-838:59:59.000000', "
       "'1000-01-01 00:00:00.000', '1970-01-01 00:00:01.000000', '', _latin1 X'FF', '', X'00', X'', '', '', "
       "'b', '', 0, '[]', '::', NULL)");
  Exec(*conn,
       "INSERT INTO types VALUES (2, 127, 255, 8388607, 18446744073709551615, 9223372036854775807, 3.40282e38, "
       "1.7976931348623157e308, 99999999999999.999999, 2155, '9999-12-31', '838:59:59.999999', "
       "'9999-12-31 23:59:59.999', '2038-01-19 03:14:07.999999', 'it''s \\\\ \"x\" \xF0\x9F\x98\x80', "
       "'caf\xC3\xA9', 'ab  ', X'FFFFFFFF', X'00FF00', X'000102', 'text', 'it''s', 'x,z', "
       "b'1111111111111111111111111111111111111111111111111111111111111111', '{\"a\": [1, 2.5, null]}', "
       "'ffff::1', ST_GeomFromText('POINT(1 2)'))");
  Exec(*conn, "INSERT INTO types (id) VALUES (3)");
  Exec(*conn,
       "INSERT INTO types VALUES (4, 0, 0, 0, 0, 0, 0.1, 0.1, 0.000001, 0, '0000-00-00', '00:00:00.5', "
       "'0000-00-00 00:00:00', '0000-00-00 00:00:00', 'A', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'y', 1, '{}', "
       "'::ffff:1.2.3.4', ST_GeomFromText('LINESTRING(0 0, 1 1)'))");
  Exec(*conn, "INSERT INTO types (id, d, f) VALUES (5, 2.2250738585072014e-308, 1.17549435e-38)");
  Exec(*conn, "INSERT INTO types (id, d, f) VALUES (6, 0.30000000000000004, 16777217)");
  Result<schema::TableSchema> table = schema::InspectTable(*conn, kDb, "types");
  ASSERT_TRUE(table.ok()) << table.status().ToString();

  Result<std::unique_ptr<binlog::ChangeStream>> stream =
      osc::testing::StartStreamAt(opts, *start, {{kDb, "types"}});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  int rows = 0;
  while (rows < 6) {
    Result<std::optional<binlog::ChangeEvent>> e = (*stream)->NextFor(10s);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ASSERT_TRUE(e->has_value()) << "timed out after " << rows << " rows";
    if ((*e)->kind != binlog::ChangeKind::kRows) continue;
    Result<binlog::RowDecoder> decoder = (*e)->rows->Decoder();
    ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
    binlog::Row row;
    while (*decoder->Next(&row)) {
      std::string sql = "REPLACE INTO types_copy VALUES (";
      for (size_t i = 0; i < row.after.size(); ++i) {
        Result<std::string> lit = ToSqlLiteral(row.after[i], table->columns[i]);
        ASSERT_TRUE(lit.ok()) << table->columns[i].name << ": " << lit.status().ToString();
        sql += (i ? ", " : "") + *lit;
      }
      Exec(*conn, sql + ")");
      ++rows;
    }
  }
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM types_copy"), 6);
  for (const char* c : kTypeNames) {
    const std::string col = std::string("`") + c + "`";
    EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM types a JOIN types_copy b USING (id) WHERE NOT (a." + col +
                                " <=> b." + col + " AND HEX(a." + col + ") <=> HEX(b." + col + "))"),
              0)
        << "column " << c;
  }
  // Signs of zero and exact float bits are invisible to <=>: compare text.
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM types a JOIN types_copy b USING (id) WHERE "
                          "CONCAT(a.f, '|', a.d) <> CONCAT(b.f, '|', b.d)"),
            0);
}

struct LiveTables {
  std::string shadow = "_orig_osc_new";
  std::string log = "_orig_osc_log";
};

// One random step of the writer; `rows` maps id -> u.
void WriterStep(db::Connection& c, std::mt19937& rng, std::map<int, int>& rows, int& next_id, int& next_u) {
  const int op = static_cast<int>(rng() % 6);
  auto pick = [&]() {
    auto it = rows.begin();
    std::advance(it, static_cast<long>(rng() % rows.size()));
    return it->first;
  };
  if (op == 0 || rows.size() < 4) {
    const int id = next_id++, u = next_u++;
    Exec(c, "INSERT INTO orig VALUES (" + std::to_string(id) + ", " + std::to_string(u) + ", 'n" +
                std::to_string(id) + "', " + std::to_string(id) + ".25, " + std::to_string(id) + "e-3)");
    rows[id] = u;
  } else if (op == 1) {
    const int id = pick();
    Exec(c, "UPDATE orig SET name = CONCAT(name, 'x'), amount = amount + 1, f = f * 1.5 WHERE id = " +
                std::to_string(id));
  } else if (op == 2) {  // key change
    const int id = pick(), to = next_id++;
    Exec(c, "UPDATE orig SET id = " + std::to_string(to) + " WHERE id = " + std::to_string(id));
    rows[to] = rows[id];
    rows.erase(id);
  } else if (op == 3) {  // unique swap through a temporary value, in one transaction
    const int a = pick(), b = pick();
    if (a == b) return;
    Exec(c, "START TRANSACTION");
    Exec(c, "UPDATE orig SET u = -1 WHERE id = " + std::to_string(a));
    Exec(c, "UPDATE orig SET u = " + std::to_string(rows[a]) + " WHERE id = " + std::to_string(b));
    Exec(c, "UPDATE orig SET u = " + std::to_string(rows[b]) + " WHERE id = " + std::to_string(a));
    Exec(c, "COMMIT");
    std::swap(rows[a], rows[b]);
  } else if (op == 4) {  // key there and back, plus an insert+delete, in one transaction
    const int a = pick(), tmp = next_id++, gone = next_id++;
    Exec(c, "START TRANSACTION");
    Exec(c, "UPDATE orig SET id = " + std::to_string(tmp) + " WHERE id = " + std::to_string(a));
    Exec(c, "INSERT INTO orig VALUES (" + std::to_string(gone) + ", " + std::to_string(next_u++) + ", 'g', 0, 0)");
    Exec(c, "UPDATE orig SET id = " + std::to_string(a) + ", name = 'back' WHERE id = " + std::to_string(tmp));
    Exec(c, "DELETE FROM orig WHERE id = " + std::to_string(gone));
    Exec(c, "COMMIT");
  } else {
    const int id = pick();
    Exec(c, "DELETE FROM orig WHERE id = " + std::to_string(id));
    rows.erase(id);
  }
}

TEST(ApplyLive, ShadowBuiltFromBinlogAloneEqualsOriginalAndDdlStopsIt) {
  OSC_REQUIRE_SANDBOX(opts);
  Result<db::Connection> conn = db::Connection::Open(opts);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const LiveTables t;
  Exec(*conn, std::string("CREATE DATABASE IF NOT EXISTS ") + kDb);
  Exec(*conn, std::string("USE ") + kDb);
  Exec(*conn, "DROP TABLE IF EXISTS orig, " + t.shadow + ", " + t.log);
  Exec(*conn, "CREATE TABLE orig (id INT PRIMARY KEY, u INT NOT NULL UNIQUE, name VARCHAR(64), "
              "amount DECIMAL(12,2), f DOUBLE)");
  Exec(*conn, "CREATE TABLE " + t.shadow + " LIKE orig");
  const std::string alter = "ADD COLUMN extra INT NOT NULL DEFAULT 7";
  Exec(*conn, "ALTER TABLE " + t.shadow + " " + alter);
  Exec(*conn, "CREATE TABLE " + t.log + " (id BIGINT UNSIGNED PRIMARY KEY, kind VARCHAR(32), value TEXT, "
              "updated_at TIMESTAMP(6))");

  Result<schema::TableSchema> table = schema::InspectTable(*conn, kDb, "orig");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  Result<alter::AlterPlan> plan = alter::ParseAlter(alter);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  Result<alter::ColumnMapping> mapping = alter::ComputeColumnMapping(*plan, schema::ToAlterTableInfo(*table));
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  Result<schema::ChunkKey> key = schema::ChooseChunkKey(*table, *plan, *mapping);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  Result<RowMapper> mapper = RowMapper::Create(*table, *mapping, *key);
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();

  Result<binlog::BinlogPosition> start = osc::testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok());
  Result<std::unique_ptr<binlog::ChangeStream>> stream =
      osc::testing::StartStreamAt(opts, *start, {{kDb, "orig"}, {kDb, t.log}});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  ChangeStreamFeed feed(stream->get());
  SessionShadowWriter writer(opts, 2s, copy::internal::RetryPolicy{10, 50ms, 1000ms}, SystemClock());
  ApplierConfig config{kDb, "orig", t.shadow, t.log, {}, 50ms, nullptr};
  config.options.max_batch_rows = 7;  // small: many batches, cuts inside transactions
  std::atomic<int> changelog_events{0};
  Applier applier(config, std::move(*mapper), &feed, &writer, [&](const binlog::ChangeEvent&) { ++changelog_events; });
  Status run_status;
  std::jthread thread([&](std::stop_token stop) { run_status = applier.Run(stop); });

  std::mt19937 rng(12345);
  std::map<int, int> rows;
  int next_id = 1, next_u = 1;
  const auto until = std::chrono::steady_clock::now() + 3s;
  int steps = 0;
  while (std::chrono::steady_clock::now() < until) {
    WriterStep(*conn, rng, rows, next_id, next_u);
    ++steps;
    if (::testing::Test::HasFatalFailure()) break;
  }
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  applier.ExpectMarker("drained-1");
  Exec(*conn, "INSERT INTO " + t.log + " VALUES (1, 'marker', 'drained-1', NOW(6))");
  Status waited = applier.WaitForMarker("drained-1", 20s);
  ASSERT_TRUE(waited.ok()) << waited.ToString();
  Result<binlog::BinlogPosition> now = osc::testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(now.ok());
  EXPECT_TRUE(applier.WaitApplied(*now, 10s).ok());
  EXPECT_GE(changelog_events.load(), 1);
  EXPECT_GT(applier.rows_applied(), static_cast<uint64_t>(steps));

  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM orig"), static_cast<int64_t>(rows.size()));
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM " + t.shadow), static_cast<int64_t>(rows.size()));
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM orig a LEFT JOIN " + t.shadow +
                              " b USING (id) WHERE b.id IS NULL OR NOT (a.u <=> b.u AND BINARY a.name <=> "
                              "BINARY b.name AND a.amount <=> b.amount AND a.f <=> b.f) OR b.extra <> 7"),
            0);

  // Holding after a position (lock-free consistent points): a position the
  // applier already passed is refused; at the current one it applies up to
  // it, stops before the next change until released, then goes on.
  EXPECT_FALSE(applier.HoldAfter(*start));
  ASSERT_TRUE(applier.HoldAfter(*now));
  const int64_t before_hold = Scalar(*conn, "SELECT COUNT(*) FROM " + t.shadow);
  Exec(*conn, "INSERT INTO orig (id, u, name, amount, f) VALUES (900001, 900001, 'held', 1, 1)");
  ASSERT_TRUE(applier.WaitHolding(10s).ok());
  std::this_thread::sleep_for(200ms);  // it would have applied the insert by now
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM " + t.shadow), before_hold);
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM " + t.shadow + " WHERE id = 900001"), 0);
  applier.Release();
  Result<binlog::BinlogPosition> released = osc::testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(released.ok());
  ASSERT_TRUE(applier.WaitApplied(*released, 10s).ok());
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM " + t.shadow + " WHERE id = 900001"), 1);
  Exec(*conn, "DELETE FROM orig WHERE id = 900001");
  Result<binlog::BinlogPosition> deleted = osc::testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(deleted.ok());
  ASSERT_TRUE(applier.WaitApplied(*deleted, 10s).ok());

  // DDL on the original while the applier runs: a sticky, explained error.
  Exec(*conn, "ALTER TABLE orig ADD COLUMN late INT");
  thread.join();
  EXPECT_FALSE(run_status.ok());
  EXPECT_NE(run_status.ToString().find("DDL"), std::string::npos) << run_status.ToString();
  EXPECT_FALSE(applier.status().ok());
  // A position already applied stays reached; one past the ALTER never
  // will be, and the wait reports the sticky error instead of timing out.
  EXPECT_TRUE(applier.WaitApplied(*deleted, 1s).ok());
  Result<binlog::BinlogPosition> after = osc::testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(after.ok());
  Status late = applier.WaitApplied(*after, 5s);
  EXPECT_FALSE(late.ok());
  EXPECT_FALSE(late.IsTimeout()) << late.ToString();
  std::printf("writer steps: %d, rows applied: %llu, batches: %llu\n", steps,
              static_cast<unsigned long long>(applier.rows_applied()),
              static_cast<unsigned long long>(applier.batches_applied()));
}

}  // namespace
}  // namespace osc::apply
