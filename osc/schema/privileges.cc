#include "osc/schema/privileges.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace osc::schema {
namespace {

constexpr std::string_view kSchemaPrivileges[] = {"SELECT", "INSERT", "UPDATE", "DELETE",     "CREATE",
                                                  "DROP",   "ALTER",  "INDEX",  "LOCK TABLES"};
constexpr std::string_view kGlobalPrivileges[] = {"REPLICATION SLAVE", "REPLICATION CLIENT", "PROCESS"};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// SHOW GRANTS prints machine-made statements: words, `identifiers`,
// 'strings' (password hashes, PROXY's ''@'%'), and punctuation. That is all
// this tokenizer knows.
struct Token {
  enum Kind { kWord, kIdentifier, kString, kPunct } kind;
  std::string text;  // identifiers and strings unquoted
};

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '`' || c == '\'') {
      std::string text;
      for (++i; i < s.size(); ++i) {
        if (c == '\'' && s[i] == '\\' && i + 1 < s.size()) {
          text.push_back(s[++i]);
        } else if (s[i] == c && i + 1 < s.size() && s[i + 1] == c) {
          text.push_back(c);
          ++i;
        } else if (s[i] == c) {
          break;
        } else {
          text.push_back(s[i]);
        }
      }
      ++i;  // closing quote
      out.push_back({c == '`' ? Token::kIdentifier : Token::kString, std::move(text)});
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      const size_t start = i;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '$')) ++i;
      out.push_back({Token::kWord, std::string(s.substr(start, i - start))});
    } else {
      out.push_back({Token::kPunct, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

bool IsWord(const Token& t, std::string_view word) { return t.kind == Token::kWord && Upper(t.text) == word; }

// One parsed GRANT/REVOKE line.
struct GrantLine {
  bool revoke = false;
  enum Level { kGlobal, kSchema, kOther, kRole } level = kOther;
  std::string schema_pattern;         // kSchema
  std::set<std::string> privileges;   // upper case, words joined by one space
  std::vector<std::string> roles;     // kRole
};

// Reads "PRIV [ (cols) ], PRIV ..." up to ON (or TO/FROM for role grants).
size_t ReadPrivilegeList(const std::vector<Token>& t, GrantLine* line) {
  size_t i = 1;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) line->privileges.insert(current);
    current.clear();
  };
  while (i < t.size() && !IsWord(t[i], "ON") && !IsWord(t[i], "TO") && !IsWord(t[i], "FROM")) {
    if (t[i].kind == Token::kPunct && t[i].text == "(") {
      while (i < t.size() && !(t[i].kind == Token::kPunct && t[i].text == ")")) ++i;
    } else if (t[i].kind == Token::kPunct && t[i].text == ",") {
      flush();
    } else if (t[i].kind == Token::kWord) {
      current += (current.empty() ? "" : " ") + Upper(t[i].text);
    } else if (t[i].kind == Token::kIdentifier && !(i > 0 && t[i - 1].text == "@")) {
      line->roles.push_back(t[i].text);  // GRANT `role`[@`host`] TO ...
    }
    ++i;
  }
  flush();
  return i;
}

// Parses the target after ON: *.* (global), `db`.* (schema), anything else
// (table, routine, PROXY) is kOther.
void ReadTarget(const std::vector<Token>& t, size_t i, GrantLine* line) {
  if (i + 3 > t.size()) return;
  const Token& first = t[i];
  const bool dot = t[i + 1].kind == Token::kPunct && t[i + 1].text == ".";
  const bool star_last = t[i + 2].kind == Token::kPunct && t[i + 2].text == "*";
  if (!dot || !star_last) return;
  if (first.kind == Token::kPunct && first.text == "*") {
    line->level = GrantLine::kGlobal;
  } else if (first.kind == Token::kIdentifier || first.kind == Token::kWord) {
    line->level = GrantLine::kSchema;
    line->schema_pattern = first.text;
  }
}

GrantLine ParseLine(std::string_view text) {
  GrantLine line;
  const std::vector<Token> t = Tokenize(text);
  if (t.empty() || !(IsWord(t[0], "GRANT") || IsWord(t[0], "REVOKE"))) return line;
  line.revoke = IsWord(t[0], "REVOKE");
  const size_t i = ReadPrivilegeList(t, &line);
  if (i < t.size() && IsWord(t[i], "ON")) {
    line.roles.clear();
    ReadTarget(t, i + 1, &line);
  } else if (!line.roles.empty() && !line.revoke) {
    line.level = GrantLine::kRole;
  }
  return line;
}

// Splits valid or invalid UTF-8 into characters (a stray byte is its own).
std::vector<std::string_view> Chars(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

bool Grants(const std::set<std::string>& privileges, std::string_view wanted) {
  if (privileges.count("ALL") || privileges.count("ALL PRIVILEGES")) return true;
  if (privileges.count(std::string(wanted))) return true;
  // MariaDB 10.5.2+ prints REPLICATION CLIENT as BINLOG MONITOR.
  return wanted == "REPLICATION CLIENT" && privileges.count("BINLOG MONITOR");
}

}  // namespace

bool GrantPatternMatches(std::string_view pattern, std::string_view name) {
  // Pattern items: a literal character, '_' (one) or '%' (any run).
  struct Item {
    char wildcard;  // '_', '%' or 0 for a literal
    std::string_view literal;
  };
  std::vector<Item> items;
  const std::vector<std::string_view> p = Chars(pattern);
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == "\\" && i + 1 < p.size()) {
      items.push_back({0, p[++i]});
    } else if (p[i] == "%" || p[i] == "_") {
      items.push_back({p[i][0], {}});
    } else {
      items.push_back({0, p[i]});
    }
  }
  const std::vector<std::string_view> n = Chars(name);
  // matched[j]: the items seen so far can match the first j characters.
  std::vector<bool> matched(n.size() + 1, false);
  matched[0] = true;
  for (const Item& item : items) {
    std::vector<bool> next(n.size() + 1, false);
    for (size_t j = 0; j <= n.size(); ++j) {
      if (item.wildcard == '%') {
        next[j] = matched[j] || (j > 0 && next[j - 1]);
      } else if (j > 0 && matched[j - 1]) {
        next[j] = item.wildcard == '_' || item.literal == n[j - 1];
      }
    }
    matched.swap(next);
  }
  return matched[n.size()];
}

PrivilegeCheck CheckGrants(const std::vector<std::string>& grant_lines, std::string_view schema) {
  std::set<std::string> global, on_schema, revoked;
  PrivilegeCheck check;
  for (const std::string& text : grant_lines) {
    const GrantLine line = ParseLine(text);
    if (line.level == GrantLine::kRole) {
      check.roles.insert(check.roles.end(), line.roles.begin(), line.roles.end());
      continue;
    }
    const bool applies = line.level == GrantLine::kGlobal ||
                         (line.level == GrantLine::kSchema && GrantPatternMatches(line.schema_pattern, schema));
    if (!applies) continue;
    if (line.revoke) {
      // Partial revokes name one schema literally (MySQL 8.0.16+).
      if (line.level == GrantLine::kSchema && line.schema_pattern == schema) {
        revoked.insert(line.privileges.begin(), line.privileges.end());
      }
      continue;
    }
    std::set<std::string>& target = line.level == GrantLine::kGlobal ? global : on_schema;
    target.insert(line.privileges.begin(), line.privileges.end());
  }
  for (std::string_view p : kSchemaPrivileges) {
    const bool held = (Grants(global, p) || Grants(on_schema, p)) && !Grants(revoked, p);
    if (!held) check.missing_on_schema.emplace_back(p);
  }
  for (std::string_view p : kGlobalPrivileges) {
    if (!Grants(global, p)) check.missing_global.emplace_back(p);
  }
  check.can_see_triggers = (Grants(global, "TRIGGER") || Grants(on_schema, "TRIGGER")) && !Grants(revoked, "TRIGGER");
  return check;
}

}  // namespace osc::schema
