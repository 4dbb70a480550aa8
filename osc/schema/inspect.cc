#include "osc/schema/inspect.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <utility>

#include "common/numbers.h"
#include "db/quoting.h"
#include "osc/alter/charset.h"

namespace osc::schema {
namespace {

// information_schema's name columns have a case-insensitive collation
// (utf8mb3_general_ci on MariaDB), while under lower_case_table_names=0
// `t` and `T` are different tables. Where the server turns the WHERE into
// a lookup of one table it opens exactly `t` (MariaDB 10.11), but where it
// scans, e.g. REFERENCED_TABLE_NAME = 't' in the foreign-key query, it
// also returns rows for `T` (seen on the sandbox). Wrapping the column in
// BINARY would stop the single-table lookup and make every query scan all
// tables' metadata (minutes on servers with many tables). So the WHERE
// clause stays a plain equality and every query selects the schema and
// table name, filtered here byte for byte.
struct Target {
  std::string schema;
  std::string table;
  std::string schema_literal;
  std::string table_literal;

  bool Matches(const db::Row& row, size_t schema_col = 0, size_t table_col = 1) const {
    return row[schema_col].has_value() && row[table_col].has_value() && *row[schema_col] == schema &&
           *row[table_col] == table;
  }
};

std::string Cell(const db::Row& row, size_t i) { return row[i].value_or(""); }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return LowerAscii(haystack).find(needle) != std::string::npos;
}

uint64_t ParseCount(const db::Cell& cell) {
  if (!cell) return 0;
  return ParseNumber<uint64_t>(*cell).value_or(0);  // unparsable (never seen) counts as unknown: 0
}

TableKind ParseTableKind(std::string_view type) {
  if (type == "BASE TABLE") return TableKind::kBaseTable;
  if (type == "VIEW") return TableKind::kView;
  if (type == "SYSTEM VIEW") return TableKind::kSystemView;
  if (type == "SEQUENCE") return TableKind::kSequence;
  if (type == "SYSTEM VERSIONED") return TableKind::kSystemVersioned;
  if (type == "TEMPORARY" || type == "LOCAL TEMPORARY") return TableKind::kTemporary;
  return TableKind::kOther;
}

IndexKind ParseIndexKind(std::string_view type) {
  if (type == "BTREE") return IndexKind::kBtree;
  if (type == "FULLTEXT") return IndexKind::kFulltext;
  if (type == "SPATIAL") return IndexKind::kSpatial;
  if (type == "HASH") return IndexKind::kHash;
  return IndexKind::kOther;
}

std::string WhereTable(const Target& t, std::string_view schema_col, std::string_view table_col) {
  return std::string(" WHERE ") + std::string(schema_col) + " = " + t.schema_literal + " AND " +
         std::string(table_col) + " = " + t.table_literal;
}

Status ReadTable(db::Connection& conn, const Target& t, TableSchema* out) {
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, ROW_FORMAT, TABLE_ROWS, DATA_LENGTH, "
                 "INDEX_LENGTH, TABLE_COLLATION, CREATE_OPTIONS FROM information_schema.TABLES" +
                 WhereTable(t, "TABLE_SCHEMA", "TABLE_NAME")));
  for (const db::Row& row : r.rows) {
    if (!t.Matches(row)) continue;
    out->schema = t.schema;
    out->name = t.table;
    out->kind = ParseTableKind(Cell(row, 2));
    out->engine = Cell(row, 3);
    out->row_format = Cell(row, 4);
    out->estimated_rows = ParseCount(row[5]);
    out->data_bytes = ParseCount(row[6]);
    out->index_bytes = ParseCount(row[7]);
    out->default_collation = Cell(row, 8);
    out->default_charset = out->default_collation.empty() ? "" : alter::CharsetOfCollation(out->default_collation);
    out->partitioned = Contains(Cell(row, 9), "partitioned");
    out->in_system_schema = IsSystemSchema(t.schema);
    return Status::Ok();
  }
  return Status::NotFound("table " + db::QuoteQualified(t.schema, t.table) + " does not exist");
}

Status FillColumn(const db::Row& row, Column* c) {
  c->name = Cell(row, 2);
  c->data_type = LowerAscii(Cell(row, 3));
  c->column_type = Cell(row, 4);
  c->nullable = Cell(row, 5) == "YES";
  c->default_value = row[6];
  const std::string extra = LowerAscii(Cell(row, 7));
  // EXTRA reads "VIRTUAL GENERATED"/"STORED GENERATED" on both servers
  // (older MariaDB: "VIRTUAL"/"PERSISTENT"). MySQL's "DEFAULT_GENERATED"
  // marks an expression default, not a generated column, hence the words.
  if (extra.find("virtual") != std::string::npos) {
    c->generated = GeneratedKind::kVirtual;
  } else if (extra.find("stored") != std::string::npos || extra.find("persistent") != std::string::npos) {
    c->generated = GeneratedKind::kStored;
  }
  if (c->IsGenerated()) c->generation_expression = Cell(row, 8);
  c->auto_increment = extra.find("auto_increment") != std::string::npos;
  c->charset = Cell(row, 9);
  c->collation = Cell(row, 10);
  c->is_unsigned = Contains(c->column_type, " unsigned");
  if (c->data_type == "enum" || c->data_type == "set") {
    Result<std::vector<std::string>> members = ParseEnumMembers(c->column_type);
    if (!members.ok()) {
      return Status::Corruption("column " + db::QuoteIdentifier(c->name) + ": " +
                                std::string(members.status().message()));
    }
    c->members = std::move(*members);
  }
  return Status::Ok();
}

Status ReadColumns(db::Connection& conn, const Target& t, TableSchema* out) {
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, "
                 "COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, CHARACTER_SET_NAME, COLLATION_NAME "
                 "FROM information_schema.COLUMNS" +
                 WhereTable(t, "TABLE_SCHEMA", "TABLE_NAME") + " ORDER BY ORDINAL_POSITION"));
  for (const db::Row& row : r.rows) {
    if (!t.Matches(row)) continue;
    Column column;
    OSC_RETURN_IF_ERROR(FillColumn(row, &column));
    out->columns.push_back(std::move(column));
  }
  return Status::Ok();
}

Status ReadIndexes(db::Connection& conn, const Target& t, TableSchema* out) {
  // Functional key parts (MySQL 8.0.13+) have no COLUMN_NAME; their text is
  // in EXPRESSION, a column MariaDB does not have.
  const db::ServerInfo& server = conn.server_info();
  const bool has_expression = server.IsMySQL() && server.AtLeast(8, 0, 13);
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query(std::string("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, "
                             "SUB_PART, NULLABLE, INDEX_TYPE, ") +
                 (has_expression ? "EXPRESSION" : "NULL") + " FROM information_schema.STATISTICS" +
                 WhereTable(t, "TABLE_SCHEMA", "TABLE_NAME")));
  // Indexes in the order the server lists them; each one's parts with
  // their SEQ_IN_INDEX, sorted afterwards (the row order is not promised).
  std::map<std::string, size_t> by_name;
  std::vector<std::vector<std::pair<uint64_t, IndexColumn>>> index_parts;
  for (const db::Row& row : r.rows) {
    if (!t.Matches(row)) continue;
    const std::string name = Cell(row, 2);
    auto [it, added] = by_name.emplace(name, out->indexes.size());
    if (added) {
      Index index;
      index.name = name;
      index.primary = name == "PRIMARY";
      index.unique = Cell(row, 3) == "0";
      index.kind = ParseIndexKind(Cell(row, 8));
      out->indexes.push_back(std::move(index));
      index_parts.emplace_back();
    }
    IndexColumn part;
    part.name = Cell(row, 5);
    part.expression = Cell(row, 9);
    if (row[6]) part.prefix_length = static_cast<uint32_t>(ParseCount(row[6]));
    part.nullable = Cell(row, 7) == "YES";
    index_parts[it->second].emplace_back(ParseCount(row[4]), std::move(part));
  }
  for (size_t i = 0; i < out->indexes.size(); ++i) {
    auto& seq = index_parts[i];
    std::stable_sort(seq.begin(), seq.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [n, part] : seq) out->indexes[i].columns.push_back(std::move(part));
  }
  std::stable_partition(out->indexes.begin(), out->indexes.end(), [](const Index& i) { return i.primary; });
  return Status::Ok();
}

// Foreign keys where this table is the child (`children` false: filter on
// the constraint's own table) or the parent (`children` true: filter on
// the referenced table). Rows come one per key column. The parent-side
// query filters on REFERENCED_TABLE_*, which the server cannot turn into a
// single-table lookup, so it reads the constraints of every table it can
// see: seconds on a server with tens of thousands of tables, once per run.
Status ReadForeignKeys(db::Connection& conn, const Target& t, bool children, std::vector<ForeignKey>* out) {
  const std::string where = children ? WhereTable(t, "k.REFERENCED_TABLE_SCHEMA", "k.REFERENCED_TABLE_NAME")
                                     : WhereTable(t, "k.TABLE_SCHEMA", "k.TABLE_NAME");
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query("SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
                 "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
                 "r.UPDATE_RULE, r.DELETE_RULE "
                 "FROM information_schema.KEY_COLUMN_USAGE k "
                 "LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
                 "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
                 "AND r.TABLE_NAME = k.TABLE_NAME" +
                 where + " AND k.REFERENCED_TABLE_NAME IS NOT NULL" +
                 " ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"));
  for (const db::Row& row : r.rows) {
    if (!(children ? t.Matches(row, 4, 5) : t.Matches(row, 0, 1))) continue;
    const std::string schema = Cell(row, 0), table = Cell(row, 1), name = Cell(row, 2);
    if (out->empty() || out->back().schema != schema || out->back().table != table || out->back().name != name) {
      ForeignKey fk;
      fk.name = name;
      fk.schema = schema;
      fk.table = table;
      fk.referenced_schema = Cell(row, 4);
      fk.referenced_table = Cell(row, 5);
      fk.on_update = Cell(row, 7);
      fk.on_delete = Cell(row, 8);
      out->push_back(std::move(fk));
    }
    out->back().columns.push_back(Cell(row, 3));
    out->back().referenced_columns.push_back(Cell(row, 6));
  }
  return Status::Ok();
}

Status ReadTriggers(db::Connection& conn, const Target& t, TableSchema* out) {
  OSC_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query("SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION "
                 "FROM information_schema.TRIGGERS" +
                 WhereTable(t, "EVENT_OBJECT_SCHEMA", "EVENT_OBJECT_TABLE") +
                 " ORDER BY ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER"));
  for (const db::Row& row : r.rows) {
    if (!t.Matches(row)) continue;
    out->triggers.push_back(Trigger{Cell(row, 2), Cell(row, 3), Cell(row, 4)});
  }
  return Status::Ok();
}

Status ReadCreateStatement(db::Connection& conn, const Target& t, TableSchema* out) {
  OSC_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query("SHOW CREATE TABLE " + db::QuoteQualified(t.schema, t.table)));
  if (r.rows.empty() || r.rows[0].size() < 2) {
    return Status::Corruption("SHOW CREATE TABLE returned no definition");
  }
  out->create_statement = Cell(r.rows[0], 1);
  return Status::Ok();
}

}  // namespace

bool IsSystemSchema(std::string_view schema) {
  const std::string lower = LowerAscii(schema);
  return lower == "mysql" || lower == "information_schema" || lower == "performance_schema" || lower == "sys";
}

Result<TableSchema> InspectTable(db::Connection& conn, std::string_view schema, std::string_view table) {
  if (Status s = db::ValidateIdentifier(schema); !s.ok()) return s.WithContext("database name");
  if (Status s = db::ValidateIdentifier(table); !s.ok()) return s.WithContext("table name");
  const Target t{std::string(schema), std::string(table), db::QuoteStringLiteral(schema),
                 db::QuoteStringLiteral(table)};
  TableSchema out;
  OSC_RETURN_IF_ERROR(ReadTable(conn, t, &out));
  OSC_RETURN_IF_ERROR(ReadColumns(conn, t, &out));
  // Views have columns but no indexes, keys or triggers of their own.
  if (out.kind != TableKind::kView && out.kind != TableKind::kSystemView) {
    OSC_RETURN_IF_ERROR(ReadIndexes(conn, t, &out));
    OSC_RETURN_IF_ERROR(ReadForeignKeys(conn, t, /*children=*/false, &out.foreign_keys));
    OSC_RETURN_IF_ERROR(ReadForeignKeys(conn, t, /*children=*/true, &out.referencing_foreign_keys));
    OSC_RETURN_IF_ERROR(ReadTriggers(conn, t, &out));
    // Views are skipped: their definition needs SHOW VIEW, which an account
    // may lack, and the preflight refuses them anyway.
    OSC_RETURN_IF_ERROR(ReadCreateStatement(conn, t, &out));
  }
  return out;
}

}  // namespace osc::schema
