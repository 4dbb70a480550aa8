// ChunkSizer::Set, the operator's chunk-size=N (osc/copy/chunk_size.h).
#include <gtest/gtest.h>

#include <chrono>

#include "osc/copy/chunk_size.h"

namespace osc::copy {
namespace {

using namespace std::chrono_literals;

migration::CopyOptions Bounded(uint64_t min, uint64_t max) {
  migration::CopyOptions o;
  o.chunk_size = 1000;
  o.min_chunk_size = min;
  o.max_chunk_size = max;
  o.chunk_target_time = 500ms;
  return o;
}

TEST(ChunkSizerSetTest, SetBecomesTheCurrentSize) {
  ChunkSizer s(Bounded(100, 100000));
  s.Set(5000);
  EXPECT_EQ(s.current(), 5000u);
}

TEST(ChunkSizerSetTest, SetIsClampedToTheBounds) {
  ChunkSizer s(Bounded(100, 8000));
  s.Set(10);
  EXPECT_EQ(s.current(), 100u);
  s.Set(9000);
  EXPECT_EQ(s.current(), 8000u);
}

TEST(ChunkSizerSetTest, EverySetStartsANewGeneration) {
  ChunkSizer s(Bounded(100, 100000));
  EXPECT_EQ(s.generation(), 0u);
  s.Set(2000);
  EXPECT_EQ(s.generation(), 1u);
  s.Set(2000);  // the same size still marks older chunks as stale
  EXPECT_EQ(s.generation(), 2u);
  s.Record(2000, 500ms);
  EXPECT_EQ(s.generation(), 2u);  // Record does not
}

TEST(ChunkSizerSetTest, AdaptationGoesOnFromTheSetSize) {
  ChunkSizer s(Bounded(100, 100000));
  s.Set(4000);
  // 4000 rows in 2x the target: the ideal is 2000, a factor 1/2, of which
  // the square root is taken: 4000 / sqrt(2) = 2828.4.
  s.Record(4000, 1000ms);
  EXPECT_EQ(s.current(), 2828u);
  // Over 4x the target halves at once.
  s.Record(2828, 2500ms);
  EXPECT_EQ(s.current(), 1414u);
}

}  // namespace
}  // namespace osc::copy
