// Row-event decode throughput: bytes of rows-event body and rows per second
// turned into typed Values, for a realistic ~10-column table:
//   id BIGINT PRIMARY KEY, qty INT, sku VARCHAR(64), title VARCHAR(255),
//   created DATETIME(6), price DECIMAL(12,2), notes TEXT, score DOUBLE,
//   flag TINYINT, updated TIMESTAMP
// in utf8mb4 (VARCHAR max lengths 256 and 1020 bytes, so 2-byte prefixes).
// Events hold ~8 KiB of rows, the server's default binlog_row_event_max_size.
#include <benchmark/benchmark.h>

#include <string>

#include "binlog/rows_event.h"
#include "tests/support/row_encoder.h"

namespace osc::binlog {
namespace {

using testing::ByteVec;

ByteVec TableMapBody() {
  return testing::TableMapBuilder(101, "shop", "orders")
      .Add(testing::IntCol(8))
      .Add(testing::IntCol(3))
      .Add(testing::VarcharCol(256))
      .Add(testing::VarcharCol(1020))
      .Add(testing::Temporal2Col(18, 6))
      .Add(testing::DecimalCol(12, 2))
      .Add(testing::BlobCol(2))
      .Add(testing::DoubleCol())
      .Add(testing::IntCol(1))
      .Add(testing::Temporal2Col(17, 0))
      .Tlv(1, testing::MsbBitmap({false, false, false, false, false, false}))
      .Tlv(2, {0xfc, 0xff, 0x00})
      .Body();
}

std::vector<testing::Cell> RowCells(int i) {
  const std::string sku = "SKU-" + std::to_string(100000 + i);
  const std::string title = "Stainless steel widget, model " + std::to_string(i % 97) + ", pack of 12";
  const std::string notes =
      "Customer asked for gift wrapping; deliver between 9 and 17; call ahead. Order " + std::to_string(i);
  return {testing::Int(static_cast<uint64_t>(1000000 + i), 8),
          testing::Int(static_cast<uint64_t>(i % 50), 4),
          testing::Var(sku, 2),
          testing::Var(title, 2),
          testing::DateTime2(2024, 5, 1 + i % 28, i % 24, i % 60, i % 60, static_cast<uint32_t>(i * 37 % 1000000), 6),
          testing::Decimal(std::to_string(i % 100000) + "." + std::to_string(10 + i % 90), 12, 2),
          testing::Var(notes, 2),
          testing::Double(i * 0.25),
          testing::Int(static_cast<uint64_t>(i % 2), 1),
          i % 7 == 0 ? testing::Null() : testing::Timestamp2(1714521600u + static_cast<uint32_t>(i), 0, 0)};
}

// A WRITE_ROWS v2 (or UPDATE_ROWS v2) body of about `target` bytes.
ByteVec EventBody(uint8_t type, size_t target, int* rows) {
  testing::RowsEventBuilder b(type, 101, 10);
  ByteVec body;
  int n = 0;
  do {
    b.Image(RowCells(n));
    if (type == 31) b.Image(RowCells(n + 1));
    ++n;
    body = b.Body();
  } while (body.size() < target);
  *rows = n;
  return body;
}

void DecodeEvent(benchmark::State& state, uint8_t type) {
  const ByteVec map_body = TableMapBody();
  auto map = TableMap::Parse(Bytes(map_body.data(), map_body.size()), 8);
  int rows = 0;
  const ByteVec body = EventBody(type, 8192, &rows);
  Row row;
  uint64_t checksum = 0;
  for (auto _ : state) {
    auto ev = ParseRowsEvent(type, Bytes(body.data(), body.size()), 10);
    auto dec = RowDecoder::Create(*ev, *map);
    while (*dec->Next(&row)) checksum += row.after[0].bits;
  }
  if (!map.ok() || checksum == 0) state.SkipWithError("decoding failed");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * rows);
  state.counters["rows_per_event"] = rows;
  state.counters["event_bytes"] = static_cast<double>(body.size());
}

void BM_DecodeWriteRows(benchmark::State& state) { DecodeEvent(state, 30); }
void BM_DecodeUpdateRows(benchmark::State& state) { DecodeEvent(state, 31); }

// The consumer's next step: exact text for the decimal and the temporals.
void BM_DecodeAndFormatWriteRows(benchmark::State& state) {
  const ByteVec map_body = TableMapBody();
  auto map = TableMap::Parse(Bytes(map_body.data(), map_body.size()), 8);
  int rows = 0;
  const ByteVec body = EventBody(30, 8192, &rows);
  Row row;
  size_t chars = 0;
  for (auto _ : state) {
    auto ev = ParseRowsEvent(30, Bytes(body.data(), body.size()), 10);
    auto dec = RowDecoder::Create(*ev, *map);
    while (*dec->Next(&row)) {
      chars += FormatDecimal(row.after[5])->size();
      chars += FormatTemporal(row.after[4])->size();
      if (!row.after[9].is_null()) chars += FormatTemporal(row.after[9])->size();
    }
  }
  benchmark::DoNotOptimize(chars);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * rows);
}

// A TABLE_MAP that repeats byte for byte (every transaction on the table).
void BM_TableMapCacheRepeat(benchmark::State& state) {
  const ByteVec map_body = TableMapBody();
  TableMapCache cache;
  for (auto _ : state) {
    auto m = cache.Update(Bytes(map_body.data(), map_body.size()), 8);
    benchmark::DoNotOptimize(m);
  }
}

void BM_TableMapParse(benchmark::State& state) {
  const ByteVec map_body = TableMapBody();
  for (auto _ : state) {
    auto m = TableMap::Parse(Bytes(map_body.data(), map_body.size()), 8);
    benchmark::DoNotOptimize(m);
  }
}

BENCHMARK(BM_DecodeWriteRows);
BENCHMARK(BM_DecodeUpdateRows);
BENCHMARK(BM_DecodeAndFormatWriteRows);
BENCHMARK(BM_TableMapCacheRepeat);
BENCHMARK(BM_TableMapParse);

}  // namespace
}  // namespace osc::binlog

BENCHMARK_MAIN();
