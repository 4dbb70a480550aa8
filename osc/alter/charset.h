// Character set facts the ALTER planner needs: name normalization and the
// maximum bytes per character, which decides how many length bytes InnoDB
// stores for a VARCHAR (1 up to 255 bytes, 2 above).
//
// mbmaxlen values are those of the server's charset definitions
// (strings/ctype-*.cc, shown by SHOW CHARACTER SET as Maxlen).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osc::alter {

// Lower-cases and resolves the alias utf8 to utf8mb3 (what both servers
// report in information_schema today: MySQL since 8.0.30, MariaDB since
// 10.6).
std::string NormalizeCharsetName(std::string_view charset);

// Lower-cases and rewrites the utf8_ prefix to utf8mb3_.
std::string NormalizeCollationName(std::string_view collation);

// The character set a collation belongs to: "utf8mb4" for
// "utf8mb4_general_ci", "binary" for "binary". Input is normalized first.
std::string CharsetOfCollation(std::string_view collation);

// Maximum bytes per character (Maxlen), or 0 when osc does not know the
// character set; callers must then assume the worst.
uint32_t MaxBytesPerChar(std::string_view charset);

}  // namespace osc::alter
