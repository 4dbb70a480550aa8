#include "binlog/binlog_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "binlog/event_type.h"
#include "binlog/events.h"

namespace osc::binlog {
namespace {

constexpr size_t kReadChunk = 256 * 1024;

gzFile AsGz(void* file) { return static_cast<gzFile>(file); }

Status ReadError(const std::string& path, void* file) {
  int code = 0;
  const char* text = gzerror(AsGz(file), &code);
  if (code == Z_ERRNO) text = std::strerror(errno);
  return Status::IoError("reading " + path + ": " + (text ? text : "unknown error"));
}

}  // namespace

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::Open(const std::string& path,
                                                                 EventReaderOptions options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound("no such binlog file: " + path);
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  gzbuffer(file, static_cast<unsigned>(kReadChunk));
  options.start_offset = kBinlogMagicLength;
  options.format_description_first = true;
  std::unique_ptr<BinlogFileReader> reader(new BinlogFileReader(path, file, options));
  OSC_RETURN_IF_ERROR(reader->Fill(kBinlogMagicLength));
  if (reader->end_ < kBinlogMagicLength ||
      std::memcmp(reader->buffer_.data(), kBinlogMagic, kBinlogMagicLength) != 0) {
    return Status::Corruption(path + " is not a binlog file (no fe 62 69 6e magic)");
  }
  reader->begin_ = kBinlogMagicLength;
  return reader;
}

BinlogFileReader::BinlogFileReader(std::string path, void* file, EventReaderOptions options)
    : path_(std::move(path)), file_(file), reader_(options) {}

BinlogFileReader::~BinlogFileReader() { gzclose(AsGz(file_)); }

Status BinlogFileReader::Fill(size_t need) {
  // Compact first so the buffer never holds more than one event plus a chunk.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const size_t want = std::max(need, end_ + kReadChunk);
  if (buffer_.size() < want) buffer_.resize(want);
  while (end_ < need && !eof_) {
    const size_t room = std::min(buffer_.size() - end_, size_t{1} << 30);
    const int n = gzread(AsGz(file_), buffer_.data() + end_, static_cast<unsigned>(room));
    if (n < 0) return ReadError(path_, file_);
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<std::optional<EventView>> BinlogFileReader::Next() {
  while (true) {
    const Bytes available(buffer_.data() + begin_, end_ - begin_);
    OSC_ASSIGN_OR_RETURN(EventReader::Step step, reader_.Next(available));
    begin_ += step.consumed;
    if (step.kind == EventReader::Step::kEvent) return std::optional<EventView>(std::move(step.event));
    if (eof_) {
      if (begin_ == end_) return std::optional<EventView>();
      return Status::Corruption("truncated binlog " + path_ + ": it ends " + std::to_string(end_ - begin_) +
                                " bytes into an event at offset " + std::to_string(reader_.offset()) +
                                " that needs " + std::to_string(step.need));
    }
    OSC_RETURN_IF_ERROR(Fill(step.need));
  }
}

}  // namespace osc::binlog

namespace osc::binlog {
namespace {

std::string Clip(std::string_view text) {
  constexpr size_t kMax = 256;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}

std::string Gtid(const GtidEvent& g) {
  return FormatUuid(g.sid) + (g.tag.empty() ? "" : ":" + g.tag) + ":" + std::to_string(g.gno);
}

Result<std::string> DescribeGtidSets(const EventView& ev) {
  OSC_ASSIGN_OR_RETURN(const PreviousGtidsEvent e, ParsePreviousGtids(ev.body));
  std::string out;
  for (const GtidSetEntry& entry : e.entries) {
    out += " " + FormatUuid(entry.sid) + (entry.tag.empty() ? "" : ":" + entry.tag);
    for (const GtidInterval& iv : entry.intervals) {
      out += ":" + std::to_string(iv.start) + "-" + std::to_string(iv.end - 1);
    }
  }
  return out;
}

Result<std::string> DescribeMaria(const EventView& ev) {
  switch (ev.type()) {
    case EventType::kMariaGtid: {
      OSC_ASSIGN_OR_RETURN(const MariaGtidEvent e, ParseMariaGtid(ev.body));
      return " " + std::to_string(e.domain_id) + "-" + std::to_string(ev.header.server_id) + "-" +
             std::to_string(e.seq_no) + (e.standalone() ? " standalone" : "");
    }
    case EventType::kMariaGtidList: {
      OSC_ASSIGN_OR_RETURN(const MariaGtidListEvent e, ParseMariaGtidList(ev.body));
      std::string out;
      for (const MariaGtid& g : e.gtids) {
        out += " " + std::to_string(g.domain_id) + "-" + std::to_string(g.server_id) + "-" +
               std::to_string(g.seq_no);
      }
      return out;
    }
    case EventType::kMariaBinlogCheckpoint: {
      OSC_ASSIGN_OR_RETURN(const BinlogCheckpointEvent e, ParseBinlogCheckpoint(ev.body));
      return " file=" + std::string(e.file);
    }
    case EventType::kMariaAnnotateRows: {
      OSC_ASSIGN_OR_RETURN(const AnnotateRowsEvent e, ParseAnnotateRows(ev.body));
      return " query=" + Clip(e.query);
    }
    case EventType::kMariaStartEncryption: {
      OSC_ASSIGN_OR_RETURN(const StartEncryptionEvent e, ParseStartEncryption(ev.body));
      return " scheme=" + std::to_string(e.scheme) + " key_version=" + std::to_string(e.key_version);
    }
    default:
      return " " + std::to_string(ev.body.size()) + " bytes";
  }
}

Result<std::string> DescribeBody(const EventView& ev, const FormatDescription& fd) {
  switch (ev.type()) {
    case EventType::kFormatDescription:
      return " server=" + fd.server_version + " checksum=" +
             (fd.has_checksum_alg ? std::to_string(static_cast<int>(fd.checksum_alg)) : "none");
    case EventType::kQuery: {
      OSC_ASSIGN_OR_RETURN(const QueryEvent q, ParseQuery(ev.body, fd.PostHeaderLength(ev.header.type)));
      return " db=" + std::string(q.db) + " query=" + Clip(q.query);
    }
    case EventType::kRotate: {
      OSC_ASSIGN_OR_RETURN(const RotateEvent r, ParseRotate(ev.body, fd.PostHeaderLength(ev.header.type)));
      return " " + std::string(r.next_file) + ":" + std::to_string(r.position);
    }
    case EventType::kXid: {
      OSC_ASSIGN_OR_RETURN(const XidEvent x, ParseXid(ev.body));
      return " xid=" + std::to_string(x.xid);
    }
    case EventType::kIntvar: {
      OSC_ASSIGN_OR_RETURN(const IntvarEvent i, ParseIntvar(ev.body));
      return " type=" + std::to_string(i.type) + " value=" + std::to_string(i.value);
    }
    case EventType::kIncident: {
      OSC_ASSIGN_OR_RETURN(const IncidentEvent i, ParseIncident(ev.body));
      return " type=" + std::to_string(i.type) + " " + std::string(i.message);
    }
    case EventType::kRowsQuery: {
      OSC_ASSIGN_OR_RETURN(const RowsQueryEvent q, ParseRowsQuery(ev.body));
      return " query=" + Clip(q.query);
    }
    case EventType::kHeartbeat:
    case EventType::kHeartbeatV2: {
      OSC_ASSIGN_OR_RETURN(const HeartbeatEvent h, ev.type() == EventType::kHeartbeat
                                                       ? ParseHeartbeatV1(ev.body, ev.header.log_pos)
                                                       : ParseHeartbeatV2(ev.body));
      return " " + std::string(h.log_file) + ":" + (h.position ? std::to_string(*h.position) : "?");
    }
    case EventType::kGtid:
    case EventType::kAnonymousGtid:
    case EventType::kGtidTagged: {
      OSC_ASSIGN_OR_RETURN(const GtidEvent g, ParseGtid(ev.body, ev.header.type));
      return " " + Gtid(g);
    }
    case EventType::kPreviousGtids:
      return DescribeGtidSets(ev);
    case EventType::kTransactionPayload: {
      OSC_ASSIGN_OR_RETURN(const TransactionPayloadEvent p, ParseTransactionPayload(ev.body));
      return " compression=" + std::to_string(p.compression_type) + " size=" + std::to_string(p.payload_size);
    }
    default:
      return DescribeMaria(ev);
  }
}

}  // namespace

Result<std::string> DescribeEvent(const EventView& event, const FormatDescription& format) {
  OSC_ASSIGN_OR_RETURN(const std::string body, DescribeBody(event, format));
  return std::string(event.in_payload ? "  " : "") + std::string(EventTypeName(event.header.type)) + body;
}

}  // namespace osc::binlog
