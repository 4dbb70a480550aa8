// The proof that the decoder is exact on MariaDB 10.11: a table with every
// column type MariaDB has, edge values inserted, updated and deleted, read
// back through ServerEventSource + ChangeStream, and every decoded value
// (formatted with binlog's helpers) compared with what the server returns
// for the same row (SELECT with CAST/HEX). Run under each
// binlog_row_metadata mode, with the pre-10.1 ("hires", mysql56_temporal_
// format=OFF) temporal columns, and with log_bin_compress=ON.
#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <string>
#include <vector>

#include "binlog/change_stream.h"
#include "binlog/event_header.h"
#include "binlog/server_event_source.h"
#include "binlog/value.h"
#include "db/connection.h"
#include "tests/integration/binlog_live_util.h"

namespace osc {
namespace {

using binlog::ChangeEvent;
using binlog::ChangeKind;
using binlog::Value;
using binlog::ValueKind;

// How a column's value is compared.
enum class Cmp {
  kInt,         // FormatInt (signedness from the definition) vs CAST(c AS CHAR)
  kReal,        // the double (FLOAT widened) vs CAST(c AS DOUBLE), numerically
  kText,        // FormatDecimal / FormatTemporal vs CAST(c AS CHAR)
  kHex,         // the bytes vs HEX(c)
  kCompressed,  // DecompressMariaDbColumn(bytes) vs HEX(c)
  kNumber,      // ENUM index, SET mask, BIT value vs c+0
};

struct Col {
  std::string name;
  std::string type;
  Cmp cmp;
  std::vector<std::string> values;  // SQL literals for rows 1-5, then row 1's update
  bool is_unsigned = false;
  uint8_t fsp = 0;          // TIME/DATETIME/TIMESTAMP precision (legacy decoding)
  size_t binary_length = 0; // BINARY(n): the binlog drops trailing zero bytes
};

std::string Quote(const std::string& s) { return "'" + s + "'"; }
std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}
std::string AllBytesHex(int count = 256) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out = "X'";
  for (int i = 0; i < count; ++i) {
    out += kDigits[(i % 256) >> 4];
    out += kDigits[(i % 256) & 15];
  }
  return out + "'";
}
std::string Members(const std::string& prefix, int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) out += (i > 1 ? "," : "") + Quote(prefix + std::to_string(i));
  return out;
}
std::string AllMembers(const std::string& prefix, int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) out += (i > 1 ? "," : "") + prefix + std::to_string(i);
  return Quote(out);
}

std::vector<Col> Columns() {
  std::vector<Col> c = {
      {"ti", "TINYINT", Cmp::kInt, {"-128", "127", "NULL", "0", "-1", "5"}},
      {"tiu", "TINYINT UNSIGNED", Cmp::kInt, {"0", "255", "NULL", "0", "128", "6"}, true},
      {"si", "SMALLINT", Cmp::kInt, {"-32768", "32767", "NULL", "0", "-2", "7"}},
      {"siu", "SMALLINT UNSIGNED", Cmp::kInt, {"0", "65535", "NULL", "0", "32768", "8"}, true},
      {"mi", "MEDIUMINT", Cmp::kInt, {"-8388608", "8388607", "NULL", "0", "-3", "9"}},
      {"miu", "MEDIUMINT UNSIGNED", Cmp::kInt, {"0", "16777215", "NULL", "0", "8388608", "10"}, true},
      {"i", "INT", Cmp::kInt, {"-2147483648", "2147483647", "NULL", "0", "-4", "11"}},
      {"iu", "INT UNSIGNED", Cmp::kInt, {"0", "4294967295", "NULL", "0", "2147483648", "12"}, true},
      {"bi", "BIGINT", Cmp::kInt, {"-9223372036854775808", "9223372036854775807", "NULL", "0", "-5", "13"}},
      {"biu", "BIGINT UNSIGNED", Cmp::kInt,
       {"0", "18446744073709551615", "NULL", "0", "9223372036854775808", "14"}, true},
      {"f", "FLOAT", Cmp::kReal, {"-3.4028234e38", "3.4028234e38", "NULL", "0", "0.1", "1.5e-38"}},
      {"d", "DOUBLE", Cmp::kReal,
       {"-1.7976931348623157e308", "1.7976931348623157e308", "NULL", "0", "0.1e0", "2.2250738585072014e-308"}},
      {"dec65", "DECIMAL(65,30)", Cmp::kText,
       {"-" + Repeat("9", 35) + "." + Repeat("9", 30), Repeat("9", 35) + "." + Repeat("9", 30), "NULL", "0",
        "0." + Repeat("0", 29) + "1", "-1234567890.123456789012345678901234567890"}},
      {"dec10", "DECIMAL(10,2)", Cmp::kText, {"-99999999.99", "99999999.99", "NULL", "0", "-0.01", "0.5"}},
      {"dec5", "DECIMAL(5,0)", Cmp::kText, {"-99999", "99999", "NULL", "0", "1", "-1"}},
      {"dec9", "DECIMAL(9,9)", Cmp::kText, {"-0.999999999", "0.999999999", "NULL", "0", "0.5", "-0.000000001"}},
      {"dec20", "DECIMAL(20,6)", Cmp::kText,
       {"-99999999999999.999999", "99999999999999.999999", "NULL", "0", "1.000001", "-123456789.000001"}},
      {"y", "YEAR", Cmp::kText, {"1901", "2155", "NULL", "0", "2000", "1999"}},
      {"dt", "DATE", Cmp::kText,
       {"'1000-01-01'", "'9999-12-31'", "NULL", "'0000-00-00'", "'2024-02-00'", "'2024-02-29'"}},
  };
  for (uint8_t fsp = 0; fsp <= 6; ++fsp) {
    const std::string n = std::to_string(fsp);
    Col t{"t" + n, "TIME(" + n + ")", Cmp::kText,
          {"'-838:59:59.999999'", "'838:59:59.999999'", "NULL", "'00:00:00'", "'-00:00:00.5'",
           "'-12:34:56.789012'"}};
    t.fsp = fsp;
    Col dt{"dt" + n, "DATETIME(" + n + ")", Cmp::kText,
           {"'1000-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", "NULL", "'0000-00-00 00:00:00'",
            "'2024-02-29 12:34:56.5'", "'2001-02-03 04:05:06.123456'"}};
    dt.fsp = fsp;
    Col ts{"ts" + n, "TIMESTAMP(" + n + ") NULL DEFAULT NULL", Cmp::kText,
           {"'1970-01-01 00:00:01'", "'2038-01-19 03:14:07.999999'", "NULL", "'0000-00-00 00:00:00'",
            "'2024-02-29 12:34:56.5'", "'2001-02-03 04:05:06.123456'"}};
    ts.fsp = fsp;
    c.push_back(t);
    c.push_back(dt);
    c.push_back(ts);
  }
  const std::string smile = "😀", clef = "𝄞";  // 4-byte UTF-8
  std::vector<Col> strings = {
      {"c_utf8", "CHAR(10) CHARACTER SET utf8mb4", Cmp::kHex,
       {"'a'", Quote(Repeat(smile, 10)), "NULL", "''", "'ab  '", Quote("é" + clef)}},
      {"vc_utf8", "VARCHAR(300) CHARACTER SET utf8mb4", Cmp::kHex,
       {"'x'", Quote(Repeat(smile, 300)), "NULL", "''", "'ab  '", "'ü'"}},
      {"c_latin1", "CHAR(10) CHARACTER SET latin1", Cmp::kHex,
       {"'a'", Quote(Repeat("é", 10)), "NULL", "''", "'ab  '", "'ß'"}},
      {"vc_latin1", "VARCHAR(300) CHARACTER SET latin1", Cmp::kHex,
       {"'a'", Quote(Repeat("é", 300)), "NULL", "''", "'x  '", "'q'"}},
      {"bin8", "BINARY(8)", Cmp::kHex, {"X'00'", "X'FFFFFFFFFFFFFFFF'", "NULL", "''", "X'6100'", "'abc'"}},
      {"vbin", "VARBINARY(300)", Cmp::kHex,
       {"X'00'", "X'" + Repeat("FF", 300) + "'", "NULL", "''", "X'610000'", "X'0102'"}},
      {"tb", "TINYBLOB", Cmp::kHex, {"X'00'", AllBytesHex(255), "NULL", "''", "X'FF'", "X'01'"}},
      {"b", "BLOB", Cmp::kHex, {"X'00'", AllBytesHex(), "NULL", "''", AllBytesHex(), "X'02'"}},
      {"mb", "MEDIUMBLOB", Cmp::kHex, {"X'00'", AllBytesHex(256 * 300), "NULL", "''", "X'00FF'", "X'03'"}},
      {"lb", "LONGBLOB", Cmp::kHex, {"X'00'", AllBytesHex(), "NULL", "''", AllBytesHex(3), "X'04'"}},
      {"tt", "TINYTEXT CHARACTER SET utf8mb4", Cmp::kHex,
       {"'a'", Quote(Repeat(smile, 63)), "NULL", "''", "' '", "'t'"}},
      {"tx", "TEXT CHARACTER SET utf8mb4", Cmp::kHex, {"'a'", Quote(Repeat(clef, 1000)), "NULL", "''", "'é'", "'u'"}},
      {"mt", "MEDIUMTEXT CHARACTER SET latin1", Cmp::kHex,
       {"'a'", Quote(Repeat("é", 70000)), "NULL", "''", "'e'", "'v'"}},
      {"lt", "LONGTEXT CHARACTER SET utf8mb4", Cmp::kHex, {"'a'", Quote(Repeat(smile, 100)), "NULL", "''", "'l'", "'w'"}},
      {"e", "ENUM('a','b','c')", Cmp::kNumber, {"'a'", "'c'", "NULL", "''", "'b'", "'c'"}},
      {"e300", "ENUM(" + Members("m", 300) + ")", Cmp::kNumber, {"'m1'", "'m300'", "NULL", "''", "'m256'", "'m2'"}},
      {"s", "SET('x','y','z')", Cmp::kNumber, {"'x'", "'x,y,z'", "NULL", "''", "'y,z'", "'z'"}},
      {"s64", "SET(" + Members("a", 64) + ")", Cmp::kNumber,
       {"'a1'", AllMembers("a", 64), "NULL", "''", "'a33,a64'", "'a2'"}},
      {"bit1", "BIT(1)", Cmp::kNumber, {"b'0'", "b'1'", "NULL", "0", "b'1'", "b'0'"}},
      {"bit10", "BIT(10)", Cmp::kNumber, {"b'0'", "b'1111111111'", "NULL", "0", "b'1010101010'", "b'1'"}},
      {"bit64", "BIT(64)", Cmp::kNumber, {"0", "X'FFFFFFFFFFFFFFFF'", "NULL", "0", "1", "X'8000000000000000'"}},
      {"j", "JSON", Cmp::kHex,
       {"'{\"a\": 1}'", Quote("{\"k\": \"" + Repeat(smile, 50) + "\"}"), "NULL", "'[]'",
        "'{\"k\": [1, 2.5, \"x\", null, true]}'", "'\"s\"'"}},
      {"g", "GEOMETRY", Cmp::kHex,
       {"ST_GeomFromText('POINT(1 2)')", "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))', 4326)", "NULL",
        "ST_GeomFromText('POINT(0 0)')", "ST_GeomFromText('LINESTRING(0 0,1 1,2 2)')",
        "ST_GeomFromText('MULTIPOINT(1 1,2 2)')"}},
      {"p", "POINT", Cmp::kHex, {"POINT(1,2)", "POINT(-1.5,1e300)", "NULL", "POINT(0,0)", "POINT(3,4)", "POINT(5,6)"}},
      {"ip4", "INET4", Cmp::kHex,
       {"'0.0.0.1'", "'255.255.255.255'", "NULL", "'0.0.0.0'", "'10.0.0.0'", "'192.168.1.1'"}},
      {"ip", "INET6", Cmp::kHex,
       {"'::1'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", "NULL", "'::'", "'2001:db8::ff00:42:8329'",
        "'::ffff:1.2.3.4'"}},
      // The binlog carries a UUID in its in-memory (text-order) form
      // (plugin/type_uuid/sql_type_uuid.h pack()), so HEX(c) is the reference
      // even for v1 UUIDs, which are stored swapped.
      {"u", "UUID", Cmp::kHex,
       {"'00000000-0000-0000-0000-000000000001'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "NULL",
        "'00000000-0000-0000-0000-000000000000'", "'123e4567-e89b-12d3-a456-426655440000'",
        "'6ccd780c-baba-1026-9564-5b8c656024db'"}},
      {"vcc", "VARCHAR(1000) COMPRESSED CHARACTER SET utf8mb4", Cmp::kCompressed,
       {"'short'", Quote(Repeat("abc", 300)), "NULL", "''", "'x'", Quote(Repeat(smile, 200))}},
      {"bc", "BLOB COMPRESSED", Cmp::kCompressed,
       {"X'00'", AllBytesHex(256 * 40), "NULL", "''", "'y'", "X'05'"}},
  };
  c.insert(c.end(), strings.begin(), strings.end());
  // Fixed-length binary strings lose their trailing zero bytes in the
  // binlog (the server packs them like BINARY(n): sql/field.cc
  // Field_string::pack, plugin/type_inet (INET4, INET6) and type_uuid via StringPack); a
  // consumer pads them back to the column length.
  for (Col& col : c) {
    if (col.name == "bin8") col.binary_length = 8;
    if (col.name == "ip" || col.name == "u") col.binary_length = 16;
    if (col.name == "ip4") col.binary_length = 4;
  }
  return c;
}

std::string ServerExpr(const Col& c) {
  switch (c.cmp) {
    case Cmp::kInt:
    case Cmp::kText: return "CAST(`" + c.name + "` AS CHAR)";
    case Cmp::kReal: return "CAST(`" + c.name + "` AS DOUBLE)";
    case Cmp::kHex:
    case Cmp::kCompressed: return "HEX(`" + c.name + "`)";
    // c+0 of a 64-member SET is a signed BIGINT on the server.
    case Cmp::kNumber: return "CAST(`" + c.name + "` + 0 AS UNSIGNED)";
  }
  return "";
}

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : bytes) {
    out += kDigits[ch >> 4];
    out += kDigits[ch & 15];
  }
  return out;
}

std::string CanonicalDouble(double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

using Cells = std::vector<std::optional<std::string>>;

// The server's reference text for `c`, normalised like Render() does.
std::optional<std::string> Expected(const Col& c, const std::optional<std::string>& server) {
  if (!server || c.cmp != Cmp::kReal) return server;
  return CanonicalDouble(std::strtod(server->c_str(), nullptr));
}

// A decoded value as text comparable with Expected(); an error text
// (starting with '!') when the value has the wrong kind or fails to format.
std::optional<std::string> Render(const Value& v, const Col& c) {
  if (v.kind == ValueKind::kNull) return std::nullopt;
  auto bad = [&](std::string_view why) {
    return "!" + std::string(why) + " (kind " + std::string(binlog::ValueKindName(v.kind)) + ")";
  };
  switch (c.cmp) {
    case Cmp::kInt:
      if (v.kind != ValueKind::kInt) return bad("not an int");
      return binlog::FormatInt(v, c.is_unsigned);
    case Cmp::kReal:
      if (v.kind == ValueKind::kFloat) return CanonicalDouble(static_cast<double>(v.f32));
      if (v.kind == ValueKind::kDouble) return CanonicalDouble(v.f64);
      return bad("not a float");
    case Cmp::kText: {
      auto text = v.kind == ValueKind::kDecimal ? binlog::FormatDecimal(v) : binlog::FormatTemporal(v);
      if (!text.ok()) return bad(text.status().ToString());
      return *text;
    }
    case Cmp::kHex: {
      if (v.kind != ValueKind::kString && v.kind != ValueKind::kGeometry) return bad("not bytes");
      std::string bytes(v.raw);
      if (bytes.size() < c.binary_length) bytes.resize(c.binary_length, '\0');
      return Hex(bytes);
    }
    case Cmp::kCompressed: {
      if (v.kind != ValueKind::kCompressed) return bad("not a compressed column");
      auto plain = binlog::DecompressMariaDbColumn(v.raw);
      if (!plain.ok()) return bad(plain.status().ToString());
      return Hex(*plain);
    }
    case Cmp::kNumber:
      if (v.kind != ValueKind::kEnum && v.kind != ValueKind::kSet && v.kind != ValueKind::kBit) {
        return bad("not enum/set/bit");
      }
      return std::to_string(v.bits);
  }
  return bad("?");
}

struct Config {
  const char* name;
  const char* row_metadata;  // binlog_row_metadata
  bool mysql56_temporal;     // mysql56_temporal_format when the table is created
  bool compress;             // log_bin_compress
};

class AllTypesTest : public ::testing::TestWithParam<Config> {};

// Passes events through, counting MariaDB compressed ones (types 165-171)
// as they come off the wire, before the decoder inflates them.
class CountingSource final : public binlog::EventSource {
 public:
  CountingSource(std::unique_ptr<binlog::EventSource> inner, std::shared_ptr<std::atomic<int>> compressed)
      : inner_(std::move(inner)), compressed_(std::move(compressed)) {}
  Result<binlog::RawEvent> Next(std::stop_token stop) override {
    auto e = inner_->Next(stop);
    if (e.ok() && e->data[binlog::kTypeOffset] >= 165 && e->data[binlog::kTypeOffset] <= 171) ++*compressed_;
    return e;
  }
  void Acknowledge(const binlog::Checkpoint& c) override { inner_->Acknowledge(c); }

 private:
  std::unique_ptr<binlog::EventSource> inner_;
  std::shared_ptr<std::atomic<int>> compressed_;
};

// Sets a global variable for the scope, restoring the old value.
class GlobalSetting {
 public:
  GlobalSetting(db::Connection& conn, std::string name, const std::string& value) : conn_(conn), name_(std::move(name)) {
    auto old = conn_.QueryScalar("SELECT @@GLOBAL." + name_);
    if (old.ok() && old->has_value()) old_ = **old;
    status_ = conn_.Execute("SET GLOBAL " + name_ + " = " + value);
  }
  ~GlobalSetting() {
    if (old_.empty()) return;
    const bool numeric = old_.find_first_not_of("0123456789") == std::string::npos;
    (void)conn_.Execute("SET GLOBAL " + name_ + " = " + (numeric ? old_ : "'" + old_ + "'"));
  }
  const Status& status() const { return status_; }

 private:
  db::Connection& conn_;
  std::string name_;
  std::string old_;
  Status status_;
};

Result<std::vector<Cells>> Snapshot(db::Connection& conn, const std::string& table, const std::vector<Col>& cols) {
  std::string sql = "SELECT id";
  for (const Col& c : cols) sql += ", " + ServerExpr(c);
  sql += " FROM " + table + " ORDER BY id";
  OSC_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query(sql));
  std::vector<Cells> out;
  for (db::Row& row : r.rows) out.push_back(std::move(row));
  return out;
}

// Compares one decoded image with the server's row (cell 0 is the id).
void ExpectImage(const std::vector<Value>& image, const Cells& server, const std::vector<Col>& cols,
                 const std::string& what) {
  ASSERT_EQ(image.size(), cols.size() + 1) << what;
  ASSERT_EQ(server.size(), cols.size() + 1) << what;
  EXPECT_EQ(binlog::FormatInt(image[0], false), *server[0]) << what << ": id";
  for (size_t i = 0; i < cols.size(); ++i) {
    const std::optional<std::string> got = Render(image[i + 1], cols[i]);
    const std::optional<std::string> want = Expected(cols[i], server[i + 1]);
    EXPECT_EQ(got, want) << what << ": column " << cols[i].name << " " << cols[i].type;
  }
}

TEST_P(AllTypesTest, EveryDecodedValueMatchesTheServer) {
  const Config cfg = GetParam();
  OSC_REQUIRE_SANDBOX(conn_options);
  db::ConnectionOptions dml_options = conn_options;
  dml_options.init_statements = {"SET SESSION sql_mode = ''", "SET SESSION time_zone = '+00:00'",
                                 "SET SESSION max_statement_time = 0"};
  auto conn = db::Connection::Open(dml_options);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const std::vector<Col> cols = Columns();
  const std::string table = std::string("t_types_") + cfg.name;
  const std::string qualified = "osc_binlog_test." + table;

  GlobalSetting metadata(*conn, "binlog_row_metadata", cfg.row_metadata);
  ASSERT_TRUE(metadata.status().ok()) << metadata.status().ToString();
  GlobalSetting compress(*conn, "log_bin_compress", cfg.compress ? "ON" : "OFF");
  ASSERT_TRUE(compress.status().ok()) << compress.status().ToString();
  GlobalSetting compress_min(*conn, "log_bin_compress_min_len", "10");
  ASSERT_TRUE(compress_min.status().ok()) << compress_min.status().ToString();
  {
    GlobalSetting temporal(*conn, "mysql56_temporal_format", cfg.mysql56_temporal ? "ON" : "OFF");
    ASSERT_TRUE(temporal.status().ok()) << temporal.status().ToString();
    std::string ddl = "CREATE OR REPLACE TABLE " + qualified + " (id INT NOT NULL PRIMARY KEY";
    for (const Col& c : cols) ddl += ", `" + c.name + "` " + c.type;
    ddl += ") ENGINE=InnoDB ROW_FORMAT=DYNAMIC";
    ASSERT_TRUE(conn->Execute("CREATE DATABASE IF NOT EXISTS osc_binlog_test").ok());
    Status created = conn->Execute(ddl);
    ASSERT_TRUE(created.ok()) << created.ToString();
  }
  auto show = conn->Query("SHOW CREATE TABLE " + qualified);
  ASSERT_TRUE(show.ok() && !show->rows.empty());
  const bool legacy_columns = show->rows[0][1]->find("/* mariadb-5.3 */") != std::string::npos;
  EXPECT_EQ(legacy_columns, !cfg.mysql56_temporal) << "TIME(n) etc. should be in the 5.3 format exactly when "
                                                      "created with mysql56_temporal_format=OFF";

  auto start = testing::CurrentBinlogPosition(*conn);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  std::string insert = "INSERT INTO " + qualified + " (id";
  for (const Col& c : cols) insert += ", `" + c.name + "`";
  insert += ") VALUES ";
  for (int row = 0; row < 5; ++row) {
    insert += (row ? ", (" : "(") + std::to_string(row + 1);
    for (const Col& c : cols) insert += ", " + c.values[static_cast<size_t>(row)];
    insert += ")";
  }
  Status inserted = conn->Execute(insert);
  ASSERT_TRUE(inserted.ok()) << inserted.ToString();
  auto before = Snapshot(*conn, qualified, cols);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_EQ(before->size(), 5u);
  std::string update = "UPDATE " + qualified + " SET ";
  for (size_t i = 0; i < cols.size(); ++i) update += (i ? ", `" : "`") + cols[i].name + "` = " + cols[i].values[5];
  update += " WHERE id = 1";
  Status updated = conn->Execute(update);
  ASSERT_TRUE(updated.ok()) << updated.ToString();
  auto after = Snapshot(*conn, qualified, cols);
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(conn->Execute("DELETE FROM " + qualified + " WHERE id = 2").ok());

  auto source = binlog::ServerEventSource::Open(testing::SourceOptionsAt(conn_options, *start));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  auto compressed_events = std::make_shared<std::atomic<int>>(0);
  binlog::ChangeStreamOptions stream_options;
  stream_options.tables = {{"osc_binlog_test", table}};
  auto stream = binlog::ChangeStream::Start(std::make_unique<CountingSource>(std::move(*source), compressed_events),
                                            stream_options);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  int rows_events = 0;
  auto read = testing::ReadUntil(**stream, [&](const ChangeEvent& e) {
    if (e.kind != ChangeKind::kRows) return false;
    return e.rows->kind() == binlog::RowsKind::kDelete;
  });
  ASSERT_TRUE(read.ok()) << read.status().ToString();

  binlog::RowDecodeOptions decode;
  std::vector<uint8_t> legacy_fsp(cols.size() + 1, 0);
  for (size_t i = 0; i < cols.size(); ++i) legacy_fsp[i + 1] = cols[i].fsp;
  decode.legacy_fsp = legacy_fsp;
  std::vector<std::string> seen;  // "W1", "U1", "D2", ...
  for (const ChangeEvent& e : *read) {
    if (e.kind != ChangeKind::kRows) continue;
    ++rows_events;
    const binlog::TableMap& map = e.rows->table();
    ASSERT_EQ(map.column_count(), cols.size() + 1);
    const std::string mode = cfg.row_metadata;
    for (size_t i = 0; i < cols.size(); ++i) {
      const binlog::Column& mc = map.columns()[i + 1];
      if (mode == "FULL") {
        EXPECT_EQ(mc.name, cols[i].name);
      } else if (mode == "NO_LOG") {
        EXPECT_TRUE(mc.name.empty());
      }
      if (cols[i].cmp == Cmp::kInt) {
        const auto want = mode == "NO_LOG" ? binlog::Signedness::kUnknown
                          : cols[i].is_unsigned ? binlog::Signedness::kUnsigned
                                                : binlog::Signedness::kSigned;
        EXPECT_EQ(mc.signedness, want) << cols[i].name;
      }
      if (mode == "FULL" && cols[i].name == "e") {
        EXPECT_EQ(mc.enum_values, (std::vector<std::string_view>{"a", "b", "c"}));
      }
    }
    auto decoder = e.rows->Decoder(decode);
    ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
    binlog::Row row;
    while (true) {
      auto more = decoder->Next(&row);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      const auto kind = e.rows->kind();
      const std::vector<Value>& key_image = kind == binlog::RowsKind::kWrite ? row.after : row.before;
      const int64_t id = key_image[0].AsInt64();
      ASSERT_GE(id, 1);
      ASSERT_LE(id, 5);
      const Cells& old_row = (*before)[static_cast<size_t>(id - 1)];
      if (kind == binlog::RowsKind::kWrite) {
        seen.push_back("W" + std::to_string(id));
        ExpectImage(row.after, old_row, cols, "insert id " + std::to_string(id));
      } else if (kind == binlog::RowsKind::kUpdate) {
        seen.push_back("U" + std::to_string(id));
        ExpectImage(row.before, old_row, cols, "update before id " + std::to_string(id));
        ExpectImage(row.after, (*after)[0], cols, "update after id " + std::to_string(id));
      } else {
        seen.push_back("D" + std::to_string(id));
        ExpectImage(row.before, old_row, cols, "delete id " + std::to_string(id));
      }
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"W1", "W2", "W3", "W4", "W5", "U1", "D2"}));
  EXPECT_GE(rows_events, 3);
  if (cfg.compress) {
    EXPECT_GE(compressed_events->load(), rows_events) << "log_bin_compress=ON should compress the rows events";
  } else {
    EXPECT_EQ(compressed_events->load(), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Binlog, AllTypesTest,
                         ::testing::Values(Config{"no_log", "NO_LOG", true, false},
                                           Config{"minimal", "MINIMAL", true, false},
                                           Config{"full", "FULL", true, false},
                                           Config{"hires_no_log", "NO_LOG", false, false},
                                           Config{"hires_full", "FULL", false, false},
                                           Config{"compressed", "FULL", true, true}),
                         [](const ::testing::TestParamInfo<Config>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace osc
