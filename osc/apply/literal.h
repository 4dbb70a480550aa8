// Binlog values -> exact SQL literals for the shadow table (engine.md rule 6).
//
// The binlog of MariaDB (without binlog_row_metadata=FULL) does not say
// whether an integer is signed, which character set a string is in, or
// what an ENUM index names. Those facts come from the ORIGINAL table's
// definition (osc::schema::Column), which is why every conversion takes
// it: the literal must mean what the original row meant, so that the server
// converts it into the shadow's (possibly altered) type exactly as a direct
// ALTER TABLE would.
//
// Output by value kind:
//   NULL / MYSQL_TYPE_NULL      NULL
//   integer                     decimal digits, signed or unsigned per the
//                               column definition: -128, 18446744073709551615
//   FLOAT / DOUBLE              shortest round-trip text with an exponent so
//                               the server parses a double, not a DECIMAL:
//                               1.5e0, -0e0, 1e+300 (NaN/Inf: InvalidArgument);
//                               a FLOAT as CAST(0.1e0 AS FLOAT), so it widens
//                               to the float's double like the column does
//   DECIMAL                     the exact digits, unquoted: -0.010
//   YEAR                        the year as a number (0 for the zero year:
//                               the string '0' would mean 2000)
//   DATE/TIME/DATETIME          quoted text with the column's fraction digits
//   TIMESTAMP                   quoted UTC text: the writing session must
//                               run with time_zone = '+00:00'
//   string/BLOB                 _<charset> X'..' with the original column's
//                               character set; _binary X'..' for binary
//   INET4 / INET6 / UUID        CAST(_binary X'..' AS <type>) (padded to the
//                               type's width), a value of the original type
//   ENUM / SET                  the member names (from the definition) as a
//                               _utf8mb4 hex literal; ENUM index 0 (the ''
//                               error value) as the number 0
//   BIT                         the unsigned integer
//   MySQL JSON                  its JSON text as a _utf8mb4 literal
//   GEOMETRY, VECTOR            the stored bytes as _binary X'..'
//   MariaDB compressed column   decompressed, then as a string
// Not convertible (each a distinct Status):
//   absent (MINIMAL/NOBLOB row image)  FailedPrecondition: osc needs FULL
//   partial JSON diff                  NotSupported
//   member index outside the definition Corruption (definition mismatch)
//
// Member names in osc::schema::Column come from information_schema over a
// utf8mb4 connection, hence the _utf8mb4 introducer for them.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "binlog/value.h"
#include "common/result.h"
#include "osc/schema/table_schema.h"

namespace osc::apply {

// The SQL literal for `value`, read with the meaning `column` (the original
// table's definition of the column the value belongs to) gives it.
Result<std::string> ToSqlLiteral(const binlog::Value& value, const schema::Column& column);

}  // namespace osc::apply
