// Which columns the checksum compares, and how each side is read so that
// equal rows hash equally although the ALTER changed a column's type.
//
// A column is compared when both tables have it (CopiedColumns of the
// column mapping: not dropped, not added, not generated). When its type,
// character set or collation differs between the tables, the original's
// value is converted the way the copy's INSERT ... SELECT converted it:
//   target integer          CAST(o AS SIGNED|UNSIGNED)   from numbers, YEAR, BIT
//   target DECIMAL(M,D)     CAST(o AS DECIMAL(M,D))      from numbers
//   target DOUBLE           CAST(o AS DOUBLE)            from numbers
//   target CHAR/VARCHAR/
//   TEXT in charset C       CONVERT(o USING C)           from strings, numbers
//                                                        (not FLOAT/DOUBLE),
//                                                        temporals, ENUM/SET;
//                           trailing spaces trimmed for a CHAR target (CHAR
//                           values read back without them)
//   target binary types     CAST(o AS BINARY[(n)])       from strings, numbers, temporals
//   target DATE/DATETIME(n)/
//   TIMESTAMP(n)/TIME(n)    CAST(o AS DATE|DATETIME(n)|TIME(n))  from temporals, strings
//   target ENUM/SET         CONVERT(o USING C)           from ENUM/SET (names)
//   target BIT              CAST(x AS UNSIGNED) on both sides    from BIT, integers
// On MariaDB 10.11 these casts give what the assignment stores (both
// round 2.5e0 to 2 and 1.35 to 1.4, both cut DATETIME fractions the same
// way); tests/integration/copy_checksum_test.cc checks one conversion into
// every target family against a direct ALTER. Any other change (to FLOAT, YEAR,
// JSON, spatial types, from FLOAT to text, text to ENUM...) has no cast
// that is exact on both servers: the column is left out of the hash and a
// note says so. Rows still count, and the other columns still hash.
//
// Character values are hashed as bytes (CAST(... AS BINARY)), so
// CONCAT_WS never mixes collations (which the server may refuse); numbers,
// temporal and bit values as their text, which is plain ASCII on both
// sides. TEXT/BLOB-like values are hashed as their CRC32, so a row's
// concatenation stays far below max_allowed_packet (over it, CONCAT_WS
// would give NULL and the row would silently drop out of the hash). CRC32
// rather than MD5: the server computes it with the CPU's CRC instructions,
// which made the whole checksum of a table with a TEXT column about 2.4
// times faster, and a changed value still changes the row's hash with
// probability 1 - 2^-32.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "osc/alter/column_mapping.h"
#include "osc/schema/table_schema.h"

namespace osc::copy {

struct ChecksumColumn {
  std::string name;           // in the shadow table, for messages
  std::string original_expr;  // SQL over the original's columns
  std::string shadow_expr;    // SQL over the shadow's columns
  // NULL exactly when the expr above is, and cheaper to evaluate (the
  // value before CAST/CRC32); the checksum's null flags test these.
  std::string original_null;
  std::string shadow_null;
  // False when the column is NOT NULL in both tables and compared without
  // a conversion: neither expression can then be NULL, and the checksum
  // gives it no null flag (a converted value can be NULL although the
  // column's is not: CAST('2020-02-30' AS DATE)). One flag fewer per such
  // column: on the bench table's 7 columns (4 NOT NULL) the hash query
  // took 178 ms instead of 193-202 ms over 200k rows.
  bool may_be_null = true;
};

struct ChecksumColumns {
  std::vector<ChecksumColumn> columns;
  // One line per column left out, saying why.
  std::vector<std::string> excluded;
};

// Plans the compared columns. `shadow` is the inspected shadow table
// (after the ALTER). InvalidArgument when the mapping does not fit the
// tables (a mapped column missing from the shadow, indexes out of range)
// or when no column is left to compare.
Result<ChecksumColumns> PlanChecksumColumns(const schema::TableSchema& original, const schema::TableSchema& shadow,
                                            const alter::ColumnMapping& mapping);

}  // namespace osc::copy
