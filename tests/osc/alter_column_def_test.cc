#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "osc/alter/column_compare.h"
#include "osc/alter/column_def.h"

namespace osc::alter {
namespace {

DataType Type(std::string_view text) {
  Result<DataType> t = ParseColumnType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return t.ok() ? *t : DataType{};
}

ColumnInfo Column(std::string name, std::string type, std::string charset = "",
                  std::string collation = "") {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.charset = std::move(charset);
  c.collation = std::move(collation);
  return c;
}

ColumnDefinition Def(std::string_view text) {
  Result<std::vector<Token>> tokens = Tokenize(text);
  EXPECT_TRUE(tokens.ok());
  Result<ColumnDefinition> def = ParseColumnDefinition(*tokens);
  EXPECT_TRUE(def.ok()) << text << ": " << def.status().ToString();
  return def.ok() ? *def : ColumnDefinition{};
}

TEST(DataTypeTest, SpellingsOfTheSameStorageCompareEqual) {
  const struct {
    const char* a;
    const char* b;
  } same[] = {
      {"int(11)", "INTEGER"},
      {"int(10) unsigned", "INT UNSIGNED"},
      {"tinyint(1)", "BOOLEAN"},
      {"decimal(5,0)", "DEC(5)"},
      {"decimal(10,0)", "NUMERIC"},
      {"double", "DOUBLE PRECISION"},
      {"double", "REAL"},
      {"char(1)", "CHARACTER"},
      {"varchar(20)", "CHARACTER VARYING(20)"},
      {"bigint(20)", "INT8"},
      {"datetime", "DATETIME(0)"},
      {"year(4)", "YEAR"},
      {"float", "FLOAT(10)"},
      {"double", "FLOAT(30)"},
      {"bit(1)", "BIT"},
      {"varbinary(10)", "VARCHAR(10) CHARACTER SET binary"},
  };
  for (const auto& c : same) {
    EXPECT_TRUE(Type(c.a).SameStorage(Type(c.b))) << c.a << " vs " << c.b;
  }
}

TEST(DataTypeTest, DifferentStorageComparesDifferent) {
  const struct {
    const char* a;
    const char* b;
  } different[] = {
      {"int", "bigint"},
      {"int", "int unsigned"},
      {"varchar(10)", "varchar(11)"},
      {"decimal(10,2)", "decimal(10,3)"},
      {"int(5) zerofill", "int(6) zerofill"},
      {"char(10)", "varchar(10)"},
      {"enum('a','b')", "enum('a','c')"},
      {"datetime(3)", "datetime"},
      {"text", "mediumtext"},
  };
  for (const auto& c : different) {
    EXPECT_FALSE(Type(c.a).SameStorage(Type(c.b))) << c.a << " vs " << c.b;
  }
}

TEST(DataTypeTest, EnumMembersAreUnquoted) {
  const DataType t = Type(R"(enum('a''b','c,d',"e"))");
  EXPECT_EQ(t.name, "enum");
  EXPECT_EQ(t.args, (std::vector<std::string>{"a'b", "c,d", "e"}));
  EXPECT_TRUE(t.IsCharacterType());
}

TEST(DataTypeTest, CharsetAttributes) {
  EXPECT_EQ(Type("varchar(5) character set utf8").charset, "utf8mb3");
  EXPECT_EQ(Type("national varchar(5)").charset, "utf8mb3");
  EXPECT_EQ(Type("varchar(5) ascii").charset, "latin1");
  EXPECT_EQ(Type("varchar(5) COLLATE utf8_bin").collation, "utf8mb3_bin");
  EXPECT_TRUE(Type("char(5) binary").binary_collation);
  EXPECT_TRUE(Type("varbinary(5)").IsBinaryStringType());
}

TEST(DataTypeTest, GarbageIsAnError) {
  EXPECT_FALSE(ParseColumnType("").ok());
  EXPECT_FALSE(ParseColumnType("int(10").ok());
  EXPECT_FALSE(ParseColumnType("int unsigned trailing").ok());
}

TEST(ColumnDefinitionTest, DefaultsAreClassified) {
  EXPECT_EQ(Def("INT NOT NULL DEFAULT 0").default_kind, DefaultKind::kConstant);
  EXPECT_EQ(Def("INT DEFAULT -1").default_kind, DefaultKind::kConstant);
  EXPECT_EQ(Def("INT DEFAULT NULL").default_kind, DefaultKind::kConstant);
  EXPECT_EQ(Def("VARCHAR(5) DEFAULT _utf8mb4'x'").default_kind, DefaultKind::kConstant);
  EXPECT_EQ(Def("DATE DEFAULT DATE '2020-01-01'").default_kind, DefaultKind::kConstant);
  EXPECT_EQ(Def("TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6)").default_kind,
            DefaultKind::kTimeFunction);
  EXPECT_EQ(Def("DATETIME DEFAULT NOW()").default_kind, DefaultKind::kTimeFunction);
  EXPECT_EQ(Def("CHAR(36) DEFAULT (UUID())").default_kind, DefaultKind::kExpression);
  EXPECT_EQ(Def("CHAR(36) DEFAULT UUID()").default_kind, DefaultKind::kExpression);
  EXPECT_EQ(Def("INT").default_kind, DefaultKind::kNone);
}

TEST(ColumnDefinitionTest, AttributesAreRecognised) {
  const ColumnDefinition d =
      Def("TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'x, y' "
          "COLLATE utf8mb4_bin INVISIBLE");
  EXPECT_TRUE(d.IsNotNull());
  EXPECT_TRUE(d.on_update);
  EXPECT_TRUE(d.has_comment);
  EXPECT_EQ(d.type.collation, "utf8mb4_bin");
  EXPECT_EQ(d.invisible, std::optional<bool>(true));
  EXPECT_TRUE(d.other_attributes.empty());

  const ColumnDefinition key = Def("BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY");
  EXPECT_TRUE(key.auto_increment);
  EXPECT_TRUE(key.primary_key);
  EXPECT_TRUE(key.IsNotNull());  // implied by PRIMARY KEY
  EXPECT_TRUE(key.AddsIndexOrConstraint());

  EXPECT_TRUE(Def("INT UNIQUE KEY").unique_key);
  EXPECT_TRUE(Def("INT CONSTRAINT c CHECK (x > 0) NOT ENFORCED").has_check);
  EXPECT_TRUE(Def("INT REFERENCES p (id) ON DELETE SET NULL ON UPDATE NO ACTION").has_references);
  EXPECT_FALSE(Def("INT NULL").IsNotNull());
}

TEST(ColumnDefinitionTest, GeneratedColumns) {
  EXPECT_EQ(Def("INT GENERATED ALWAYS AS (a + 1) STORED").generated, Generated::kStored);
  EXPECT_EQ(Def("INT AS (a + 1) PERSISTENT").generated, Generated::kStored);
  EXPECT_EQ(Def("INT AS ((a) * (b)) VIRTUAL NOT NULL").generated, Generated::kVirtual);
  EXPECT_EQ(Def("INT AS (a)").generated, Generated::kVirtual);
  EXPECT_EQ(Def("INT").generated, Generated::kNo);
}

TEST(ColumnDefinitionTest, UnmodelledAttributesAreListed) {
  const ColumnDefinition d = Def("INT COLUMN_FORMAT FIXED STORAGE DISK NOT NULL");
  EXPECT_EQ(d.other_attributes, (std::vector<std::string>{"COLUMN_FORMAT", "STORAGE"}));
  EXPECT_TRUE(d.IsNotNull());
}

TEST(ColumnCompareTest, CharacterColumnInheritsTableDefaults) {
  TableInfo table;
  table.default_charset = "utf8mb4";
  table.default_collation = "utf8mb4_general_ci";
  const ColumnInfo old = Column("s", "varchar(10)", "utf8mb4", "utf8mb4_general_ci");
  EXPECT_TRUE(CompareColumnType(old, Def("VARCHAR(10)").type, table).Unchanged());
  EXPECT_TRUE(CompareColumnType(old, Def("VARCHAR(10) COLLATE utf8mb4_general_ci").type, table)
                  .Unchanged());
  // A collation change is a change even when the type is the same.
  const TypeComparison bin =
      CompareColumnType(old, Def("VARCHAR(10) COLLATE utf8mb4_bin").type, table);
  EXPECT_TRUE(bin.same_storage);
  EXPECT_FALSE(bin.same_collation);
  // CHARACTER SET alone leaves the collation to the server's default: unknown.
  EXPECT_FALSE(
      CompareColumnType(old, Def("VARCHAR(10) CHARACTER SET utf8mb4").type, table).same_collation);
  // A latin1 column in a utf8mb4 table: MODIFY without a charset converts it.
  const ColumnInfo latin = Column("s", "varchar(10)", "latin1", "latin1_swedish_ci");
  EXPECT_FALSE(CompareColumnType(latin, Def("VARCHAR(10)").type, table).same_collation);
  // Unknown table defaults: never proven equal.
  EXPECT_FALSE(CompareColumnType(old, Def("VARCHAR(10)").type, TableInfo{}).same_collation);
}

TEST(ColumnCompareTest, NonCharacterTypesIgnoreCollation) {
  const ColumnInfo old = Column("n", "int(11)");
  EXPECT_TRUE(CompareColumnType(old, Def("INT NOT NULL").type, TableInfo{}).Unchanged());
  EXPECT_FALSE(CompareColumnType(old, Def("BIGINT").type, TableInfo{}).Unchanged());
  const ColumnInfo garbage = Column("g", "((");
  EXPECT_FALSE(CompareColumnType(garbage, Def("INT").type, TableInfo{}).old_type_known);
}

}  // namespace
}  // namespace osc::alter
