// libFuzzer target: arbitrary bytes through the binlog EventReader and
// every non-row event decoder.
//
// Each input is read three ways: as a file (magic, FDE first, checksums
// verified), as the same stream with checksum verification off (so
// mutations are not all stopped by the CRC and reach the body parsers and
// the payload decompressors), and as replication packets (a 2-byte length
// before each event). Every event that comes out is decoded with
// DescribeEvent. Limits are lowered so that a declared size cannot make a
// run allocate more than a few MiB.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "binlog/binlog_file.h"
#include "binlog/event_reader.h"
#include "common/bytes.h"

namespace {

using osc::Bytes;
using osc::binlog::EventReader;
using osc::binlog::EventReaderOptions;
using osc::binlog::EventView;

constexpr uint64_t kLimit = 4u << 20;

void Consume(const EventReader& reader, const EventView& event) {
  (void)osc::binlog::DescribeEvent(event, reader.format());
  // ---- ROW DECODER SPOT ---------------------------------------------------
  // Once the row decoder's API is settled (binlog/table_map.h TableMap::Parse,
  // binlog/rows_event.h ParseRowsEvent + RowDecoder), feed TABLE_MAP events
  // to a table-map cache here and decode every row of every rows event
  // (types 23-25, 30-32, 39) against it, e.g.
  //   if (event.type() == EventType::kTableMap) cache.Update(event.body, phl);
  //   else if (IsRowsEvent(event.type())) { auto rows = ParseRowsEvent(...);
  //     auto dec = RowDecoder::Create(*rows, cache.Find(rows->table_id));
  //     while (dec.ok() && dec->Next(&row).value_or(false)) {} }
  // --------------------------------------------------------------------------
}

void ReadStream(Bytes data, EventReaderOptions options) {
  EventReader reader(options);
  size_t offset = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    auto step = reader.Next(data.subspan(offset));
    if (!step.ok()) return;
    offset += step->consumed;
    if (step->kind == EventReader::Step::kNeedMore) return;
    Consume(reader, step->event);
  }
}

void ReadPackets(Bytes data) {
  EventReaderOptions options;
  options.max_event_size = kLimit;
  options.max_uncompressed_size = kLimit;
  options.checksum_before_format = osc::binlog::ChecksumAlg::kCrc32;
  EventReader reader(options);
  osc::ByteReader in(data);
  while (in.remaining() >= 2) {
    const Bytes packet = in.Take(in.U16());
    if (!in.ok()) return;
    auto event = reader.ReadPacket(packet);
    if (event.ok()) Consume(reader, *event);
    while (reader.has_pending()) {
      auto step = reader.Next({});
      if (!step.ok() || step->kind != EventReader::Step::kEvent) break;
      Consume(reader, step->event);
    }
    if (!event.ok() && !event.status().IsNotFound()) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes input(data, size);
  EventReaderOptions file;
  file.max_event_size = kLimit;
  file.max_uncompressed_size = kLimit;
  file.format_description_first = true;
  file.start_offset = 4;
  if (size >= 4 && std::memcmp(data, osc::binlog::kBinlogMagic, 4) == 0) input = input.subspan(4);
  ReadStream(input, file);
  EventReaderOptions lax = file;
  lax.verify_checksums = false;
  lax.pass_unknown_events = true;
  ReadStream(input, lax);
  ReadPackets(Bytes(data, size));
  return 0;
}
