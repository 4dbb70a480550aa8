// Pieces of ParseAlter shared between alter_parser.cc (columns, dispatch)
// and alter_parser_table.cc (indexes, table options, refusals). Internal to
// osc/alter/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "osc/alter/alter_parser.h"
#include "osc/alter/parse_util_internal.h"
#include "osc/alter/sql_lexer.h"

namespace osc::alter::internal {

// A read position in one clause's tokens.
struct Cursor {
  TokenSpan t;
  size_t pos = 0;

  bool AtEnd() const { return pos >= t.size(); }
  bool Peek(std::string_view keyword, size_t ahead = 0) const {
    return WordAt(t, pos + ahead, keyword);
  }
  bool PeekPunct(std::string_view op, size_t ahead = 0) const {
    return PunctAt(t, pos + ahead, op);
  }
  bool Accept(std::string_view keyword) {
    if (!Peek(keyword)) return false;
    ++pos;
    return true;
  }
  bool Accept(std::string_view first, std::string_view second) {
    if (!Peek(first) || !Peek(second, 1)) return false;
    pos += 2;
    return true;
  }
  // Consumes an identifier (quoted or not) and returns its unquoted value.
  Result<std::string> Identifier(std::string_view what) {
    if (AtEnd() || !t[pos].IsIdentifier()) {
      return Status::InvalidArgument("expected " + std::string(what) + " " + Near(t, pos) +
                                     " in '" + JoinTokens(t) + "'");
    }
    return t[pos++].value;
  }
  TokenSpan Rest() const { return pos < t.size() ? t.subspan(pos) : TokenSpan(); }
  std::string RestText() const { return JoinTokens(Rest()); }
  std::string ClauseText() const { return JoinTokens(t); }
  // InvalidArgument unless every token was consumed.
  Status ExpectEnd() const {
    if (AtEnd()) return Status::Ok();
    return Status::InvalidArgument("unexpected '" + RestText() + "' at the end of '" +
                                   ClauseText() + "'");
  }
};

using Clauses = std::vector<AlterClause>;

// True if the tokens at the cursor start an index or constraint definition
// (INDEX, KEY, UNIQUE, PRIMARY, FULLTEXT, SPATIAL, CONSTRAINT, FOREIGN,
// CHECK), as opposed to a column definition.
bool StartsIndexDefinition(const Cursor& c);

// ADD <index or constraint definition>; the cursor is just after ADD.
Status ParseAddIndex(Cursor c, Clauses* out);

// One or more space-separated table options (ENGINE=x COMMENT='y').
// Returns false without consuming anything if the clause does not start
// with a table option.
Result<bool> ParseTableOptions(TokenSpan clause, Clauses* out);

// A refusal (InvalidArgument or NotSupported) if the clause is one osc
// never runs (ALGORITHM, LOCK, RENAME TO, partitioning, ...); OK otherwise.
Status RefuseUnsupported(TokenSpan clause);

}  // namespace osc::alter::internal
