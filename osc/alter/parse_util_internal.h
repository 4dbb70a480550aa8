// Small token-walking helpers shared by the parsers in osc/alter/. Internal
// to this folder.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "osc/alter/sql_lexer.h"

namespace osc::alter::internal {

inline bool WordAt(TokenSpan t, size_t i, std::string_view keyword) {
  return i < t.size() && t[i].IsWord(keyword);
}
inline bool PunctAt(TokenSpan t, size_t i, std::string_view op) {
  return i < t.size() && t[i].IsPunct(op);
}

inline std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "near '<a few tokens>'" for error messages, or `at_end` past the end.
inline std::string Near(TokenSpan t, size_t pos,
                        std::string_view at_end = "at the end of the clause") {
  if (pos >= t.size()) return std::string(at_end);
  const size_t len = std::min<size_t>(t.size() - pos, 6);
  return "near '" + JoinTokens(t.subspan(pos, len)) + "'";
}

}  // namespace osc::alter::internal
