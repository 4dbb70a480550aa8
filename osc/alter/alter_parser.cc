// ParseAlter: splitting into clauses, dispatch, and the column clauses.
// Index, table-option and refusal parsing live in alter_parser_table.cc.
#include "osc/alter/alter_parser.h"

#include <utility>

#include "osc/alter/alter_parser_internal.h"

namespace osc::alter {
namespace {

using internal::Clauses;
using internal::Cursor;

// Splits at commas outside parentheses. Errors on unbalanced parentheses.
Result<std::vector<TokenSpan>> SplitTopLevel(TokenSpan t) {
  std::vector<TokenSpan> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].IsPunct("(")) ++depth;
    if (t[i].IsPunct(")") && --depth < 0) {
      return Status::InvalidArgument("unbalanced ')' " + internal::Near(t, i));
    }
    if (t[i].IsPunct(",") && depth == 0) {
      parts.push_back(t.subspan(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return Status::InvalidArgument("unbalanced '(' in '" + JoinTokens(t) + "'");
  parts.push_back(t.subspan(start));
  return parts;
}

bool AcceptIfExists(Cursor& c) {
  if (!c.Peek("IF") || !c.Peek("EXISTS", 1)) return false;
  c.pos += 2;
  return true;
}

bool AcceptIfNotExists(Cursor& c) {
  if (!c.Peek("IF") || !c.Peek("NOT", 1) || !c.Peek("EXISTS", 2)) return false;
  c.pos += 3;
  return true;
}

// Takes a trailing FIRST or AFTER <column> off a column definition.
ColumnPosition StripPosition(TokenSpan* def) {
  ColumnPosition position;
  const size_t n = def->size();
  if (n >= 1 && (*def)[n - 1].IsWord("FIRST")) {
    position.kind = ColumnPosition::Kind::kFirst;
    *def = def->first(n - 1);
  } else if (n >= 2 && (*def)[n - 2].IsWord("AFTER") && (*def)[n - 1].IsIdentifier()) {
    position.kind = ColumnPosition::Kind::kAfter;
    position.after = (*def)[n - 1].value;
    *def = def->first(n - 2);
  }
  return position;
}

// Fills definition and position from the tokens after the column name(s).
Status ReadDefinition(TokenSpan def, bool allow_position, AlterClause* clause) {
  clause->position = StripPosition(&def);
  if (!allow_position && clause->position.kind != ColumnPosition::Kind::kNone) {
    return Status::InvalidArgument("FIRST/AFTER is not allowed inside ADD (...): in '" +
                                   clause->text + "'");
  }
  Result<ColumnDefinition> parsed = ParseColumnDefinition(def);
  if (!parsed.ok()) return parsed.status().WithContext("in '" + clause->text + "'");
  clause->definition = std::move(parsed).value();
  return Status::Ok();
}

// <name> <definition> [FIRST | AFTER col], for ADD [COLUMN].
Status ParseAddColumnBody(TokenSpan body, bool if_not_exists, bool allow_position, Clauses* out) {
  AlterClause clause;
  clause.kind = ClauseKind::kAddColumn;
  clause.if_not_exists = if_not_exists;
  clause.text =
      std::string("ADD COLUMN ") + (if_not_exists ? "IF NOT EXISTS " : "") + JoinTokens(body);
  Cursor b{body};
  OSC_ASSIGN_OR_RETURN(clause.column, b.Identifier("a column name"));
  OSC_RETURN_IF_ERROR(ReadDefinition(b.Rest(), allow_position, &clause));
  out->push_back(std::move(clause));
  return Status::Ok();
}

// ADD [COLUMN] [IF NOT EXISTS] (col def, ...): one clause per element.
Status ParseAddList(Cursor c, bool if_not_exists, Clauses* out) {
  OSC_ASSIGN_OR_RETURN(const size_t end, SkipParenGroup(c.t, c.pos));
  if (end != c.t.size()) {
    return Status::InvalidArgument("unexpected text after ADD (...) in '" + c.ClauseText() + "'");
  }
  OSC_ASSIGN_OR_RETURN(const std::vector<TokenSpan> items,
                       SplitTopLevel(c.t.subspan(c.pos + 1, end - c.pos - 2)));
  for (TokenSpan item : items) {
    if (item.empty()) return Status::InvalidArgument("empty element in '" + c.ClauseText() + "'");
    Cursor ic{item};
    if (internal::StartsIndexDefinition(ic)) {
      OSC_RETURN_IF_ERROR(internal::ParseAddIndex(ic, out));
    } else {
      OSC_RETURN_IF_ERROR(ParseAddColumnBody(item, if_not_exists, /*allow_position=*/false, out));
    }
  }
  return Status::Ok();
}

Status ParseAdd(Cursor c, Clauses* out) {
  const bool column_keyword = c.Accept("COLUMN");
  if (!column_keyword && internal::StartsIndexDefinition(c)) return internal::ParseAddIndex(c, out);
  const bool if_not_exists = AcceptIfNotExists(c);
  if (c.PeekPunct("(")) return ParseAddList(c, if_not_exists, out);
  return ParseAddColumnBody(c.Rest(), if_not_exists, /*allow_position=*/true, out);
}

// DROP INDEX/KEY/FOREIGN KEY/CHECK/CONSTRAINT <name>: `canonical` is the
// keyword(s) to render.
Status ParseDropNamed(Cursor c, ClauseKind kind, std::string_view canonical, Clauses* out) {
  AlterClause clause;
  clause.kind = kind;
  clause.if_exists = AcceptIfExists(c);
  const size_t name_pos = c.pos;
  OSC_ASSIGN_OR_RETURN(clause.name, c.Identifier("a name"));
  OSC_RETURN_IF_ERROR(c.ExpectEnd());
  clause.text = "DROP " + std::string(canonical) + (clause.if_exists ? " IF EXISTS " : " ") +
                JoinTokens(c.t.subspan(name_pos));
  out->push_back(std::move(clause));
  return Status::Ok();
}

Status ParseDrop(Cursor c, Clauses* out) {
  if (c.Accept("PRIMARY", "KEY")) {
    OSC_RETURN_IF_ERROR(c.ExpectEnd());
    AlterClause clause;
    clause.kind = ClauseKind::kDropPrimaryKey;
    clause.text = "DROP PRIMARY KEY";
    out->push_back(std::move(clause));
    return Status::Ok();
  }
  if (c.Accept("INDEX") || c.Accept("KEY"))
    return ParseDropNamed(c, ClauseKind::kDropIndex, "INDEX", out);
  if (c.Accept("FOREIGN", "KEY"))
    return ParseDropNamed(c, ClauseKind::kDropForeignKey, "FOREIGN KEY", out);
  if (c.Accept("CHECK")) return ParseDropNamed(c, ClauseKind::kDropCheck, "CHECK", out);
  if (c.Accept("CONSTRAINT"))
    return ParseDropNamed(c, ClauseKind::kDropConstraint, "CONSTRAINT", out);
  c.Accept("COLUMN");
  AlterClause clause;
  clause.kind = ClauseKind::kDropColumn;
  clause.if_exists = AcceptIfExists(c);
  const size_t name_pos = c.pos;
  OSC_ASSIGN_OR_RETURN(clause.column, c.Identifier("a column name"));
  if (!c.Accept("RESTRICT")) c.Accept("CASCADE");  // accepted and ignored by the server
  OSC_RETURN_IF_ERROR(c.ExpectEnd());
  clause.text = std::string("DROP COLUMN ") + (clause.if_exists ? "IF EXISTS " : "") +
                JoinTokens(c.t.subspan(name_pos));
  out->push_back(std::move(clause));
  return Status::Ok();
}

// CHANGE [COLUMN] [IF EXISTS] old new def [pos] and
// MODIFY [COLUMN] [IF EXISTS] name def [pos].
Status ParseChangeOrModify(Cursor c, ClauseKind kind, Clauses* out) {
  AlterClause clause;
  clause.kind = kind;
  c.Accept("COLUMN");
  clause.if_exists = AcceptIfExists(c);
  const size_t start = c.pos;
  const bool change = kind == ClauseKind::kChangeColumn;
  clause.text = std::string(change ? "CHANGE COLUMN " : "MODIFY COLUMN ") +
                (clause.if_exists ? "IF EXISTS " : "") + JoinTokens(c.t.subspan(start));
  OSC_ASSIGN_OR_RETURN(clause.column, c.Identifier("a column name"));
  if (change) {
    OSC_ASSIGN_OR_RETURN(clause.new_column, c.Identifier("the new column name"));
  }
  OSC_RETURN_IF_ERROR(ReadDefinition(c.Rest(), /*allow_position=*/true, &clause));
  out->push_back(std::move(clause));
  return Status::Ok();
}

// RENAME COLUMN a TO b, RENAME {INDEX|KEY} a TO b. RENAME [TO] table was
// refused before we get here.
Status ParseRename(Cursor c, Clauses* out) {
  AlterClause clause;
  const bool column = c.Accept("COLUMN");
  if (!column && !c.Accept("INDEX") && !c.Accept("KEY")) {
    return Status::InvalidArgument("expected RENAME COLUMN or RENAME INDEX in '" + c.ClauseText() +
                                   "'");
  }
  clause.kind = column ? ClauseKind::kRenameColumn : ClauseKind::kRenameIndex;
  if (column) clause.if_exists = AcceptIfExists(c);
  const size_t start = c.pos;
  OSC_ASSIGN_OR_RETURN(std::string old_name, c.Identifier("the current name"));
  if (!c.Accept("TO")) return Status::InvalidArgument("expected TO in '" + c.ClauseText() + "'");
  OSC_ASSIGN_OR_RETURN(std::string new_name, c.Identifier("the new name"));
  OSC_RETURN_IF_ERROR(c.ExpectEnd());
  if (column) {
    clause.column = std::move(old_name);
    clause.new_column = std::move(new_name);
  } else {
    clause.name = std::move(old_name);
    clause.new_name = std::move(new_name);
  }
  clause.text = std::string(column ? "RENAME COLUMN " : "RENAME INDEX ") +
                (clause.if_exists ? "IF EXISTS " : "") + JoinTokens(c.t.subspan(start));
  out->push_back(std::move(clause));
  return Status::Ok();
}

// ALTER [COLUMN] c {SET DEFAULT v | DROP DEFAULT | SET [IN]VISIBLE}.
Status ParseAlterColumn(Cursor c, Clauses* out) {
  c.Accept("COLUMN");
  AlterClause clause;
  const size_t start = c.pos;
  OSC_ASSIGN_OR_RETURN(clause.column, c.Identifier("a column name"));
  if (c.Accept("SET", "DEFAULT")) {
    if (c.AtEnd())
      return Status::InvalidArgument("SET DEFAULT needs a value in '" + c.ClauseText() + "'");
    clause.kind = ClauseKind::kSetColumnDefault;
    c.pos = c.t.size();
  } else if (c.Accept("DROP", "DEFAULT")) {
    clause.kind = ClauseKind::kDropColumnDefault;
  } else if (c.Accept("SET", "VISIBLE") || c.Accept("SET", "INVISIBLE")) {
    clause.kind = ClauseKind::kSetColumnVisibility;
    clause.value = ToUpperAscii(c.t[c.pos - 1].text);
  } else {
    return Status::InvalidArgument(
        "expected SET DEFAULT, DROP DEFAULT, SET VISIBLE or SET INVISIBLE in '" + c.ClauseText() +
        "'");
  }
  OSC_RETURN_IF_ERROR(c.ExpectEnd());
  clause.text = "ALTER COLUMN " + JoinTokens(c.t.subspan(start));
  out->push_back(std::move(clause));
  return Status::Ok();
}

// ALTER {INDEX|KEY} i {VISIBLE|INVISIBLE|IGNORED|NOT IGNORED} and
// ALTER {CHECK|CONSTRAINT} c [NOT] ENFORCED.
Status ParseAlterSubclause(Cursor c, Clauses* out) {
  const bool index = c.Peek("INDEX") || c.Peek("KEY");
  const bool constraint = c.Peek("CHECK") || c.Peek("CONSTRAINT");
  if (!index && !constraint) return ParseAlterColumn(c, out);
  AlterClause clause;
  clause.kind = index ? ClauseKind::kAlterIndexVisibility : ClauseKind::kAlterConstraintEnforcement;
  const std::string keyword = index ? "INDEX" : ToUpperAscii(c.t[c.pos].text);
  ++c.pos;
  const size_t start = c.pos;
  OSC_ASSIGN_OR_RETURN(clause.name, c.Identifier("a name"));
  clause.value = ToUpperAscii(c.RestText());
  const bool valid = index ? (clause.value == "VISIBLE" || clause.value == "INVISIBLE" ||
                              clause.value == "IGNORED" || clause.value == "NOT IGNORED")
                           : (clause.value == "ENFORCED" || clause.value == "NOT ENFORCED");
  if (!valid) return Status::InvalidArgument("cannot parse '" + c.ClauseText() + "'");
  clause.text = "ALTER " + keyword + " " + JoinTokens(c.t.subspan(start));
  out->push_back(std::move(clause));
  return Status::Ok();
}

// CONVERT TO {CHARACTER SET | CHARSET} x [COLLATE y]
Status ParseConvert(Cursor c, Clauses* out) {
  if (!c.Accept("TO") ||
      !(c.Accept("CHARSET") || c.Accept("CHARACTER", "SET") || c.Accept("CHAR", "SET"))) {
    return Status::InvalidArgument("expected CONVERT TO CHARACTER SET in '" + c.ClauseText() + "'");
  }
  AlterClause clause;
  clause.kind = ClauseKind::kConvertCharset;
  clause.text = "CONVERT TO CHARACTER SET " + c.RestText();
  OSC_ASSIGN_OR_RETURN(clause.value, c.Identifier("a character set"));
  if (c.Accept("COLLATE")) OSC_RETURN_IF_ERROR(c.Identifier("a collation").status());
  OSC_RETURN_IF_ERROR(c.ExpectEnd());
  out->push_back(std::move(clause));
  return Status::Ok();
}

Status ParseClause(TokenSpan t, Clauses* out) {
  OSC_RETURN_IF_ERROR(internal::RefuseUnsupported(t));
  Cursor c{t};
  if (c.Accept("ADD")) return ParseAdd(c, out);
  if (c.Accept("DROP")) return ParseDrop(c, out);
  if (c.Accept("CHANGE")) return ParseChangeOrModify(c, ClauseKind::kChangeColumn, out);
  if (c.Accept("MODIFY")) return ParseChangeOrModify(c, ClauseKind::kModifyColumn, out);
  if (c.Accept("RENAME")) return ParseRename(c, out);
  if (c.Accept("ALTER")) return ParseAlterSubclause(c, out);
  if (c.Accept("CONVERT")) return ParseConvert(c, out);
  if (c.Accept("FORCE") || c.Accept("ORDER", "BY")) {
    AlterClause clause;
    clause.kind = t[0].IsWord("FORCE") ? ClauseKind::kForce : ClauseKind::kOrderBy;
    if (clause.kind == ClauseKind::kForce) OSC_RETURN_IF_ERROR(c.ExpectEnd());
    if (clause.kind == ClauseKind::kOrderBy && c.AtEnd()) {
      return Status::InvalidArgument("ORDER BY needs a column list");
    }
    clause.text = clause.kind == ClauseKind::kForce ? "FORCE" : "ORDER BY " + c.RestText();
    out->push_back(std::move(clause));
    return Status::Ok();
  }
  OSC_ASSIGN_OR_RETURN(const bool was_options, internal::ParseTableOptions(t, out));
  if (was_options) return Status::Ok();
  return Status::NotSupported("osc does not recognise the ALTER clause '" + JoinTokens(t) +
                              "'; check its syntax, or run it with native ALTER TABLE");
}

}  // namespace

std::string AlterPlan::ShadowAlterText() const {
  std::string out;
  for (const AlterClause& clause : clauses) {
    if (!out.empty()) out += ", ";
    out += clause.text;
  }
  return out;
}

Result<AlterPlan> ParseAlter(std::string_view alter, const SqlMode& mode) {
  OSC_ASSIGN_OR_RETURN(const std::vector<Token> tokens, Tokenize(alter, mode));
  TokenSpan all(tokens);
  if (!all.empty() && all.back().IsPunct(";")) all = all.first(all.size() - 1);
  for (const Token& tok : all) {
    if (tok.IsPunct(";")) {
      return Status::InvalidArgument(
          "the ALTER text must be one clause list, but it contains ';' at offset " +
          std::to_string(tok.offset));
    }
  }
  if (all.empty()) {
    return Status::InvalidArgument(
        "the ALTER text is empty; pass clauses such as \"ADD COLUMN c INT\"");
  }
  if (all[0].IsWord("ALTER") && all.size() > 1 && all[1].IsWord("TABLE")) {
    return Status::InvalidArgument(
        "pass only the clauses that follow 'ALTER TABLE <name>', e.g. \"ADD COLUMN c INT\", not "
        "the whole statement");
  }
  OSC_ASSIGN_OR_RETURN(const std::vector<TokenSpan> parts, SplitTopLevel(all));
  AlterPlan plan;
  for (TokenSpan part : parts) {
    if (part.empty()) {
      return Status::InvalidArgument("empty clause (a leading, trailing or doubled comma) in '" +
                                     JoinTokens(all) + "'");
    }
    if (part[0].IsWord("ORDER")) {
      // The server's grammar lets ORDER BY take every following comma-
      // separated item as a sort column, so it is always the last clause.
      const size_t start = static_cast<size_t>(part.data() - all.data());
      OSC_RETURN_IF_ERROR(ParseClause(all.subspan(start), &plan.clauses));
      break;
    }
    OSC_RETURN_IF_ERROR(ParseClause(part, &plan.clauses));
  }
  return plan;
}

}  // namespace osc::alter
