#include "osc/apply/ddl.h"

#include <string>
#include <vector>

#include "osc/alter/sql_lexer.h"

namespace osc::apply {
namespace {

using alter::Token;
using alter::TokenKind;

// A token that may be a name: a word, a `quoted` identifier, or a
// "double-quoted" string (an identifier under ANSI_QUOTES).
bool MayBeName(const Token& t) {
  return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdentifier ||
         (t.kind == TokenKind::kString && !t.text.empty() && t.text.front() == '"');
}

bool IsDot(const std::vector<Token>& tokens, size_t i) { return i < tokens.size() && tokens[i].IsPunct("."); }

// Does the name starting at token i (db.t or t) name schema.table? Sets
// *next to the token after the name.
bool NamesTable(const std::vector<Token>& tokens, size_t i, std::string_view default_db, std::string_view schema,
                std::string_view table, size_t* next) {
  *next = i + 1;
  if (!MayBeName(tokens[i])) return false;
  if (IsDot(tokens, i + 1) && i + 2 < tokens.size() && MayBeName(tokens[i + 2])) {
    *next = i + 3;
    return tokens[i].value == schema && tokens[i + 2].value == table;
  }
  if (i > 0 && tokens[i - 1].IsPunct(".")) return false;  // column of a.b.c etc.
  return default_db == schema && tokens[i].value == table;
}

bool MentionsTable(const std::vector<Token>& tokens, size_t from, std::string_view default_db,
                   std::string_view schema, std::string_view table) {
  size_t i = from;
  while (i < tokens.size()) {
    size_t next = i + 1;
    if (NamesTable(tokens, i, default_db, schema, table, &next)) return true;
    i = next;
  }
  return false;
}

bool IsWordAt(const std::vector<Token>& tokens, size_t i, std::string_view word) {
  return i < tokens.size() && tokens[i].IsWord(word);
}

// CREATE ...: decides per object kind (see ddl.h).
bool CreateChangesTable(const std::vector<Token>& tokens, std::string_view default_db, std::string_view schema,
                        std::string_view table) {
  for (size_t i = 1; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.IsWord("TABLE")) {
      size_t name = i + 1;
      if (IsWordAt(tokens, name, "IF")) name += 3;  // IF NOT EXISTS
      size_t next = 0;
      return name < tokens.size() && NamesTable(tokens, name, default_db, schema, table, &next);
    }
    for (std::string_view harmless : {"VIEW", "PROCEDURE", "FUNCTION", "EVENT", "DATABASE", "SCHEMA", "USER",
                                      "ROLE", "SERVER", "SEQUENCE", "PACKAGE"}) {
      if (t.IsWord(harmless)) return false;
    }
    if (t.IsWord("INDEX") || t.IsWord("TRIGGER")) break;
  }
  return MentionsTable(tokens, 1, default_db, schema, table);
}

bool StartsWithDdlKeyword(const std::vector<Token>& tokens) {
  if (tokens.empty()) return false;
  for (std::string_view k : {"ALTER", "RENAME", "DROP", "TRUNCATE", "CREATE"}) {
    if (tokens[0].IsWord(k)) return true;
  }
  return false;
}

// Fallback for text the lexer rejects.
bool RawLooksLikeDdl(std::string_view query, std::string_view table) {
  size_t start = query.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return false;
  std::string head = alter::ToUpperAscii(query.substr(start, 8));
  for (std::string_view k : {"ALTER", "RENAME", "DROP", "TRUNCATE", "CREATE"}) {
    if (head.starts_with(k)) return query.find(table) != std::string_view::npos;
  }
  return false;
}

}  // namespace

bool IsDdlOnTable(std::string_view query, std::string_view default_db, std::string_view schema,
                  std::string_view table) {
  Result<std::vector<Token>> tokens = alter::Tokenize(query);
  if (!tokens.ok()) tokens = alter::Tokenize(query, alter::SqlMode{.ansi_quotes = true});
  if (!tokens.ok()) return RawLooksLikeDdl(query, table);
  if (!StartsWithDdlKeyword(*tokens)) return false;
  if ((*tokens)[0].IsWord("CREATE")) return CreateChangesTable(*tokens, default_db, schema, table);
  return MentionsTable(*tokens, 1, default_db, schema, table);
}

bool IsStatementDmlOnTable(std::string_view query, std::string_view default_db, std::string_view schema,
                           std::string_view table) {
  Result<std::vector<Token>> tokens = alter::Tokenize(query);
  if (!tokens.ok()) tokens = alter::Tokenize(query, alter::SqlMode{.ansi_quotes = true});
  if (!tokens.ok() || tokens->empty()) return false;
  bool dml = false;
  for (std::string_view k : {"INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD"}) {
    dml = dml || (*tokens)[0].IsWord(k);
  }
  return dml && MentionsTable(*tokens, 1, default_db, schema, table);
}

bool IsRenameStatement(std::string_view query) {
  Result<std::vector<Token>> tokens = alter::Tokenize(query);
  return tokens.ok() && !tokens->empty() && (*tokens)[0].IsWord("RENAME");
}

}  // namespace osc::apply
