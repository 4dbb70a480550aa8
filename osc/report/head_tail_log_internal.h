// HeadTailLog: a bounded log that keeps the first and the last entries of
// an unbounded stream and counts the ones dropped in between. Internal to
// osc/report/.
//
// Thread safety: none; the owner locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace osc::report::internal {

template <typename T>
class HeadTailLog {
 public:
  // Keeps up to `capacity` entries (at least 2): the first capacity/2 and
  // the newest capacity - capacity/2.
  explicit HeadTailLog(size_t capacity)
      : head_capacity_(capacity < 2 ? 1 : capacity / 2),
        tail_capacity_(capacity < 2 ? 1 : capacity - capacity / 2) {}

  void Add(T item) {
    if (head_.size() < head_capacity_) {
      head_.push_back(std::move(item));
      return;
    }
    tail_.push_back(std::move(item));
    if (tail_.size() > tail_capacity_) {
      tail_.pop_front();
      ++dropped_;
    }
  }

  // Oldest first; the dropped ones lie between head and tail.
  std::vector<T> Items() const {
    std::vector<T> out(head_.begin(), head_.end());
    out.insert(out.end(), tail_.begin(), tail_.end());
    return out;
  }
  uint64_t dropped() const { return dropped_; }
  size_t size() const { return head_.size() + tail_.size(); }

 private:
  const size_t head_capacity_;
  const size_t tail_capacity_;
  std::vector<T> head_;
  std::deque<T> tail_;
  uint64_t dropped_ = 0;
};

}  // namespace osc::report::internal
