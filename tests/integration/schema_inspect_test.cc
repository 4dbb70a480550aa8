// InspectTable against the MariaDB sandbox: every kind of table the
// preflight has to judge, read back from information_schema.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "db/connection.h"
#include "db/quoting.h"
#include "osc/schema/inspect.h"
#include "tests/support/test_env.h"

namespace osc::schema {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kDb = "osc_schema_inspect";

class SchemaInspectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::optional<testing::ServerEndpoint> ep = testing::SandboxPrimary();
    if (!ep) OSC_SKIP_OR_FAIL("sandbox not configured: eval \"$(scripts/sandbox.sh env)\"");
    db::ConnectionOptions o;
    o.host = ep->host;
    o.port = ep->port;
    o.user = ep->user;
    o.password = ep->password;
    o.connect_timeout = std::chrono::seconds(5);
    o.read_timeout = std::chrono::seconds(30);
    Result<db::Connection> c = db::Connection::Open(o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_.emplace(std::move(c).value());
    Exec(std::string("CREATE DATABASE IF NOT EXISTS ") + kDb);
  }

  void Exec(const std::string& sql) {
    const Status s = conn_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Creates (replacing) `name` with `body` and inspects it.
  TableSchema CreateAndInspect(const std::string& name, const std::string& body) {
    Exec("DROP VIEW IF EXISTS " + db::QuoteQualified(kDb, name));
    Exec("DROP TABLE IF EXISTS " + db::QuoteQualified(kDb, name));
    Exec("CREATE TABLE " + db::QuoteQualified(kDb, name) + " " + body);
    return MustInspect(name);
  }

  TableSchema MustInspect(const std::string& name) {
    Result<TableSchema> t = InspectTable(*conn_, kDb, name);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? std::move(t).value() : TableSchema{};
  }

  std::optional<db::Connection> conn_;
};

TEST_F(SchemaInspectTest, CompositePrimaryKeyAndPrefixIndex) {
  const TableSchema t = CreateAndInspect(
      "comp", "(a INT NOT NULL, b VARCHAR(20) NOT NULL, v TEXT, n BIGINT UNSIGNED NOT NULL DEFAULT 7, "
              "PRIMARY KEY (b, a), KEY k_v (v(10)), UNIQUE KEY u_n (n)) ENGINE=InnoDB");
  EXPECT_EQ(t.schema, kDb);
  EXPECT_EQ(t.name, "comp");
  EXPECT_EQ(t.kind, TableKind::kBaseTable);
  EXPECT_EQ(t.engine, "InnoDB");
  EXPECT_EQ(t.row_format, "Dynamic");
  EXPECT_EQ(t.default_charset, "utf8mb4");
  EXPECT_FALSE(t.partitioned);
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[1].name, "b");
  EXPECT_EQ(t.columns[1].column_type, "varchar(20)");
  EXPECT_EQ(t.columns[1].collation, "utf8mb4_general_ci");
  EXPECT_FALSE(t.columns[1].nullable);
  EXPECT_TRUE(t.columns[2].nullable);
  EXPECT_EQ(t.columns[3].column_type, "bigint(20) unsigned");
  EXPECT_TRUE(t.columns[3].is_unsigned);
  EXPECT_EQ(t.columns[3].default_value, "7");
  EXPECT_EQ(t.columns[0].charset, "");  // not a string column

  ASSERT_EQ(t.indexes.size(), 3u);
  const Index* pk = t.PrimaryKey();
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(&t.indexes[0], pk);  // primary key first
  ASSERT_EQ(pk->columns.size(), 2u);
  EXPECT_EQ(pk->columns[0].name, "b");
  EXPECT_EQ(pk->columns[1].name, "a");
  for (const Index& index : t.indexes) {
    if (index.name == "k_v") {
      EXPECT_FALSE(index.unique);
      ASSERT_EQ(index.columns.size(), 1u);
      EXPECT_EQ(index.columns[0].prefix_length, 10u);
      EXPECT_TRUE(index.columns[0].nullable);
    } else if (index.name == "u_n") {
      EXPECT_TRUE(index.unique);
      EXPECT_FALSE(index.columns[0].prefix_length.has_value());
    }
  }
  EXPECT_THAT(t.create_statement, HasSubstr("PRIMARY KEY (`b`,`a`)"));
  EXPECT_TRUE(t.foreign_keys.empty());
  EXPECT_TRUE(t.triggers.empty());
}

TEST_F(SchemaInspectTest, VarcharPrimaryKeyWithItsOwnCharset) {
  const TableSchema t = CreateAndInspect(
      "vpk", "(code VARCHAR(32) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL PRIMARY KEY, note VARCHAR(5) "
             "DEFAULT 'x''y') DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].charset, "latin1");
  EXPECT_EQ(t.columns[0].collation, "latin1_bin");
  EXPECT_EQ(t.columns[1].collation, "utf8mb4_unicode_ci");
  // MariaDB prints the default as an SQL literal.
  EXPECT_EQ(t.columns[1].default_value, "'x''y'");
  EXPECT_EQ(t.default_collation, "utf8mb4_unicode_ci");
  EXPECT_EQ(t.default_charset, "utf8mb4");
}

TEST_F(SchemaInspectTest, GeneratedAndAutoIncrementColumns) {
  const TableSchema t = CreateAndInspect(
      "gen", "(id INT AUTO_INCREMENT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, s INT AS (a + 1) STORED)");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_TRUE(t.columns[0].auto_increment);
  EXPECT_EQ(t.columns[1].generated, GeneratedKind::kNone);
  EXPECT_EQ(t.columns[2].generated, GeneratedKind::kVirtual);
  EXPECT_EQ(t.columns[2].generation_expression, "`a` * 2");
  EXPECT_EQ(t.columns[3].generated, GeneratedKind::kStored);
  EXPECT_EQ(t.columns[3].generation_expression, "`a` + 1");
  EXPECT_FALSE(t.columns[3].auto_increment);
}

TEST_F(SchemaInspectTest, EnumAndSetMembersWithQuotesCommasAndEscapes) {
  // Members written in SQL: a'b | c,d | x\y | q"r | tab<TAB>x | nl<LF>x | ünï
  const TableSchema t = CreateAndInspect(
      "enums", "(id INT PRIMARY KEY, e ENUM('a''b', 'c,d', 'x\\\\y', 'q\"r', 'tab\\tx', 'nl\\nx', "
               "'\xC3\xBCn\xC3\xAF') NOT NULL)");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[1].data_type, "enum");
  EXPECT_THAT(t.columns[1].members,
              ElementsAre("a'b", "c,d", "x\\y", "q\"r", "tab\tx", "nl\nx", "\xC3\xBCn\xC3\xAF"));
}

TEST_F(SchemaInspectTest, SetMembersWithQuotesAndBackslashes) {
  // SET members cannot contain commas (the server refuses them).
  const TableSchema t = CreateAndInspect("sets", "(id INT PRIMARY KEY, s SET('it''s', 'x\\\\y', '') NULL)");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[1].data_type, "set");
  EXPECT_THAT(t.columns[1].members, ElementsAre("it's", "x\\y", ""));
}

TEST_F(SchemaInspectTest, ForeignKeysInBothDirections) {
  Exec(std::string("DROP TABLE IF EXISTS ") + kDb + ".fk_child");
  CreateAndInspect("fk_parent", "(id INT PRIMARY KEY, k2 INT NOT NULL, UNIQUE KEY (id, k2))");
  const TableSchema child = CreateAndInspect(
      "fk_child", "(id INT PRIMARY KEY, pid INT, pk2 INT, CONSTRAINT fk_child_parent FOREIGN KEY (pid, pk2) "
                  "REFERENCES fk_parent (id, k2) ON DELETE CASCADE ON UPDATE SET NULL)");
  const TableSchema parent = MustInspect("fk_parent");

  ASSERT_EQ(child.foreign_keys.size(), 1u);
  const ForeignKey& fk = child.foreign_keys[0];
  EXPECT_EQ(fk.name, "fk_child_parent");
  EXPECT_EQ(fk.table, "fk_child");
  EXPECT_EQ(fk.referenced_table, "fk_parent");
  EXPECT_THAT(fk.columns, ElementsAre("pid", "pk2"));
  EXPECT_THAT(fk.referenced_columns, ElementsAre("id", "k2"));
  EXPECT_EQ(fk.on_delete, "CASCADE");
  EXPECT_EQ(fk.on_update, "SET NULL");
  EXPECT_TRUE(child.referencing_foreign_keys.empty());

  EXPECT_TRUE(parent.foreign_keys.empty());
  ASSERT_EQ(parent.referencing_foreign_keys.size(), 1u);
  EXPECT_EQ(parent.referencing_foreign_keys[0].name, "fk_child_parent");
  EXPECT_EQ(parent.referencing_foreign_keys[0].table, "fk_child");
  EXPECT_TRUE(ToAlterTableInfo(parent).referenced_by_foreign_keys);
}

TEST_F(SchemaInspectTest, Triggers) {
  CreateAndInspect("trig", "(id INT PRIMARY KEY, n INT)");
  Exec(std::string("CREATE TRIGGER ") + kDb + ".trig_bi BEFORE INSERT ON " + kDb +
       ".trig FOR EACH ROW SET NEW.n = 1");
  const TableSchema t = MustInspect("trig");
  ASSERT_EQ(t.triggers.size(), 1u);
  EXPECT_EQ(t.triggers[0].name, "trig_bi");
  EXPECT_EQ(t.triggers[0].timing, "BEFORE");
  EXPECT_EQ(t.triggers[0].event, "INSERT");
}

TEST_F(SchemaInspectTest, PartitionedTable) {
  const TableSchema t = CreateAndInspect("part", "(id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2");
  EXPECT_TRUE(t.partitioned);
  EXPECT_EQ(t.kind, TableKind::kBaseTable);
}

TEST_F(SchemaInspectTest, ViewsSequencesAndSystemVersionedTablesAreReportedAsSuch) {
  CreateAndInspect("base", "(id INT PRIMARY KEY)");
  Exec(std::string("CREATE OR REPLACE VIEW ") + kDb + ".v_base AS SELECT id FROM " + kDb + ".base");
  Exec(std::string("CREATE OR REPLACE SEQUENCE ") + kDb + ".seq");
  Exec(std::string("CREATE OR REPLACE TABLE ") + kDb + ".versioned (id INT PRIMARY KEY) WITH SYSTEM VERSIONING");
  const TableSchema view = MustInspect("v_base");
  EXPECT_EQ(view.kind, TableKind::kView);
  EXPECT_EQ(view.columns.size(), 1u);
  EXPECT_TRUE(view.indexes.empty());
  EXPECT_EQ(MustInspect("seq").kind, TableKind::kSequence);
  EXPECT_EQ(MustInspect("versioned").kind, TableKind::kSystemVersioned);
}

TEST_F(SchemaInspectTest, SystemSchemaTablesAreFlagged) {
  Result<TableSchema> t = InspectTable(*conn_, "mysql", "db");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->in_system_schema);
}

TEST_F(SchemaInspectTest, NameWithBackticksQuotesSpacesAndUnicode) {
  const std::string name = "we`ird 'na\"me \xC3\xBC \xE8\xA1\xA8";
  const TableSchema t = CreateAndInspect(name, "(`co``l 1` INT NOT NULL PRIMARY KEY, `\xC3\xA9t\xC3\xA9` TEXT)");
  EXPECT_EQ(t.name, name);
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].name, "co`l 1");
  EXPECT_EQ(t.columns[1].name, "\xC3\xA9t\xC3\xA9");
  ASSERT_NE(t.PrimaryKey(), nullptr);
  EXPECT_EQ(t.PrimaryKey()->columns[0].name, "co`l 1");
}

TEST_F(SchemaInspectTest, NamesAreMatchedExactlyNotCaseInsensitively) {
  // lower_case_table_names=0 (Linux): `casey` and `CASEY` are two tables,
  // while information_schema's name columns compare case-insensitively (a
  // scan for REFERENCED_TABLE_NAME = 'casey' also returns `CASEY`'s).
  Exec(std::string("DROP TABLE IF EXISTS ") + kDb + ".ref_upper");
  CreateAndInspect("CASEY", "(upper_only INT PRIMARY KEY)");
  const TableSchema lower = CreateAndInspect("casey", "(lower_only INT PRIMARY KEY, x INT)");
  CreateAndInspect("ref_upper",
                   "(id INT PRIMARY KEY, u INT, CONSTRAINT fk_upper FOREIGN KEY (u) REFERENCES CASEY (upper_only))");
  const TableSchema lower_again = MustInspect("casey");
  ASSERT_EQ(lower.columns.size(), 2u);
  EXPECT_EQ(lower.columns[0].name, "lower_only");
  ASSERT_EQ(lower.indexes.size(), 1u);
  EXPECT_EQ(lower.indexes[0].columns.size(), 1u);
  EXPECT_TRUE(lower_again.referencing_foreign_keys.empty());
  const TableSchema upper = MustInspect("CASEY");
  EXPECT_EQ(upper.columns.size(), 1u);
  ASSERT_EQ(upper.referencing_foreign_keys.size(), 1u);
  EXPECT_EQ(upper.referencing_foreign_keys[0].name, "fk_upper");
  Exec(std::string("DROP TABLE ") + kDb + ".ref_upper");
}

TEST_F(SchemaInspectTest, MissingTableIsNotFoundAndBadNamesAreInvalid) {
  Result<TableSchema> missing = InspectTable(*conn_, kDb, "no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("`no_such_table` does not exist"));
  EXPECT_TRUE(InspectTable(*conn_, kDb, "").status().IsInvalidArgument());
  EXPECT_TRUE(InspectTable(*conn_, kDb, std::string(65, 'x')).status().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::schema
