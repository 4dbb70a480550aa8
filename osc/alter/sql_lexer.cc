#include "osc/alter/sql_lexer.h"

#include <string>
#include <utility>

namespace osc::alter {
namespace {

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Bytes >= 0x80 are parts of multi-byte UTF-8 characters, which the server
// accepts in unquoted identifiers.
bool IsIdentByte(unsigned char c) { return IsAsciiAlnum(c) || c == '_' || c == '$' || c >= 0x80; }
bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The escape sequences of the server's string literals. \% and \_ keep their
// backslash (they only mean something in LIKE patterns).
void AppendUnescaped(char c, std::string* out) {
  switch (c) {
    case '0':
      out->push_back('\0');
      break;
    case 'b':
      out->push_back('\b');
      break;
    case 'n':
      out->push_back('\n');
      break;
    case 'r':
      out->push_back('\r');
      break;
    case 't':
      out->push_back('\t');
      break;
    case 'Z':
      out->push_back('\x1a');
      break;
    case '%':
    case '_':
      out->push_back('\\');
      out->push_back(c);
      break;
    default:
      out->push_back(c);
      break;
  }
}

class Lexer {
 public:
  Lexer(std::string_view sql, const SqlMode& mode) : sql_(sql), mode_(mode) {}

  Result<std::vector<Token>> Run() {
    while (true) {
      OSC_RETURN_IF_ERROR(SkipSpaceAndComments());
      if (pos_ >= sql_.size()) break;
      OSC_RETURN_IF_ERROR(LexToken());
    }
    if (in_exec_comment_) {
      return Status::InvalidArgument("unterminated executable comment starting at offset " +
                                     std::to_string(exec_comment_start_));
    }
    return std::move(tokens_);
  }

 private:
  unsigned char At(size_t i) const {
    return i < sql_.size() ? static_cast<unsigned char>(sql_[i]) : 0;
  }
  bool AtEnd(size_t i) const { return i >= sql_.size(); }

  Status SkipSpaceAndComments() {
    while (!AtEnd(pos_)) {
      const unsigned char c = At(pos_);
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#') {
        SkipLine();
      } else if (c == '-' && At(pos_ + 1) == '-' && (AtEnd(pos_ + 2) || At(pos_ + 2) <= ' ')) {
        SkipLine();
      } else if (c == '/' && At(pos_ + 1) == '*') {
        OSC_RETURN_IF_ERROR(SkipBlockComment());
      } else if (c == '*' && At(pos_ + 1) == '/' && in_exec_comment_) {
        pos_ += 2;
        in_exec_comment_ = false;
      } else {
        return Status::Ok();
      }
      pending_space_ = true;
    }
    return Status::Ok();
  }

  void SkipLine() {
    const size_t nl = sql_.find('\n', pos_);
    pos_ = nl == std::string_view::npos ? sql_.size() : nl + 1;
  }

  // A plain comment is skipped; an executable one only loses its markers,
  // and lexing continues inside it until the matching "*/".
  Status SkipBlockComment() {
    const size_t start = pos_;
    size_t marker = 0;
    if (At(pos_ + 2) == '!') marker = 3;
    if (At(pos_ + 2) == 'M' && At(pos_ + 3) == '!') marker = 4;
    if (marker != 0) {
      if (in_exec_comment_) {
        return Status::InvalidArgument("nested executable comment at offset " +
                                       std::to_string(start));
      }
      pos_ += marker;
      // Optional server version: 5 digits (MySQL) or 6 (MariaDB).
      for (int digits = 0; digits < 6 && IsDigit(At(pos_)); ++digits) ++pos_;
      in_exec_comment_ = true;
      exec_comment_start_ = start;
      return Status::Ok();
    }
    const size_t end = sql_.find("*/", pos_ + 2);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("unterminated comment starting at offset " +
                                     std::to_string(start));
    }
    pos_ = end + 2;
    return Status::Ok();
  }

  Status LexToken() {
    const unsigned char c = At(pos_);
    const unsigned char next = At(pos_ + 1);
    if (c == '`') return LexQuoted(0, '`', TokenKind::kQuotedIdentifier, /*backslash=*/false);
    if (c == '"') {
      if (mode_.ansi_quotes) return LexQuoted(0, '"', TokenKind::kQuotedIdentifier, false);
      return LexQuoted(0, '"', TokenKind::kString, !mode_.no_backslash_escapes);
    }
    if (c == '\'') return LexQuoted(0, '\'', TokenKind::kString, !mode_.no_backslash_escapes);
    // X'0A', B'01' and N'text' are single literals; X'' and B'' take no
    // escapes, N'' takes the usual string escapes.
    if (next == '\'' && (c == 'x' || c == 'X' || c == 'b' || c == 'B')) {
      return LexQuoted(1, '\'', TokenKind::kString, false);
    }
    if (next == '\'' && (c == 'n' || c == 'N')) {
      return LexQuoted(1, '\'', TokenKind::kString, !mode_.no_backslash_escapes);
    }
    if (IsDigit(c) || (c == '.' && IsDigit(next))) {
      LexNumberOrWord();
    } else if (IsIdentByte(c)) {
      LexWord(pos_);
    } else {
      LexPunct();
    }
    return Status::Ok();
  }

  Status LexQuoted(size_t prefix, char quote, TokenKind kind, bool backslash) {
    const size_t start = pos_;
    size_t i = pos_ + prefix + 1;
    std::string value;
    while (!AtEnd(i)) {
      const char ch = sql_[i];
      if (backslash && ch == '\\' && !AtEnd(i + 1)) {
        AppendUnescaped(sql_[i + 1], &value);
        i += 2;
        continue;
      }
      if (ch == quote) {
        if (At(i + 1) == static_cast<unsigned char>(quote)) {
          value.push_back(quote);
          i += 2;
          continue;
        }
        Push(kind, start, i + 1, std::move(value));
        return Status::Ok();
      }
      value.push_back(ch);
      ++i;
    }
    const char* what = kind == TokenKind::kString ? "string" : "quoted identifier";
    return Status::InvalidArgument(std::string("unterminated ") + what + " starting at offset " +
                                   std::to_string(start));
  }

  void LexNumberOrWord() {
    const size_t start = pos_;
    size_t i = pos_;
    if (At(i) == '0' && (At(i + 1) == 'x' || At(i + 1) == 'X') && IsHexDigit(At(i + 2))) {
      i += 2;
      while (IsHexDigit(At(i))) ++i;
    } else if (At(i) == '0' && (At(i + 1) == 'b' || At(i + 1) == 'B') &&
               (At(i + 2) == '0' || At(i + 2) == '1')) {
      i += 2;
      while (At(i) == '0' || At(i) == '1') ++i;
    } else {
      while (IsDigit(At(i))) ++i;
      if (At(i) == '.') {
        ++i;
        while (IsDigit(At(i))) ++i;
      }
      const bool sign = At(i + 1) == '+' || At(i + 1) == '-';
      if ((At(i) == 'e' || At(i) == 'E') && IsDigit(At(i + (sign ? 2 : 1)))) {
        i += sign ? 2 : 1;
        while (IsDigit(At(i))) ++i;
      }
    }
    // "1st_col" or "0xyz": digits followed by identifier bytes form a word,
    // as in the server's lexer.
    const bool fractional = sql_.substr(start, i - start).find('.') != std::string_view::npos;
    if (!fractional && IsIdentByte(At(i))) {
      LexWord(start);
      return;
    }
    Push(TokenKind::kNumber, start, i, std::string(sql_.substr(start, i - start)));
  }

  void LexWord(size_t start) {
    size_t i = start;
    while (IsIdentByte(At(i))) ++i;
    Push(TokenKind::kWord, start, i, std::string(sql_.substr(start, i - start)));
  }

  void LexPunct() {
    static constexpr std::string_view kOperators[] = {
        "<=>", "->>", "<=", ">=", "<>", "!=", "<<", ">>", "||", "&&", ":=", "->"};
    const std::string_view rest = sql_.substr(pos_);
    size_t len = 1;
    for (std::string_view op : kOperators) {
      if (rest.substr(0, op.size()) == op) {
        len = op.size();
        break;
      }
    }
    Push(TokenKind::kPunct, pos_, pos_ + len, std::string(rest.substr(0, len)));
  }

  void Push(TokenKind kind, size_t start, size_t end, std::string value) {
    Token t;
    t.kind = kind;
    t.text = sql_.substr(start, end - start);
    t.value = std::move(value);
    t.space_before = pending_space_;
    t.offset = start;
    tokens_.push_back(std::move(t));
    pending_space_ = false;
    pos_ = end;
  }

  std::string_view sql_;
  SqlMode mode_;
  size_t pos_ = 0;
  bool pending_space_ = false;
  bool in_exec_comment_ = false;
  size_t exec_comment_start_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

bool Token::IsWord(std::string_view keyword) const {
  if (kind != TokenKind::kWord || text.size() != keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (AsciiUpper(text[i]) != AsciiUpper(keyword[i])) return false;
  }
  return true;
}

Result<std::vector<Token>> Tokenize(std::string_view sql, const SqlMode& mode) {
  return Lexer(sql, mode).Run();
}

std::string JoinTokens(TokenSpan tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0 && tokens[i].space_before) out.push_back(' ');
    out.append(tokens[i].text);
  }
  return out;
}

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiUpper(c);
  return out;
}

}  // namespace osc::alter
