// The SQL text the copier and the checksum send, built from values.
//
// Every name is quoted (db/quoting.h) and every key value is a literal
// validated by key_range.h, so nothing here can be changed by table
// contents. Each builder is pure, so the exact text is unit-tested.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/server_info.h"
#include "osc/alter/column_mapping.h"
#include "osc/copy/key_range.h"
#include "osc/schema/table_schema.h"

namespace osc::copy {

// A table and the index statements on it are forced to use.
struct TableRef {
  std::string database;
  std::string table;
  std::string index;  // for FORCE INDEX; empty for none
};

// "`db`.`t` FORCE INDEX (`k`)".
std::string FromClause(const TableRef& table);

// The first (or, with `last`, the final) key of `table` in key order.
std::string EndpointQuery(const KeySpec& key, const TableRef& table, bool last);

// The key `rows` rows into `remaining` (the upper end of a chunk of that
// many rows): an index-only read,
//   SELECT <key> FROM t FORCE INDEX (k) WHERE <remaining>
//   ORDER BY <key> LIMIT 1 OFFSET rows-1
// No row means fewer than `rows` rows remain. rows == 0 counts as 1.
std::string BoundaryQuery(const KeySpec& key, const TableRef& table, const KeyRange& remaining, uint64_t rows);

// How a read takes shared row locks: MySQL 8.0 spells it FOR SHARE;
// MariaDB (every version, 10.11 included: FOR SHARE is a syntax error
// there) and MySQL 5.7 only know LOCK IN SHARE MODE.
enum class LockingRead : uint8_t { kLockInShareMode, kForShare };
LockingRead LockingReadFor(const db::ServerInfo& server);

// A column the copier writes: `target` in the shadow gets the value of
// `source` in the original (both plain column names).
struct CopyColumn {
  std::string source;
  std::string target;
};

// The copied columns of `mapping` (sources named as in `original`):
// generated columns are left out (the server computes them) and added
// columns too (they take their defaults). InvalidArgument when the
// mapping does not match `original` or copies nothing.
Result<std::vector<CopyColumn>> MakeCopyColumns(const schema::TableSchema& original,
                                                const alter::ColumnMapping& mapping);

// One chunk (engine rules 2 and 3):
//   INSERT INTO shadow (targets) SELECT sources FROM original FORCE INDEX (k)
//   WHERE <range> <locking read> ON DUPLICATE KEY UPDATE
//   `db`.`shadow`.`k1` = `db`.`shadow`.`k1`
// The UPDATE names the shadow's column fully: unqualified, the server
// rejects it as ambiguous (error 1052) when the original has a column of
// that name, which it always has.
std::string CopyStatement(const KeySpec& key, const TableRef& original, const TableRef& shadow,
                          const std::vector<CopyColumn>& columns, LockingRead locking, const KeyRange& range);

// DELETE FROM `db`.`shadow` WHERE <range>: clears a range before a repair.
std::string DeleteRangeStatement(const KeySpec& key, const TableRef& shadow, const KeyRange& range);

// SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', e1, e2, ...,
// CONCAT(ISNULL(e1), ISNULL(e2), ...)))), 0) FROM table WHERE <range>.
// `exprs` are SQL expressions over the table's columns (at least one).
// CONCAT_WS skips NULLs, so the trailing ISNULL flags tell NULL from ''.
// `null_exprs`, when given (one per expr), are tested by ISNULL instead:
// a cheaper expression that is NULL exactly when its expr is (the column
// itself rather than the CRC32 of its bytes); an empty one marks a value
// that is never NULL (NOT NULL on both sides), which gets no flag. Without
// any flag the CONCAT(...) group is left out.
std::string ChecksumQuery(const KeySpec& key, const TableRef& table, const std::vector<std::string>& exprs,
                          const KeyRange& range, const std::vector<std::string>& null_exprs = {});

// The same sums over the rows whose key is one of `keys` (at least one),
// each a key value as the binlog applier renders it (one literal per key
// column): `k` IN (1, 2) for a one-column key, (`a` = 1 AND `b` = 2) OR
// ... for a composite one. No index hint: the IN list is a set of point
// lookups on the key either way.
std::string ChecksumKeysQuery(const KeySpec& key, const TableRef& table, const std::vector<std::string>& exprs,
                              const std::vector<std::string>& null_exprs, const std::vector<KeyValue>& keys);

}  // namespace osc::copy
