// Comparing column names the way the server does.
//
// Column names are case-insensitive on both servers (they compare with the
// system character set's utf8mb3_general_ci collation). We fold ASCII and
// the common Latin, Greek and Cyrillic letters to lower case. The server's
// collation also ignores accents ('a' equals 'ä'), which we do not: a name
// that only the server considers equal makes osc report "unknown column"
// or the shadow ALTER fail with "duplicate column", an error either way,
// never a silently wrong column mapping.
#pragma once

#include <string>
#include <string_view>

namespace osc::alter {

// Lower-cases the letters described above; other bytes are kept.
std::string FoldIdentifier(std::string_view name);

// True if the server would consider `a` and `b` the same column name (with
// the caveat above).
bool SameIdentifier(std::string_view a, std::string_view b);

}  // namespace osc::alter
