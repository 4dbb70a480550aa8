#include "tests/support/row_encoder.h"

#include <cstring>
#include <stdexcept>

namespace osc::testing {
namespace {

void PutLE(ByteVec& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutBE(ByteVec& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Append(ByteVec& out, const ByteVec& more) { out.insert(out.end(), more.begin(), more.end()); }

ByteVec LsbBitmap(const std::vector<bool>& bits, bool fill_unused) {
  ByteVec out((bits.size() + 7) / 8, fill_unused ? 0xff : 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) {
      out[i / 8] |= static_cast<uint8_t>(1 << (i % 8));
    } else {
      out[i / 8] &= static_cast<uint8_t>(~(1 << (i % 8)));
    }
  }
  return out;
}

// Fraction bytes of the MySQL 5.6 temporal formats (my_time.cc
// my_*_packed_to_binary): 1/100 s, 1/10000 s or microseconds.
void PutFraction2(ByteVec& out, uint32_t micros, uint8_t fsp) {
  if (fsp == 1 || fsp == 2) PutBE(out, micros / 10000, 1);
  if (fsp == 3 || fsp == 4) PutBE(out, micros / 100, 2);
  if (fsp == 5 || fsp == 6) PutBE(out, micros, 3);
}

constexpr uint64_t kPow10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};
constexpr int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

}  // namespace

// ---- TABLE_MAP ------------------------------------------------------------

ColumnSpec IntCol(uint8_t type) { return {type, {}, true}; }
ColumnSpec FloatCol() { return {4, {4}, true}; }
ColumnSpec DoubleCol() { return {5, {8}, true}; }
ColumnSpec DecimalCol(uint8_t precision, uint8_t scale) { return {246, {precision, scale}, true}; }
ColumnSpec VarcharCol(uint16_t max_bytes, uint8_t type) {
  return {type, {static_cast<uint8_t>(max_bytes), static_cast<uint8_t>(max_bytes >> 8)}, true};
}
ColumnSpec CharCol(uint16_t max_bytes) {
  // Field_string::do_save_field_metadata: real type XOR the length's bits 8-9.
  const auto b0 = static_cast<uint8_t>(254 ^ ((max_bytes & 0x300) >> 4));
  return {254, {b0, static_cast<uint8_t>(max_bytes & 0xff)}, true};
}
ColumnSpec EnumCol(uint8_t pack_length) { return {254, {247, pack_length}, true}; }
ColumnSpec SetCol(uint8_t pack_length) { return {254, {248, pack_length}, true}; }
ColumnSpec BlobCol(uint8_t pack_length, uint8_t type) { return {type, {pack_length}, true}; }
ColumnSpec BitCol(uint16_t bits) {
  return {16, {static_cast<uint8_t>(bits % 8), static_cast<uint8_t>(bits / 8)}, true};
}
ColumnSpec Temporal2Col(uint8_t type, uint8_t fsp) { return {type, {fsp}, true}; }
ColumnSpec PlainCol(uint8_t type) { return {type, {}, true}; }

ByteVec PackedInt(uint64_t v) {
  ByteVec out;
  if (v < 251) {
    out.push_back(static_cast<uint8_t>(v));
  } else if (v < (1u << 16)) {
    out.push_back(252);
    PutLE(out, v, 2);
  } else if (v < (1u << 24)) {
    out.push_back(253);
    PutLE(out, v, 3);
  } else {
    out.push_back(254);
    PutLE(out, v, 8);
  }
  return out;
}

ByteVec MsbBitmap(const std::vector<bool>& bits) {
  ByteVec out((bits.size() + 7) / 8, 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) out[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
  }
  return out;
}

ByteVec LenencStrings(const std::vector<std::string>& strings) {
  ByteVec out;
  for (const auto& s : strings) {
    Append(out, PackedInt(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

TableMapBuilder& TableMapBuilder::Add(ColumnSpec column) {
  columns_.push_back(std::move(column));
  return *this;
}

TableMapBuilder& TableMapBuilder::Tlv(uint8_t type, const ByteVec& value) {
  tlvs_.push_back(type);
  Append(tlvs_, PackedInt(value.size()));
  Append(tlvs_, value);
  return *this;
}

ByteVec TableMapBuilder::Body(uint8_t post_header_len) const {
  ByteVec out;
  PutLE(out, table_id_, post_header_len == 6 ? 4 : 6);
  PutLE(out, flags_, 2);
  for (const std::string* name : {&schema_, &table_}) {
    Append(out, PackedInt(name->size()));
    out.insert(out.end(), name->begin(), name->end());
    out.push_back(0);
  }
  Append(out, PackedInt(columns_.size()));
  ByteVec meta;
  std::vector<bool> nullable;
  for (const auto& c : columns_) {
    out.push_back(c.type);
    Append(meta, c.meta);
    nullable.push_back(c.nullable);
  }
  Append(out, PackedInt(meta.size()));
  Append(out, meta);
  Append(out, LsbBitmap(nullable, false));
  Append(out, tlvs_);
  return out;
}

// ---- values ---------------------------------------------------------------

Cell Null() { return Cell{true, {}}; }
Cell Raw(ByteVec bytes) { return Cell{false, std::move(bytes)}; }

Cell Int(uint64_t bits, int width) {
  Cell c;
  PutLE(c.bytes, bits, width);
  return c;
}

Cell Float(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return Int(u, 4);
}

Cell Double(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return Int(u, 8);
}

ByteVec DecimalBinary(std::string_view text, uint8_t precision, uint8_t scale) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string intg(text.substr(0, dot));
  std::string frac(dot == std::string_view::npos ? "" : text.substr(dot + 1));
  intg.erase(0, intg.find_first_not_of('0') == std::string::npos ? intg.size() : intg.find_first_not_of('0'));
  const int intg_digits = precision - scale;
  if (static_cast<int>(intg.size()) > intg_digits) throw std::invalid_argument("too many digits");
  intg.insert(0, static_cast<size_t>(intg_digits) - intg.size(), '0');
  frac.resize(scale, '0');
  // decimal2bin: leading partial integer group, full groups, full fraction
  // groups, trailing partial group; each XORed with the sign mask.
  const uint64_t mask = negative ? ~0ULL : 0;
  ByteVec out;
  auto put_group = [&](const std::string& digits) {
    const int n = kDigitBytes[digits.size()];
    PutBE(out, (std::stoull(digits) ^ mask) & (n == 8 ? ~0ULL : ((1ULL << (8 * n)) - 1)), n);
  };
  size_t pos = 0;
  if (const size_t lead = intg.size() % 9; lead > 0) put_group(intg.substr(0, lead)), pos = lead;
  for (; pos < intg.size(); pos += 9) put_group(intg.substr(pos, 9));
  for (pos = 0; pos + 9 <= frac.size(); pos += 9) put_group(frac.substr(pos, 9));
  if (pos < frac.size()) put_group(frac.substr(pos));
  out[0] ^= 0x80;
  return out;
}

Cell Decimal(std::string_view text, uint8_t precision, uint8_t scale) {
  return Raw(DecimalBinary(text, precision, scale));
}

Cell Year(int year) { return Int(year == 0 ? 0 : static_cast<uint64_t>(year - 1900), 1); }

Cell Date(int year, int month, int day) {
  return Int(static_cast<uint64_t>(day | month << 5 | year << 9), 3);
}

Cell TimeOld(bool negative, int hour, int minute, int second) {
  const int64_t v = (hour * 10000LL + minute * 100 + second) * (negative ? -1 : 1);
  return Int(static_cast<uint64_t>(v) & 0xffffff, 3);
}

Cell DateTimeOld(int year, int month, int day, int hour, int minute, int second) {
  const uint64_t v = ((year * 10000ULL + month * 100ULL + day) * 1000000ULL) + hour * 10000ULL +
                     minute * 100ULL + second;
  return Int(v, 8);
}

Cell TimestampOld(uint32_t seconds) { return Int(seconds, 4); }

Cell Timestamp2(uint32_t seconds, uint32_t micros, uint8_t fsp) {
  Cell c;
  PutBE(c.bytes, seconds, 4);
  PutFraction2(c.bytes, micros, fsp);
  return c;
}

Cell DateTime2(int year, int month, int day, int hour, int minute, int second, uint32_t micros,
               uint8_t fsp) {
  const uint64_t ymd = (static_cast<uint64_t>(year * 13 + month) << 5) | static_cast<uint64_t>(day);
  const uint64_t hms = static_cast<uint64_t>(hour << 12 | minute << 6 | second);
  Cell c;
  PutBE(c.bytes, ((ymd << 17) | hms) + 0x8000000000ULL, 5);
  PutFraction2(c.bytes, micros, fsp);
  return c;
}

Cell Time2(bool negative, int hour, int minute, int second, uint32_t micros, uint8_t fsp) {
  // my_time_packed_to_binary, including its floor/truncate pairing of
  // int part and fraction for negative values.
  int64_t packed = (static_cast<int64_t>(hour << 12 | minute << 6 | second) << 24) + micros;
  if (negative) packed = -packed;
  const int64_t int_part = packed >> 24;
  const int64_t frac_part = packed % (1LL << 24);
  Cell c;
  if (fsp >= 5) {
    PutBE(c.bytes, static_cast<uint64_t>(packed + 0x800000000000LL), 6);
    return c;
  }
  PutBE(c.bytes, static_cast<uint64_t>(int_part + 0x800000), 3);
  if (fsp == 1 || fsp == 2) c.bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>(frac_part / 10000)));
  if (fsp == 3 || fsp == 4) PutBE(c.bytes, static_cast<uint64_t>(frac_part / 100) & 0xffff, 2);
  return c;
}

Cell MariaTimestampHires(uint32_t seconds, uint32_t micros, uint8_t fsp) {
  constexpr int kSecPartBytes[7] = {0, 1, 1, 2, 2, 3, 3};
  Cell c;
  PutBE(c.bytes, seconds, 4);
  PutBE(c.bytes, micros / kPow10[6 - fsp], kSecPartBytes[fsp]);
  return c;
}

Cell MariaDateTimeHires(int year, int month, int day, int hour, int minute, int second,
                        uint32_t micros, uint8_t fsp) {
  constexpr int kBytes[7] = {5, 6, 6, 7, 7, 7, 8};
  const uint64_t packed =
      ((((((year * 13ULL + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second) * 1000000ULL) +
      micros;
  Cell c;
  PutBE(c.bytes, packed / kPow10[6 - fsp], kBytes[fsp]);
  return c;
}

Cell MariaTimeHires(bool negative, int hour, int minute, int second, uint32_t micros, uint8_t fsp) {
  constexpr int kBytes[7] = {3, 4, 4, 5, 5, 5, 6};
  int64_t packed = ((hour * 60LL + minute) * 60 + second) * 1000000LL + micros;
  if (negative) packed = -packed;
  const int64_t zero = 839LL * 3600 * 1000000 / static_cast<int64_t>(kPow10[6 - fsp]);
  Cell c;
  PutBE(c.bytes, static_cast<uint64_t>(packed / static_cast<int64_t>(kPow10[6 - fsp]) + zero), kBytes[fsp]);
  return c;
}

Cell Var(std::string_view bytes, int length_size) {
  Cell c;
  PutLE(c.bytes, bytes.size(), length_size);
  c.bytes.insert(c.bytes.end(), bytes.begin(), bytes.end());
  return c;
}

Cell Bit(uint64_t value, int bytes) {
  Cell c;
  PutBE(c.bytes, value, bytes);
  return c;
}

// ---- rows events ----------------------------------------------------------

RowsEventBuilder::RowsEventBuilder(uint8_t type, uint64_t table_id, uint32_t column_count)
    : type_(type), table_id_(table_id), column_count_(column_count),
      before_(column_count, true), after_(column_count, true) {}

RowsEventBuilder& RowsEventBuilder::Image(const std::vector<Cell>& cells) {
  std::vector<bool> nulls;
  for (const auto& c : cells) nulls.push_back(c.null);
  Append(rows_, LsbBitmap(nulls, unused_set_));
  for (const auto& c : cells) Append(rows_, c.bytes);
  return *this;
}

RowsEventBuilder& RowsEventBuilder::PartialImage(uint64_t value_options, const std::vector<bool>& partial_bits,
                                                 const std::vector<Cell>& cells) {
  Append(rows_, PackedInt(value_options));
  if (value_options & 1) Append(rows_, LsbBitmap(partial_bits, false));
  return Image(cells);
}

ByteVec RowsEventBuilder::Body(uint8_t post_header_len) const {
  const bool v2 = type_ >= 30;
  if (post_header_len == 0) post_header_len = v2 ? 10 : 8;
  ByteVec out;
  PutLE(out, table_id_, post_header_len == 6 ? 4 : 6);
  PutLE(out, flags_, 2);
  if (v2) {
    PutLE(out, extra_.size() + 2, 2);
    Append(out, extra_);
  }
  Append(out, PackedInt(column_count_));
  const bool write = type_ == 23 || type_ == 30;
  const bool update = type_ == 24 || type_ == 31 || type_ == 39;
  Append(out, LsbBitmap(write ? after_ : before_, false));
  if (update) Append(out, LsbBitmap(after_, false));
  Append(out, rows_);
  return out;
}

// ---- MySQL binary JSON ----------------------------------------------------

namespace {

enum : uint8_t { kSmallObj = 0, kLargeObj = 1, kSmallArr = 2, kLargeArr = 3, kLit = 4, kI16 = 5,
                 kU16 = 6, kI32 = 7, kU32 = 8, kI64 = 9, kU64 = 0xa, kDbl = 0xb, kStr = 0xc, kOpq = 0xf };

void PutVarLength(ByteVec& out, size_t n) {
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    if (n != 0) b |= 0x80;
    out.push_back(b);
  } while (n != 0);
}

uint8_t TypeOf(const Json& v, bool large) {
  switch (v.kind) {
    case Json::Kind::kNull: case Json::Kind::kTrue: case Json::Kind::kFalse: return kLit;
    case Json::Kind::kInt:
      if (v.i >= INT16_MIN && v.i <= INT16_MAX) return kI16;
      if (v.i >= INT32_MIN && v.i <= INT32_MAX) return kI32;
      return kI64;
    case Json::Kind::kUint:
      if (v.u <= UINT16_MAX) return kU16;
      if (v.u <= UINT32_MAX) return kU32;
      return kU64;
    case Json::Kind::kDouble: return kDbl;
    case Json::Kind::kString: return kStr;
    case Json::Kind::kOpaque: return kOpq;
    case Json::Kind::kArray: return large ? kLargeArr : kSmallArr;
    case Json::Kind::kObject: return large ? kLargeObj : kSmallObj;
  }
  return kLit;
}

// Value bytes without the type byte.
ByteVec Payload(const Json& v, bool large);

ByteVec Container(const Json& v, bool large) {
  const bool object = v.kind == Json::Kind::kObject;
  const size_t count = object ? v.members.size() : v.items.size();
  const int w = large ? 4 : 2;
  const size_t header = 2 * w + (object ? count * (w + 2) : 0) + count * (1 + w);
  ByteVec keys, data;
  ByteVec key_entries, value_entries;
  for (size_t i = 0; i < count; ++i) {
    if (object) {
      const std::string& k = v.members[i].first;
      PutLE(key_entries, header + keys.size(), w);
      PutLE(key_entries, k.size(), 2);
      keys.insert(keys.end(), k.begin(), k.end());
    }
  }
  for (size_t i = 0; i < count; ++i) {
    const Json& e = object ? v.members[i].second : v.items[i];
    const uint8_t t = TypeOf(e, large);
    value_entries.push_back(t);
    const bool inlined = t == kLit || t == kI16 || t == kU16 || (large && (t == kI32 || t == kU32));
    if (inlined) {
      ByteVec p = Payload(e, large);
      p.resize(static_cast<size_t>(w), 0);
      Append(value_entries, p);
    } else {
      PutLE(value_entries, header + keys.size() + data.size(), w);
      Append(data, Payload(e, large));
    }
  }
  const size_t total = header + keys.size() + data.size();
  if (!large && total > UINT16_MAX) return Container(v, true);
  ByteVec out;
  PutLE(out, count, w);
  PutLE(out, total, w);
  Append(out, key_entries);
  Append(out, value_entries);
  Append(out, keys);
  Append(out, data);
  return out;
}

ByteVec Payload(const Json& v, bool large) {
  ByteVec out;
  switch (v.kind) {
    case Json::Kind::kNull: out.push_back(0); break;
    case Json::Kind::kTrue: out.push_back(1); break;
    case Json::Kind::kFalse: out.push_back(2); break;
    case Json::Kind::kInt: {
      const uint8_t t = TypeOf(v, large);
      PutLE(out, static_cast<uint64_t>(v.i), t == kI16 ? 2 : t == kI32 ? 4 : 8);
      break;
    }
    case Json::Kind::kUint: {
      const uint8_t t = TypeOf(v, large);
      PutLE(out, v.u, t == kU16 ? 2 : t == kU32 ? 4 : 8);
      break;
    }
    case Json::Kind::kDouble: {
      uint64_t u;
      std::memcpy(&u, &v.d, 8);
      PutLE(out, u, 8);
      break;
    }
    case Json::Kind::kString:
      PutVarLength(out, v.s.size());
      out.insert(out.end(), v.s.begin(), v.s.end());
      break;
    case Json::Kind::kOpaque:
      out.push_back(v.opaque_type);
      PutVarLength(out, v.s.size());
      out.insert(out.end(), v.s.begin(), v.s.end());
      break;
    case Json::Kind::kArray:
    case Json::Kind::kObject:
      return Container(v, large);
  }
  return out;
}

}  // namespace

ByteVec EncodeJson(const Json& value, bool large) {
  ByteVec body = Payload(value, large);
  // A container that had to switch to the large format reports it through
  // its size; recompute the type byte from what Payload produced.
  uint8_t t = TypeOf(value, large);
  if ((t == kSmallObj || t == kSmallArr) && body.size() > UINT16_MAX) t = static_cast<uint8_t>(t + 1);
  ByteVec out{t};
  Append(out, body);
  return out;
}

ByteVec EncodeJsonDiff(uint8_t op, std::string_view path, const ByteVec& value) {
  ByteVec out{op};
  Append(out, PackedInt(path.size()));
  out.insert(out.end(), path.begin(), path.end());
  if (op != 2) {
    Append(out, PackedInt(value.size()));
    Append(out, value);
  }
  return out;
}

}  // namespace osc::testing
