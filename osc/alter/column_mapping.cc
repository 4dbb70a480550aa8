#include "osc/alter/column_mapping.h"

#include <unordered_map>
#include <utility>

#include "osc/alter/column_compare.h"
#include "osc/alter/identifier.h"

namespace osc::alter {
namespace {

bool NamesOldColumn(ClauseKind kind) {
  switch (kind) {
    case ClauseKind::kDropColumn:
    case ClauseKind::kChangeColumn:
    case ClauseKind::kModifyColumn:
    case ClauseKind::kRenameColumn:
    case ClauseKind::kSetColumnDefault:
    case ClauseKind::kDropColumnDefault:
    case ClauseKind::kSetColumnVisibility:
      return true;
    default:
      return false;
  }
}

bool IsRedefinition(ClauseKind kind) {
  return kind == ClauseKind::kChangeColumn || kind == ClauseKind::kModifyColumn;
}

std::string Quote(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  return out + "`";
}

class MappingBuilder {
 public:
  MappingBuilder(const AlterPlan& plan, const TableInfo& table)
      : plan_(plan), table_(table), touched_(table.columns.size(), nullptr) {}

  Result<ColumnMapping> Build() {
    OSC_RETURN_IF_ERROR(IndexOldColumns());
    OSC_RETURN_IF_ERROR(ClaimOldColumns());
    PlaceUnpositioned();
    OSC_RETURN_IF_ERROR(PlacePositioned());
    OSC_RETURN_IF_ERROR(CheckNewColumns());
    return Finish();
  }

 private:
  Status IndexOldColumns() {
    for (size_t i = 0; i < table_.columns.size(); ++i) {
      if (!old_by_name_.emplace(FoldIdentifier(table_.columns[i].name), i).second) {
        return Status::InvalidArgument("the table description lists column " +
                                       Quote(table_.columns[i].name) + " twice");
      }
    }
    return Status::Ok();
  }

  std::optional<size_t> FindOld(std::string_view name) const {
    const auto it = old_by_name_.find(FoldIdentifier(name));
    if (it == old_by_name_.end()) return std::nullopt;
    return it->second;
  }

  // Each original column may be the subject of at most one clause.
  Status ClaimOldColumns() {
    for (const AlterClause& clause : plan_.clauses) {
      if (!NamesOldColumn(clause.kind)) continue;
      const std::optional<size_t> index = FindOld(clause.column);
      if (!index) {
        if (clause.if_exists) continue;  // MariaDB: a no-op with a warning
        return Status::InvalidArgument("'" + clause.text + "': the table has no column " +
                                       Quote(clause.column));
      }
      if (touched_[*index] != nullptr) {
        return Status::InvalidArgument(
            "'" + touched_[*index]->text + "' and '" + clause.text + "' both change column " +
            Quote(table_.columns[*index].name) + "; combine them into one clause");
      }
      touched_[*index] = &clause;
    }
    return Status::Ok();
  }

  MappedColumn FromOld(size_t index, const AlterClause* clause) const {
    const ColumnInfo& old = table_.columns[index];
    MappedColumn column;
    column.name = old.name;
    column.source = index;
    column.generated = old.generated;
    if (clause == nullptr) return column;
    if (clause->kind == ClauseKind::kRenameColumn || clause->kind == ClauseKind::kChangeColumn) {
      column.name = clause->new_column;
      column.renamed = column.name != old.name;
    }
    if (IsRedefinition(clause->kind) && clause->definition) {
      column.redefined = true;
      column.generated = clause->definition->generated != Generated::kNo;
      column.type_changed = !CompareColumnType(old, clause->definition->type, table_).Unchanged();
    }
    return column;
  }

  // First pass, like the server: original columns in order, minus drops;
  // CHANGE/MODIFY with FIRST/AFTER are held back for the second pass.
  void PlaceUnpositioned() {
    for (size_t i = 0; i < table_.columns.size(); ++i) {
      const AlterClause* clause = touched_[i];
      if (clause != nullptr && clause->kind == ClauseKind::kDropColumn) {
        dropped_.push_back(i);
        continue;
      }
      MappedColumn column = FromOld(i, clause);
      if (clause != nullptr && clause->position.kind != ColumnPosition::Kind::kNone) {
        held_.emplace(clause, std::move(column));
      } else {
        columns_.push_back(std::move(column));
      }
    }
  }

  // ADD IF NOT EXISTS of a column that exists is a no-op on MariaDB; if
  // another clause also changes that column the outcome is ambiguous.
  Result<bool> SkipExistingAdd(const AlterClause& clause) const {
    if (!clause.if_not_exists) return false;
    const std::optional<size_t> index = FindOld(clause.column);
    if (index && touched_[*index] != nullptr) {
      return Status::InvalidArgument(
          "'" + clause.text + "' and '" + touched_[*index]->text +
          "' are ambiguous together; drop IF NOT EXISTS or the other clause");
    }
    if (index) return true;
    for (const MappedColumn& column : columns_) {
      if (SameIdentifier(column.name, clause.column)) return true;
    }
    return false;
  }

  // Second pass, in clause order: added columns and moved columns.
  Status PlacePositioned() {
    for (const AlterClause& clause : plan_.clauses) {
      if (clause.kind == ClauseKind::kAddColumn) {
        OSC_ASSIGN_OR_RETURN(const bool skip, SkipExistingAdd(clause));
        if (skip) continue;
        MappedColumn column;
        column.name = clause.column;
        column.redefined = true;
        column.generated = clause.definition && clause.definition->generated != Generated::kNo;
        OSC_RETURN_IF_ERROR(Insert(clause, std::move(column)));
      } else if (IsRedefinition(clause.kind)) {
        const auto it = held_.find(&clause);
        if (it != held_.end()) OSC_RETURN_IF_ERROR(Insert(clause, std::move(it->second)));
      }
    }
    return Status::Ok();
  }

  Status Insert(const AlterClause& clause, MappedColumn column) {
    switch (clause.position.kind) {
      case ColumnPosition::Kind::kNone:
        columns_.push_back(std::move(column));
        return Status::Ok();
      case ColumnPosition::Kind::kFirst:
        columns_.insert(columns_.begin(), std::move(column));
        return Status::Ok();
      case ColumnPosition::Kind::kAfter:
        break;
    }
    for (auto it = columns_.begin(); it != columns_.end(); ++it) {
      if (SameIdentifier(it->name, clause.position.after)) {
        columns_.insert(it + 1, std::move(column));
        return Status::Ok();
      }
    }
    return Status::InvalidArgument(
        "'" + clause.text + "': AFTER " + Quote(clause.position.after) +
        " names no column of the new table (AFTER uses new names, and a column "
        "cannot be placed after itself)");
  }

  Status CheckNewColumns() const {
    if (columns_.empty()) {
      return Status::InvalidArgument(
          "the ALTER drops every column of the table; use DROP TABLE instead");
    }
    std::unordered_map<std::string, const MappedColumn*> seen;
    for (const MappedColumn& column : columns_) {
      const auto [it, inserted] = seen.emplace(FoldIdentifier(column.name), &column);
      if (inserted) continue;
      if (!column.source && !it->second->source) {
        return Status::InvalidArgument("column " + Quote(column.name) + " is added twice");
      }
      return Status::InvalidArgument("the new table would have two columns named " +
                                     Quote(column.name) +
                                     " (an added or renamed column collides with another one)");
    }
    return Status::Ok();
  }

  ColumnMapping Finish() {
    ColumnMapping mapping;
    mapping.old_to_new.assign(table_.columns.size(), std::nullopt);
    for (size_t j = 0; j < columns_.size(); ++j) {
      if (columns_[j].source) mapping.old_to_new[*columns_[j].source] = j;
    }
    mapping.columns = std::move(columns_);
    mapping.dropped = std::move(dropped_);
    return mapping;
  }

  const AlterPlan& plan_;
  const TableInfo& table_;
  std::unordered_map<std::string, size_t> old_by_name_;
  // The one clause that names each original column, or null.
  std::vector<const AlterClause*> touched_;
  std::vector<MappedColumn> columns_;
  std::vector<size_t> dropped_;
  std::unordered_map<const AlterClause*, MappedColumn> held_;
};

}  // namespace

std::vector<ColumnMapping::CopiedColumn> ColumnMapping::CopiedColumns() const {
  std::vector<CopiedColumn> out;
  for (size_t j = 0; j < columns.size(); ++j) {
    if (columns[j].source && !columns[j].generated) out.push_back({*columns[j].source, j});
  }
  return out;
}

bool ColumnMapping::OldOrderPreserved() const {
  std::optional<size_t> previous;
  for (const MappedColumn& column : columns) {
    if (!column.source) continue;
    if (previous && *column.source < *previous) return false;
    previous = column.source;
  }
  return true;
}

bool ColumnMapping::AddedOnlyAtEnd() const {
  bool seen_added = false;
  for (const MappedColumn& column : columns) {
    if (!column.source) seen_added = true;
    if (column.source && seen_added) return false;
  }
  return true;
}

Result<ColumnMapping> ComputeColumnMapping(const AlterPlan& plan, const TableInfo& table) {
  return MappingBuilder(plan, table).Build();
}

}  // namespace osc::alter
