// The keys the binlog applier changed in the shadow since the last
// consistent point of the checksum (engine rule 9, checked during the
// copy).
//
// The checksum may compare a part of the tables early, during the copy,
// at a consistent point P. A row compared equal at P can only become
// unequal afterwards if the applier writes it (the copier never returns to
// a range it finished), so the next consistent point compares the keys the
// applier wrote since P, and the last one, just before the cut-over, leaves
// every row compared after its last change. The applier adds keys after
// each batch commits; the checksum takes them at a consistent point, where
// the applier has applied exactly the binlog up to that point (the
// original locked and a marker applied, or the applier held right after
// the snapshot's binlog position), so no key falls between two takes.
//
// Memory is bounded: past `max_keys` distinct keys the set stops growing
// and reports that it overflowed, and the caller compares the whole tables
// instead.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <mutex>
#include <set>
#include <vector>

#include "osc/copy/key_range.h"

namespace osc::copy {

class ChangedKeys {
 public:
  explicit ChangedKeys(size_t max_keys) : max_keys_(max_keys) {}

  // Records keys (one literal per key column each, as the applier renders
  // them for its own DELETE/REPLACE).
  void Add(const std::vector<KeyValue>& keys);

  struct Taken {
    std::vector<KeyValue> keys;  // distinct, in literal order
    bool overflowed = false;     // some keys were not kept
  };
  // Everything recorded since the last Take, and starts a new set.
  Taken Take();
  // Returns keys taken but not compared (the comparison failed), so the
  // next Take includes them.
  void PutBack(Taken taken);

  size_t size() const;

 private:
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::set<KeyValue> keys_;  // guarded by mu_
  bool overflowed_ = false;  // guarded by mu_
};

}  // namespace osc::copy
