// Key ranges over the chunk key, as SQL.
//
// The copier and the checksum walk the original table in ranges of the
// chunk key (osc/schema/chunk_key.h). Everything here follows one rule:
// osc never compares two key values itself. Ordering and equality belong to
// the server (collations, PAD SPACE, ENUM order, DATETIME precision), so a
// key value is carried as the exact SQL literal of a value the server
// handed out, and every comparison is a predicate the server evaluates.
//
// A literal per key kind (what the server's text answer becomes):
//   integer, YEAR          the decimal text:             -42
//   DECIMAL                the exact decimal text:       12.500
//   FLOAT/DOUBLE           the server's text (may round; see KeyKind)
//   DATE/TIME/DATETIME/
//   TIMESTAMP              quoted text with every
//                          fractional digit:             '2024-01-02 03:04:05.120'
//   CHAR/VARCHAR           the column's bytes, hex, with its character set
//                          and collation:                _latin1 X'6162' COLLATE latin1_swedish_ci
//   BINARY/VARBINARY       _binary X'00ff'
//   ENUM, SET, BIT         the number (col+0), because ORDER BY and the index
//                          sort an ENUM by member number while comparing it
//                          with a string compares names: numbers keep both
//                          sides in one order.
//
// Predicates on a composite key (a, b, c) are expanded, because row
// constructor comparisons are not range-optimised on every server version:
//   (a,b,c) > (x,y,z)  ->  `a` >= x AND (`a` > x OR (`a` = x AND `b` > y)
//                          OR (`a` = x AND `b` = y AND `c` > z))
// The leading `a` >= x lets the optimiser bound the index scan at once.
// Key columns are NOT NULL (the chunk key guarantees it), so no predicate
// deals with NULL.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "db/query_result.h"
#include "osc/schema/chunk_key.h"
#include "osc/schema/table_schema.h"

namespace osc::copy {

// How a key column's values become literals (see the table above).
enum class KeyKind : uint8_t {
  kInteger,   // TINYINT..BIGINT (either signedness), YEAR
  kDecimal,   // DECIMAL/NUMERIC
  // FLOAT/DOUBLE: the text form may not round-trip. Coverage stays exact
  // anyway: adjacent chunks share one literal as "<= v" and "> v", so every
  // row falls in exactly one chunk whatever v is.
  kFloat,
  kTemporal,  // DATE, TIME, DATETIME, TIMESTAMP
  kText,      // CHAR, VARCHAR (charset and collation below)
  kBinary,    // BINARY, VARBINARY
  kOrdinal,   // ENUM, SET, BIT: compared by number
};
std::string_view ToString(KeyKind kind);

struct KeyColumn {
  std::string name;  // same in the original and the shadow table
  KeyKind kind = KeyKind::kInteger;
  std::string charset;    // kText only, e.g. "utf8mb4"
  std::string collation;  // kText only, e.g. "utf8mb4_general_ci"
};

// The chunk key as the copier sees it.
struct KeySpec {
  std::vector<KeyColumn> columns;  // in key order; at least one
  std::string index_name;          // in the original, for FORCE INDEX
  std::string shadow_index_name;   // in the shadow (differs after RENAME INDEX)
};

// Builds the KeySpec of `key` over the original table `table`.
// NotSupported for a key column whose type cannot be chunked (TEXT/BLOB,
// JSON, GEOMETRY: not indexable without a prefix, which the chunk key
// refuses anyway); InvalidArgument when `key` does not match `table`.
Result<KeySpec> MakeKeySpec(const schema::TableSchema& table, const schema::ChunkKey& key);

// One value of the key: one SQL literal per key column, in key order.
using KeyValue = std::vector<std::string>;

// One end of a range. `inclusive` means the value itself belongs to it.
struct Bound {
  KeyValue value;
  bool inclusive = true;
};

// The keys between `lower` and `upper`. A missing end is unbounded (the
// checksum uses open ends, so rows beyond the original's first/last key
// in the shadow are compared too).
struct KeyRange {
  std::optional<Bound> lower;
  std::optional<Bound> upper;
};

// The other side of a boundary: "<= v" becomes "> v" and "< v" becomes
// ">= v" (and the reverse). Used to start a range right after another.
Bound Flip(const Bound& bound);

// OK when `value` has one literal per key column and each literal has the
// shape its kind produces (so a value read back from a checkpoint cannot
// carry anything but a literal into SQL). InvalidArgument otherwise.
Status ValidateKeyValue(const KeySpec& key, const KeyValue& value);
Status ValidateRange(const KeySpec& key, const KeyRange& range);

// The SELECT list that reads a key in literal-ready form, e.g.
// "`id`, HEX(`name`), `kind`+0". Its cells feed KeyValueFromRow.
std::string KeySelectList(const KeySpec& key);
// "`a`, `b`" (or "`a` DESC, `b` DESC"): the key's index order.
std::string KeyOrderBy(const KeySpec& key, bool descending = false);

// The key value in `row` starting at cell `first`, read with
// KeySelectList. Corruption when a cell is NULL (key columns are NOT
// NULL) or does not have the shape the server gives for its kind.
Result<KeyValue> KeyValueFromRow(const KeySpec& key, const db::Row& row, size_t first = 0);

// Predicates over the key columns (unqualified names, so one text serves
// the original and the shadow). Precondition: ValidateKeyValue holds for
// each bound's value.
//   key > lower (or >= when inclusive)
std::string RenderLower(const KeySpec& key, const Bound& lower);
//   key < upper (or <= when inclusive)
std::string RenderUpper(const KeySpec& key, const Bound& upper);
// Both ends joined by AND; "" for a range unbounded on both sides.
std::string RenderRange(const KeySpec& key, const KeyRange& range);

// "(1, 'x') < key <= (5, 'y')" style text for logs and error messages.
std::string DescribeRange(const KeyRange& range);

}  // namespace osc::copy
