// RowMapper: original row images -> shadow columns through the ALTER's
// column mapping, and the chunk key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osc/apply/row_change.h"

namespace osc::apply {
namespace {

schema::Column Col(std::string name, std::string data_type, bool is_unsigned = false) {
  schema::Column c;
  c.name = std::move(name);
  c.data_type = data_type;
  c.column_type = data_type;
  c.is_unsigned = is_unsigned;
  if (data_type == "varchar") c.charset = "utf8mb4";
  return c;
}

binlog::Value Int(uint64_t bits) {
  binlog::Value v;
  v.kind = binlog::ValueKind::kInt;
  v.width = 4;
  v.bits = bits;
  return v;
}

binlog::Value Str(std::string_view s) {
  binlog::Value v;
  v.kind = binlog::ValueKind::kString;
  v.raw = s;
  return v;
}

alter::MappedColumn Mapped(std::string name, std::optional<size_t> source, bool generated = false) {
  alter::MappedColumn m;
  m.name = std::move(name);
  m.source = source;
  m.generated = generated;
  return m;
}

// Original (id INT UNSIGNED, dropped VARCHAR, name VARCHAR, g INT); the
// ALTER drops `dropped`, renames name -> title, adds `added` and makes g
// generated. New table: (id, title, added, g).
struct Fixture {
  schema::TableSchema original;
  alter::ColumnMapping mapping;
  schema::ChunkKey key;
  Fixture() {
    original.columns = {Col("id", "int", true), Col("dropped", "varchar"), Col("name", "varchar"), Col("g", "int")};
    mapping.columns = {Mapped("id", 0), Mapped("title", 2), Mapped("added", std::nullopt), Mapped("g", 3, true)};
    mapping.old_to_new = {0, std::nullopt, 1, 3};
    mapping.dropped = {1};
    key.index_name = "PRIMARY";
    key.columns = {"id"};
    key.old_column_indexes = {0};
    key.new_column_indexes = {0};
  }
};

TEST(ApplyRowChange, MapsThroughDropRenameAddAndGenerated) {
  Fixture f;
  Result<RowMapper> mapper = RowMapper::Create(f.original, f.mapping, f.key);
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  EXPECT_EQ(mapper->target_columns(), (std::vector<std::string>{"id", "title"}));
  EXPECT_EQ(mapper->key_columns(), (std::vector<std::string>{"id"}));
  EXPECT_FALSE(mapper->key_has_collation());

  binlog::Row row;
  row.after = {Int(0xffffffff), Str("gone"), Str("hi"), Int(7)};
  binlog::Checkpoint at;
  at.restart = {"bin.000001", 100};
  at.handled = 150;
  Result<RowChange> c = mapper->Map(binlog::RowsKind::kWrite, row, at);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->kind, RowChangeKind::kInsert);
  EXPECT_EQ(c->after_key, KeyLiterals{"4294967295"});
  EXPECT_EQ(c->after, (std::vector<std::string>{"4294967295", "_utf8mb4 X'6869'"}));
  EXPECT_TRUE(c->before_key.empty());
  EXPECT_EQ(c->position, at);
}

TEST(ApplyRowChange, UpdateCarriesBothKeysAndDeleteOnlyTheOld) {
  Fixture f;
  RowMapper mapper = *RowMapper::Create(f.original, f.mapping, f.key);
  binlog::Row row;
  row.before = {Int(1), Str(""), Str("a"), Int(0)};
  row.after = {Int(2), Str(""), Str("a"), Int(0)};
  RowChange u = *mapper.Map(binlog::RowsKind::kUpdate, row, {});
  EXPECT_EQ(u.before_key, KeyLiterals{"1"});
  EXPECT_EQ(u.after_key, KeyLiterals{"2"});
  EXPECT_TRUE(u.ChangesKey());
  EXPECT_TRUE(u.RemovesKey());

  row.after.clear();
  RowChange d = *mapper.Map(binlog::RowsKind::kDelete, row, {});
  EXPECT_EQ(d.kind, RowChangeKind::kDelete);
  EXPECT_EQ(d.before_key, KeyLiterals{"1"});
  EXPECT_TRUE(d.after.empty());
  EXPECT_TRUE(d.RemovesKey());
}

TEST(ApplyRowChange, RowWithWrongColumnCountMeansTheTableWasAltered) {
  Fixture f;
  RowMapper mapper = *RowMapper::Create(f.original, f.mapping, f.key);
  binlog::Row row;
  row.after = {Int(1), Str(""), Str("a")};
  Result<RowChange> c = mapper.Map(binlog::RowsKind::kWrite, row, {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("altered"), std::string::npos) << c.status().ToString();
}

TEST(ApplyRowChange, StringKeyComparesByCollation) {
  Fixture f;
  f.key.old_column_indexes = {2};
  f.key.new_column_indexes = {1};
  RowMapper mapper = *RowMapper::Create(f.original, f.mapping, f.key);
  EXPECT_TRUE(mapper.key_has_collation());
  EXPECT_EQ(mapper.key_columns(), (std::vector<std::string>{"title"}));
}

TEST(ApplyRowChange, KeyOutsideTheTableIsRejected) {
  Fixture f;
  f.key.old_column_indexes = {9};
  EXPECT_TRUE(RowMapper::Create(f.original, f.mapping, f.key).status().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::apply
