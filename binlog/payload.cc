#include "binlog/payload.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <string>

#include "binlog/event_type.h"
#include "binlog/events.h"

namespace osc::binlog {
namespace {

Status Bad(std::string_view what, std::string_view why) {
  return Status::Corruption(std::string(what) + ": " + std::string(why));
}

std::string TooLarge(uint64_t declared, uint64_t max) {
  return "declared uncompressed size " + std::to_string(declared) + " exceeds the limit of " +
         std::to_string(max) + " bytes";
}

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};

// Inflates a zstd stream (possibly several frames) into at most `cap`
// bytes; with `exact` the output must be exactly `cap` bytes. The buffer
// grows geometrically (so an unknown size costs O(n)) but never past `cap`.
// Once it is full, a one-byte probe lets zstd finish a frame epilogue and
// tells a stream that is merely done from one that inflates past the cap.
Result<SharedBuffer> ZstdInflate(Bytes in, uint64_t cap, bool exact) {
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  if (!ctx) return Status::Internal("ZSTD_createDCtx failed");
  auto out = std::make_shared<Buffer>();
  out->resize(static_cast<size_t>(std::min<uint64_t>(cap, exact ? cap : 4 * in.size() + 1024)));
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t produced = 0;
  uint8_t probe = 0;
  while (true) {
    bool full = produced == out->size();
    if (full && out->size() < cap) {
      out->resize(static_cast<size_t>(std::min<uint64_t>(cap, 2 * out->size() + 1024)));
      full = false;
    }
    ZSTD_outBuffer dst = full ? ZSTD_outBuffer{&probe, 1, 0}
                              : ZSTD_outBuffer{out->data(), out->size(), produced};
    const size_t rc = ZSTD_decompressStream(ctx.get(), &dst, &src);
    if (ZSTD_isError(rc)) return Bad("TRANSACTION_PAYLOAD", std::string("zstd: ") + ZSTD_getErrorName(rc));
    if (full && dst.pos != 0) return Bad("TRANSACTION_PAYLOAD", "zstd data inflates past the declared size");
    if (!full) produced = dst.pos;
    if (rc == 0 && src.pos == src.size) break;
    if (src.pos == src.size && dst.pos < dst.size) {
      return Bad("TRANSACTION_PAYLOAD", "zstd stream ends inside a frame");
    }
  }
  if (exact && produced != cap) {
    return Bad("TRANSACTION_PAYLOAD", "zstd data inflates to " + std::to_string(produced) +
                                          " bytes, not the declared " + std::to_string(cap));
  }
  out->resize(produced);
  return SharedBuffer(std::move(out));
}

}  // namespace

Result<TransactionPayloadEvent> ParseTransactionPayload(Bytes body) {
  ByteReader r(body);
  TransactionPayloadEvent e;
  bool have_size = false, have_type = false;
  while (true) {
    const uint64_t type = r.PackedInt();
    if (!r.ok()) return Bad("TRANSACTION_PAYLOAD", "header ends without an end mark");
    if (type == kPayloadHeaderEndMark) break;
    const uint64_t length = r.PackedInt();
    if (!r.ok() || length > r.remaining()) return Bad("TRANSACTION_PAYLOAD", "field runs past the body");
    ByteReader field(r.Take(static_cast<size_t>(length)));
    uint64_t value = 0;
    if (type <= kPayloadUncompressedSizeField) {
      value = field.PackedInt();
      if (!field.ok() || !field.empty()) return Bad("TRANSACTION_PAYLOAD", "malformed field value");
    }
    if (type == kPayloadSizeField) {
      e.payload_size = value;
      have_size = true;
    } else if (type == kPayloadCompressionTypeField) {
      if (value != kPayloadCompressionZstd && value != kPayloadCompressionNone) {
        return Bad("TRANSACTION_PAYLOAD", "unknown compression type " + std::to_string(value));
      }
      e.compression_type = static_cast<uint8_t>(value);
      have_type = true;
    } else if (type == kPayloadUncompressedSizeField) {
      e.uncompressed_size = value;
    }  // other field ids: skipped, as the server does
  }
  if (!have_size || !have_type) return Bad("TRANSACTION_PAYLOAD", "payload size or compression type missing");
  if (e.payload_size > r.remaining()) return Bad("TRANSACTION_PAYLOAD", "payload size exceeds the body");
  e.payload = r.Take(static_cast<size_t>(e.payload_size));
  return e;
}

Result<SharedBuffer> DecompressTransactionPayload(const TransactionPayloadEvent& event,
                                                  uint64_t max_size) {
  if (event.compression_type == kPayloadCompressionNone) {
    if (event.payload.size() > max_size) return Bad("TRANSACTION_PAYLOAD", TooLarge(event.payload.size(), max_size));
    return SharedBuffer(std::make_shared<Buffer>(event.payload.begin(), event.payload.end()));
  }
  if (event.uncompressed_size) {
    if (*event.uncompressed_size > max_size) return Bad("TRANSACTION_PAYLOAD", TooLarge(*event.uncompressed_size, max_size));
    return ZstdInflate(event.payload, *event.uncompressed_size, /*exact=*/true);
  }
  return ZstdInflate(event.payload, max_size, /*exact=*/false);
}

bool IsMariaCompressedType(uint8_t type) {
  return type >= static_cast<uint8_t>(EventType::kMariaQueryCompressed) &&
         type <= static_cast<uint8_t>(EventType::kMariaDeleteRowsCompressed);
}

uint8_t MariaUncompressedType(uint8_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::kMariaQueryCompressed: return static_cast<uint8_t>(EventType::kQuery);
    case EventType::kMariaWriteRowsCompressedV1: return static_cast<uint8_t>(EventType::kWriteRowsV1);
    case EventType::kMariaUpdateRowsCompressedV1: return static_cast<uint8_t>(EventType::kUpdateRowsV1);
    case EventType::kMariaDeleteRowsCompressedV1: return static_cast<uint8_t>(EventType::kDeleteRowsV1);
    case EventType::kMariaWriteRowsCompressed: return static_cast<uint8_t>(EventType::kWriteRowsV2);
    case EventType::kMariaUpdateRowsCompressed: return static_cast<uint8_t>(EventType::kUpdateRowsV2);
    case EventType::kMariaDeleteRowsCompressed: return static_cast<uint8_t>(EventType::kDeleteRowsV2);
    default: return type;
  }
}

Result<MariaCompressedHeader> ParseMariaCompressedHeader(Bytes block) {
  if (block.empty()) return Bad("MariaDB compressed block", "empty");
  const uint8_t first = block[0];
  // binlog_get_uncompress_len: (first & 0xe0) must be 0x80;
  // binlog_buf_uncompress: algorithm (first & 0x70) >> 4 must be 0 (zlib).
  if ((first & 0xf0) != 0x80) return Bad("MariaDB compressed block", "bad header byte or algorithm");
  const size_t lenlen = first & 0x07;
  if (lenlen < 1 || lenlen > 4) return Bad("MariaDB compressed block", "length of length not in 1..4");
  if (block.size() < 1 + lenlen) return Bad("MariaDB compressed block", "truncated length");
  MariaCompressedHeader h;
  h.uncompressed_length = static_cast<uint32_t>(LoadBEN(block.data() + 1, lenlen));
  h.header_length = 1 + lenlen;
  if (h.uncompressed_length == 0) return Bad("MariaDB compressed block", "zero uncompressed length");
  return h;
}

namespace {

// Bytes before the compressed block of a MariaDB compressed event: for
// QUERY_COMPRESSED the post-header, status variables, database and its NUL
// (query_event_uncompress); for rows the 8-byte post-header, the v2
// variable header, the column count and the column bitmap(s)
// (row_log_event_uncompress).
Result<size_t> MariaHeadLength(uint8_t type, Bytes body, uint8_t post_header_len) {
  ByteReader r(body);
  if (type == static_cast<uint8_t>(EventType::kMariaQueryCompressed)) {
    OSC_ASSIGN_OR_RETURN(QueryEvent q, ParseQuery(body, post_header_len));
    return body.size() - q.query.size();
  }
  constexpr uint8_t kRowsV1 = 8, kRowsV2 = 10;  // ROWS_HEADER_LEN_V1/V2
  if (post_header_len != kRowsV1 && post_header_len != kRowsV2) {
    return Bad("MariaDB compressed rows", "post-header length is neither 8 nor 10");
  }
  r.Skip(kRowsV1);
  if (post_header_len == kRowsV2) {
    const uint16_t var_len = r.U16();  // counts its own two bytes
    if (var_len < 2) r.Fail();
    r.Skip(var_len - 2u);
  }
  const uint64_t width = r.PackedInt();
  const uint8_t plain = MariaUncompressedType(type);
  const bool update = plain == static_cast<uint8_t>(EventType::kUpdateRowsV1) ||
                      plain == static_cast<uint8_t>(EventType::kUpdateRowsV2);
  const uint64_t bitmap = (width + 7) / 8;
  if (!r.ok() || bitmap > r.remaining()) return Bad("MariaDB compressed rows", "header runs past the body");
  r.Skip(static_cast<size_t>(bitmap) * (update ? 2 : 1));
  if (!r.ok()) return Bad("MariaDB compressed rows", "header runs past the body");
  return body.size() - r.remaining();
}

}  // namespace

Result<SharedBuffer> UncompressMariaEvent(uint8_t type, Bytes body, uint8_t post_header_len,
                                          uint64_t max_size) {
  if (!IsMariaCompressedType(type)) {
    return Status::InvalidArgument("UncompressMariaEvent: type " + std::to_string(type));
  }
  OSC_ASSIGN_OR_RETURN(const size_t head, MariaHeadLength(type, body, post_header_len));
  const Bytes block = body.subspan(head);
  OSC_ASSIGN_OR_RETURN(const MariaCompressedHeader h, ParseMariaCompressedHeader(block));
  if (h.uncompressed_length > max_size) return Bad(EventTypeName(type), TooLarge(h.uncompressed_length, max_size));
  auto out = std::make_shared<Buffer>(head + h.uncompressed_length);
  std::copy(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(head), out->begin());
  uLongf produced = h.uncompressed_length;
  const Bytes data = block.subspan(h.header_length);
  const int rc = uncompress(out->data() + head, &produced, data.data(), static_cast<uLong>(data.size()));
  if (rc != Z_OK || produced != h.uncompressed_length) {
    return Bad(EventTypeName(type), "zlib data does not inflate to the declared " +
                                        std::to_string(h.uncompressed_length) + " bytes");
  }
  return SharedBuffer(std::move(out));
}

}  // namespace osc::binlog
