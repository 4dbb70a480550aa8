#include "osc/schema/chunk_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/osc/schema_test_util.h"

namespace osc::schema {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testutil::Col;
using testutil::Idx;
using testutil::Plan;
using testutil::Table;

Result<ChunkKey> Choose(const TableSchema& t, std::string_view alter_text) {
  const testutil::Planned p = Plan(t, alter_text);
  return ChooseChunkKey(t, p.plan, p.mapping);
}

std::string Refusal(const TableSchema& t, std::string_view alter_text) {
  Result<ChunkKey> key = Choose(t, alter_text);
  EXPECT_FALSE(key.ok()) << "expected no usable key for: " << alter_text;
  if (key.ok()) return "";
  EXPECT_EQ(key.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(std::string(key.status().message()),
              StartsWith("no primary key or NOT NULL unique key shared by the table before and after the ALTER"));
  return std::string(key.status().message());
}

TEST(ChunkKeyTest, PrefersThePrimaryKeyOverUniqueKeys) {
  const TableSchema t = Table({Col("email", "varchar(64)"), Col("id", "int(11)")},
                              {Idx("u_email", true, {{"email"}}), Idx("PRIMARY", true, {{"id"}})});
  Result<ChunkKey> key = Choose(t, "ADD COLUMN x INT");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_TRUE(key->primary);
  EXPECT_EQ(key->index_name, "PRIMARY");
  EXPECT_THAT(key->columns, ElementsAre("id"));
  EXPECT_THAT(key->old_column_indexes, ElementsAre(1u));
  EXPECT_THAT(key->new_column_indexes, ElementsAre(1u));
  EXPECT_TRUE(key->passed_over.empty());
}

TEST(ChunkKeyTest, CompositePrimaryKeyKeepsKeyOrderAndFollowsColumnMoves) {
  // Key order (b, a) differs from table order (a, b); the ALTER moves b.
  const TableSchema t = Table({Col("a", "int(11)"), Col("b", "bigint(20)"), Col("v", "text", true)},
                              {Idx("PRIMARY", true, {{"b"}, {"a"}})});
  Result<ChunkKey> key = Choose(t, "ADD COLUMN first_col INT FIRST, MODIFY COLUMN v TEXT AFTER first_col");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_THAT(key->columns, ElementsAre("b", "a"));
  EXPECT_THAT(key->old_column_indexes, ElementsAre(1u, 0u));
  // New order: first_col, v, a, b.
  EXPECT_THAT(key->new_column_indexes, ElementsAre(3u, 2u));
}

TEST(ChunkKeyTest, VarcharPrimaryKeyIsUsable) {
  const TableSchema t = Table({Col("code", "varchar(32)"), Col("n", "int(11)", true)},
                              {Idx("PRIMARY", true, {{"code"}})});
  Result<ChunkKey> key = Choose(t, "DROP COLUMN n");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_THAT(key->columns, ElementsAre("code"));
}

TEST(ChunkKeyTest, WithoutPrimaryKeyUsesTheNarrowestNotNullUniqueKey) {
  const TableSchema t =
      Table({Col("a", "int(11)"), Col("b", "int(11)"), Col("c", "int(11)")},
            {Idx("u_ab", true, {{"a"}, {"b"}}), Idx("k_c", false, {{"c"}}), Idx("u_c", true, {{"c"}})});
  Result<ChunkKey> key = Choose(t, "ADD COLUMN x INT");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_FALSE(key->primary);
  EXPECT_EQ(key->index_name, "u_c");
  EXPECT_THAT(key->passed_over, ElementsAre("the table has no PRIMARY KEY"));
}

TEST(ChunkKeyTest, NullableUniqueKeyIsRefused) {
  const TableSchema t = Table({Col("email", "varchar(64)", /*nullable=*/true), Col("n", "int(11)")},
                              {Idx("u_email", true, {{"email"}})});
  const std::string message = Refusal(t, "ADD COLUMN x INT");
  EXPECT_THAT(message, HasSubstr("the table has no PRIMARY KEY"));
  EXPECT_THAT(message, HasSubstr("UNIQUE KEY `u_email` has nullable column `email`"));
}

TEST(ChunkKeyTest, TableWithoutAnyKeyIsRefused) {
  const TableSchema t = Table({Col("a", "int(11)")}, {Idx("k_a", false, {{"a"}})});
  const std::string message = Refusal(t, "ADD COLUMN x INT");
  EXPECT_THAT(message, HasSubstr("the table has no PRIMARY KEY; the table has no UNIQUE key"));
}

TEST(ChunkKeyTest, PrefixAndHashKeysAreNotUsable) {
  const TableSchema t = Table({Col("name", "varchar(200)"), Col("body", "blob")},
                              {Idx("u_name", true, {{"name", 10}}),
                               Idx("u_body", true, {{"body"}}, IndexKind::kHash)});
  const std::string message = Refusal(t, "ADD COLUMN x INT");
  EXPECT_THAT(message, HasSubstr("UNIQUE KEY `u_name` uses only a 10-character prefix of column `name`"));
  EXPECT_THAT(message, HasSubstr("UNIQUE KEY `u_body` is a HASH index"));
}

TEST(ChunkKeyTest, DroppedPrimaryKeyIsRefusedWithTheClause) {
  const TableSchema t = Table({Col("id", "int(11)"), Col("b", "int(11)")}, {Idx("PRIMARY", true, {{"id"}})});
  const std::string message = Refusal(t, "DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)");
  EXPECT_THAT(message, HasSubstr("PRIMARY KEY is dropped by 'DROP PRIMARY KEY'"));
}

TEST(ChunkKeyTest, DroppedPrimaryKeyFallsBackToASurvivingUniqueKey) {
  const TableSchema t = Table({Col("id", "int(11)"), Col("b", "int(11)")},
                              {Idx("PRIMARY", true, {{"id"}}), Idx("u_b", true, {{"b"}})});
  Result<ChunkKey> key = Choose(t, "DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->index_name, "u_b");
  EXPECT_THAT(key->passed_over, ElementsAre("PRIMARY KEY is dropped by 'DROP PRIMARY KEY'"));
}

TEST(ChunkKeyTest, UniqueKeyDroppedByNameIsNotUsable) {
  const TableSchema t = Table({Col("a", "int(11)")}, {Idx("u_a", true, {{"a"}})});
  EXPECT_THAT(Refusal(t, "DROP INDEX U_A"), HasSubstr("UNIQUE KEY `u_a` is dropped by 'DROP INDEX U_A'"));
  EXPECT_THAT(Refusal(t, "DROP CONSTRAINT u_a"), HasSubstr("is dropped by 'DROP CONSTRAINT u_a'"));
}

TEST(ChunkKeyTest, KeyColumnDroppedRenamedOrRetypedIsRefused) {
  const TableSchema t = Table({Col("id", "int(11)"), Col("b", "int(11)")}, {Idx("PRIMARY", true, {{"id"}})});
  EXPECT_THAT(Refusal(t, "DROP COLUMN id"), HasSubstr("loses column `id`, which the ALTER drops"));
  EXPECT_THAT(Refusal(t, "CHANGE COLUMN id ident INT NOT NULL"),
              HasSubstr("has column `id`, which the ALTER renames to `ident`"));
  EXPECT_THAT(Refusal(t, "RENAME COLUMN id TO ident"), HasSubstr("renames to `ident`"));
  EXPECT_THAT(Refusal(t, "MODIFY COLUMN id BIGINT NOT NULL"), HasSubstr("has column `id`, whose type the ALTER changes"));
}

TEST(ChunkKeyTest, SameTypeRedefinitionKeepsTheKey) {
  const TableSchema t = Table({Col("id", "int(11)"), Col("b", "int(11)")}, {Idx("PRIMARY", true, {{"id"}})});
  Result<ChunkKey> key = Choose(t, "MODIFY COLUMN id INT NOT NULL AUTO_INCREMENT");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_TRUE(key->primary);
}

TEST(ChunkKeyTest, UniqueKeyColumnMadeNullableIsRefused) {
  const TableSchema t = Table({Col("a", "int(11)")}, {Idx("u_a", true, {{"a"}})});
  EXPECT_THAT(Refusal(t, "MODIFY COLUMN a INT NULL"), HasSubstr("which 'MODIFY COLUMN a INT NULL' makes nullable"));
}

TEST(ChunkKeyTest, ConvertCharsetRefusesCharacterKeysOnly) {
  const TableSchema by_code = Table({Col("code", "varchar(32)")}, {Idx("PRIMARY", true, {{"code"}})});
  EXPECT_THAT(Refusal(by_code, "CONVERT TO CHARACTER SET latin1"),
              HasSubstr("has character column `code`, which 'CONVERT TO CHARACTER SET latin1' converts"));
  const TableSchema by_id = Table({Col("id", "int(11)"), Col("s", "varchar(10)")}, {Idx("PRIMARY", true, {{"id"}})});
  EXPECT_TRUE(Choose(by_id, "CONVERT TO CHARACTER SET latin1").ok());
}

TEST(ChunkKeyTest, RenamedIndexIsUsableUnderItsNewShadowName) {
  const TableSchema t = Table({Col("a", "int(11)")}, {Idx("u_a", true, {{"a"}})});
  Result<ChunkKey> key = Choose(t, "RENAME INDEX u_a TO u_a2");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->index_name, "u_a");
  EXPECT_EQ(key->shadow_index_name, "u_a2");
}

TEST(ChunkKeyTest, VirtualGeneratedColumnInUniqueKeyIsNotUsable) {
  Column g = Col("g", "int(11)");
  g.generated = GeneratedKind::kVirtual;
  const TableSchema t = Table({Col("a", "int(11)"), g}, {Idx("u_g", true, {{"g"}})});
  EXPECT_THAT(Refusal(t, "ADD COLUMN x INT"), HasSubstr("UNIQUE KEY `u_g` has virtual generated column `g`"));
}

}  // namespace
}  // namespace osc::schema
