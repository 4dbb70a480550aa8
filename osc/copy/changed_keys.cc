#include "osc/copy/changed_keys.h"

#include <utility>

namespace osc::copy {

void ChangedKeys::Add(const std::vector<KeyValue>& keys) {
  std::lock_guard lock(mu_);
  for (const KeyValue& k : keys) {
    if (overflowed_) return;  // the whole tables get compared anyway
    keys_.insert(k);
    if (keys_.size() > max_keys_) {
      // Free the memory now: a partial set is of no use.
      keys_.clear();
      overflowed_ = true;
    }
  }
}

ChangedKeys::Taken ChangedKeys::Take() {
  std::lock_guard lock(mu_);
  Taken out;
  out.keys.assign(keys_.begin(), keys_.end());
  out.overflowed = overflowed_;
  keys_.clear();
  overflowed_ = false;
  return out;
}

void ChangedKeys::PutBack(Taken taken) {
  Add(taken.keys);
  if (taken.overflowed) {
    std::lock_guard lock(mu_);
    keys_.clear();
    overflowed_ = true;
  }
}

size_t ChangedKeys::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace osc::copy
