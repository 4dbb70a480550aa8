#include "osc/schema/chunk_key.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "db/quoting.h"
#include "osc/alter/identifier.h"

namespace osc::schema {
namespace {

using alter::AlterClause;
using alter::ClauseKind;

bool IsCharacterColumn(const Column& column) { return !column.collation.empty(); }

// The clause of `plan` that removes `index` from the shadow table, if any.
// DROP CONSTRAINT counts because a UNIQUE constraint is its index.
const AlterClause* FindDrop(const Index& index, const alter::AlterPlan& plan) {
  for (const AlterClause& clause : plan.clauses) {
    const bool drops_by_name = (clause.kind == ClauseKind::kDropIndex || clause.kind == ClauseKind::kDropConstraint) &&
                               alter::SameIdentifier(clause.name, index.name);
    if (drops_by_name || (index.primary && clause.kind == ClauseKind::kDropPrimaryKey)) return &clause;
  }
  return nullptr;
}

// The index's name in the shadow table after any RENAME INDEX.
std::string ShadowName(const Index& index, const alter::AlterPlan& plan) {
  for (const AlterClause& clause : plan.clauses) {
    if (clause.kind == ClauseKind::kRenameIndex && alter::SameIdentifier(clause.name, index.name)) {
      return clause.new_name;
    }
  }
  return index.name;
}

const AlterClause* FindConvert(const alter::AlterPlan& plan) {
  for (const AlterClause& clause : plan.clauses) {
    if (clause.kind == ClauseKind::kConvertCharset) return &clause;
  }
  return nullptr;
}

// Why `index` cannot be the key as it is in the original table, or
// nullopt if it can.
std::optional<std::string> RejectInOriginal(const Index& index, const TableSchema& table) {
  if (!index.unique) return "is not unique";
  if (index.kind != IndexKind::kBtree) {
    return "is a " + std::string(ToString(index.kind)) + " index, which cannot be scanned in key order";
  }
  for (const IndexColumn& part : index.columns) {
    if (part.name.empty()) return "has a functional key part (" + part.expression + ")";
    const std::string quoted = db::QuoteIdentifier(part.name);
    if (part.prefix_length) {
      return "uses only a " + std::to_string(*part.prefix_length) + "-character prefix of column " + quoted;
    }
    const Column* column = table.FindColumn(part.name);
    if (column == nullptr) return "names column " + quoted + ", which the table does not have";
    if (part.nullable || column->nullable) return "has nullable column " + quoted;
    if (column->generated == GeneratedKind::kVirtual) return "has virtual generated column " + quoted;
  }
  return std::nullopt;
}

// Why the key columns would not mean the same in the shadow table, or
// nullopt. Fills the new column positions on success.
std::optional<std::string> RejectInShadow(const Index& index, const TableSchema& table,
                                          const alter::AlterPlan& plan, const alter::ColumnMapping& mapping,
                                          ChunkKey* key) {
  if (const AlterClause* drop = FindDrop(index, plan)) return "is dropped by '" + drop->text + "'";
  const AlterClause* convert = FindConvert(plan);
  for (const IndexColumn& part : index.columns) {
    const size_t old_index = *table.ColumnIndex(part.name);  // RejectInOriginal checked it exists
    const std::string quoted = db::QuoteIdentifier(table.columns[old_index].name);
    const std::optional<size_t> new_index =
        old_index < mapping.old_to_new.size() ? mapping.old_to_new[old_index] : std::nullopt;
    if (!new_index) return "loses column " + quoted + ", which the ALTER drops";
    const alter::MappedColumn& mapped = mapping.columns[*new_index];
    if (mapped.renamed) return "has column " + quoted + ", which the ALTER renames to " + db::QuoteIdentifier(mapped.name);
    if (mapped.type_changed) return "has column " + quoted + ", whose type the ALTER changes";
    // CONVERT TO CHARACTER SET re-encodes every character column, and a new
    // collation orders and compares key values differently.
    if (convert != nullptr && IsCharacterColumn(table.columns[old_index])) {
      return "has character column " + quoted + ", which '" + convert->text + "' converts";
    }
    if (!index.primary && mapped.redefined) {
      // A redefinition without NOT NULL makes a UNIQUE key column nullable
      // (only PRIMARY KEY columns are NOT NULL implicitly).
      for (const AlterClause& clause : plan.clauses) {
        const bool on_column = (clause.kind == ClauseKind::kModifyColumn || clause.kind == ClauseKind::kChangeColumn) &&
                               alter::SameIdentifier(clause.column, part.name);
        if (on_column && clause.definition && !clause.definition->IsNotNull()) {
          return "has column " + quoted + ", which '" + clause.text + "' makes nullable";
        }
      }
    }
    key->columns.push_back(table.columns[old_index].name);
    key->old_column_indexes.push_back(old_index);
    key->new_column_indexes.push_back(*new_index);
  }
  return std::nullopt;
}

std::string Describe(const Index& index) {
  return index.primary ? std::string("PRIMARY KEY") : "UNIQUE KEY " + db::QuoteIdentifier(index.name);
}

}  // namespace

Result<ChunkKey> ChooseChunkKey(const TableSchema& table, const alter::AlterPlan& plan,
                                const alter::ColumnMapping& mapping) {
  // Candidates in order of preference: the primary key, then the unique
  // keys with the fewest columns; stable, so ties keep table order.
  std::vector<const Index*> candidates;
  for (const Index& index : table.indexes) {
    if (index.unique) candidates.push_back(&index);
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Index* a, const Index* b) {
    if (a->primary != b->primary) return a->primary;
    return a->columns.size() < b->columns.size();
  });
  std::vector<std::string> reasons;
  if (table.PrimaryKey() == nullptr) reasons.push_back("the table has no PRIMARY KEY");
  for (const Index* index : candidates) {
    std::optional<std::string> why = RejectInOriginal(*index, table);
    ChunkKey key;
    if (!why) why = RejectInShadow(*index, table, plan, mapping, &key);
    if (!why) {
      key.index_name = index->name;
      key.shadow_index_name = ShadowName(*index, plan);
      key.primary = index->primary;
      key.passed_over = std::move(reasons);
      return key;
    }
    reasons.push_back(Describe(*index) + " " + *why);
  }
  if (candidates.size() == (table.PrimaryKey() != nullptr ? 1u : 0u)) {
    reasons.push_back("the table has no UNIQUE key");
  }
  std::string message =
      "no primary key or NOT NULL unique key shared by the table before and after the ALTER: osc copies rows "
      "and applies changes by such a key";
  for (const std::string& reason : reasons) message += "; " + reason;
  return Status::FailedPrecondition(message);
}

}  // namespace osc::schema
