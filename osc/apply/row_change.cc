#include "osc/apply/row_change.h"

#include "osc/apply/literal.h"

namespace osc::apply {

std::string_view ToString(RowChangeKind kind) {
  switch (kind) {
    case RowChangeKind::kInsert: return "insert";
    case RowChangeKind::kUpdate: return "update";
    case RowChangeKind::kDelete: return "delete";
  }
  return "unknown";
}

Result<RowMapper> RowMapper::Create(const schema::TableSchema& original, const alter::ColumnMapping& mapping,
                                    const schema::ChunkKey& key) {
  RowMapper m;
  m.original_columns_ = original.columns;
  for (const alter::ColumnMapping::CopiedColumn& c : mapping.CopiedColumns()) {
    if (c.old_index >= original.columns.size() || c.new_index >= mapping.columns.size()) {
      return Status::InvalidArgument("column mapping does not match the table definition");
    }
    m.target_sources_.push_back(c.old_index);
    m.target_names_.push_back(mapping.columns[c.new_index].name);
  }
  if (m.target_sources_.empty()) return Status::InvalidArgument("the ALTER leaves no column to write");
  if (key.old_column_indexes.empty() || key.old_column_indexes.size() != key.new_column_indexes.size()) {
    return Status::InvalidArgument("chunk key " + key.index_name + " has no columns");
  }
  for (size_t i = 0; i < key.old_column_indexes.size(); ++i) {
    const size_t old_index = key.old_column_indexes[i];
    const size_t new_index = key.new_column_indexes[i];
    if (old_index >= original.columns.size() || new_index >= mapping.columns.size()) {
      return Status::InvalidArgument("chunk key " + key.index_name + " names a column outside the table");
    }
    const schema::Column& column = original.columns[old_index];
    m.key_sources_.push_back(old_index);
    m.key_names_.push_back(mapping.columns[new_index].name);
    // Strings with a real collation ('a' = 'A', 'a' = 'a ') can be equal
    // under different bytes. ENUM/SET literals are member names, equal only
    // as the same member, so they are byte-comparable here.
    const bool text = !column.charset.empty() && column.charset != "binary" && column.members.empty();
    m.key_has_collation_ = m.key_has_collation_ || text;
  }
  return m;
}

Status RowMapper::CheckWidth(const std::vector<binlog::Value>& image) const {
  if (image.size() == original_columns_.size()) return Status::Ok();
  return Status::FailedPrecondition("row event has " + std::to_string(image.size()) +
                                    " columns but the original table has " +
                                    std::to_string(original_columns_.size()) +
                                    ": the table was altered while osc ran");
}

Result<KeyLiterals> RowMapper::KeyOf(const std::vector<binlog::Value>& image) const {
  KeyLiterals key;
  key.reserve(key_sources_.size());
  for (size_t source : key_sources_) {
    OSC_ASSIGN_OR_RETURN(std::string literal, ToSqlLiteral(image[source], original_columns_[source]));
    key.push_back(std::move(literal));
  }
  return key;
}

Result<std::vector<std::string>> RowMapper::ImageOf(const std::vector<binlog::Value>& image) const {
  std::vector<std::string> out;
  out.reserve(target_sources_.size());
  for (size_t source : target_sources_) {
    OSC_ASSIGN_OR_RETURN(std::string literal, ToSqlLiteral(image[source], original_columns_[source]));
    out.push_back(std::move(literal));
  }
  return out;
}

Result<RowChange> RowMapper::Map(binlog::RowsKind kind, const binlog::Row& row,
                                 const binlog::Checkpoint& position) const {
  RowChange change;
  change.position = position;
  switch (kind) {
    case binlog::RowsKind::kWrite: change.kind = RowChangeKind::kInsert; break;
    case binlog::RowsKind::kUpdate: change.kind = RowChangeKind::kUpdate; break;
    case binlog::RowsKind::kDelete: change.kind = RowChangeKind::kDelete; break;
  }
  if (kind != binlog::RowsKind::kWrite) {
    OSC_RETURN_IF_ERROR(CheckWidth(row.before));
    OSC_ASSIGN_OR_RETURN(change.before_key, KeyOf(row.before));
  }
  if (kind != binlog::RowsKind::kDelete) {
    OSC_RETURN_IF_ERROR(CheckWidth(row.after));
    OSC_ASSIGN_OR_RETURN(change.after_key, KeyOf(row.after));
    OSC_ASSIGN_OR_RETURN(change.after, ImageOf(row.after));
  }
  return change;
}

}  // namespace osc::apply
