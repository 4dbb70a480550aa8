#include "osc/alter/column_def.h"

#include <algorithm>
#include <utility>

#include "osc/alter/charset.h"
#include "osc/alter/parse_util_internal.h"

namespace osc::alter {
namespace {

using internal::PunctAt;
using internal::WordAt;

std::string Lower(std::string_view s) { return internal::LowerAscii(s); }
std::string Near(TokenSpan t, size_t pos) {
  return internal::Near(t, pos, "at the end of the column definition");
}

struct TypeName {
  std::string name;
  std::string implied_charset;  // NATIONAL types are utf8mb3
  size_t words = 1;
};

// Multi-word spellings and synonyms, resolved to the name the server
// stores (what information_schema shows).
TypeName ReadTypeName(TokenSpan t, size_t pos) {
  auto word = [&](size_t i) {
    return i < t.size() && t[i].kind == TokenKind::kWord ? Lower(t[i].text) : "";
  };
  const std::string w0 = word(pos), w1 = word(pos + 1), w2 = word(pos + 2);
  if (w0 == "double" && w1 == "precision") return {"double", "", 2};
  if ((w0 == "char" || w0 == "character") && w1 == "varying") return {"varchar", "", 2};
  if (w0 == "nvarchar") return {"varchar", "utf8mb3", 1};
  if (w0 == "nchar")
    return w1 == "varying" ? TypeName{"varchar", "utf8mb3", 2} : TypeName{"char", "utf8mb3", 1};
  if (w0 == "national") {
    if (w1 == "varchar") return {"varchar", "utf8mb3", 2};
    if ((w1 == "char" || w1 == "character") && w2 == "varying") return {"varchar", "utf8mb3", 3};
    if (w1 == "char" || w1 == "character") return {"char", "utf8mb3", 2};
  }
  if (w0 == "long" && w1 == "varbinary") return {"mediumblob", "", 2};
  if (w0 == "long" && w1 == "varchar") return {"mediumtext", "", 2};
  static constexpr std::pair<std::string_view, std::string_view> kSynonyms[] = {
      {"integer", "int"},         {"int1", "tinyint"},    {"int2", "smallint"},
      {"int3", "mediumint"},      {"int4", "int"},        {"int8", "bigint"},
      {"middleint", "mediumint"}, {"bool", "tinyint"},    {"boolean", "tinyint"},
      {"dec", "decimal"},         {"numeric", "decimal"}, {"fixed", "decimal"},
      {"real", "double"},         {"float4", "float"},    {"float8", "double"},
      {"character", "char"},      {"long", "mediumtext"}};
  for (const auto& [from, to] : kSynonyms) {
    if (w0 == from) return {std::string(to), "", 1};
  }
  return {w0, "", 1};
}

// "(10,2)" or "('a','b')": one entry per comma-separated item. Strings
// contribute their unquoted value, anything else its text.
Result<std::vector<std::string>> ReadTypeArgs(TokenSpan t, size_t* pos) {
  std::vector<std::string> args;
  if (!PunctAt(t, *pos, "(")) return args;
  OSC_ASSIGN_OR_RETURN(const size_t end, SkipParenGroup(t, *pos));
  size_t item_start = *pos + 1;
  for (size_t i = item_start; i < end; ++i) {
    if (i == end - 1 || (t[i].IsPunct(",") && i > item_start)) {
      const TokenSpan item = t.subspan(item_start, i - item_start);
      if (item.size() == 1) {
        args.push_back(item[0].value);
      } else if (!item.empty()) {
        args.push_back(JoinTokens(item));
      }
      item_start = i + 1;
    } else if (t[i].IsPunct("(")) {
      OSC_ASSIGN_OR_RETURN(const size_t group_end, SkipParenGroup(t, i));
      i = group_end - 1;
    }
  }
  *pos = end;
  return args;
}

Result<std::string> ReadName(TokenSpan t, size_t pos, std::string_view what) {
  if (pos < t.size() && (t[pos].IsIdentifier() || t[pos].kind == TokenKind::kString))
    return t[pos].value;
  return Status::InvalidArgument(std::string("expected a ") + std::string(what) + " name " +
                                 Near(t, pos));
}

// UNSIGNED, ZEROFILL, BINARY, ASCII, CHARACTER SET x, COLLATE x... that
// may follow the type name and arguments.
Status ReadTypeAttributes(TokenSpan t, size_t* pos, DataType* type) {
  while (*pos < t.size()) {
    size_t& p = *pos;
    if (WordAt(t, p, "UNSIGNED")) {
      type->is_unsigned = true;
    } else if (WordAt(t, p, "SIGNED")) {
    } else if (WordAt(t, p, "ZEROFILL")) {
      type->zerofill = type->is_unsigned = true;
    } else if (WordAt(t, p, "BINARY")) {
      type->binary_collation = true;
    } else if (WordAt(t, p, "ASCII")) {
      type->charset = "latin1";
    } else if (WordAt(t, p, "UNICODE")) {
      type->charset = "ucs2";
    } else if (WordAt(t, p, "BYTE")) {
      type->charset = "binary";
    } else if (WordAt(t, p, "CHARSET") ||
               ((WordAt(t, p, "CHARACTER") || WordAt(t, p, "CHAR")) && WordAt(t, p + 1, "SET"))) {
      p += WordAt(t, p, "CHARSET") ? 1u : 2u;
      OSC_ASSIGN_OR_RETURN(const std::string name, ReadName(t, p, "character set"));
      type->charset = NormalizeCharsetName(name);
    } else if (WordAt(t, p, "COLLATE")) {
      OSC_ASSIGN_OR_RETURN(const std::string name, ReadName(t, ++p, "collation"));
      type->collation = NormalizeCollationName(name);
    } else {
      return Status::Ok();
    }
    ++p;
  }
  return Status::Ok();
}

bool IsIntegerName(std::string_view n) {
  return n == "tinyint" || n == "smallint" || n == "mediumint" || n == "int" || n == "bigint";
}

// Fills in implied defaults so equal storage compares equal.
void Normalize(DataType* type) {
  const std::string& n = type->name;
  if (IsIntegerName(n) && !type->zerofill) type->args.clear();
  if (n == "decimal" && type->args.empty()) type->args = {"10", "0"};
  if (n == "decimal" && type->args.size() == 1) type->args.push_back("0");
  if (n == "float" && type->args.size() == 1) {
    // FLOAT(p): single precision up to 24 bits, double above.
    const bool is_double =
        type->args[0].size() > 2 || (type->args[0].size() == 2 && type->args[0] > "24");
    type->name = is_double ? "double" : "float";
    type->args.clear();
  }
  if ((n == "char" || n == "binary" || n == "bit") && type->args.empty()) type->args = {"1"};
  if ((n == "timestamp" || n == "datetime" || n == "time") && type->args.empty())
    type->args = {"0"};
  if (n == "year") type->args.clear();
  // CHARACTER SET binary turns a character type into its binary twin.
  if (type->charset == "binary") {
    static constexpr std::pair<std::string_view, std::string_view> kTwins[] = {
        {"char", "binary"}, {"varchar", "varbinary"},     {"tinytext", "tinyblob"},
        {"text", "blob"},   {"mediumtext", "mediumblob"}, {"longtext", "longblob"}};
    for (const auto& [from, to] : kTwins) {
      if (type->name == from) type->name = to;
    }
  }
}

}  // namespace

bool DataType::SameStorage(const DataType& other) const {
  return name == other.name && args == other.args && is_unsigned == other.is_unsigned &&
         zerofill == other.zerofill;
}

bool DataType::IsCharacterType() const {
  static constexpr std::string_view kNames[] = {"char",       "varchar",  "tinytext", "text",
                                                "mediumtext", "longtext", "enum",     "set"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

bool DataType::IsBinaryStringType() const {
  static constexpr std::string_view kNames[] = {"binary", "varbinary",  "tinyblob",
                                                "blob",   "mediumblob", "longblob"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

Result<size_t> SkipParenGroup(TokenSpan tokens, size_t open) {
  int depth = 0;
  for (size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].IsPunct("(")) ++depth;
    if (tokens[i].IsPunct(")") && --depth == 0) return i + 1;
  }
  return Status::InvalidArgument("unbalanced parentheses " + Near(tokens, open));
}

Result<DataType> ParseDataType(TokenSpan t, size_t* pos) {
  if (*pos >= t.size() || t[*pos].kind != TokenKind::kWord) {
    return Status::InvalidArgument("expected a data type " + Near(t, *pos));
  }
  const TypeName type_name = ReadTypeName(t, *pos);
  DataType type;
  type.name = type_name.name;
  type.charset = type_name.implied_charset;
  *pos += type_name.words;
  OSC_ASSIGN_OR_RETURN(type.args, ReadTypeArgs(t, pos));
  if (type_name.name == "double" && WordAt(t, *pos, "PRECISION")) ++*pos;
  OSC_RETURN_IF_ERROR(ReadTypeAttributes(t, pos, &type));
  Normalize(&type);
  return type;
}

Result<DataType> ParseColumnType(std::string_view column_type) {
  OSC_ASSIGN_OR_RETURN(const std::vector<Token> tokens, Tokenize(column_type));
  size_t pos = 0;
  OSC_ASSIGN_OR_RETURN(DataType type, ParseDataType(tokens, &pos));
  if (pos != tokens.size()) {
    return Status::InvalidArgument("unexpected text after the type in COLUMN_TYPE '" +
                                   std::string(column_type) + "'");
  }
  return type;
}

}  // namespace osc::alter
