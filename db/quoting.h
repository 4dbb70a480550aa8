// Putting names and values into SQL text without a connection.
//
// Every function here produces text that is safe for any input bytes under
// any sql_mode (ANSI_QUOTES, NO_BACKSLASH_ESCAPES) and any ASCII-compatible
// connection character set (utf8mb4, utf8mb3, latin1, ascii, binary; the
// only ones ConnectionOptions accepts). "Safe" means the input can never end
// the token early; whether the server accepts the name or value is another
// question, answered by the Validate* functions or by the server.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace osc::db {

// Longest identifier (database, table, column, index) MySQL and MariaDB
// accept, in characters (NAME_CHAR_LEN in the server source).
inline constexpr size_t kMaxIdentifierChars = 64;

// OK if the server would accept `name` as a database/table/column name:
// non-empty, valid UTF-8 of at most 64 characters from the Basic
// Multilingual Plane (the server rejects 4-byte UTF-8 in identifiers), no
// NUL byte, no trailing space. InvalidArgument (naming the problem, not
// echoing the raw bytes) otherwise.
Status ValidateIdentifier(std::string_view name);

// `name` in backticks, embedded backticks doubled: my`t -> `my``t`.
// Never fails: use ValidateIdentifier first where a bad name is an error.
std::string QuoteIdentifier(std::string_view name);

// `db`.`table`, or just `table` when db is empty.
std::string QuoteQualified(std::string_view db, std::string_view table);

// A utf8mb4 string literal with the value `text` (expected to be UTF-8).
// Readable when possible: _utf8mb4'it''s' (quote doubled; identical in
// every sql_mode). When `text` holds a backslash or a control byte (whose
// meaning depends on NO_BACKSLASH_ESCAPES, or which would garble logs) it is
// hex instead: _utf8mb4 X'...'. Use for text values in generated SQL:
// comments, names compared as strings, settings.
std::string QuoteStringLiteral(std::string_view text);

// A binary string literal carrying exactly these bytes: _binary X'00ff..'.
// Use for row values copied byte for byte (any column type whose bytes are
// already in the column's character set, BLOBs, VARBINARY keys).
std::string QuoteBinaryLiteral(std::string_view bytes);

// A hex literal of `bytes` in character set `charset` (e.g. "latin1" for a
// latin1 column's bytes taken from a binlog row image): _latin1 X'..'.
// InvalidArgument unless `charset` is a plain name ([a-z0-9_]+, <= 64).
Result<std::string> QuoteHexLiteral(std::string_view bytes, std::string_view charset);

}  // namespace osc::db
