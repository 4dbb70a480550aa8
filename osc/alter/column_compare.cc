#include "osc/alter/column_compare.h"

#include "osc/alter/charset.h"

namespace osc::alter {

ResolvedCollation ResolveNewCollation(const DataType& type, const TableInfo& table) {
  ResolvedCollation out;
  if (type.binary_collation) {
    // CHAR(n) BINARY: <charset>_bin, where the charset may itself come from
    // the table; only the charset part is known for sure.
    out.charset = type.charset.empty() ? NormalizeCharsetName(table.default_charset) : type.charset;
    if (!out.charset.empty()) out.collation = out.charset + "_bin";
    return out;
  }
  if (!type.collation.empty()) {
    out.collation = type.collation;
    out.charset = CharsetOfCollation(type.collation);
    return out;
  }
  if (!type.charset.empty()) {
    out.charset = type.charset;  // collation: the server's default for it
    return out;
  }
  out.charset = NormalizeCharsetName(table.default_charset);
  out.collation = NormalizeCollationName(table.default_collation);
  return out;
}

TypeComparison CompareColumnType(const ColumnInfo& old_column, const DataType& new_type,
                                 const TableInfo& table) {
  TypeComparison cmp;
  Result<DataType> old_type = ParseColumnType(old_column.type);
  if (!old_type.ok()) return cmp;
  cmp.old_type_known = true;
  cmp.old_type = std::move(old_type).value();
  cmp.same_storage = cmp.old_type.SameStorage(new_type);
  const bool old_chars = cmp.old_type.IsCharacterType();
  const bool new_chars = new_type.IsCharacterType();
  if (!old_chars && !new_chars) {
    cmp.same_collation = true;
    return cmp;
  }
  if (old_chars != new_chars) return cmp;
  const std::string old_charset = NormalizeCharsetName(old_column.charset);
  const std::string old_collation = NormalizeCollationName(old_column.collation);
  const ResolvedCollation resolved = ResolveNewCollation(new_type, table);
  cmp.same_collation = !old_charset.empty() && !old_collation.empty() &&
                       resolved.charset == old_charset && resolved.collation == old_collation;
  return cmp;
}

}  // namespace osc::alter
