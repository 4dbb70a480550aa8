// Reads a binlog (or relay log) file from disk through an EventReader: for
// tests and for offline tools such as a future `osc binlog-dump`. Plain and
// gzip-compressed files (archived binlogs are often gzipped) are read the
// same way, streaming: memory stays around one event plus a 256 KiB buffer.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binlog/event_reader.h"
#include "common/result.h"

namespace osc::binlog {

// The 4 bytes before the first event (binlog_event.h BINLOG_MAGIC).
inline constexpr size_t kBinlogMagicLength = sizeof(kBinlogMagic);
static_assert(kBinlogMagicLength == 4);

class BinlogFileReader {
 public:
  // Opens `path` and checks the magic. kNotFound if the file does not exist,
  // kIoError if it cannot be read, kCorruption if it does not start with
  // the binlog magic. options.start_offset is set to 4 and
  // options.format_description_first to true.
  static Result<std::unique_ptr<BinlogFileReader>> Open(const std::string& path,
                                                        EventReaderOptions options = {});

  ~BinlogFileReader();
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  // The next event, or nullopt when the last event ended exactly at the end
  // of the file. A file that ends inside an event is kCorruption with a
  // message starting "truncated". The returned view's body is valid until
  // the next call (or for as long as the view lives if it owns storage).
  Result<std::optional<EventView>> Next();

  const EventReader& reader() const { return reader_; }
  const std::string& path() const { return path_; }

 private:
  BinlogFileReader(std::string path, void* file, EventReaderOptions options);
  // Makes at least `need` unconsumed bytes available unless the file ends
  // first (then eof_ is set).
  Status Fill(size_t need);

  std::string path_;
  void* file_;  // gzFile; void* keeps <zlib.h> out of this header
  EventReader reader_;
  std::vector<uint8_t> buffer_;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
};

// One line of text for `event`, decoding the body of every non-row event
// type (row events and TABLE_MAP are shown by type and size only), e.g.
//   GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:23
//   QUERY db=test query=BEGIN
// `format` is the FDE in force (EventReader::format()). Fails with the
// parser's error when the body is malformed, so a dump or a fuzzer can use
// it to exercise every decoder. Statement text is cut at 256 bytes.
Result<std::string> DescribeEvent(const EventView& event, const FormatDescription& format);

}  // namespace osc::binlog
