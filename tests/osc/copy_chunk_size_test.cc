// Adaptive chunk size (osc/copy/chunk_size.h), fed injected durations.
// Expected sizes are worked out by hand from the rule in the header: the
// size moves by the square root of the (bounded) ratio ideal/current.
#include "osc/copy/chunk_size.h"

#include <gtest/gtest.h>

#include <chrono>

namespace osc::copy {
namespace {

using namespace std::chrono_literals;

migration::CopyOptions Options(uint64_t start = 1000, uint64_t min = 100, uint64_t max = 100000,
                               std::chrono::milliseconds target = 500ms) {
  migration::CopyOptions o;
  o.chunk_size = start;
  o.min_chunk_size = min;
  o.max_chunk_size = max;
  o.chunk_target_time = target;
  return o;
}

TEST(ChunkSizerTest, StartsAtTheConfiguredSizeWithinBounds) {
  EXPECT_EQ(ChunkSizer(Options(1000)).current(), 1000u);
  EXPECT_EQ(ChunkSizer(Options(10, 100, 5000)).current(), 100u);
  EXPECT_EQ(ChunkSizer(Options(9000, 100, 5000)).current(), 5000u);
}

TEST(ChunkSizerTest, ChunkOnTargetKeepsTheSize) {
  ChunkSizer s(Options());
  s.Record(1000, 500ms);
  EXPECT_EQ(s.current(), 1000u);
}

TEST(ChunkSizerTest, FastChunkGrowsByAtMostTheSmoothedStep) {
  ChunkSizer s(Options());
  // Ideal 5000 (5x), the step is capped at 2x and half of it (sqrt 2) taken.
  s.Record(1000, 100ms);
  EXPECT_EQ(s.current(), 1414u);
}

TEST(ChunkSizerTest, SlowChunkShrinksSmoothly) {
  ChunkSizer s(Options());
  // 2x target: ideal 500, ratio 0.5, sqrt -> 707.
  s.Record(1000, 1000ms);
  EXPECT_EQ(s.current(), 707u);
}

TEST(ChunkSizerTest, ChunkOverFourTimesTargetHalvesAtOnce) {
  ChunkSizer s(Options());
  s.Record(1000, 2001ms);
  EXPECT_EQ(s.current(), 500u);
  // Exactly 4x is not "over": the smoothed rule applies (ratio capped at
  // 0.5, sqrt -> 0.7071).
  ChunkSizer t(Options());
  t.Record(1000, 2000ms);
  EXPECT_EQ(t.current(), 707u);
}

TEST(ChunkSizerTest, StaysWithinBounds) {
  ChunkSizer s(Options(1000, 200, 3000));
  for (int i = 0; i < 50; ++i) s.Record(s.current(), 1ms);
  EXPECT_EQ(s.current(), 3000u);
  for (int i = 0; i < 50; ++i) s.Record(s.current(), 10s);
  EXPECT_EQ(s.current(), 200u);
}

TEST(ChunkSizerTest, ZeroDurationDoesNotBlowUp) {
  ChunkSizer s(Options());
  s.Record(1000, 0ns);
  EXPECT_EQ(s.current(), 1414u);
}

TEST(ChunkSizerTest, TailChunksWithUnknownRowCountAreIgnored) {
  ChunkSizer s(Options());
  s.Record(0, 10s);
  EXPECT_EQ(s.current(), 1000u);
}

TEST(ChunkSizerTest, ConvergesToTheSizeThatMeetsTheTarget) {
  // The server needs 2 ms per row: 250 rows take the 500 ms target.
  ChunkSizer s(Options(5000));
  for (int i = 0; i < 40; ++i) {
    const uint64_t rows = s.current();
    s.Record(rows, std::chrono::milliseconds(2 * rows));
  }
  EXPECT_NEAR(static_cast<double>(s.current()), 250.0, 3.0);
}

TEST(ChunkSizerTest, UsesThePlannedSizeOfTheChunkNotTheCurrentOne) {
  ChunkSizer s(Options());
  // A chunk planned at 4000 rows (before the size came down) that took the
  // target: ideal 4000, ratio 4 capped at 2, sqrt -> 1414.
  s.Record(4000, 500ms);
  EXPECT_EQ(s.current(), 1414u);
}

TEST(EffectiveChunkTargetTimeTest, HalvedOnlyWhereInsertsTakeTurnsAndNotGivenExplicitly) {
  EXPECT_EQ(EffectiveChunkTargetTime(Options(1000, 100, 100000, 500ms), false), 500ms);
  EXPECT_EQ(EffectiveChunkTargetTime(Options(1000, 100, 100000, 500ms), true), 250ms);
  EXPECT_EQ(EffectiveChunkTargetTime(Options(1000, 100, 100000, 1ms), true), 1ms) << "never below 1 ms";
  migration::CopyOptions given = Options(1000, 100, 100000, 800ms);
  given.chunk_target_time_given = true;
  EXPECT_EQ(EffectiveChunkTargetTime(given, true), 800ms);
}

}  // namespace
}  // namespace osc::copy
