// RowChange: one row event of the original table, already translated into
// what the shadow table needs (engine.md rule 6 for the values, the
// ALTER's column mapping for the columns).
//
// Values are held as SQL literals (literal.h), so a RowChange owns all its
// bytes and outlives the binlog event it came from; keys compare as the
// tuple of their literals (see batch.h for what that means for collations).
//
// Mapping through the ALTER (osc::alter::ColumnMapping):
//   - dropped columns are ignored;
//   - renamed/moved/retyped columns are written under their new name;
//   - added columns are not written (the shadow fills in their default, as
//     the copier's INSERT ... SELECT does);
//   - generated columns of the shadow are never written;
//   - the key is the chunk key's columns, taken from the before image (the
//     row as it was: what to delete) and the after image (what it becomes).
//
// Thread safety: RowMapper is immutable after Create(); any thread may call
// Map() concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/event_source.h"
#include "binlog/rows_event.h"
#include "common/result.h"
#include "osc/alter/column_mapping.h"
#include "osc/schema/chunk_key.h"
#include "osc/schema/table_schema.h"

namespace osc::apply {

enum class RowChangeKind : uint8_t { kInsert, kUpdate, kDelete };
std::string_view ToString(RowChangeKind kind);

// One literal per key column, in key order.
using KeyLiterals = std::vector<std::string>;

struct RowChange {
  RowChangeKind kind = RowChangeKind::kInsert;
  // kUpdate, kDelete: the key of the row before the change.
  KeyLiterals before_key;
  // kInsert, kUpdate: the key after the change, and the full new image in
  // RowMapper::target_columns() order.
  KeyLiterals after_key;
  std::vector<std::string> after;
  // Where the stream stands once this change is handled.
  binlog::Checkpoint position;
  // The last change of its transaction (set by whoever sees the COMMIT).
  bool ends_transaction = false;

  // An update that moves the row to another key: it deletes the old key.
  bool ChangesKey() const { return kind == RowChangeKind::kUpdate && before_key != after_key; }
  // The change removes the row at before_key (a delete, or a key change).
  bool RemovesKey() const { return kind == RowChangeKind::kDelete || ChangesKey(); }
};

class RowMapper {
 public:
  // `original` is the original table's definition (signedness, charsets,
  // members), `mapping` the ALTER's column mapping for it, `key` the chunk
  // key chosen for the migration. InvalidArgument when the key names a
  // column outside the table or dropped by the ALTER, or when no column
  // would be written.
  static Result<RowMapper> Create(const schema::TableSchema& original, const alter::ColumnMapping& mapping,
                                  const schema::ChunkKey& key);

  // Shadow column names written by REPLACE, in shadow order.
  const std::vector<std::string>& target_columns() const { return target_names_; }
  // Shadow column names of the key, in key order.
  const std::vector<std::string>& key_columns() const { return key_names_; }
  // True when a key column compares by a collation rather than by bytes
  // (a non-binary string): two different literals may then name the same
  // row, which the batcher must respect (batch.h).
  bool key_has_collation() const { return key_has_collation_; }

  // Translates one decoded row of a rows event on the original table.
  // Fails when the row's column count differs from the definition (the
  // table was altered under osc: a migration-stopping error) or a value
  // has no literal (literal.h).
  Result<RowChange> Map(binlog::RowsKind kind, const binlog::Row& row, const binlog::Checkpoint& position) const;

 private:
  RowMapper() = default;
  Result<KeyLiterals> KeyOf(const std::vector<binlog::Value>& image) const;
  Result<std::vector<std::string>> ImageOf(const std::vector<binlog::Value>& image) const;
  Status CheckWidth(const std::vector<binlog::Value>& image) const;

  std::vector<schema::Column> original_columns_;
  std::vector<size_t> target_sources_;  // original index per target column
  std::vector<std::string> target_names_;
  std::vector<size_t> key_sources_;     // original index per key column
  std::vector<std::string> key_names_;
  bool key_has_collation_ = false;
};

}  // namespace osc::apply
