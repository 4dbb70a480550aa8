// Batch collapsing: per-key final state in binlog order, and the two
// statements that apply it. Expected results are worked out by hand from
// the sequence of changes each test lists.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osc/apply/batch.h"

namespace osc::apply {
namespace {

// Rows are (k, v): key literal k, value literal v.
RowChange Ins(std::string k, std::string v) {
  RowChange c;
  c.kind = RowChangeKind::kInsert;
  c.after_key = {k};
  c.after = {k, v};
  return c;
}
RowChange Upd(std::string from, std::string to, std::string v) {
  RowChange c;
  c.kind = RowChangeKind::kUpdate;
  c.before_key = {from};
  c.after_key = {to};
  c.after = {to, v};
  return c;
}
RowChange Del(std::string k) {
  RowChange c;
  c.kind = RowChangeKind::kDelete;
  c.before_key = {k};
  return c;
}

struct Outcome {
  std::vector<std::string> deleted;
  std::vector<std::string> images;  // "k=v" in REPLACE order
};

Outcome Collapse(const std::vector<RowChange>& changes, bool collation = false) {
  Batch batch(collation);
  for (const RowChange& c : changes) EXPECT_TRUE(batch.TryAdd(c));
  EXPECT_EQ(batch.size(), changes.size());
  Outcome out;
  for (const KeyLiterals& k : batch.DeletedKeys()) out.deleted.push_back(k[0]);
  for (const auto* image : batch.FinalImages()) out.images.push_back((*image)[0] + "=" + (*image)[1]);
  return out;
}

using Keys = std::vector<std::string>;

TEST(ApplyBatch, InsertThenUpdatesKeepsLastImage) {
  Outcome o = Collapse({Ins("1", "a"), Upd("1", "1", "b"), Upd("1", "1", "c")});
  EXPECT_EQ(o.deleted, Keys{});
  EXPECT_EQ(o.images, Keys{"1=c"});
}

TEST(ApplyBatch, InsertThenDeleteEndsDeleted) {
  Outcome o = Collapse({Ins("1", "a"), Upd("1", "1", "b"), Del("1")});
  EXPECT_EQ(o.deleted, Keys{"1"});
  EXPECT_EQ(o.images, Keys{});
}

TEST(ApplyBatch, DeleteThenReinsertWritesNewImageOnly) {
  Outcome o = Collapse({Del("1"), Ins("1", "z")});
  EXPECT_EQ(o.deleted, Keys{});
  EXPECT_EQ(o.images, Keys{"1=z"});
}

TEST(ApplyBatch, KeyChangeDeletesOldKeyAndWritesNew) {
  Outcome o = Collapse({Upd("1", "2", "a")});
  EXPECT_EQ(o.deleted, Keys{"1"});
  EXPECT_EQ(o.images, Keys{"2=a"});
}

// Keys() is what the checksum compares again later (changed_keys.h): the
// old key of a key change must be in it as well as the new one.
TEST(ApplyBatch, KeysListsEveryKeyWrittenOrDeleted) {
  Batch batch(false);
  for (const RowChange& c : {Ins("3", "a"), Upd("1", "2", "b"), Del("5")}) ASSERT_TRUE(batch.TryAdd(c));
  Keys keys;
  for (const KeyLiterals& k : batch.Keys()) keys.push_back(k[0]);
  EXPECT_EQ(keys, (Keys{"1", "2", "3", "5"}));
  batch.Clear();
  EXPECT_TRUE(batch.Keys().empty());
}

TEST(ApplyBatch, KeyChangedBackAndForthEndsAtOriginalKey) {
  Outcome o = Collapse({Upd("1", "2", "a"), Upd("2", "1", "b")});
  EXPECT_EQ(o.deleted, Keys{"2"});
  EXPECT_EQ(o.images, Keys{"1=b"});
}

TEST(ApplyBatch, KeyChainMovesEveryRow) {
  // 2 -> 3, then 1 -> 2: key 1 ends empty, 2 and 3 hold the moved rows.
  Outcome o = Collapse({Upd("2", "3", "two"), Upd("1", "2", "one")});
  EXPECT_EQ(o.deleted, Keys{"1"});
  EXPECT_EQ(o.images, (Keys{"3=two", "2=one"}));
}

TEST(ApplyBatch, KeySwapThroughTemporaryKey) {
  // Swap rows 1 and 2 via 9: 1->9, 2->1, 9->2.
  Outcome o = Collapse({Upd("1", "9", "A"), Upd("2", "1", "B"), Upd("9", "2", "A")});
  EXPECT_EQ(o.deleted, Keys{"9"});
  EXPECT_EQ(o.images, (Keys{"1=B", "2=A"}));
}

TEST(ApplyBatch, UniqueValueSwapWritesImagesInOrderOfLastChange) {
  // Rows 1 (u=x) and 2 (u=y) trade u through a temporary value: the image
  // changed last is written last, so REPLACE leaves both rows in place.
  Outcome o = Collapse({Upd("1", "1", "tmp"), Upd("2", "2", "x"), Upd("1", "1", "y")});
  EXPECT_EQ(o.images, (Keys{"2=x", "1=y"}));
}

TEST(ApplyBatch, DeleteInsertDeleteEndsDeleted) {
  Outcome o = Collapse({Del("5"), Ins("5", "a"), Del("5"), Ins("6", "b")});
  EXPECT_EQ(o.deleted, Keys{"5"});
  EXPECT_EQ(o.images, Keys{"6=b"});
}

TEST(ApplyBatch, CollationKeysRefuseARemovalAfterAWrite) {
  Batch batch(/*key_has_collation=*/true);
  EXPECT_TRUE(batch.TryAdd(Del("'A'")));
  EXPECT_TRUE(batch.TryAdd(Ins("'a'", "1")));
  EXPECT_FALSE(batch.TryAdd(Del("'a'")));
  EXPECT_FALSE(batch.TryAdd(Upd("'a'", "'b'", "1")));
  EXPECT_TRUE(batch.TryAdd(Upd("'a'", "'a'", "2")));  // no key change: still a write
  EXPECT_EQ(batch.size(), 3u);
  batch.Clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(batch.TryAdd(Del("'a'")));
}

TEST(ApplyBatch, ByteKeysAcceptAnyOrder) {
  Batch batch(/*key_has_collation=*/false);
  EXPECT_TRUE(batch.TryAdd(Ins("1", "a")));
  EXPECT_TRUE(batch.TryAdd(Del("2")));
}

TEST(ApplyBatch, StatementsForOneColumnKey) {
  Batch batch(false);
  batch.TryAdd(Ins("1", "'a'"));
  batch.TryAdd(Del("2"));
  batch.TryAdd(Del("3"));
  EXPECT_EQ(batch.DeleteStatement("`d`.`_t_osc_new`", {"id"}), "DELETE FROM `d`.`_t_osc_new` WHERE `id` IN (2, 3)");
  EXPECT_EQ(batch.ReplaceStatement("`d`.`_t_osc_new`", {"id", "v`x"}),
            "REPLACE INTO `d`.`_t_osc_new` (`id`, `v``x`) VALUES (1, 'a')");
}

TEST(ApplyBatch, StatementsForCompositeKey) {
  Batch batch(false);
  RowChange d;
  d.kind = RowChangeKind::kDelete;
  d.before_key = {"1", "2"};
  batch.TryAdd(d);
  EXPECT_EQ(batch.DeleteStatement("`s`", {"a", "b"}), "DELETE FROM `s` WHERE (`a`, `b`) IN ((1, 2))");
  EXPECT_EQ(batch.ReplaceStatement("`s`", {"a", "b"}), "");
}

TEST(ApplyBatch, EmptyBatchHasNoStatements) {
  Batch batch(false);
  EXPECT_EQ(batch.DeleteStatement("`s`", {"a"}), "");
  EXPECT_EQ(batch.ReplaceStatement("`s`", {"a"}), "");
}

}  // namespace
}  // namespace osc::apply
