#include "osc/copy/statements.h"

#include <string>

#include "db/quoting.h"

namespace osc::copy {
namespace {

std::string Where(const KeySpec& key, const KeyRange& range) {
  const std::string cond = RenderRange(key, range);
  return cond.empty() ? std::string() : " WHERE " + cond;
}

std::string JoinQuoted(const std::vector<CopyColumn>& columns, bool source) {
  std::string out;
  for (const CopyColumn& c : columns) {
    if (!out.empty()) out += ", ";
    out += db::QuoteIdentifier(source ? c.source : c.target);
  }
  return out;
}

}  // namespace

std::string FromClause(const TableRef& table) {
  std::string out = db::QuoteQualified(table.database, table.table);
  if (!table.index.empty()) out += " FORCE INDEX (" + db::QuoteIdentifier(table.index) + ")";
  return out;
}

std::string EndpointQuery(const KeySpec& key, const TableRef& table, bool last) {
  return "SELECT " + KeySelectList(key) + " FROM " + FromClause(table) + " ORDER BY " + KeyOrderBy(key, last) +
         " LIMIT 1";
}

std::string BoundaryQuery(const KeySpec& key, const TableRef& table, const KeyRange& remaining, uint64_t rows) {
  const uint64_t offset = rows == 0 ? 0 : rows - 1;
  return "SELECT " + KeySelectList(key) + " FROM " + FromClause(table) + Where(key, remaining) + " ORDER BY " +
         KeyOrderBy(key) + " LIMIT 1 OFFSET " + std::to_string(offset);
}

LockingRead LockingReadFor(const db::ServerInfo& server) {
  return server.IsMySQL() && server.AtLeast(8, 0, 1) ? LockingRead::kForShare : LockingRead::kLockInShareMode;
}

Result<std::vector<CopyColumn>> MakeCopyColumns(const schema::TableSchema& original,
                                                const alter::ColumnMapping& mapping) {
  std::vector<CopyColumn> out;
  for (const alter::ColumnMapping::CopiedColumn& c : mapping.CopiedColumns()) {
    if (c.old_index >= original.columns.size() || c.new_index >= mapping.columns.size()) {
      return Status::InvalidArgument("the column mapping does not match table " + original.name);
    }
    const schema::Column& source = original.columns[c.old_index];
    // A generated column of the original that the ALTER turns into a
    // plain one is computed on read, so it copies like any other column.
    out.push_back(CopyColumn{source.name, mapping.columns[c.new_index].name});
  }
  if (out.empty()) return Status::InvalidArgument("the ALTER leaves no column to copy from " + original.name);
  return out;
}

std::string CopyStatement(const KeySpec& key, const TableRef& original, const TableRef& shadow,
                          const std::vector<CopyColumn>& columns, LockingRead locking, const KeyRange& range) {
  const std::string first_key =
      db::QuoteQualified(shadow.database, shadow.table) + "." + db::QuoteIdentifier(key.columns.front().name);
  return "INSERT INTO " + db::QuoteQualified(shadow.database, shadow.table) + " (" + JoinQuoted(columns, false) +
         ") SELECT " + JoinQuoted(columns, true) + " FROM " + FromClause(original) + Where(key, range) +
         (locking == LockingRead::kForShare ? " FOR SHARE" : " LOCK IN SHARE MODE") +
         " ON DUPLICATE KEY UPDATE " + first_key + " = " + first_key;
}

std::string DeleteRangeStatement(const KeySpec& key, const TableRef& shadow, const KeyRange& range) {
  // No index hint: single-table DELETE takes none on MySQL, and the range
  // on the key's leading column picks the key anyway.
  return "DELETE FROM " + db::QuoteQualified(shadow.database, shadow.table) + Where(key, range);
}

namespace {

std::string ChecksumSelect(const std::vector<std::string>& exprs, const std::vector<std::string>& null_exprs) {
  std::string values;
  std::string null_flags;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) values += ", ";
    values += exprs[i];
    const std::string& tested = null_exprs.size() == exprs.size() ? null_exprs[i] : exprs[i];
    if (tested.empty()) continue;  // never NULL: a flag would always be 0
    if (!null_flags.empty()) null_flags += ", ";
    null_flags += "ISNULL(" + tested + ")";
  }
  // CONCAT() without arguments is an error, so no flag group at all when
  // no value can be NULL.
  if (!null_flags.empty()) values += ", CONCAT(" + null_flags + ")";
  return "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', " + values + "))), 0) FROM ";
}

}  // namespace

std::string ChecksumQuery(const KeySpec& key, const TableRef& table, const std::vector<std::string>& exprs,
                          const KeyRange& range, const std::vector<std::string>& null_exprs) {
  return ChecksumSelect(exprs, null_exprs) + FromClause(table) + Where(key, range);
}

std::string ChecksumKeysQuery(const KeySpec& key, const TableRef& table, const std::vector<std::string>& exprs,
                              const std::vector<std::string>& null_exprs, const std::vector<KeyValue>& keys) {
  std::string where;
  if (key.columns.size() == 1) {
    where = db::QuoteIdentifier(key.columns.front().name) + " IN (";
    for (size_t i = 0; i < keys.size(); ++i) where += (i == 0 ? "" : ", ") + keys[i].front();
    where += ")";
  } else {
    for (size_t i = 0; i < keys.size(); ++i) {
      where += i == 0 ? "(" : " OR (";
      for (size_t c = 0; c < key.columns.size(); ++c) {
        where += (c == 0 ? "" : " AND ") + db::QuoteIdentifier(key.columns[c].name) + " = " + keys[i][c];
      }
      where += ")";
    }
  }
  return ChecksumSelect(exprs, null_exprs) + db::QuoteQualified(table.database, table.table) + " WHERE " + where;
}

}  // namespace osc::copy
