// Copy checkpoints: what part of the key space is known to be copied
// (engine rule 11).
//
// Workers finish chunks out of order, so "how far did we get" is a low
// watermark (every key at or below it is copied) plus the chunks finished
// above it. A resumed copy starts after the watermark and skips the
// finished ranges; nothing is ever compared in C++: a range's ends are the
// literals of the chunks that produced it (see key_range.h).
//
// The copy range is part of the checkpoint: rows with keys beyond the
// maximum taken when the copy began are the binlog applier's, so a resumed
// copy must stop at the same maximum, not at the table's current one.
//
// Thread safety: values, and a tracker that is not thread-safe (the copier
// uses it under its mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "osc/copy/key_range.h"

namespace osc::copy {

// The keys the copy covers, both ends included: the first and last key of
// the original when the copy began (after the binlog stream started).
struct CopyRange {
  KeyValue min;
  KeyValue max;
};

struct Checkpoint {
  // nullopt: the table was empty when the copy began (nothing to copy).
  std::optional<CopyRange> range;
  // Every key below (or at, when inclusive) this bound is copied; nullopt
  // when no prefix of the range is done yet.
  std::optional<Bound> low_watermark;
  // Finished ranges above the watermark, in key order, disjoint; adjacent
  // finished chunks are merged.
  std::vector<KeyRange> done_above;
  // The whole range is copied.
  bool complete = false;
};

// A part of the copy range, in key order: still to copy, or already done
// (carried over from a checkpoint).
struct Segment {
  KeyRange range;
  bool done = false;
};

// The segments that cover `from.range` given what `from` says is done:
// the gaps between the watermark and the done ranges become to-do
// segments (each ending just before the next done range begins), the done
// ranges become done segments. Empty when there is no range or it is
// complete. Precondition: done_above is in key order (as the tracker
// produces it).
std::vector<Segment> SegmentsToCopy(const Checkpoint& from);

// Tracks chunk completion for a copy that starts at `start`. The copier
// registers every chunk as it is planned (in key order) and marks it done
// when its statement committed.
class CheckpointTracker {
 public:
  explicit CheckpointTracker(Checkpoint start);

  // Registers the next chunk in key order; returns its id for MarkDone.
  uint64_t AddPending(KeyRange range);
  // The chunk producer has passed the next carried-over done range (the
  // next element of start.done_above): it now sits after every chunk
  // registered so far.
  void PassCarried();
  // Marks chunk `id` copied. Unknown or repeated ids are ignored.
  void MarkDone(uint64_t id);
  // No more chunks will be registered.
  void Finish();

  Checkpoint Current() const;
  // Chunks registered and not yet done.
  uint64_t pending() const;

 private:
  struct Entry {
    uint64_t id;
    KeyRange range;
    bool done;
  };
  // Pops the finished prefix into the watermark.
  void Advance();

  std::optional<CopyRange> range_;
  std::optional<Bound> watermark_;
  bool was_complete_;
  std::deque<Entry> entries_;        // registered, in key order, above the watermark
  std::deque<KeyRange> carried_;     // done ranges from `start` not yet passed
  uint64_t next_id_ = 1;
  bool finished_ = false;
};

}  // namespace osc::copy
