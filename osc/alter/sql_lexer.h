// A tokenizer for the MySQL/MariaDB SQL that users pass to --alter.
//
// It knows exactly as much of the server's lexer as is needed to split an
// ALTER TABLE clause list safely: quoted identifiers and strings (so a comma
// or a quote inside them never splits a clause), comments, executable
// comments, numbers and operators. It does not know keywords; the parser
// compares words case-insensitively.
//
// Lexical rules mirrored from the server (sql/sql_lex.cc in both MySQL and
// MariaDB):
//   - `ident` with `` doubling; no backslash escapes inside backticks.
//   - 'str' and "str" with backslash escapes and doubled quotes; with
//     SqlMode::ansi_quotes, "..." is an identifier instead.
//   - `# ...`, `-- ...` (the dashes must be followed by a space or control
//     character, else `--5` is two minus signs and a number), `/* ... */`.
//   - `/*! ... */`, `/*!NNNNN ... */` (MySQL) and `/*M! ... */`,
//     `/*M!NNNNNN ... */` (MariaDB): the content is lexed as SQL whatever the
//     version number says, because the user wrote it for the server osc
//     talks to.
//   - an unquoted identifier may start with a digit (`1st_col`) but a run of
//     digits alone is a number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace osc::alter {

// The sql_mode flags that change how text is tokenized. The session that
// later runs the rendered ALTER on the shadow table must use the same flags.
struct SqlMode {
  // ANSI_QUOTES: "..." is an identifier, not a string.
  bool ansi_quotes = false;
  // NO_BACKSLASH_ESCAPES: a backslash inside a string is an ordinary byte.
  bool no_backslash_escapes = false;
};

enum class TokenKind : uint8_t {
  kWord,              // unquoted identifier or keyword
  kQuotedIdentifier,  // `x` (or "x" under ANSI_QUOTES)
  kString,            // 'x', "x", N'x', X'0A', B'01'
  kNumber,            // 12, 1.5, .5, 1e-3, 0x1F, 0b101
  kPunct,             // ( ) , ; = . + - and multi-byte operators like <=>
};

struct Token {
  TokenKind kind = TokenKind::kPunct;
  // The exact source bytes, quotes included. Points into the lexed text,
  // which must outlive the token.
  std::string_view text;
  // For quoted identifiers and strings: the content with quoting and
  // escapes undone. For every other kind: equal to `text`.
  std::string value;
  // True when whitespace or a comment separated this token from the
  // previous one (rendering keeps exactly one space there).
  bool space_before = false;
  // Byte offset of `text` in the lexed source, for error messages.
  size_t offset = 0;

  // True for an unquoted word equal to `keyword` ignoring ASCII case.
  // Quoted identifiers never match: `key` is a column name, KEY a keyword.
  bool IsWord(std::string_view keyword) const;
  bool IsPunct(std::string_view op) const { return kind == TokenKind::kPunct && text == op; }
  bool IsIdentifier() const {
    return kind == TokenKind::kWord || kind == TokenKind::kQuotedIdentifier;
  }
};

using TokenSpan = std::span<const Token>;

// Splits `sql` into tokens, dropping comments. Errors (InvalidArgument):
// an unterminated string, quoted identifier or comment, with its offset.
Result<std::vector<Token>> Tokenize(std::string_view sql, const SqlMode& mode = {});

// Renders tokens back to SQL: each token's source text, with one space
// wherever the source had whitespace or a comment. Comments and executable
// comment markers are gone; everything else is byte-for-byte the user's.
std::string JoinTokens(TokenSpan tokens);

// ASCII upper-casing, for building messages and comparing keywords.
std::string ToUpperAscii(std::string_view s);

}  // namespace osc::alter
