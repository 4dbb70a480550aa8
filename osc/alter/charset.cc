#include "osc/alter/charset.h"

#include <utility>

#include "osc/alter/parse_util_internal.h"

namespace osc::alter {

std::string NormalizeCharsetName(std::string_view charset) {
  std::string out = internal::LowerAscii(charset);
  if (out == "utf8") out = "utf8mb3";
  return out;
}

std::string NormalizeCollationName(std::string_view collation) {
  std::string out = internal::LowerAscii(collation);
  if (out.rfind("utf8_", 0) == 0) out.insert(4, "mb3");
  return out;
}

std::string CharsetOfCollation(std::string_view collation) {
  const std::string normalized = NormalizeCollationName(collation);
  const size_t underscore = normalized.find('_');
  return underscore == std::string::npos ? normalized : normalized.substr(0, underscore);
}

uint32_t MaxBytesPerChar(std::string_view charset) {
  static constexpr std::pair<std::string_view, uint32_t> kMaxLen[] = {
      {"binary", 1},  {"latin1", 1},   {"ascii", 1},   {"latin2", 1},  {"latin5", 1},
      {"latin7", 1},  {"cp1250", 1},   {"cp1251", 1},  {"cp1256", 1},  {"cp1257", 1},
      {"cp850", 1},   {"cp852", 1},    {"cp866", 1},   {"dec8", 1},    {"greek", 1},
      {"hebrew", 1},  {"hp8", 1},      {"keybcs2", 1}, {"koi8r", 1},   {"koi8u", 1},
      {"macce", 1},   {"macroman", 1}, {"swe7", 1},    {"tis620", 1},  {"armscii8", 1},
      {"geostd8", 1}, {"ucs2", 2},     {"big5", 2},    {"gbk", 2},     {"gb2312", 2},
      {"sjis", 2},    {"cp932", 2},    {"euckr", 2},   {"ujis", 3},    {"eucjpms", 3},
      {"utf8mb3", 3}, {"utf8mb4", 4},  {"utf16", 4},   {"utf16le", 4}, {"utf32", 4},
      {"gb18030", 4}};
  const std::string name = NormalizeCharsetName(charset);
  for (const auto& [cs, len] : kMaxLen) {
    if (name == cs) return len;
  }
  return 0;
}

}  // namespace osc::alter
