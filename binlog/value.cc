#include "binlog/value.h"

#include <zlib.h>

#include <charconv>
#include <limits>

#include "binlog/decimal.h"
#include "common/bytes.h"

namespace osc::binlog {
namespace {

Status WrongKind(const Value& v, std::string_view wanted) {
  return Status::InvalidArgument("value of kind " + std::string(ValueKindName(v.kind)) + " is not " +
                                 std::string(wanted));
}

// Inflates `in` into exactly `expected` bytes. `raw_deflate`: no zlib
// header (MariaDB writes that when column_compression_zlib_wrap is OFF, the
// default).
Result<std::string> Inflate(std::string_view in, size_t expected, bool raw_deflate) {
  std::string out(expected, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, raw_deflate ? -MAX_WBITS : MAX_WBITS) != Z_OK) {
    return Status::Internal("zlib inflateInit2 failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  const size_t produced = expected - zs.avail_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != expected) {
    return Status::Corruption("MariaDB compressed column does not inflate to its declared " +
                              std::to_string(expected) + " bytes");
  }
  return out;
}

}  // namespace

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kAbsent: return "absent";
    case ValueKind::kNull: return "null";
    case ValueKind::kInt: return "int";
    case ValueKind::kFloat: return "float";
    case ValueKind::kDouble: return "double";
    case ValueKind::kDecimal: return "decimal";
    case ValueKind::kYear: return "year";
    case ValueKind::kDate: return "date";
    case ValueKind::kTime: return "time";
    case ValueKind::kDateTime: return "datetime";
    case ValueKind::kTimestamp: return "timestamp";
    case ValueKind::kString: return "string";
    case ValueKind::kEnum: return "enum";
    case ValueKind::kSet: return "set";
    case ValueKind::kBit: return "bit";
    case ValueKind::kJson: return "json";
    case ValueKind::kJsonDiff: return "json-diff";
    case ValueKind::kGeometry: return "geometry";
    case ValueKind::kVector: return "vector";
    case ValueKind::kCompressed: return "compressed";
    case ValueKind::kNullType: return "null-type";
  }
  return "?";
}

Result<std::string> FormatDecimal(const Value& v) {
  if (v.kind != ValueKind::kDecimal) return WrongKind(v, "decimal");
  return FormatDecimal(v.raw, v.width, v.scale);
}

Result<std::string> FormatTemporal(const Value& v) {
  std::string out;
  switch (v.kind) {
    case ValueKind::kYear:
      out = v.bits == 0 ? "0000" : std::to_string(v.bits);
      break;
    case ValueKind::kDate:
      AppendDate(v.temporal, &out);
      break;
    case ValueKind::kTime:
      AppendTime(v.temporal, v.scale, &out);
      break;
    case ValueKind::kDateTime:
      AppendDateTime(v.temporal, v.scale, &out);
      break;
    case ValueKind::kTimestamp:
      // 0 is MySQL's zero timestamp, not 1970-01-01 00:00:00 UTC (which is
      // outside the TIMESTAMP range).
      if (v.bits == 0 && v.temporal.micros == 0) {
        AppendDateTime(Temporal{}, v.scale, &out);
      } else {
        AppendDateTime(TemporalFromEpoch(static_cast<uint32_t>(v.bits), v.temporal.micros), v.scale,
                       &out);
      }
      break;
    default:
      return WrongKind(v, "temporal");
  }
  return out;
}

std::string FormatInt(const Value& v, bool as_unsigned) {
  return as_unsigned ? std::to_string(v.AsUint64()) : std::to_string(v.AsInt64());
}

std::string FormatInt(const Value& v) { return FormatInt(v, v.IsUnsignedInt()); }

Result<std::string> FormatFloat(const Value& v) {
  char buf[40];
  std::to_chars_result r;
  if (v.kind == ValueKind::kFloat) {
    r = std::to_chars(buf, buf + sizeof buf, v.f32);
  } else if (v.kind == ValueKind::kDouble) {
    r = std::to_chars(buf, buf + sizeof buf, v.f64);
  } else {
    return WrongKind(v, "float or double");
  }
  return std::string(buf, r.ptr);
}

Result<std::string> FormatJson(const Value& v, const JsonTextOptions& options) {
  if (v.kind != ValueKind::kJson) return WrongKind(v, "json");
  return JsonBinaryToText(v.raw, options);
}

Result<std::string> DecompressMariaDbColumn(std::string_view stored, size_t max_length) {
  if (stored.empty()) return std::string();  // '' is stored without a header
  const auto header = static_cast<uint8_t>(stored[0]);
  if (header == 0) return std::string(stored.substr(1));  // not worth compressing
  const size_t length_bytes = header & 0x07;
  if ((header & 0x80) == 0 || (header & 0x70) != 0 || length_bytes == 0 || length_bytes > 4 ||
      stored.size() < 1 + length_bytes) {
    return Status::Corruption("bad MariaDB compressed column header " + std::to_string(header));
  }
  const auto* p = reinterpret_cast<const uint8_t*>(stored.data()) + 1;
  const uint64_t length = LoadBEN(p, length_bytes);
  if (length > max_length) {
    return Status::Corruption("MariaDB compressed column declares " + std::to_string(length) +
                              " bytes, over the limit");
  }
  return Inflate(stored.substr(1 + length_bytes), static_cast<size_t>(length), (header & 0x08) != 0);
}

}  // namespace osc::binlog
