// ParseAlter, continued: index and constraint definitions, table options,
// and the clauses osc refuses.
#include <algorithm>
#include <utility>

#include "osc/alter/alter_parser.h"
#include "osc/alter/alter_parser_internal.h"

namespace osc::alter {
namespace internal {
namespace {

bool AcceptIfNotExists(Cursor& c) {
  if (!c.Peek("IF") || !c.Peek("NOT", 1) || !c.Peek("EXISTS", 2)) return false;
  c.pos += 3;
  return true;
}

// An optional index name: an identifier that is not the start of the key
// part list or of an index type clause.
std::string AcceptOptionalIndexName(Cursor& c) {
  if (c.AtEnd() || !c.t[c.pos].IsIdentifier() || c.Peek("USING") || c.Peek("TYPE")) return "";
  return c.t[c.pos++].value;
}

bool HasParenthesis(const Cursor& c) {
  const TokenSpan rest = c.Rest();
  return std::any_of(rest.begin(), rest.end(), [](const Token& tok) { return tok.IsPunct("("); });
}

// INDEX|KEY|UNIQUE|FULLTEXT|SPATIAL after ADD [CONSTRAINT name].
Status ParseIndexHead(Cursor& c, const std::string& constraint_name, AlterClause* clause) {
  clause->kind = ClauseKind::kAddIndex;
  if (c.Accept("UNIQUE")) {
    clause->index_kind = IndexKind::kUnique;
  } else if (c.Accept("FULLTEXT")) {
    clause->index_kind = IndexKind::kFulltext;
  } else if (c.Accept("SPATIAL")) {
    clause->index_kind = IndexKind::kSpatial;
  } else if (!c.Peek("INDEX") && !c.Peek("KEY")) {
    return Status::InvalidArgument("expected PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK in '" +
                                   c.ClauseText() + "'");
  }
  if (!c.Accept("INDEX")) c.Accept("KEY");
  clause->if_not_exists = AcceptIfNotExists(c);
  clause->name = AcceptOptionalIndexName(c);
  if (clause->name.empty()) clause->name = constraint_name;
  return Status::Ok();
}

bool IsOtherTableOption(const Token& tok) {
  static constexpr std::string_view kOptions[] = {"AVG_ROW_LENGTH",
                                                  "CHECKSUM",
                                                  "TABLE_CHECKSUM",
                                                  "COMPRESSION",
                                                  "CONNECTION",
                                                  "DELAY_KEY_WRITE",
                                                  "ENCRYPTION",
                                                  "ENCRYPTED",
                                                  "ENCRYPTION_KEY_ID",
                                                  "INSERT_METHOD",
                                                  "MAX_ROWS",
                                                  "MIN_ROWS",
                                                  "PACK_KEYS",
                                                  "PAGE_CHECKSUM",
                                                  "PAGE_COMPRESSED",
                                                  "PAGE_COMPRESSION_LEVEL",
                                                  "PASSWORD",
                                                  "STATS_AUTO_RECALC",
                                                  "STATS_PERSISTENT",
                                                  "STATS_SAMPLE_PAGES",
                                                  "TABLESPACE",
                                                  "TRANSACTIONAL",
                                                  "UNION",
                                                  "IETF_QUOTES",
                                                  "SEQUENCE",
                                                  "AUTOEXTEND_SIZE",
                                                  "ENGINE_ATTRIBUTE",
                                                  "SECONDARY_ENGINE",
                                                  "SECONDARY_ENGINE_ATTRIBUTE"};
  return std::any_of(std::begin(kOptions), std::end(kOptions),
                     [&](std::string_view o) { return tok.IsWord(o); });
}

// Reads the option name at the cursor; false if there is none.
bool ReadTableOptionName(Cursor& c, AlterClause* clause) {
  const bool is_default = c.Accept("DEFAULT");
  if (c.Accept("CHARSET") || c.Accept("CHARACTER", "SET") || c.Accept("CHAR", "SET")) {
    clause->kind = ClauseKind::kTableCharset;
    clause->name = "CHARACTER SET";
    return true;
  }
  if (c.Accept("COLLATE")) {
    clause->kind = ClauseKind::kTableCharset;
    clause->name = "COLLATE";
    return true;
  }
  if (is_default || c.AtEnd()) return false;
  static constexpr std::pair<std::string_view, ClauseKind> kKinds[] = {
      {"ENGINE", ClauseKind::kEngine},
      {"TYPE", ClauseKind::kEngine},
      {"COMMENT", ClauseKind::kTableComment},
      {"ROW_FORMAT", ClauseKind::kRowFormat},
      {"KEY_BLOCK_SIZE", ClauseKind::kKeyBlockSize},
      {"AUTO_INCREMENT", ClauseKind::kAutoIncrement}};
  for (const auto& [word, kind] : kKinds) {
    if (c.Accept(word)) {
      clause->kind = kind;
      clause->name = std::string(word);
      return true;
    }
  }
  if ((c.Peek("DATA") || c.Peek("INDEX")) && c.Peek("DIRECTORY", 1)) {
    clause->kind = ClauseKind::kTableOption;
    clause->name = ToUpperAscii(c.t[c.pos].text) + " DIRECTORY";
    c.pos += 2;
    return true;
  }
  if (!IsOtherTableOption(c.t[c.pos])) return false;
  clause->kind = ClauseKind::kTableOption;
  clause->name = ToUpperAscii(c.t[c.pos++].text);
  return true;
}

Status ParseOneTableOption(Cursor& c, Clauses* out) {
  const size_t start = c.pos;
  AlterClause clause;
  if (!ReadTableOptionName(c, &clause)) {
    c.pos = start;
    return Status::NotSupported("osc does not recognise '" + c.RestText() +
                                "' in the ALTER clause '" + c.ClauseText() + "'");
  }
  if (c.PeekPunct("=")) ++c.pos;
  if (c.AtEnd()) return Status::InvalidArgument("table option " + clause.name + " needs a value");
  if (c.PeekPunct("(")) {
    OSC_ASSIGN_OR_RETURN(const size_t end, SkipParenGroup(c.t, c.pos));
    clause.value = JoinTokens(c.t.subspan(c.pos, end - c.pos));
    c.pos = end;
  } else {
    clause.value = c.t[c.pos++].value;
  }
  clause.text = JoinTokens(c.t.subspan(start, c.pos - start));
  out->push_back(std::move(clause));
  return Status::Ok();
}

bool IsPartitionClause(const Cursor& c) {
  static constexpr std::string_view kVerbs[] = {
      "ADD",      "DROP",    "COALESCE", "REORGANIZE", "EXCHANGE", "ANALYZE", "CHECK",
      "OPTIMIZE", "REBUILD", "REPAIR",   "TRUNCATE",   "DISCARD",  "IMPORT",  "CONVERT"};
  if (c.Peek("PARTITION") || c.Peek("PARTITIONS")) return true;
  if ((c.Peek("REMOVE") || c.Peek("UPGRADE")) && c.Peek("PARTITIONING", 1)) return true;
  if (c.Peek("CONVERT") && c.Peek("TABLE", 1)) return true;
  if (c.Peek("WITH") || c.Peek("WITHOUT")) return c.Peek("VALIDATION", 1);
  return std::any_of(std::begin(kVerbs), std::end(kVerbs),
                     [&](std::string_view verb) { return c.Peek(verb) && c.Peek("PARTITION", 1); });
}

}  // namespace

bool StartsIndexDefinition(const Cursor& c) {
  static constexpr std::string_view kStarts[] = {
      "INDEX", "KEY", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL", "CONSTRAINT", "FOREIGN", "CHECK"};
  return std::any_of(std::begin(kStarts), std::end(kStarts),
                     [&](std::string_view w) { return c.Peek(w); });
}

Status ParseAddIndex(Cursor c, Clauses* out) {
  AlterClause clause;
  clause.text = "ADD " + c.RestText();
  std::string constraint_name;
  if (c.Accept("CONSTRAINT")) {
    clause.if_not_exists = AcceptIfNotExists(c);
    if (!c.Peek("PRIMARY") && !c.Peek("UNIQUE") && !c.Peek("FOREIGN") && !c.Peek("CHECK")) {
      OSC_ASSIGN_OR_RETURN(constraint_name, c.Identifier("a constraint name"));
    }
  }
  if (c.Accept("PRIMARY", "KEY")) {
    clause.kind = ClauseKind::kAddPrimaryKey;
    clause.name = constraint_name;
  } else if (c.Accept("FOREIGN", "KEY")) {
    clause.kind = ClauseKind::kAddForeignKey;
    clause.if_not_exists = clause.if_not_exists || AcceptIfNotExists(c);
    clause.name = AcceptOptionalIndexName(c);
    if (!constraint_name.empty()) clause.name = constraint_name;
    const TokenSpan rest = c.Rest();
    if (std::none_of(rest.begin(), rest.end(),
                     [](const Token& t) { return t.IsWord("REFERENCES"); })) {
      return Status::InvalidArgument("FOREIGN KEY needs REFERENCES in '" + c.ClauseText() + "'");
    }
  } else if (c.Accept("CHECK")) {
    clause.kind = ClauseKind::kAddCheck;
    clause.name = constraint_name;
  } else {
    OSC_RETURN_IF_ERROR(ParseIndexHead(c, constraint_name, &clause));
  }
  if (!HasParenthesis(c)) {
    return Status::InvalidArgument("expected a parenthesised column list or expression in '" +
                                   c.ClauseText() + "'");
  }
  out->push_back(std::move(clause));
  return Status::Ok();
}

Result<bool> ParseTableOptions(TokenSpan clause, Clauses* out) {
  Cursor probe{clause};
  AlterClause ignored;
  if (!ReadTableOptionName(probe, &ignored)) return false;
  Cursor c{clause};
  while (!c.AtEnd()) OSC_RETURN_IF_ERROR(ParseOneTableOption(c, out));
  return true;
}

Status RefuseUnsupported(TokenSpan clause) {
  const Cursor c{clause};
  const std::string text = JoinTokens(clause);
  if (c.Peek("ALGORITHM") || c.Peek("LOCK")) {
    return Status::InvalidArgument(
        "'" + text +
        "' is not accepted: osc applies the change to a shadow table and copies the rows "
        "itself, so it chooses the algorithm and the locking; remove ALGORITHM= and LOCK=");
  }
  if (c.Peek("RENAME") && !c.Peek("COLUMN", 1) && !c.Peek("INDEX", 1) && !c.Peek("KEY", 1)) {
    return Status::InvalidArgument(
        "'" + text +
        "' renames the table, which osc cannot do during a migration (it swaps table "
        "names itself at cut-over); run RENAME TABLE after the migration instead");
  }
  if (IsPartitionClause(c)) {
    return Status::NotSupported(
        "'" + text +
        "': partitioning changes are not supported by osc; run them with native ALTER TABLE "
        "(most partition maintenance does not copy the whole table)");
  }
  const bool versioning =
      (c.Peek("ADD") || c.Peek("DROP")) && ((c.Peek("SYSTEM", 1) && c.Peek("VERSIONING", 2)) ||
                                            (c.Peek("PERIOD", 1) && c.Peek("FOR", 2)));
  if (versioning) {
    return Status::NotSupported("'" + text +
                                "': system versioning and PERIOD changes are not supported by osc");
  }
  if ((c.Peek("ENABLE") || c.Peek("DISABLE")) && c.Peek("KEYS", 1)) {
    return Status::NotSupported("'" + text +
                                "' is not supported by osc: it only affects non-InnoDB engines");
  }
  if ((c.Peek("DISCARD") || c.Peek("IMPORT")) && c.Peek("TABLESPACE", 1)) {
    return Status::NotSupported(
        "'" + text +
        "' is not supported by osc: tablespace files cannot be moved through "
        "a shadow table");
  }
  if (c.Peek("SECONDARY_LOAD") || c.Peek("SECONDARY_UNLOAD")) {
    return Status::NotSupported("'" + text + "' is not supported by osc");
  }
  return Status::Ok();
}

}  // namespace internal

std::string_view ToString(ClauseKind kind) {
  switch (kind) {
    case ClauseKind::kAddColumn:
      return "ADD COLUMN";
    case ClauseKind::kDropColumn:
      return "DROP COLUMN";
    case ClauseKind::kChangeColumn:
      return "CHANGE COLUMN";
    case ClauseKind::kModifyColumn:
      return "MODIFY COLUMN";
    case ClauseKind::kRenameColumn:
      return "RENAME COLUMN";
    case ClauseKind::kSetColumnDefault:
      return "ALTER COLUMN SET DEFAULT";
    case ClauseKind::kDropColumnDefault:
      return "ALTER COLUMN DROP DEFAULT";
    case ClauseKind::kSetColumnVisibility:
      return "ALTER COLUMN SET VISIBLE/INVISIBLE";
    case ClauseKind::kAddIndex:
      return "ADD INDEX";
    case ClauseKind::kAddPrimaryKey:
      return "ADD PRIMARY KEY";
    case ClauseKind::kAddForeignKey:
      return "ADD FOREIGN KEY";
    case ClauseKind::kAddCheck:
      return "ADD CHECK";
    case ClauseKind::kDropIndex:
      return "DROP INDEX";
    case ClauseKind::kDropPrimaryKey:
      return "DROP PRIMARY KEY";
    case ClauseKind::kDropForeignKey:
      return "DROP FOREIGN KEY";
    case ClauseKind::kDropCheck:
      return "DROP CHECK";
    case ClauseKind::kDropConstraint:
      return "DROP CONSTRAINT";
    case ClauseKind::kRenameIndex:
      return "RENAME INDEX";
    case ClauseKind::kAlterIndexVisibility:
      return "ALTER INDEX";
    case ClauseKind::kAlterConstraintEnforcement:
      return "ALTER CONSTRAINT";
    case ClauseKind::kConvertCharset:
      return "CONVERT TO CHARACTER SET";
    case ClauseKind::kTableCharset:
      return "DEFAULT CHARACTER SET/COLLATE";
    case ClauseKind::kEngine:
      return "ENGINE";
    case ClauseKind::kTableComment:
      return "COMMENT";
    case ClauseKind::kRowFormat:
      return "ROW_FORMAT";
    case ClauseKind::kKeyBlockSize:
      return "KEY_BLOCK_SIZE";
    case ClauseKind::kAutoIncrement:
      return "AUTO_INCREMENT";
    case ClauseKind::kTableOption:
      return "table option";
    case ClauseKind::kForce:
      return "FORCE";
    case ClauseKind::kOrderBy:
      return "ORDER BY";
  }
  return "unknown";
}

}  // namespace osc::alter
