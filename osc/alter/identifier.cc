#include "osc/alter/identifier.h"

#include <cstdint>

namespace osc::alter {
namespace {

// Lower case of a code point in the Latin-1, Latin Extended-A, Greek and
// Cyrillic blocks; other code points are returned unchanged.
uint32_t LowerCodePoint(uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if (cp == 0x178) return 0xFF;
  const bool even = cp % 2 == 0;
  if ((cp >= 0x100 && cp <= 0x137 && even) || (cp >= 0x139 && cp <= 0x148 && !even) ||
      (cp >= 0x14A && cp <= 0x177 && even) || (cp >= 0x179 && cp <= 0x17E && !even)) {
    return cp + 1;
  }
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

}  // namespace

std::string FoldIdentifier(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
      continue;
    }
    // All letters we fold are two-byte UTF-8 sequences (U+0080..U+07FF),
    // and so are their lower-case forms.
    const bool two_byte = (c & 0xE0) == 0xC0 && i + 1 < name.size() &&
                          (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80;
    if (!two_byte) {
      out.push_back(name[i]);
      continue;
    }
    const uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3Fu);
    const uint32_t lower = LowerCodePoint(cp);
    out.push_back(static_cast<char>(0xC0 | (lower >> 6)));
    out.push_back(static_cast<char>(0x80 | (lower & 0x3F)));
    ++i;
  }
  return out;
}

bool SameIdentifier(std::string_view a, std::string_view b) {
  return FoldIdentifier(a) == FoldIdentifier(b);
}

}  // namespace osc::alter
