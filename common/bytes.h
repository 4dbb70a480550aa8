// Byte-level helpers for wire formats: unaligned little/big-endian loads and
// a bounds-checked cursor over a byte view.
//
// ByteReader never reads outside its view. A read past the end returns zero
// (or an empty view) and latches the reader into a failed state; a parser
// checks ok() once after a group of reads instead of after each one. This
// keeps decoders short and branch-light while remaining memory-safe on
// truncated or hostile input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace osc {

using Bytes = std::span<const uint8_t>;

inline Bytes AsBytes(std::string_view s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsStringView(Bytes b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// Unaligned loads. `p` must point at at least N readable bytes.
inline uint16_t LoadLE16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t LoadLE24(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16);
}
inline uint32_t LoadLE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // x86-64 and aarch64 Linux are little-endian
  return v;
}
inline uint64_t LoadLE48(const uint8_t* p) {
  return static_cast<uint64_t>(LoadLE32(p)) | (static_cast<uint64_t>(LoadLE16(p + 4)) << 32);
}
inline uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
// Little-endian unsigned integer of 1..8 bytes.
inline uint64_t LoadLEN(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
// Big-endian unsigned integer of 1..8 bytes (DECIMAL, TIME2, DATETIME2 and
// TIMESTAMP2 are stored big-endian).
inline uint64_t LoadBEN(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

inline void StoreLE16(uint8_t* p, uint16_t v) { p[0] = static_cast<uint8_t>(v); p[1] = static_cast<uint8_t>(v >> 8); }
inline void StoreLE32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void StoreLE64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(Bytes data) : p_(data.data()), end_(data.data() + data.size()) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }
  const uint8_t* position() const { return p_; }
  // The unread bytes.
  Bytes rest() const { return Bytes(p_, remaining()); }

  // Marks the reader failed (e.g. a parser found a value out of range).
  void Fail() { ok_ = false; p_ = end_; }

  bool Has(size_t n) {
    if (remaining() >= n) return true;
    Fail();
    return false;
  }

  uint8_t U8() {
    if (!Has(1)) return 0;
    return *p_++;
  }
  uint16_t U16() { return Has(2) ? Advance(LoadLE16(p_), 2) : 0; }
  uint32_t U24() { return Has(3) ? Advance(LoadLE24(p_), 3) : 0; }
  uint32_t U32() { return Has(4) ? Advance(LoadLE32(p_), 4) : 0; }
  uint64_t U48() { return Has(6) ? Advance(LoadLE48(p_), 6) : 0; }
  uint64_t U64() { return Has(8) ? Advance(LoadLE64(p_), 8) : 0; }
  uint64_t UN(size_t n) { return Has(n) ? Advance(LoadLEN(p_, n), n) : 0; }
  uint64_t BEN(size_t n) { return Has(n) ? Advance(LoadBEN(p_, n), n) : 0; }

  // MySQL "packed integer" (length-encoded integer) as used in binlog row
  // events and TABLE_MAP: <251 one byte; 252 + 2 bytes; 253 + 3; 254 + 8.
  // 251 (NULL marker in the text protocol) is invalid here and fails.
  uint64_t PackedInt() {
    const uint8_t first = U8();
    if (first < 251) return first;
    switch (first) {
      case 252: return U16();
      case 253: return U24();
      case 254: return U64();
      default: Fail(); return 0;
    }
  }

  Bytes Take(size_t n) {
    if (!Has(n)) return Bytes();
    Bytes out(p_, n);
    p_ += n;
    return out;
  }
  std::string_view TakeString(size_t n) { return AsStringView(Take(n)); }
  void Skip(size_t n) {
    if (Has(n)) p_ += n;
  }

 private:
  template <typename T>
  T Advance(T v, size_t n) {
    p_ += n;
    return v;
  }

  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  bool ok_ = true;
};

}  // namespace osc
