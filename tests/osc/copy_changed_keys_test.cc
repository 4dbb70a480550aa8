// ChangedKeys: the keys the applier changed between two consistent points
// of the checksum (osc/copy/changed_keys.h).
#include "osc/copy/changed_keys.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace osc::copy {
namespace {

TEST(ChangedKeys, TakeReturnsDistinctKeysAndStartsOver) {
  ChangedKeys keys(10);
  keys.Add({{"2"}, {"1"}, {"2"}});
  keys.Add({{"1"}});
  EXPECT_EQ(keys.size(), 2u);
  ChangedKeys::Taken t = keys.Take();
  EXPECT_EQ(t.keys, (std::vector<KeyValue>{{"1"}, {"2"}}));
  EXPECT_FALSE(t.overflowed);
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_TRUE(keys.Take().keys.empty());
}

TEST(ChangedKeys, CompositeKeysAreDistinctByEveryColumn) {
  ChangedKeys keys(10);
  keys.Add({{"1", "'a'"}, {"1", "'b'"}, {"1", "'a'"}});
  EXPECT_EQ(keys.Take().keys.size(), 2u);
}

TEST(ChangedKeys, PastTheLimitItDropsEverythingAndSaysSoOnce) {
  ChangedKeys keys(3);
  keys.Add({{"1"}, {"2"}, {"3"}});
  EXPECT_EQ(keys.size(), 3u);
  keys.Add({{"4"}});
  EXPECT_EQ(keys.size(), 0u);  // the memory is given back at once
  keys.Add({{"5"}});
  EXPECT_EQ(keys.size(), 0u);
  ChangedKeys::Taken t = keys.Take();
  EXPECT_TRUE(t.overflowed);
  EXPECT_TRUE(t.keys.empty());
  keys.Add({{"6"}});
  t = keys.Take();
  EXPECT_FALSE(t.overflowed);
  EXPECT_EQ(t.keys, (std::vector<KeyValue>{{"6"}}));
}

TEST(ChangedKeys, PutBackMergesWithKeysAddedMeanwhile) {
  ChangedKeys keys(10);
  keys.Add({{"1"}, {"2"}});
  ChangedKeys::Taken t = keys.Take();
  keys.Add({{"3"}, {"2"}});
  keys.PutBack(std::move(t));
  EXPECT_EQ(keys.Take().keys, (std::vector<KeyValue>{{"1"}, {"2"}, {"3"}}));
}

TEST(ChangedKeys, PuttingBackAnOverflowKeepsTheOverflow) {
  ChangedKeys keys(1);
  keys.Add({{"1"}, {"2"}});
  ChangedKeys::Taken t = keys.Take();
  ASSERT_TRUE(t.overflowed);
  keys.PutBack(std::move(t));
  EXPECT_TRUE(keys.Take().overflowed);
}

TEST(ChangedKeys, ConcurrentAddsAreAllKept) {
  ChangedKeys keys(100000);
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&keys, t] {
      for (int i = 0; i < 1000; ++i) keys.Add({{std::to_string(t * 1000 + i)}});
    });
  }
  threads.clear();
  EXPECT_EQ(keys.Take().keys.size(), 4000u);
}

}  // namespace
}  // namespace osc::copy
