#include "db/quoting.h"

#include <cstdint>

namespace osc::db {
namespace {

// Decodes one UTF-8 character at `s[i]`; returns its length in bytes (1-4)
// and stores the code point, or returns 0 for an invalid sequence
// (overlong forms, surrogates and values above U+10FFFF included).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  size_t len;
  uint32_t v;
  uint32_t min;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, v = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, v = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, v = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex(std::string* out, std::string_view bytes) {
  out->append("X'");
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out->push_back(kHexDigits[b >> 4]);
    out->push_back(kHexDigits[b & 0x0F]);
  }
  out->push_back('\'');
}

bool IsCharsetName(std::string_view name) {
  if (name.empty() || name.size() > kMaxIdentifierChars) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status ValidateIdentifier(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("identifier is empty");
  size_t chars = 0;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(name, i, &cp);
    if (len == 0) {
      return Status::InvalidArgument("identifier is not valid UTF-8 (byte offset " +
                                     std::to_string(i) + ")");
    }
    if (cp == 0) return Status::InvalidArgument("identifier contains a NUL byte");
    if (cp > 0xFFFF) {
      return Status::InvalidArgument(
          "identifier contains a character outside the Basic Multilingual Plane, which the "
          "server does not allow in names");
    }
    i += len;
    ++chars;
  }
  if (chars > kMaxIdentifierChars) {
    return Status::InvalidArgument("identifier is " + std::to_string(chars) +
                                   " characters long; the limit is 64");
  }
  if (name.back() == ' ') return Status::InvalidArgument("identifier ends with a space");
  return Status::Ok();
}

std::string QuoteIdentifier(std::string_view name) {
  // Backticks are the one quoting form no sql_mode changes (ANSI_QUOTES only
  // adds double quotes), and inside them the only special byte is the
  // backtick itself, escaped by doubling.
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('`');
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string QuoteQualified(std::string_view db, std::string_view table) {
  if (db.empty()) return QuoteIdentifier(table);
  return QuoteIdentifier(db) + "." + QuoteIdentifier(table);
}

std::string QuoteStringLiteral(std::string_view text) {
  // Backslash is the escape character unless NO_BACKSLASH_ESCAPES is set, so
  // a literal containing one means different things in different sessions.
  // A doubled quote means one quote in both. Anything with a backslash or a
  // control byte therefore goes out as hex, which has no escapes at all.
  bool readable = true;
  for (char c : text) {
    const auto b = static_cast<uint8_t>(c);
    if (c == '\\' || b < 0x20 || b == 0x7F) {
      readable = false;
      break;
    }
  }
  std::string out = "_utf8mb4";
  if (!readable) {
    out.push_back(' ');
    AppendHex(&out, text);
    return out;
  }
  out.reserve(text.size() + 11);
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string QuoteBinaryLiteral(std::string_view bytes) {
  std::string out = "_binary ";
  out.reserve(out.size() + 2 * bytes.size() + 3);
  AppendHex(&out, bytes);
  return out;
}

Result<std::string> QuoteHexLiteral(std::string_view bytes, std::string_view charset) {
  if (!IsCharsetName(charset)) {
    return Status::InvalidArgument("character set name must match [a-z0-9_]{1,64}");
  }
  std::string out = "_";
  out.append(charset);
  out.push_back(' ');
  AppendHex(&out, bytes);
  return out;
}

}  // namespace osc::db
