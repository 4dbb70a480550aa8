#include "osc/copy/checksum_columns.h"

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "db/quoting.h"

namespace osc::copy {
namespace {

enum class Family : uint8_t {
  kInteger, kDecimal, kFloat, kDouble, kText, kBinary, kDate, kDateTime, kTime, kYear, kEnumSet, kBit, kOther
};

bool OneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (s == x) return true;
  }
  return false;
}

Family FamilyOf(const schema::Column& c) {
  const std::string& t = c.data_type;
  if (OneOf(t, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"})) return Family::kInteger;
  if (OneOf(t, {"decimal", "numeric"})) return Family::kDecimal;
  if (t == "float") return Family::kFloat;
  if (OneOf(t, {"double", "real"})) return Family::kDouble;
  if (OneOf(t, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext"})) return Family::kText;
  if (OneOf(t, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})) return Family::kBinary;
  if (t == "date") return Family::kDate;
  if (OneOf(t, {"datetime", "timestamp"})) return Family::kDateTime;
  if (t == "time") return Family::kTime;
  if (t == "year") return Family::kYear;
  if (OneOf(t, {"enum", "set"})) return Family::kEnumSet;
  if (t == "bit") return Family::kBit;
  return Family::kOther;
}

bool IsNumber(Family f) {
  return f == Family::kInteger || f == Family::kDecimal || f == Family::kFloat || f == Family::kDouble;
}
bool IsTemporal(Family f) {
  return f == Family::kDate || f == Family::kDateTime || f == Family::kTime;
}

// Values that may be long enough to matter for max_allowed_packet.
bool IsLarge(const schema::Column& c) {
  const std::string& t = c.data_type;
  return t.find("text") != std::string::npos || t.find("blob") != std::string::npos || t == "json" ||
         FamilyOf(c) == Family::kOther;
}

// The numbers in the first parenthesis of a COLUMN_TYPE:
// "decimal(10,3) unsigned" -> "10,3"; "datetime" -> "".
std::string TypeArgs(const schema::Column& c) {
  const size_t open = c.column_type.find('(');
  const size_t close = c.column_type.find(')', open);
  if (open == std::string::npos || close == std::string::npos) return "";
  const std::string args = c.column_type.substr(open + 1, close - open - 1);
  for (char ch : args) {
    if (!std::isdigit(static_cast<unsigned char>(ch)) && ch != ',') return "";  // e.g. enum members
  }
  return args;
}

std::string WithPrecision(std::string_view type, const schema::Column& target) {
  const std::string args = TypeArgs(target);
  return std::string(type) + (args.empty() ? "" : "(" + args + ")");
}

bool IsPlainName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

struct Pair {
  std::string original;
  std::string shadow;
};

// The converted pair for a column whose definition changed, or nullopt
// when no exact conversion is known.
std::optional<Pair> Converted(const schema::Column& from, const schema::Column& to) {
  const std::string o = db::QuoteIdentifier(from.name);
  const std::string s = db::QuoteIdentifier(to.name);
  const Family f = FamilyOf(from);
  switch (FamilyOf(to)) {
    case Family::kInteger:
      if (!IsNumber(f) && f != Family::kYear && f != Family::kBit) return std::nullopt;
      return Pair{"CAST(" + o + (to.is_unsigned ? " AS UNSIGNED)" : " AS SIGNED)"), s};
    case Family::kDecimal:
      if (!IsNumber(f)) return std::nullopt;
      return Pair{"CAST(" + o + " AS " + WithPrecision("DECIMAL", to) + ")", s};
    case Family::kDouble:
      if (!IsNumber(f)) return std::nullopt;
      return Pair{"CAST(" + o + " AS DOUBLE)", s};
    case Family::kText: {
      const bool ok = f == Family::kText || f == Family::kBinary || f == Family::kInteger || f == Family::kDecimal ||
                      IsTemporal(f) || f == Family::kEnumSet || f == Family::kYear;
      if (!ok || !IsPlainName(to.charset)) return std::nullopt;
      std::string conv = "CONVERT(" + o + " USING " + to.charset + ")";
      // A CHAR column gives its value back without trailing spaces.
      if (to.data_type == "char") conv = "TRIM(TRAILING ' ' FROM " + conv + ")";
      return Pair{conv, s};
    }
    case Family::kBinary:
      if (!(f == Family::kText || f == Family::kBinary || f == Family::kInteger || f == Family::kDecimal ||
            IsTemporal(f))) {
        return std::nullopt;
      }
      // BINARY(n) pads with zero bytes to n; CAST(... AS BINARY(n)) too.
      return Pair{"CAST(" + o + " AS " + (to.data_type == "binary" ? WithPrecision("BINARY", to) : "BINARY") + ")",
                  s};
    case Family::kDate:
      if (!IsTemporal(f) && f != Family::kText) return std::nullopt;
      return Pair{"CAST(" + o + " AS DATE)", s};
    case Family::kDateTime:
      if (!IsTemporal(f) && f != Family::kText) return std::nullopt;
      return Pair{"CAST(" + o + " AS " + WithPrecision("DATETIME", to) + ")", s};
    case Family::kTime:
      if (!IsTemporal(f) && f != Family::kText) return std::nullopt;
      return Pair{"CAST(" + o + " AS " + WithPrecision("TIME", to) + ")", s};
    case Family::kEnumSet:
      if (f != Family::kEnumSet || !IsPlainName(to.charset)) return std::nullopt;
      return Pair{"CONVERT(" + o + " USING " + to.charset + ")", s};
    case Family::kBit:
      if (f != Family::kBit && f != Family::kInteger) return std::nullopt;
      return Pair{"CAST(" + o + " AS UNSIGNED)", "CAST(" + s + " AS UNSIGNED)"};
    default:
      return std::nullopt;
  }
}

bool SameDefinition(const schema::Column& a, const schema::Column& b) {
  return a.column_type == b.column_type && a.charset == b.charset && a.collation == b.collation;
}

// The expression as hashed: bytes, or the CRC32 of the bytes for large
// types (see the header for why CRC32).
//
// Only character values need CAST(... AS BINARY): two strings of different
// collations in one CONCAT_WS may be refused. A number, a temporal value
// or a bit value (read as a number) turns into the same ASCII text on both
// sides without it, and skipping the cast made the checksum query about a
// third cheaper. CRC32 reads its argument's bytes as they are, so a large
// value needs no cast either.
std::string Hashable(const std::string& expr, bool large, Family target) {
  if (large) return "CRC32(" + expr + ")";
  const bool plain = IsNumber(target) || IsTemporal(target) || target == Family::kYear || target == Family::kBit;
  return plain ? expr : "CAST(" + expr + " AS BINARY)";
}

}  // namespace

Result<ChecksumColumns> PlanChecksumColumns(const schema::TableSchema& original, const schema::TableSchema& shadow,
                                            const alter::ColumnMapping& mapping) {
  ChecksumColumns out;
  for (const alter::ColumnMapping::CopiedColumn& c : mapping.CopiedColumns()) {
    if (c.old_index >= original.columns.size() || c.new_index >= mapping.columns.size()) {
      return Status::InvalidArgument("the column mapping does not match table " + original.name);
    }
    const schema::Column& from = original.columns[c.old_index];
    const alter::MappedColumn& mapped = mapping.columns[c.new_index];
    const schema::Column* to = shadow.FindColumn(mapped.name);
    if (to == nullptr) {
      return Status::InvalidArgument("column " + mapped.name + " is missing from the shadow table " + shadow.name);
    }
    if (to->IsGenerated()) continue;  // computed by the server from compared columns
    std::optional<Pair> pair;
    const bool converted = mapped.type_changed || !SameDefinition(from, *to);
    if (!converted) {
      pair = Pair{db::QuoteIdentifier(from.name), db::QuoteIdentifier(to->name)};
    } else {
      pair = Converted(from, *to);
    }
    if (!pair) {
      out.excluded.push_back("column " + to->name + " (" + from.column_type + " -> " + to->column_type +
                             "): no exact conversion to compare with; left out of the checksum");
      continue;
    }
    // The hashed form (CAST AS BINARY, CRC32) is NULL exactly when the
    // pair's expression is. A conversion can be NULL for a value that is
    // not (CAST('2020-02-30' AS DATE)), so only an unconverted column that
    // is NOT NULL on both sides can go without a null flag.
    const bool large = IsLarge(from) || IsLarge(*to);
    out.columns.push_back(ChecksumColumn{to->name, Hashable(pair->original, large, FamilyOf(*to)),
                                         Hashable(pair->shadow, large, FamilyOf(*to)), pair->original,
                                         pair->shadow, converted || from.nullable || to->nullable});
  }
  if (out.columns.empty()) {
    return Status::InvalidArgument("no column of " + original.name + " can be compared with the shadow table");
  }
  return out;
}

}  // namespace osc::copy
