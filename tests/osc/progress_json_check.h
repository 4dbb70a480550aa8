// A tiny, strict JSON checker for the progress tests: parses one JSON
// object (RFC 8259, no extensions) and reports each top-level key's type,
// so the tests do not depend on the formatter they check. Nested values
// are validated but not returned.
#pragma once

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace osc::testing {

enum class JsonType { kNull, kBool, kNumber, kString, kObject, kArray };

struct JsonField {
  JsonType type;
  std::string text;  // kString: the raw (still escaped) contents; else the literal
};

class JsonObjectChecker {
 public:
  // nullopt when `line` is not exactly one JSON object (whitespace around
  // it allowed), has duplicate keys, or holds invalid UTF-8 / raw control
  // characters in a string.
  static std::optional<std::map<std::string, JsonField>> Parse(std::string_view line,
                                                               std::string* first_key = nullptr) {
    JsonObjectChecker c(line);
    std::map<std::string, JsonField> fields;
    c.Space();
    if (!c.Object(&fields, first_key)) return std::nullopt;
    c.Space();
    if (c.pos_ != line.size()) return std::nullopt;
    return fields;
  }

 private:
  explicit JsonObjectChecker(std::string_view s) : s_(s) {}

  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool Object(std::map<std::string, JsonField>* out, std::string* first_key) {
    if (!Eat('{')) return false;
    Space();
    if (Eat('}')) return true;
    for (bool first = true;; first = false) {
      Space();
      std::string key;
      if (!String(&key)) return false;
      if (first && first_key) *first_key = key;
      Space();
      if (!Eat(':')) return false;
      Space();
      JsonField f{};
      if (!Value(&f)) return false;
      if (out && !out->emplace(key, f).second) return false;
      Space();
      if (Eat('}')) return true;
      if (!Eat(',')) return false;
    }
  }

  bool Array() {
    if (!Eat('[')) return false;
    Space();
    if (Eat(']')) return true;
    for (;;) {
      Space();
      JsonField f{};
      if (!Value(&f)) return false;
      Space();
      if (Eat(']')) return true;
      if (!Eat(',')) return false;
    }
  }

  bool Value(JsonField* f) {
    const size_t start = pos_;
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    bool ok = false;
    if (c == '"') {
      f->type = JsonType::kString;
      return String(&f->text);
    } else if (c == '{') {
      f->type = JsonType::kObject;
      ok = Object(nullptr, nullptr);
    } else if (c == '[') {
      f->type = JsonType::kArray;
      ok = Array();
    } else if (c == 't' || c == 'f') {
      f->type = JsonType::kBool;
      ok = Literal(c == 't' ? "true" : "false");
    } else if (c == 'n') {
      f->type = JsonType::kNull;
      ok = Literal("null");
    } else {
      f->type = JsonType::kNumber;
      ok = Number();
    }
    if (ok) f->text = std::string(s_.substr(start, pos_ - start));
    return ok;
  }

  bool Digits() {
    const size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return pos_ > start;
  }

  bool Number() {
    Eat('-');
    if (Eat('0')) {
      // no leading zeros
    } else if (!Digits()) {
      return false;
    }
    if (Eat('.') && !Digits()) return false;
    if (Eat('e') || Eat('E')) {
      if (!Eat('+')) Eat('-');
      if (!Digits()) return false;
    }
    return true;
  }

  bool String(std::string* out) {
    if (!Eat('"')) return false;
    const size_t start = pos_;
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        *out = std::string(s_.substr(start, pos_ - start));
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) return false;
        const char e = s_[pos_++];
        if (e == 'u') {
          for (int i = 0; i < 4; ++i, ++pos_) {
            if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_]))) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
        continue;
      }
      if (!Utf8()) return false;
    }
    return false;
  }

  // One UTF-8 encoded code point at pos_ (strict: no overlongs or
  // surrogates).
  bool Utf8() {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s_[pos_ + k]); };
    const auto cont = [&](size_t k) { return pos_ + k < s_.size() && (b(k) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    size_t n = 0;
    if (c < 0x80) n = 1;
    else if (c >= 0xC2 && c <= 0xDF && cont(1)) n = 2;
    else if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2) && !(c == 0xE0 && b(1) < 0xA0) && !(c == 0xED && b(1) >= 0xA0)) n = 3;
    else if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3) && !(c == 0xF0 && b(1) < 0x90) && !(c == 0xF4 && b(1) >= 0x90)) n = 4;
    if (n == 0) return false;
    pos_ += n;
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace osc::testing
