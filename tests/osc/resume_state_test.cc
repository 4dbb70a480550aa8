#include "osc/resume_state.h"

#include <gtest/gtest.h>

namespace osc::migration {
namespace {

copy::KeySpec IntTextKey() {
  copy::KeySpec k;
  k.columns.push_back({"id", copy::KeyKind::kInteger, "", ""});
  k.columns.push_back({"name", copy::KeyKind::kText, "utf8mb4", "utf8mb4_general_ci"});
  k.index_name = "PRIMARY";
  k.shadow_index_name = "PRIMARY";
  return k;
}

ResumeState Sample() {
  ResumeState s;
  s.fingerprint = MigrationFingerprint("ADD COLUMN x INT", "CREATE TABLE `t` (`id` int) AUTO_INCREMENT=5");
  s.phase = "copying";
  s.applied = {"mariadb-bin.000007", 123456};
  s.rows_copied = 4200;
  const std::string a = "_utf8mb4 X'61' COLLATE utf8mb4_general_ci";
  const std::string z = "_utf8mb4 X'7a2c0a27' COLLATE utf8mb4_general_ci";  // "z,\n'"
  s.copy.range = copy::CopyRange{{"1", a}, {"900", z}};
  s.copy.low_watermark = copy::Bound{{"100", a}, true};
  s.copy.done_above.push_back(copy::KeyRange{copy::Bound{{"200", a}, false}, copy::Bound{{"300", z}, true}});
  s.copy.done_above.push_back(copy::KeyRange{copy::Bound{{"400", a}, false}, copy::Bound{{"500", a}, true}});
  return s;
}

TEST(ResumeStateTest, RoundTripKeepsEveryField) {
  const ResumeState s = Sample();
  auto d = DecodeResumeState(EncodeResumeState(s));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->fingerprint, s.fingerprint);
  EXPECT_EQ(d->phase, "copying");
  EXPECT_EQ(d->applied, s.applied);
  EXPECT_EQ(d->rows_copied, 4200u);
  ASSERT_TRUE(d->copy.range.has_value());
  EXPECT_EQ(d->copy.range->min, s.copy.range->min);
  EXPECT_EQ(d->copy.range->max, s.copy.range->max);
  ASSERT_TRUE(d->copy.low_watermark.has_value());
  EXPECT_EQ(d->copy.low_watermark->value, s.copy.low_watermark->value);
  EXPECT_TRUE(d->copy.low_watermark->inclusive);
  ASSERT_EQ(d->copy.done_above.size(), 2u);
  EXPECT_FALSE(d->copy.done_above[0].lower->inclusive);
  EXPECT_EQ(d->copy.done_above[0].upper->value, s.copy.done_above[0].upper->value);
  EXPECT_FALSE(d->copy.complete);
  EXPECT_TRUE(ValidateResumeKeys(IntTextKey(), *d).ok());
}

TEST(ResumeStateTest, EmptyTableAndCompleteCopyRoundTrip) {
  ResumeState s;
  s.fingerprint = "0123456789abcdef";
  s.applied = {"b.000001", 4};
  s.copy.complete = true;
  auto d = DecodeResumeState(EncodeResumeState(s));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->copy.range.has_value());
  EXPECT_FALSE(d->copy.low_watermark.has_value());
  EXPECT_TRUE(d->copy.complete);
}

TEST(ResumeStateTest, RejectsMalformedText) {
  const std::string good = EncodeResumeState(Sample());
  EXPECT_FALSE(DecodeResumeState("").ok());
  EXPECT_FALSE(DecodeResumeState("osc-checkpoint 2\n").ok());
  EXPECT_FALSE(DecodeResumeState(good + "bogus 1\n").ok());
  EXPECT_FALSE(DecodeResumeState(good + "done 1 zz 1 31\n").ok());  // not hex
  EXPECT_FALSE(DecodeResumeState(good + "rows -5\n").ok());
  // Without the binlog line there is nothing to replay from.
  std::string no_binlog = good;
  no_binlog.erase(no_binlog.find("binlog "), no_binlog.find('\n', no_binlog.find("binlog ")) -
                                                 no_binlog.find("binlog ") + 1);
  EXPECT_FALSE(DecodeResumeState(no_binlog).ok());
}

TEST(ResumeStateTest, TamperedLiteralIsRejectedByKeyValidation) {
  ResumeState s = Sample();
  s.copy.low_watermark->value[0] = "1; DROP TABLE t";
  auto d = DecodeResumeState(EncodeResumeState(s));
  ASSERT_TRUE(d.ok());  // structurally fine ...
  EXPECT_FALSE(ValidateResumeKeys(IntTextKey(), *d).ok());  // ... but not a literal of the key
}

TEST(ResumeStateTest, OversizedCheckpointDropsDoneRangesButStaysDecodable) {
  ResumeState s = Sample();
  const copy::Bound b{{"1", std::string(3000, 'x')}, true};
  for (int i = 0; i < 40; ++i) s.copy.done_above.push_back(copy::KeyRange{b, b});
  const std::string text = EncodeResumeState(s);
  EXPECT_LE(text.size(), kMaxEncodedResumeState);
  auto d = DecodeResumeState(text);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->copy.done_above.empty());
  EXPECT_TRUE(d->copy.low_watermark.has_value());
}

TEST(ResumeStateTest, FingerprintIgnoresAutoIncrementButNotDefinitionOrAlter) {
  const std::string t1 = "CREATE TABLE `t` (\n  `id` int NOT NULL\n) ENGINE=InnoDB AUTO_INCREMENT=5";
  const std::string t2 = "CREATE TABLE `t` (\n  `id` int NOT NULL\n) ENGINE=InnoDB AUTO_INCREMENT=99";
  const std::string t3 = "CREATE TABLE `t` (\n  `id` bigint NOT NULL\n) ENGINE=InnoDB AUTO_INCREMENT=5";
  EXPECT_EQ(MigrationFingerprint("ADD COLUMN x INT", t1), MigrationFingerprint("ADD COLUMN x INT", t2));
  EXPECT_NE(MigrationFingerprint("ADD COLUMN x INT", t1), MigrationFingerprint("ADD COLUMN y INT", t1));
  EXPECT_NE(MigrationFingerprint("ADD COLUMN x INT", t1), MigrationFingerprint("ADD COLUMN x INT", t3));
  EXPECT_EQ(MigrationFingerprint("a", t1).size(), 16u);
}

}  // namespace
}  // namespace osc::migration
