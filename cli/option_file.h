// --conf FILE: MySQL option files ("my.cnf" format), as gh-ost reads them.
//
// Syntax (the rules of the MySQL/MariaDB client library, mysys
// my_default.c, so a file that works with `mysql --defaults-file` works
// here):
//   - Leading blanks are skipped. Empty lines and lines starting with '#'
//     or ';' are comments. A '#' outside quotes also ends a line.
//   - "[group]" starts a group; text after ']' is ignored. Group names
//     compare case-insensitively. A setting before any group is an error.
//   - "name" or "name = value". Blanks around name and value are removed.
//     A value wrapped in matching '...' or "..." loses the quotes (use them
//     for values with '#' or edge blanks). In the value, \n \t \r \b \s
//     (space) \" \' \\ are escapes; a backslash before anything else stays.
//   - In names, '-' and '_' are the same ("ssl_ca" = "ssl-ca"), case is
//     ignored, and a "loose-" prefix is dropped.
//   - "!include" and "!includedir" are refused: osc reads exactly the file
//     it is given, so what it uses is what the user sees.
//
// Which settings osc takes (decision: unknown keys ignored in [client],
// refused in [osc]):
//   - [client] is shared with every MySQL client (mysql, mysqldump, ...),
//     so it legitimately holds settings osc does not know: they are
//     ignored.
//   - [osc] belongs to osc, so an unknown key there is a typo that would
//     otherwise be silently dropped: it is an error (unless "loose-").
//   - Both accept: host, port, socket, user, password, ssl-mode, ssl-ca,
//     ssl-cert, ssl-key. A key in [osc] overrides the same key in [client];
//     within one group the last line wins. Other groups are ignored.
//   - A known key without "= value" is an error (the mysql client would
//     prompt for a bare "password"; osc does that only with --ask-pass).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace osc::cli {

// One "name[=value]" line.
struct OptionFileEntry {
  std::string group;                 // lower case
  std::string name;                  // lower case, '_' as '-', "loose-" kept
  std::optional<std::string> value;  // unquoted and unescaped; nullopt: bare name
  int line = 0;                      // 1-based line number
};

// Splits option-file text into entries, in file order. InvalidArgument
// "line N: <problem>" for a setting outside a group, an unterminated
// "[group", an include directive, or a line without a name.
Result<std::vector<OptionFileEntry>> ParseOptionFile(std::string_view text);

// What --conf contributes; nullopt where the file says nothing.
struct OptionFileSettings {
  std::optional<std::string> host;
  std::optional<uint16_t> port;
  std::optional<std::string> socket;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> ssl_mode;
  std::optional<std::string> ssl_ca;
  std::optional<std::string> ssl_cert;
  std::optional<std::string> ssl_key;
};

// ParseOptionFile plus the group and key rules above. InvalidArgument
// "line N: <problem>" for syntax errors, unknown [osc] keys, a known key
// without a value, or a port that is not 1..65535. The password is never
// part of a message.
Result<OptionFileSettings> ReadOptionFileSettings(std::string_view text);

}  // namespace osc::cli
