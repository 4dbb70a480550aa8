// ParseColumnDefinition: the column attributes that follow the data type.
#include <optional>
#include <string>

#include "osc/alter/charset.h"
#include "osc/alter/column_def.h"
#include "osc/alter/parse_util_internal.h"

namespace osc::alter {
namespace {

using internal::PunctAt;
using internal::WordAt;

std::string Near(TokenSpan t, size_t pos) {
  return internal::Near(t, pos, "at the end of the column definition");
}

// Skips one expression primary: a token, plus the argument list if it is a
// function call. Returns the index after it.
Result<size_t> SkipPrimary(TokenSpan t, size_t pos) {
  if (pos >= t.size()) return Status::InvalidArgument("expected a value " + Near(t, pos));
  if (t[pos].IsPunct("(")) return SkipParenGroup(t, pos);
  if (PunctAt(t, pos + 1, "(") && t[pos].kind == TokenKind::kWord)
    return SkipParenGroup(t, pos + 1);
  return pos + 1;
}

bool IsTimeFunction(const Token& tok) {
  return tok.IsWord("CURRENT_TIMESTAMP") || tok.IsWord("NOW") || tok.IsWord("LOCALTIME") ||
         tok.IsWord("LOCALTIMESTAMP");
}

// DEFAULT <value>: classifies the value as a literal, a time function
// (same value for every row of one statement) or an expression.
Result<size_t> ParseDefault(TokenSpan t, size_t pos, ColumnDefinition* def) {
  ++pos;  // DEFAULT
  if (pos >= t.size()) return Status::InvalidArgument("DEFAULT needs a value " + Near(t, pos));
  const Token& v = t[pos];
  const bool signed_number = (v.IsPunct("-") || v.IsPunct("+")) && pos + 1 < t.size() &&
                             t[pos + 1].kind == TokenKind::kNumber;
  const bool introducer = v.kind == TokenKind::kWord && !v.text.empty() && v.text[0] == '_' &&
                          pos + 1 < t.size() && t[pos + 1].kind == TokenKind::kString;
  const bool typed_literal = (v.IsWord("DATE") || v.IsWord("TIME") || v.IsWord("TIMESTAMP")) &&
                             pos + 1 < t.size() && t[pos + 1].kind == TokenKind::kString;
  if (signed_number || introducer || typed_literal) {
    def->default_kind = DefaultKind::kConstant;
    return pos + 2;
  }
  if (v.kind == TokenKind::kNumber || v.kind == TokenKind::kString || v.IsWord("NULL") ||
      v.IsWord("TRUE") || v.IsWord("FALSE")) {
    def->default_kind = DefaultKind::kConstant;
    return pos + 1;
  }
  def->default_kind = IsTimeFunction(v) ? DefaultKind::kTimeFunction : DefaultKind::kExpression;
  return SkipPrimary(t, pos);
}

// [GENERATED ALWAYS] AS (expr) [VIRTUAL | STORED | PERSISTENT], or
// MariaDB's GENERATED ALWAYS AS ROW START/END (system versioning).
Result<size_t> ParseGenerated(TokenSpan t, size_t pos, ColumnDefinition* def) {
  if (WordAt(t, pos, "GENERATED")) pos += 2;  // GENERATED ALWAYS
  if (!WordAt(t, pos, "AS")) return Status::InvalidArgument("expected AS " + Near(t, pos));
  ++pos;
  if (WordAt(t, pos, "ROW")) {
    def->other_attributes.push_back("AS ROW");
    return pos + 2;
  }
  if (!PunctAt(t, pos, "("))
    return Status::InvalidArgument("expected (expression) after AS " + Near(t, pos));
  OSC_ASSIGN_OR_RETURN(pos, SkipParenGroup(t, pos));
  def->generated = Generated::kVirtual;
  if (WordAt(t, pos, "STORED") || WordAt(t, pos, "PERSISTENT")) {
    def->generated = Generated::kStored;
    ++pos;
  } else if (WordAt(t, pos, "VIRTUAL")) {
    ++pos;
  }
  return pos;
}

// REFERENCES tbl [(cols)] [MATCH x] [ON {DELETE|UPDATE} action]...
Result<size_t> ParseReferences(TokenSpan t, size_t pos) {
  ++pos;  // REFERENCES
  while (pos < t.size() && (t[pos].IsIdentifier() || t[pos].IsPunct("."))) ++pos;
  if (PunctAt(t, pos, "(")) {
    OSC_ASSIGN_OR_RETURN(pos, SkipParenGroup(t, pos));
  }
  while (pos < t.size()) {
    if (WordAt(t, pos, "MATCH")) {
      pos += 2;
    } else if (WordAt(t, pos, "ON") &&
               (WordAt(t, pos + 1, "DELETE") || WordAt(t, pos + 1, "UPDATE"))) {
      pos += 2;
      const bool two_words = WordAt(t, pos, "SET") || WordAt(t, pos, "NO");
      pos += two_words ? 2 : 1;
    } else {
      break;
    }
  }
  return pos;
}

// [CONSTRAINT [name]] CHECK (expr) [[NOT] ENFORCED]
Result<size_t> ParseCheck(TokenSpan t, size_t pos) {
  if (WordAt(t, pos, "CONSTRAINT")) {
    ++pos;
    if (!WordAt(t, pos, "CHECK")) ++pos;  // the constraint name
  }
  if (!WordAt(t, pos, "CHECK") || !PunctAt(t, pos + 1, "(")) {
    return Status::InvalidArgument("expected CHECK (expression) " + Near(t, pos));
  }
  OSC_ASSIGN_OR_RETURN(pos, SkipParenGroup(t, pos + 1));
  if (WordAt(t, pos, "NOT") && WordAt(t, pos + 1, "ENFORCED")) return pos + 2;
  if (WordAt(t, pos, "ENFORCED")) return pos + 1;
  return pos;
}

// Attributes that are metadata osc does not compare; each takes a value.
Result<size_t> ParseOtherAttribute(TokenSpan t, size_t pos, ColumnDefinition* def) {
  def->other_attributes.push_back(ToUpperAscii(t[pos].text));
  if (WordAt(t, pos, "WITH") || WordAt(t, pos, "WITHOUT")) return pos + 3;  // SYSTEM VERSIONING
  if (WordAt(t, pos, "SERIAL")) return pos + 3;                             // DEFAULT VALUE
  const bool takes_value = WordAt(t, pos, "COLUMN_FORMAT") || WordAt(t, pos, "STORAGE") ||
                           WordAt(t, pos, "SRID") || WordAt(t, pos, "REF_SYSTEM_ID") ||
                           WordAt(t, pos, "ENGINE_ATTRIBUTE") ||
                           WordAt(t, pos, "SECONDARY_ENGINE_ATTRIBUTE");
  ++pos;
  if (PunctAt(t, pos, "=")) return pos + 2;  // NAME = value (COMPRESSED=zlib too)
  if (takes_value) return pos + 1;
  if (PunctAt(t, pos, "(")) return SkipParenGroup(t, pos);
  return pos;
}

// The attributes that are one or two keywords (and COMMENT 'x'); nullopt
// if t[pos] is none of them.
std::optional<size_t> ParseKeywordAttribute(TokenSpan t, size_t pos, ColumnDefinition* def) {
  if (WordAt(t, pos, "NOT") && WordAt(t, pos + 1, "NULL")) {
    def->nullable = false;
    return pos + 2;
  }
  if (WordAt(t, pos, "NULL")) {
    def->nullable = true;
    return pos + 1;
  }
  if (WordAt(t, pos, "AUTO_INCREMENT")) {
    def->auto_increment = true;
    return pos + 1;
  }
  if (WordAt(t, pos, "UNIQUE")) {
    def->unique_key = true;
    return WordAt(t, pos + 1, "KEY") ? pos + 2 : pos + 1;
  }
  if (WordAt(t, pos, "PRIMARY") || WordAt(t, pos, "KEY")) {
    def->primary_key = true;
    return WordAt(t, pos, "PRIMARY") && WordAt(t, pos + 1, "KEY") ? pos + 2 : pos + 1;
  }
  if (WordAt(t, pos, "COMMENT")) {
    def->has_comment = true;
    return pos + 2;
  }
  if (WordAt(t, pos, "VISIBLE") || WordAt(t, pos, "INVISIBLE")) {
    def->invisible = WordAt(t, pos, "INVISIBLE");
    return pos + 1;
  }
  return std::nullopt;
}

// One attribute at t[pos]; returns the index after it.
Result<size_t> ParseAttribute(TokenSpan t, size_t pos, ColumnDefinition* def) {
  if (const std::optional<size_t> next = ParseKeywordAttribute(t, pos, def)) return *next;
  if (WordAt(t, pos, "DEFAULT")) return ParseDefault(t, pos, def);
  if (WordAt(t, pos, "ON") && WordAt(t, pos + 1, "UPDATE")) {
    def->on_update = true;
    return SkipPrimary(t, pos + 2);
  }
  if (WordAt(t, pos, "GENERATED") || WordAt(t, pos, "AS")) return ParseGenerated(t, pos, def);
  if (WordAt(t, pos, "CHECK") || WordAt(t, pos, "CONSTRAINT")) {
    def->has_check = true;
    return ParseCheck(t, pos);
  }
  if (WordAt(t, pos, "REFERENCES")) {
    def->has_references = true;
    return ParseReferences(t, pos);
  }
  if (WordAt(t, pos, "FIRST") || WordAt(t, pos, "AFTER")) {
    return Status::InvalidArgument("FIRST or AFTER <column> must end the column definition " +
                                   Near(t, pos));
  }
  return ParseOtherAttribute(t, pos, def);
}

}  // namespace

Result<ColumnDefinition> ParseColumnDefinition(TokenSpan t) {
  ColumnDefinition def;
  size_t pos = 0;
  OSC_ASSIGN_OR_RETURN(def.type, ParseDataType(t, &pos));
  while (pos < t.size()) {
    // COLLATE and CHARACTER SET may also follow other attributes.
    const size_t before = pos;
    DataType* type = &def.type;
    if (WordAt(t, pos, "COLLATE") && pos + 1 < t.size()) {
      type->collation = NormalizeCollationName(t[pos + 1].value);
      pos += 2;
    } else if ((WordAt(t, pos, "CHARACTER") && WordAt(t, pos + 1, "SET")) ||
               WordAt(t, pos, "CHARSET")) {
      pos += WordAt(t, pos, "CHARSET") ? 1u : 2u;
      if (pos >= t.size())
        return Status::InvalidArgument("expected a character set name " + Near(t, pos));
      type->charset = NormalizeCharsetName(t[pos].value);
      ++pos;
    } else {
      OSC_ASSIGN_OR_RETURN(pos, ParseAttribute(t, pos, &def));
    }
    if (pos <= before || pos > t.size()) {
      return Status::InvalidArgument("cannot parse the column definition " + Near(t, before));
    }
  }
  return def;
}

}  // namespace osc::alter
