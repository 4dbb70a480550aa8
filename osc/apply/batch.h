// Batch: row changes collapsed per key and turned into the statements that
// apply them to the shadow table in one transaction (engine.md rule 5).
//
// Collapsing. Changes are taken in binlog order; each key keeps only its
// final state: present (with the last image written to it) or deleted. An
// update that changes the key deletes the old key and writes the new one.
// The batch is applied as
//   DELETE FROM shadow WHERE (key) IN (<keys whose final state is deleted>)
//   REPLACE INTO shadow (cols) VALUES <final images>
// with the images ordered by the binlog position of each key's last change,
// so when two rows trade a UNIQUE value the later image wins, as on the
// original. Both statements are idempotent, so a batch can be re-applied
// whole after a lost connection or a deadlock.
//
// Why "deletes first" is safe: a key ends deleted only if its last change
// removed it, and its final image (if any) is written by REPLACE after.
// This holds when equal keys have equal literals. With a key column that
// compares by collation ('a' = 'A'), a delete of 'A' after a write of 'a'
// would be reordered before it and lose; so for such keys TryAdd() refuses
// a removing change while the batch holds a write (the caller applies the
// batch first): every batch is then "removals, then writes" in binlog order
// and collapsing never reorders them.
//
// Thread safety: none; one applier thread owns a Batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "binlog/event_source.h"
#include "osc/apply/row_change.h"

namespace osc::apply {

class Batch {
 public:
  // `key_has_collation`: RowMapper::key_has_collation().
  explicit Batch(bool key_has_collation) : key_has_collation_(key_has_collation) {}

  // Adds `change` (which must come after every change added before) and
  // returns true; returns false, leaving the batch unchanged, when the
  // change must go into the next batch (see above).
  bool TryAdd(const RowChange& change);

  // Row changes added (before collapsing).
  size_t size() const { return added_; }
  bool empty() const { return added_ == 0; }
  // Position of the last change added.
  const binlog::Checkpoint& last_position() const { return last_position_; }
  void Clear();

  // Keys whose final state is deleted (in the order they were last
  // removed) and final images (ordered by each key's last change).
  std::vector<KeyLiterals> DeletedKeys() const;
  std::vector<const std::vector<std::string>*> FinalImages() const;
  // Every key the batch deletes or writes (in literal order).
  std::vector<KeyLiterals> Keys() const;

  // The statements applying the batch (empty strings for a part with
  // nothing to do). `shadow` is the quoted, qualified shadow table name.
  std::string DeleteStatement(const std::string& shadow, const std::vector<std::string>& key_columns) const;
  std::string ReplaceStatement(const std::string& shadow, const std::vector<std::string>& columns) const;

 private:
  struct KeyState {
    bool present = false;
    uint64_t sequence = 0;             // order of the key's last change
    std::vector<std::string> image;    // when present
  };
  void Remove(const KeyLiterals& key);
  void Write(const KeyLiterals& key, const std::vector<std::string>& image);

  bool key_has_collation_;
  std::map<KeyLiterals, KeyState> keys_;
  size_t added_ = 0;
  size_t writes_ = 0;  // changes that wrote a row (for the collation rule)
  uint64_t sequence_ = 0;
  binlog::Checkpoint last_position_;
};

}  // namespace osc::apply
