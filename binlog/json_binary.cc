#include "binlog/json_binary.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "binlog/column_type.h"
#include "binlog/decimal.h"
#include "binlog/temporal.h"
#include "common/bytes.h"

namespace osc::binlog {
namespace {

// Type bytes (json_binary.h JSONB_TYPE_*).
enum : uint8_t {
  kSmallObject = 0x0,
  kLargeObject = 0x1,
  kSmallArray = 0x2,
  kLargeArray = 0x3,
  kLiteral = 0x4,
  kInt16 = 0x5,
  kUint16 = 0x6,
  kInt32 = 0x7,
  kUint32 = 0x8,
  kInt64 = 0x9,
  kUint64 = 0xa,
  kDouble = 0xb,
  kString = 0xc,
  kOpaque = 0xf,
};
enum : uint8_t { kLiteralNull = 0, kLiteralTrue = 1, kLiteralFalse = 2 };

// MySQL refuses documents nested deeper than 100 (JSON_DOCUMENT_MAX_DEPTH);
// the margin only matters for hostile input, the limit bounds the stack.
constexpr int kMaxDepth = 150;
constexpr size_t kBase64LineLength = 76;  // mysys base64_encode wraps lines

class Renderer {
 public:
  Renderer(std::string_view doc, const JsonTextOptions& options, std::string* out)
      : doc_(reinterpret_cast<const uint8_t*>(doc.data())), size_(doc.size()), options_(options), out_(out) {}

  bool Render() {
    if (size_ == 0) {
      out_->append("null");
      return true;
    }
    return Value(doc_[0], 1, size_, 0);
  }

 private:
  // Renders the value of `type` whose data starts at `pos`; `end` bounds
  // the enclosing container (or the document).
  bool Value(uint8_t type, size_t pos, size_t end, int depth) {
    switch (type) {
      case kSmallObject: return Container(true, false, pos, end, depth);
      case kLargeObject: return Container(true, true, pos, end, depth);
      case kSmallArray: return Container(false, false, pos, end, depth);
      case kLargeArray: return Container(false, true, pos, end, depth);
      case kLiteral: return pos < end && Literal(doc_[pos]);
      case kInt16: return Need(pos, 2, end) && Int(static_cast<int16_t>(LoadLE16(doc_ + pos)));
      case kUint16: return Need(pos, 2, end) && Uint(LoadLE16(doc_ + pos));
      case kInt32: return Need(pos, 4, end) && Int(static_cast<int32_t>(LoadLE32(doc_ + pos)));
      case kUint32: return Need(pos, 4, end) && Uint(LoadLE32(doc_ + pos));
      case kInt64: return Need(pos, 8, end) && Int(static_cast<int64_t>(LoadLE64(doc_ + pos)));
      case kUint64: return Need(pos, 8, end) && Uint(LoadLE64(doc_ + pos));
      case kDouble: return Need(pos, 8, end) && Double(pos);
      case kString: return String(pos, end);
      case kOpaque: return Opaque(pos, end);
      default: return false;
    }
  }

  bool Need(size_t pos, size_t n, size_t end) const { return pos <= end && end - pos >= n; }

  size_t Read(size_t pos, bool large) const {
    return large ? LoadLE32(doc_ + pos) : LoadLE16(doc_ + pos);
  }

  // Variable-length length: at most 5 bytes of 7 bits (json_binary.cc
  // read_variable_length). Advances *pos.
  bool VarLength(size_t* pos, size_t end, size_t* length) const {
    uint64_t v = 0;
    for (int i = 0; i < 5; ++i) {
      if (*pos >= end) return false;
      const uint8_t b = doc_[(*pos)++];
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        *length = static_cast<size_t>(v);
        return v <= UINT32_MAX;
      }
    }
    return false;
  }

  bool Container(bool object, bool large, size_t base, size_t end, int depth) {
    if (depth >= kMaxDepth) return false;
    const size_t w = large ? 4 : 2;
    if (!Need(base, 2 * w, end)) return false;
    const size_t count = Read(base, large);
    const size_t bytes = Read(base + w, large);
    if (bytes > end - base) return false;
    const size_t limit = base + bytes;
    const size_t key_entries = base + 2 * w;
    const size_t key_entry_size = w + 2;
    const size_t value_entries = key_entries + (object ? count * key_entry_size : 0);
    const size_t value_entry_size = 1 + w;
    if (count > bytes || value_entries > limit || (limit - value_entries) / value_entry_size < count) {
      return false;
    }
    out_->push_back(object ? '{' : '[');
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) out_->append(", ");
      if (object && !Key(base, key_entries + i * key_entry_size, large, limit)) return false;
      if (!Entry(base, value_entries + i * value_entry_size, large, limit, depth)) return false;
    }
    out_->push_back(object ? '}' : ']');
    return true;
  }

  bool Key(size_t base, size_t entry, bool large, size_t limit) {
    const size_t offset = Read(entry, large);
    const size_t length = LoadLE16(doc_ + entry + (large ? 4 : 2));
    if (!Need(base + offset, length, limit)) return false;
    Quoted(reinterpret_cast<const char*>(doc_ + base + offset), length);
    out_->append(": ");
    return true;
  }

  bool Entry(size_t base, size_t entry, bool large, size_t limit, int depth) {
    const uint8_t type = doc_[entry];
    const bool inlined = type == kLiteral || type == kInt16 || type == kUint16 ||
                         (large && (type == kInt32 || type == kUint32));
    if (inlined) return Value(type, entry + 1, entry + 1 + (large ? 4 : 2), depth + 1);
    const size_t offset = Read(entry + 1, large);
    if (offset >= limit - base) return false;
    return Value(type, base + offset, limit, depth + 1);
  }

  bool Literal(uint8_t v) {
    switch (v) {
      case kLiteralNull: out_->append("null"); return true;
      case kLiteralTrue: out_->append("true"); return true;
      case kLiteralFalse: out_->append("false"); return true;
      default: return false;
    }
  }

  bool Int(int64_t v) {
    char buf[24];
    out_->append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
    return true;
  }
  bool Uint(uint64_t v) {
    char buf[24];
    out_->append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
    return true;
  }

  bool Double(size_t pos) {
    double d;
    std::memcpy(&d, doc_ + pos, sizeof d);
    if (!std::isfinite(d)) return false;
    char buf[32];
    const size_t n = static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, d).ptr - buf);
    out_->append(buf, n);
    if (std::string_view(buf, n).find_first_of(".e") == std::string_view::npos) out_->append(".0");
    return true;
  }

  bool String(size_t pos, size_t end) {
    size_t length = 0;
    if (!VarLength(&pos, end, &length) || !Need(pos, length, end)) return false;
    Quoted(reinterpret_cast<const char*>(doc_ + pos), length);
    return true;
  }

  bool Opaque(size_t pos, size_t end) {
    if (pos >= end) return false;
    const uint8_t field_type = doc_[pos++];
    size_t length = 0;
    if (!VarLength(&pos, end, &length) || !Need(pos, length, end)) return false;
    const uint8_t* data = doc_ + pos;
    switch (static_cast<ColumnType>(field_type)) {
      case ColumnType::kNewDecimal: return OpaqueDecimal(data, length);
      case ColumnType::kDate:
      case ColumnType::kDateTime:
      case ColumnType::kTimestamp:
      case ColumnType::kTime: return OpaqueTemporal(static_cast<ColumnType>(field_type), data, length);
      default: break;
    }
    std::string text = "base64:type" + std::to_string(field_type) + ":";
    Base64(data, length, &text);
    Quoted(text.data(), text.size());
    return true;
  }

  // Opaque DECIMAL: precision byte, scale byte, binary decimal.
  bool OpaqueDecimal(const uint8_t* data, size_t length) {
    if (length < 2) return false;
    std::string text;
    if (!AppendDecimal(std::string_view(reinterpret_cast<const char*>(data + 2), length - 2), data[0],
                       data[1], &text)) {
      return false;
    }
    if (options_.quote_decimals) {
      Quoted(text.data(), text.size());
    } else {
      out_->append(text);
    }
    return true;
  }

  // Opaque temporal: the 8-byte little-endian packed longlong.
  bool OpaqueTemporal(ColumnType type, const uint8_t* data, size_t length) {
    if (length != 8) return false;
    const auto packed = static_cast<int64_t>(LoadLE64(data));
    Temporal t;
    std::string text;
    if (type == ColumnType::kTime) {
      if (!TemporalFromPackedTime(packed, &t)) return false;
      AppendTime(t, 6, &text);
    } else {
      if (!TemporalFromPackedDateTime(packed, &t)) return false;
      if (type == ColumnType::kDate) {
        AppendDate(t, &text);
      } else {
        AppendDateTime(t, 6, &text);
      }
    }
    Quoted(text.data(), text.size());
    return true;
  }

  static void Base64(const uint8_t* p, size_t n, std::string* out) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t line = 0;
    for (size_t i = 0; i < n; i += 3) {
      if (line == kBase64LineLength) {
        out->push_back('\n');
        line = 0;
      }
      const uint32_t v = (uint32_t{p[i]} << 16) | (i + 1 < n ? uint32_t{p[i + 1]} << 8 : 0) |
                         (i + 2 < n ? uint32_t{p[i + 2]} : 0);
      out->push_back(kAlphabet[(v >> 18) & 63]);
      out->push_back(kAlphabet[(v >> 12) & 63]);
      out->push_back(i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=');
      out->push_back(i + 2 < n ? kAlphabet[v & 63] : '=');
      line += 4;
    }
  }

  void Quoted(const char* s, size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_->push_back('"');
    for (size_t i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      switch (c) {
        case '"': out_->append("\\\""); break;
        case '\\': out_->append("\\\\"); break;
        case '\b': out_->append("\\b"); break;
        case '\f': out_->append("\\f"); break;
        case '\n': out_->append("\\n"); break;
        case '\r': out_->append("\\r"); break;
        case '\t': out_->append("\\t"); break;
        default:
          if (c < 0x20) {
            out_->append("\\u00");
            out_->push_back(kHex[c >> 4]);
            out_->push_back(kHex[c & 15]);
          } else {
            out_->push_back(static_cast<char>(c));
          }
      }
    }
    out_->push_back('"');
  }

  const uint8_t* doc_;
  size_t size_;
  const JsonTextOptions& options_;
  std::string* out_;
};

}  // namespace

Status AppendJsonText(std::string_view doc, const JsonTextOptions& options, std::string* out) {
  const size_t start = out->size();
  if (Renderer(doc, options, out).Render()) return Status::Ok();
  out->resize(start);
  return Status::Corruption("malformed binary JSON document of " + std::to_string(doc.size()) + " bytes");
}

Result<std::string> JsonBinaryToText(std::string_view doc, const JsonTextOptions& options) {
  std::string out;
  OSC_RETURN_IF_ERROR(AppendJsonText(doc, options, &out));
  return out;
}

std::string_view JsonDiffOpName(JsonDiffOp op) {
  switch (op) {
    case JsonDiffOp::kReplace: return "REPLACE";
    case JsonDiffOp::kInsert: return "INSERT";
    case JsonDiffOp::kRemove: return "REMOVE";
  }
  return "?";
}

Result<std::vector<JsonDiff>> ParseJsonDiffs(std::string_view diff_vector) {
  std::vector<JsonDiff> diffs;
  ByteReader r(AsBytes(diff_vector));
  while (r.ok() && !r.empty()) {
    JsonDiff d;
    const uint8_t op = r.U8();
    if (op > static_cast<uint8_t>(JsonDiffOp::kRemove)) {
      return Status::Corruption("JSON diff with unknown operation " + std::to_string(op));
    }
    d.op = static_cast<JsonDiffOp>(op);
    d.path = r.TakeString(static_cast<size_t>(r.PackedInt()));
    if (d.op != JsonDiffOp::kRemove) d.value = r.TakeString(static_cast<size_t>(r.PackedInt()));
    if (r.ok()) diffs.push_back(d);
  }
  if (!r.ok()) return Status::Corruption("truncated JSON diff vector");
  return diffs;
}

}  // namespace osc::binlog
