#include "osc/copy/checkpoint.h"

#include <utility>

namespace osc::copy {

std::vector<Segment> SegmentsToCopy(const Checkpoint& from) {
  std::vector<Segment> out;
  if (!from.range || from.complete) return out;
  // Every segment starts right after the previous one ends, so the
  // segments tile the range without gaps or overlaps by construction.
  std::optional<Bound> lower =
      from.low_watermark ? Flip(*from.low_watermark) : Bound{from.range->min, /*inclusive=*/true};
  for (const KeyRange& done : from.done_above) {
    if (!done.lower || !done.upper) continue;  // not produced by a tracker
    out.push_back(Segment{KeyRange{lower, Flip(*done.lower)}, false});
    out.push_back(Segment{done, true});
    lower = Flip(*done.upper);
  }
  out.push_back(Segment{KeyRange{lower, Bound{from.range->max, /*inclusive=*/true}}, false});
  return out;
}

CheckpointTracker::CheckpointTracker(Checkpoint start)
    : range_(std::move(start.range)),
      watermark_(std::move(start.low_watermark)),
      was_complete_(start.complete),
      carried_(start.done_above.begin(), start.done_above.end()) {}

uint64_t CheckpointTracker::AddPending(KeyRange range) {
  const uint64_t id = next_id_++;
  entries_.push_back(Entry{id, std::move(range), false});
  return id;
}

void CheckpointTracker::PassCarried() {
  if (carried_.empty()) return;
  entries_.push_back(Entry{0, std::move(carried_.front()), true});
  carried_.pop_front();
  Advance();
}

void CheckpointTracker::MarkDone(uint64_t id) {
  for (Entry& e : entries_) {
    if (e.id == id) {
      e.done = true;
      break;
    }
  }
  Advance();
}

void CheckpointTracker::Finish() {
  finished_ = true;
  Advance();
}

void CheckpointTracker::Advance() {
  while (!entries_.empty() && entries_.front().done) {
    // Chunks tile the key space in order, so the upper end of the last
    // finished chunk of the prefix is the watermark.
    if (entries_.front().range.upper) watermark_ = entries_.front().range.upper;
    entries_.pop_front();
  }
}

Checkpoint CheckpointTracker::Current() const {
  Checkpoint cp;
  cp.range = range_;
  cp.low_watermark = watermark_;
  cp.complete = was_complete_ || (finished_ && entries_.empty() && carried_.empty());
  if (cp.complete) return cp;
  // Merge runs of consecutive finished chunks: consecutive entries are
  // adjacent in key space, so a run is one range from the first lower end
  // to the last upper end.
  bool in_run = false;
  for (const Entry& e : entries_) {
    if (!e.done) {
      in_run = false;
      continue;
    }
    if (in_run) {
      cp.done_above.back().upper = e.range.upper;
    } else {
      cp.done_above.push_back(e.range);
      in_run = true;
    }
  }
  cp.done_above.insert(cp.done_above.end(), carried_.begin(), carried_.end());
  return cp;
}

uint64_t CheckpointTracker::pending() const {
  uint64_t n = 0;
  for (const Entry& e : entries_) n += e.done ? 0 : 1;
  return n;
}

}  // namespace osc::copy
