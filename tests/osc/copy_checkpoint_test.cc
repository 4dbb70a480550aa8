// Checkpoint watermark and resume segments (osc/copy/checkpoint.h), with
// chunks finishing out of order.
#include "osc/copy/checkpoint.h"

#include <gtest/gtest.h>

#include <string>

namespace osc::copy {
namespace {

// (lo, hi] over a one-column integer key.
KeyRange Chunk(int lo, int hi) {
  return KeyRange{Bound{{std::to_string(lo)}, false}, Bound{{std::to_string(hi)}, true}};
}

Checkpoint Fresh(int min, int max) {
  Checkpoint cp;
  cp.range = CopyRange{{std::to_string(min)}, {std::to_string(max)}};
  return cp;
}

void ExpectBound(const std::optional<Bound>& b, const std::string& value, bool inclusive) {
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->value, KeyValue{value});
  EXPECT_EQ(b->inclusive, inclusive);
}

TEST(CheckpointTrackerTest, WatermarkWaitsForTheLowestUnfinishedChunk) {
  CheckpointTracker t(Fresh(1, 40));
  const uint64_t c1 = t.AddPending(KeyRange{Bound{{"1"}, true}, Bound{{"10"}, true}});
  const uint64_t c2 = t.AddPending(Chunk(10, 20));
  const uint64_t c3 = t.AddPending(Chunk(20, 30));
  const uint64_t c4 = t.AddPending(Chunk(30, 40));

  t.MarkDone(c3);
  Checkpoint cp = t.Current();
  EXPECT_FALSE(cp.low_watermark.has_value());
  ASSERT_EQ(cp.done_above.size(), 1u);
  ExpectBound(cp.done_above[0].lower, "20", false);
  ExpectBound(cp.done_above[0].upper, "30", true);

  t.MarkDone(c2);  // 2 and 3 are adjacent: one range (10, 30]
  cp = t.Current();
  EXPECT_FALSE(cp.low_watermark.has_value());
  ASSERT_EQ(cp.done_above.size(), 1u);
  ExpectBound(cp.done_above[0].lower, "10", false);
  ExpectBound(cp.done_above[0].upper, "30", true);

  t.MarkDone(c1);  // the prefix 1..3 is done
  cp = t.Current();
  ExpectBound(cp.low_watermark, "30", true);
  EXPECT_TRUE(cp.done_above.empty());
  EXPECT_FALSE(cp.complete);
  EXPECT_EQ(t.pending(), 1u);

  t.Finish();
  EXPECT_FALSE(t.Current().complete);  // chunk 4 still runs
  t.MarkDone(c4);
  cp = t.Current();
  EXPECT_TRUE(cp.complete);
  ExpectBound(cp.low_watermark, "40", true);
  ASSERT_TRUE(cp.range.has_value());
  EXPECT_EQ(cp.range->max, KeyValue{"40"});
}

TEST(CheckpointTrackerTest, NonAdjacentFinishedChunksStaySeparate) {
  CheckpointTracker t(Fresh(0, 50));
  t.AddPending(Chunk(0, 10));
  const uint64_t b = t.AddPending(Chunk(10, 20));
  t.AddPending(Chunk(20, 30));
  const uint64_t d = t.AddPending(Chunk(30, 40));
  t.MarkDone(d);
  t.MarkDone(b);
  t.MarkDone(999);  // unknown: ignored
  t.MarkDone(b);    // repeated: ignored
  const Checkpoint cp = t.Current();
  EXPECT_FALSE(cp.low_watermark.has_value());
  ASSERT_EQ(cp.done_above.size(), 2u);
  ExpectBound(cp.done_above[0].upper, "20", true);
  ExpectBound(cp.done_above[1].lower, "30", false);
  EXPECT_EQ(t.pending(), 2u);
}

TEST(CheckpointSegmentsTest, FreshCopyIsOneSegmentFromMinToMaxInclusive) {
  const std::vector<Segment> s = SegmentsToCopy(Fresh(3, 9));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_FALSE(s[0].done);
  ExpectBound(s[0].range.lower, "3", true);
  ExpectBound(s[0].range.upper, "9", true);
}

TEST(CheckpointSegmentsTest, ResumeSkipsDoneRangesAndFillsTheGaps) {
  Checkpoint cp = Fresh(1, 100);
  cp.low_watermark = Bound{{"10"}, true};
  cp.done_above = {Chunk(20, 30), Chunk(50, 60)};
  const std::vector<Segment> s = SegmentsToCopy(cp);
  ASSERT_EQ(s.size(), 5u);
  // (10, 20]  done (20, 30]  (30, 50]  done (50, 60]  (60, 100]
  EXPECT_FALSE(s[0].done);
  ExpectBound(s[0].range.lower, "10", false);
  ExpectBound(s[0].range.upper, "20", true);
  EXPECT_TRUE(s[1].done);
  EXPECT_FALSE(s[2].done);
  ExpectBound(s[2].range.lower, "30", false);
  ExpectBound(s[2].range.upper, "50", true);
  EXPECT_TRUE(s[3].done);
  ExpectBound(s[4].range.lower, "60", false);
  ExpectBound(s[4].range.upper, "100", true);
}

TEST(CheckpointSegmentsTest, InclusiveDoneStartEndsTheGapExclusively) {
  Checkpoint cp = Fresh(1, 100);
  cp.done_above = {KeyRange{Bound{{"1"}, true}, Bound{{"5"}, true}}};
  const std::vector<Segment> s = SegmentsToCopy(cp);
  ASSERT_EQ(s.size(), 3u);
  // [1, 1) is empty but harmless; what matters is that it stops before 1.
  ExpectBound(s[0].range.lower, "1", true);
  ExpectBound(s[0].range.upper, "1", false);
}

TEST(CheckpointSegmentsTest, NothingToDoForEmptyOrCompleteCopies) {
  EXPECT_TRUE(SegmentsToCopy(Checkpoint{}).empty());
  Checkpoint done = Fresh(1, 2);
  done.complete = true;
  EXPECT_TRUE(SegmentsToCopy(done).empty());
}

TEST(CheckpointTrackerTest, CarriedRangesStayInTheCheckpointUntilPassed) {
  Checkpoint start = Fresh(1, 100);
  start.low_watermark = Bound{{"10"}, true};
  start.done_above = {Chunk(20, 30)};
  CheckpointTracker t(start);

  // Before anything runs, the carried range is still reported.
  Checkpoint cp = t.Current();
  ExpectBound(cp.low_watermark, "10", true);
  ASSERT_EQ(cp.done_above.size(), 1u);
  ExpectBound(cp.done_above[0].lower, "20", false);

  // The gap chunk (10, 20] finishes, then the producer passes the carried
  // range: the watermark jumps over both.
  const uint64_t gap = t.AddPending(Chunk(10, 20));
  t.MarkDone(gap);
  t.PassCarried();
  cp = t.Current();
  ExpectBound(cp.low_watermark, "30", true);
  EXPECT_TRUE(cp.done_above.empty());

  const uint64_t tail = t.AddPending(KeyRange{Bound{{"30"}, false}, Bound{{"100"}, true}});
  t.Finish();
  t.MarkDone(tail);
  EXPECT_TRUE(t.Current().complete);
}

TEST(CheckpointTrackerTest, CarriedRangeMergesWithAFinishedChunkRightBeforeIt) {
  Checkpoint start = Fresh(1, 100);
  start.done_above = {Chunk(20, 30)};
  CheckpointTracker t(start);
  t.AddPending(KeyRange{Bound{{"1"}, true}, Bound{{"10"}, true}});  // still running
  t.MarkDone(t.AddPending(Chunk(10, 20)));
  t.PassCarried();
  const Checkpoint cp = t.Current();
  EXPECT_FALSE(cp.low_watermark.has_value());
  ASSERT_EQ(cp.done_above.size(), 1u);
  ExpectBound(cp.done_above[0].lower, "10", false);
  ExpectBound(cp.done_above[0].upper, "30", true);
}

}  // namespace
}  // namespace osc::copy
