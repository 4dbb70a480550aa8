#include "osc/alter/alter_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace osc::alter {
namespace {

using ::testing::HasSubstr;

AlterPlan MustParse(std::string_view text) {
  Result<AlterPlan> plan = ParseAlter(text);
  EXPECT_TRUE(plan.ok()) << text << " -> " << plan.status().ToString();
  return plan.ok() ? *plan : AlterPlan{};
}

AlterClause Single(std::string_view text) {
  AlterPlan plan = MustParse(text);
  EXPECT_EQ(plan.clauses.size(), 1u) << text;
  return plan.clauses.empty() ? AlterClause{} : plan.clauses[0];
}

Status ParseError(std::string_view text) {
  Result<AlterPlan> plan = ParseAlter(text);
  EXPECT_FALSE(plan.ok()) << text << " unexpectedly parsed";
  return plan.ok() ? Status::Ok() : plan.status();
}

TEST(AlterParserTest, AddColumnWithAndWithoutKeyword) {
  for (const char* text : {"ADD COLUMN c INT NOT NULL DEFAULT 0", "add c int not null default 0"}) {
    const AlterClause c = Single(text);
    EXPECT_EQ(c.kind, ClauseKind::kAddColumn) << text;
    EXPECT_EQ(c.column, "c");
    ASSERT_TRUE(c.definition.has_value());
    EXPECT_EQ(c.definition->type.name, "int");
    EXPECT_TRUE(c.definition->IsNotNull());
    EXPECT_EQ(c.position.kind, ColumnPosition::Kind::kNone);
  }
  EXPECT_EQ(Single("add c int not null default 0").text, "ADD COLUMN c int not null default 0");
}

TEST(AlterParserTest, AddColumnPositions) {
  const AlterClause first = Single("ADD COLUMN c INT FIRST");
  EXPECT_EQ(first.position.kind, ColumnPosition::Kind::kFirst);
  const AlterClause after = Single("ADD c VARCHAR(10) AFTER `the col`");
  EXPECT_EQ(after.position.kind, ColumnPosition::Kind::kAfter);
  EXPECT_EQ(after.position.after, "the col");
  EXPECT_EQ(after.definition->type.args, (std::vector<std::string>{"10"}));
}

TEST(AlterParserTest, ParenthesisedAddListBecomesOneClausePerColumn) {
  const AlterPlan plan = MustParse("ADD (a INT, b VARCHAR(5) DEFAULT 'x,y', INDEX ia (a))");
  ASSERT_EQ(plan.clauses.size(), 3u);
  EXPECT_EQ(plan.clauses[0].kind, ClauseKind::kAddColumn);
  EXPECT_EQ(plan.clauses[0].column, "a");
  EXPECT_EQ(plan.clauses[1].column, "b");
  EXPECT_EQ(plan.clauses[1].text, "ADD COLUMN b VARCHAR(5) DEFAULT 'x,y'");
  EXPECT_EQ(plan.clauses[2].kind, ClauseKind::kAddIndex);
  EXPECT_EQ(plan.clauses[2].name, "ia");
  EXPECT_EQ(plan.ShadowAlterText(),
            "ADD COLUMN a INT, ADD COLUMN b VARCHAR(5) DEFAULT 'x,y', ADD INDEX ia (a)");
}

TEST(AlterParserTest, PositionInsideAddListIsRejected) {
  EXPECT_TRUE(ParseError("ADD (a INT FIRST)").IsInvalidArgument());
}

TEST(AlterParserTest, MariaDbIfExistsVariants) {
  EXPECT_TRUE(Single("ADD COLUMN IF NOT EXISTS c INT").if_not_exists);
  EXPECT_EQ(Single("ADD COLUMN IF NOT EXISTS c INT").column, "c");
  const AlterClause drop = Single("DROP COLUMN IF EXISTS c");
  EXPECT_TRUE(drop.if_exists);
  EXPECT_EQ(drop.column, "c");
  EXPECT_EQ(drop.text, "DROP COLUMN IF EXISTS c");
  EXPECT_TRUE(Single("DROP INDEX IF EXISTS i").if_exists);
  EXPECT_TRUE(Single("DROP FOREIGN KEY IF EXISTS fk").if_exists);
  EXPECT_TRUE(Single("MODIFY COLUMN IF EXISTS c BIGINT").if_exists);
  EXPECT_TRUE(Single("CHANGE IF EXISTS c d BIGINT").if_exists);
  EXPECT_TRUE(Single("ADD INDEX IF NOT EXISTS i (a)").if_not_exists);
}

TEST(AlterParserTest, DropVariants) {
  const struct {
    const char* text;
    ClauseKind kind;
    const char* column;
    const char* name;
  } cases[] = {
      {"DROP COLUMN c", ClauseKind::kDropColumn, "c", ""},
      {"drop c restrict", ClauseKind::kDropColumn, "c", ""},
      {"DROP `primary`", ClauseKind::kDropColumn, "primary", ""},
      {"DROP INDEX i", ClauseKind::kDropIndex, "", "i"},
      {"DROP KEY `k`", ClauseKind::kDropIndex, "", "k"},
      {"DROP PRIMARY KEY", ClauseKind::kDropPrimaryKey, "", ""},
      {"DROP FOREIGN KEY fk_1", ClauseKind::kDropForeignKey, "", "fk_1"},
      {"DROP CHECK chk", ClauseKind::kDropCheck, "", "chk"},
      {"DROP CONSTRAINT c1", ClauseKind::kDropConstraint, "", "c1"},
  };
  for (const auto& c : cases) {
    const AlterClause clause = Single(c.text);
    EXPECT_EQ(clause.kind, c.kind) << c.text;
    EXPECT_EQ(clause.column, c.column) << c.text;
    EXPECT_EQ(clause.name, c.name) << c.text;
  }
  EXPECT_EQ(Single("drop key `k`").text, "DROP INDEX `k`");
  EXPECT_TRUE(ParseError("DROP COLUMN a b").IsInvalidArgument());
}

TEST(AlterParserTest, ChangeAndModifyCarryNamesDefinitionAndPosition) {
  const AlterClause change = Single("CHANGE COLUMN `old` `new` BIGINT UNSIGNED NOT NULL AFTER id");
  EXPECT_EQ(change.kind, ClauseKind::kChangeColumn);
  EXPECT_EQ(change.column, "old");
  EXPECT_EQ(change.new_column, "new");
  EXPECT_EQ(change.definition->type.name, "bigint");
  EXPECT_TRUE(change.definition->type.is_unsigned);
  EXPECT_EQ(change.position.after, "id");
  EXPECT_EQ(change.text, "CHANGE COLUMN `old` `new` BIGINT UNSIGNED NOT NULL AFTER id");

  const AlterClause modify = Single("modify c text first");
  EXPECT_EQ(modify.kind, ClauseKind::kModifyColumn);
  EXPECT_EQ(modify.column, "c");
  EXPECT_EQ(modify.position.kind, ColumnPosition::Kind::kFirst);
  EXPECT_EQ(modify.text, "MODIFY COLUMN c text first");
}

TEST(AlterParserTest, RenameColumnAndIndex) {
  const AlterClause column = Single("RENAME COLUMN a TO b");
  EXPECT_EQ(column.kind, ClauseKind::kRenameColumn);
  EXPECT_EQ(column.column, "a");
  EXPECT_EQ(column.new_column, "b");
  const AlterClause index = Single("rename key `i 1` to `i 2`");
  EXPECT_EQ(index.kind, ClauseKind::kRenameIndex);
  EXPECT_EQ(index.name, "i 1");
  EXPECT_EQ(index.new_name, "i 2");
  EXPECT_EQ(index.text, "RENAME INDEX `i 1` to `i 2`");
  EXPECT_TRUE(ParseError("RENAME COLUMN a b").IsInvalidArgument());
}

TEST(AlterParserTest, AlterColumnSubclauses) {
  const AlterClause set = Single("ALTER COLUMN c SET DEFAULT 'a, b'");
  EXPECT_EQ(set.kind, ClauseKind::kSetColumnDefault);
  EXPECT_EQ(set.column, "c");
  EXPECT_EQ(Single("ALTER c SET DEFAULT (1 + (2 * 3))").kind, ClauseKind::kSetColumnDefault);
  EXPECT_EQ(Single("alter column c drop default").kind, ClauseKind::kDropColumnDefault);
  const AlterClause visibility = Single("ALTER COLUMN c SET INVISIBLE");
  EXPECT_EQ(visibility.kind, ClauseKind::kSetColumnVisibility);
  EXPECT_EQ(visibility.value, "INVISIBLE");
  EXPECT_TRUE(ParseError("ALTER COLUMN c SET DEFAULT").IsInvalidArgument());
  EXPECT_TRUE(ParseError("ALTER COLUMN c FROB").IsInvalidArgument());
}

TEST(AlterParserTest, AlterIndexAndConstraintSubclauses) {
  const AlterClause index = Single("ALTER INDEX i INVISIBLE");
  EXPECT_EQ(index.kind, ClauseKind::kAlterIndexVisibility);
  EXPECT_EQ(index.value, "INVISIBLE");
  EXPECT_EQ(Single("ALTER KEY i NOT IGNORED").value, "NOT IGNORED");
  const AlterClause check = Single("ALTER CHECK chk NOT ENFORCED");
  EXPECT_EQ(check.kind, ClauseKind::kAlterConstraintEnforcement);
  EXPECT_EQ(check.name, "chk");
  EXPECT_EQ(check.value, "NOT ENFORCED");
  EXPECT_TRUE(ParseError("ALTER INDEX i SIDEWAYS").IsInvalidArgument());
}

TEST(AlterParserTest, IndexDefinitions) {
  const struct {
    const char* text;
    ClauseKind kind;
    IndexKind index_kind;
    const char* name;
  } cases[] = {
      {"ADD INDEX idx_a (a)", ClauseKind::kAddIndex, IndexKind::kPlain, "idx_a"},
      {"ADD KEY (a, b(10))", ClauseKind::kAddIndex, IndexKind::kPlain, ""},
      {"ADD INDEX i USING BTREE (a)", ClauseKind::kAddIndex, IndexKind::kPlain, "i"},
      {"ADD UNIQUE KEY uk (a)", ClauseKind::kAddIndex, IndexKind::kUnique, "uk"},
      {"ADD CONSTRAINT uq UNIQUE (a)", ClauseKind::kAddIndex, IndexKind::kUnique, "uq"},
      {"ADD FULLTEXT ft (body)", ClauseKind::kAddIndex, IndexKind::kFulltext, "ft"},
      {"ADD SPATIAL INDEX sp (g)", ClauseKind::kAddIndex, IndexKind::kSpatial, "sp"},
      {"ADD PRIMARY KEY (id)", ClauseKind::kAddPrimaryKey, IndexKind::kPlain, ""},
      {"ADD CONSTRAINT pk PRIMARY KEY (id)", ClauseKind::kAddPrimaryKey, IndexKind::kPlain, "pk"},
      {"ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id) ON DELETE CASCADE",
       ClauseKind::kAddForeignKey, IndexKind::kPlain, "fk"},
      {"ADD FOREIGN KEY ix (p) REFERENCES parent (id)", ClauseKind::kAddForeignKey,
       IndexKind::kPlain, "ix"},
      {"ADD CONSTRAINT chk CHECK (a > 0 AND (b < 5 OR c IN (1, 2)))", ClauseKind::kAddCheck,
       IndexKind::kPlain, "chk"},
      {"ADD CHECK (length(`x,y`) > 0)", ClauseKind::kAddCheck, IndexKind::kPlain, ""},
  };
  for (const auto& c : cases) {
    const AlterClause clause = Single(c.text);
    EXPECT_EQ(clause.kind, c.kind) << c.text;
    EXPECT_EQ(clause.index_kind, c.index_kind) << c.text;
    EXPECT_EQ(clause.name, c.name) << c.text;
    EXPECT_EQ(clause.text, c.text) << c.text;
  }
  EXPECT_TRUE(ParseError("ADD INDEX i").IsInvalidArgument());
  EXPECT_TRUE(ParseError("ADD FOREIGN KEY (a)").IsInvalidArgument());
}

TEST(AlterParserTest, TableOptionsSplitIntoOneClauseEach) {
  const AlterPlan plan =
      MustParse("ENGINE=InnoDB ROW_FORMAT = DYNAMIC COMMENT 'a, b', KEY_BLOCK_SIZE=8");
  ASSERT_EQ(plan.clauses.size(), 4u);
  EXPECT_EQ(plan.clauses[0].kind, ClauseKind::kEngine);
  EXPECT_EQ(plan.clauses[0].value, "InnoDB");
  EXPECT_EQ(plan.clauses[1].kind, ClauseKind::kRowFormat);
  EXPECT_EQ(plan.clauses[1].value, "DYNAMIC");
  EXPECT_EQ(plan.clauses[2].kind, ClauseKind::kTableComment);
  EXPECT_EQ(plan.clauses[2].value, "a, b");
  EXPECT_EQ(plan.clauses[3].kind, ClauseKind::kKeyBlockSize);
  EXPECT_EQ(plan.ShadowAlterText(),
            "ENGINE=InnoDB, ROW_FORMAT = DYNAMIC, COMMENT 'a, b', KEY_BLOCK_SIZE=8");
}

TEST(AlterParserTest, CharsetAndOtherTableOptions) {
  const AlterClause charset = Single("DEFAULT CHARACTER SET = utf8mb4");
  EXPECT_EQ(charset.kind, ClauseKind::kTableCharset);
  EXPECT_EQ(charset.name, "CHARACTER SET");
  EXPECT_EQ(charset.value, "utf8mb4");
  EXPECT_EQ(Single("CHARSET latin1").value, "latin1");
  EXPECT_EQ(Single("COLLATE utf8mb4_bin").name, "COLLATE");
  EXPECT_EQ(Single("AUTO_INCREMENT=1000").kind, ClauseKind::kAutoIncrement);
  const AlterClause stats = Single("STATS_PERSISTENT=1");
  EXPECT_EQ(stats.kind, ClauseKind::kTableOption);
  EXPECT_EQ(stats.name, "STATS_PERSISTENT");
  const AlterClause convert = Single("CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  EXPECT_EQ(convert.kind, ClauseKind::kConvertCharset);
  EXPECT_EQ(convert.value, "utf8mb4");
  EXPECT_EQ(convert.text, "CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
}

TEST(AlterParserTest, ForceAndOrderBy) {
  EXPECT_EQ(Single("FORCE").kind, ClauseKind::kForce);
  // ORDER BY swallows the rest of the list, as in the server's grammar.
  const AlterPlan plan = MustParse("ADD c INT, ORDER BY a, b DESC");
  ASSERT_EQ(plan.clauses.size(), 2u);
  EXPECT_EQ(plan.clauses[1].kind, ClauseKind::kOrderBy);
  EXPECT_EQ(plan.clauses[1].text, "ORDER BY a, b DESC");
}

TEST(AlterParserTest, QuotedNamesWithCommasQuotesSpacesAndReservedWords) {
  const AlterPlan plan = MustParse(
      "ADD COLUMN `we,ird ``name``` VARCHAR(10) DEFAULT 'a,b' COMMENT \"it's, ok\", "
      "ADD `key` INT, ADD `index` INT, DROP `select`");
  ASSERT_EQ(plan.clauses.size(), 4u);
  EXPECT_EQ(plan.clauses[0].column, "we,ird `name`");
  EXPECT_EQ(plan.clauses[0].text,
            "ADD COLUMN `we,ird ``name``` VARCHAR(10) DEFAULT 'a,b' COMMENT \"it's, ok\"");
  EXPECT_EQ(plan.clauses[1].kind, ClauseKind::kAddColumn);
  EXPECT_EQ(plan.clauses[1].column, "key");
  EXPECT_EQ(plan.clauses[2].column, "index");
  EXPECT_EQ(plan.clauses[3].column, "select");
}

TEST(AlterParserTest, UnicodeColumnNames) {
  const AlterPlan plan = MustParse("ADD COLUMN naïve INT, ADD `日本語, 列` TEXT");
  ASSERT_EQ(plan.clauses.size(), 2u);
  EXPECT_EQ(plan.clauses[0].column, "naïve");
  EXPECT_EQ(plan.clauses[1].column, "日本語, 列");
}

TEST(AlterParserTest, CommentsAreRemovedAndDoNotSplitClauses) {
  const AlterPlan plan = MustParse(
      "ADD COLUMN a INT /* note, with a comma */ NOT NULL, -- trailing, comment\n"
      "# hash, comment\n DROP COLUMN b");
  ASSERT_EQ(plan.clauses.size(), 2u);
  EXPECT_EQ(plan.clauses[0].text, "ADD COLUMN a INT NOT NULL");
  EXPECT_EQ(plan.clauses[1].kind, ClauseKind::kDropColumn);
  EXPECT_EQ(plan.ShadowAlterText(), "ADD COLUMN a INT NOT NULL, DROP COLUMN b");
}

TEST(AlterParserTest, ExecutableCommentsAreApplied) {
  const AlterClause c = Single("ADD COLUMN a INT /*!80023 INVISIBLE */");
  ASSERT_TRUE(c.definition.has_value());
  EXPECT_EQ(c.definition->invisible, std::optional<bool>(true));
  EXPECT_EQ(c.text, "ADD COLUMN a INT INVISIBLE");
}

TEST(AlterParserTest, NestedParenthesesInDefaultsAndChecks) {
  const AlterPlan plan = MustParse(
      "ADD COLUMN d INT DEFAULT (IF(1 > 0, (2), 3)) CHECK (d IN (1, 2, (3))), ADD COLUMN e INT");
  ASSERT_EQ(plan.clauses.size(), 2u);
  EXPECT_EQ(plan.clauses[0].definition->default_kind, DefaultKind::kExpression);
  EXPECT_TRUE(plan.clauses[0].definition->has_check);
  EXPECT_EQ(plan.clauses[1].column, "e");
}

TEST(AlterParserTest, TrailingSemicolonIsAccepted) {
  EXPECT_EQ(MustParse("DROP COLUMN a;").clauses.size(), 1u);
}

TEST(AlterParserTest, RefusesAlgorithmAndLockWithAnActionableMessage) {
  for (const char* text : {"ADD c INT, ALGORITHM=INSTANT", "LOCK=NONE", "algorithm inplace"}) {
    const Status s = ParseError(text);
    EXPECT_TRUE(s.IsInvalidArgument()) << text;
    EXPECT_THAT(std::string(s.message()), HasSubstr("chooses the algorithm")) << text;
    EXPECT_THAT(std::string(s.message()), HasSubstr("remove ALGORITHM= and LOCK=")) << text;
  }
}

TEST(AlterParserTest, RefusesTableRename) {
  for (const char* text :
       {"RENAME TO t2", "RENAME AS t2", "rename t2", "ADD c INT, RENAME TO `x`"}) {
    const Status s = ParseError(text);
    EXPECT_TRUE(s.IsInvalidArgument()) << text;
    EXPECT_THAT(std::string(s.message()), HasSubstr("RENAME TABLE after the migration")) << text;
  }
}

TEST(AlterParserTest, RefusesPartitioningAsNotSupported) {
  for (const char* text :
       {"PARTITION BY HASH(id) PARTITIONS 4", "ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))",
        "DROP PARTITION p0", "REMOVE PARTITIONING", "COALESCE PARTITION 2",
        "REORGANIZE PARTITION p0 INTO (PARTITION a VALUES LESS THAN (5))",
        "EXCHANGE PARTITION p0 WITH TABLE t2", "TRUNCATE PARTITION p0",
        "CONVERT PARTITION p0 TO TABLE x", "ANALYZE PARTITION p1"}) {
    const Status s = ParseError(text);
    EXPECT_TRUE(s.IsNotSupported()) << text << ": " << s.ToString();
    EXPECT_THAT(std::string(s.message()),
                HasSubstr("partitioning changes are not supported by osc"))
        << text;
  }
}

TEST(AlterParserTest, RefusesOtherUnsupportedClauses) {
  for (const char* text : {"ADD SYSTEM VERSIONING", "DROP PERIOD FOR p", "DISABLE KEYS",
                           "DISCARD TABLESPACE", "FROBNICATE THE TABLE"}) {
    EXPECT_TRUE(ParseError(text).IsNotSupported()) << text;
  }
  EXPECT_THAT(std::string(ParseError("FROBNICATE THE TABLE").message()),
              HasSubstr("'FROBNICATE THE TABLE'"));
}

TEST(AlterParserTest, RejectsMalformedText) {
  EXPECT_THAT(std::string(ParseError("ALTER TABLE t ADD c INT").message()),
              HasSubstr("not the whole statement"));
  EXPECT_THAT(std::string(ParseError("ADD c INT; DROP TABLE t").message()),
              HasSubstr("contains ';'"));
  EXPECT_THAT(std::string(ParseError("  -- only a comment").message()), HasSubstr("empty"));
  EXPECT_THAT(std::string(ParseError("ADD c INT,, DROP d").message()), HasSubstr("empty clause"));
  EXPECT_THAT(std::string(ParseError("ADD c INT DEFAULT (1").message()), HasSubstr("unbalanced"));
  EXPECT_THAT(std::string(ParseError("ADD c INT)").message()), HasSubstr("unbalanced"));
  EXPECT_TRUE(ParseError("ADD COLUMN 'str' INT").IsInvalidArgument());
  EXPECT_TRUE(ParseError("ADD COLUMN c").IsInvalidArgument());
  EXPECT_TRUE(ParseError("ADD c INT DEFAULT 'open").IsInvalidArgument());
  EXPECT_THAT(std::string(ParseError("ADD c INT AFTER b NOT NULL").message()),
              HasSubstr("must end the column"));
}

}  // namespace
}  // namespace osc::alter

namespace osc::alter {
namespace {

// Every prefix of a complex ALTER either parses or fails with a message;
// none crashes or loops (run under ASan/UBSan in the sanitizer builds).
TEST(AlterParserTest, EveryPrefixOfAComplexAlterParsesOrFailsCleanly) {
  const std::string text =
      "ADD COLUMN `a,b` VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT "
      "'x''y' "
      "COMMENT \"c\\\"d\" AFTER id, ADD (e INT, INDEX ie (e)), CHANGE f g ENUM('p','q') FIRST, "
      "DROP COLUMN IF EXISTS h /* c */, ADD CONSTRAINT k CHECK (e > (1 + 2)), ALTER i SET DEFAULT "
      "(now()), "
      "RENAME INDEX j TO k, ENGINE=InnoDB ROW_FORMAT=DYNAMIC /*!50100 COMMENT 'z' */, ORDER BY e, "
      "g";
  size_t parsed = 0;
  for (size_t len = 0; len <= text.size(); ++len) {
    Result<AlterPlan> plan = ParseAlter(std::string_view(text).substr(0, len));
    if (plan.ok()) {
      ++parsed;
      EXPECT_FALSE(plan->clauses.empty());
    } else {
      EXPECT_FALSE(plan.status().message().empty()) << len;
    }
  }
  EXPECT_GT(parsed, 0u);
  Result<AlterPlan> full = ParseAlter(text);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->clauses.size(), 12u);
}

}  // namespace
}  // namespace osc::alter
