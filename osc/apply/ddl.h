// Recognizing DDL on the migrated table in the binlog's QUERY events.
//
// While osc copies, the original's definition must not change: the shadow
// was built from the old one, and row images would no longer match the
// column mapping. Any DDL statement that names the table therefore stops
// the migration. The check errs on the side of stopping: a false alarm
// costs a restart, a missed ALTER costs a wrong table.
//
// What counts (first keyword; every name compared byte for byte, as the
// server does with lower_case_table_names=0):
//   ALTER, RENAME, DROP, TRUNCATE   any mention of the table, qualified
//                                   (`db`.`t`, db.t) or unqualified with
//                                   the statement's default database
//   CREATE TABLE                    only when it creates the table itself
//                                   (CREATE TABLE x LIKE t is harmless)
//   CREATE VIEW/PROCEDURE/FUNCTION/
//   EVENT/DATABASE/USER/ROLE/SERVER no (they do not change the table)
//   other CREATE (INDEX, TRIGGER)   any mention
// Identifiers may be `backquoted` or "double-quoted" (ANSI_QUOTES: the
// event does not tell the session's sql_mode, so a double-quoted string is
// treated as a possible name). Text that cannot be tokenized counts as DDL
// on the table when it starts with one of the keywords and contains the
// table name's bytes.
//
// Thread safety: pure function.
#pragma once

#include <string_view>

namespace osc::apply {

// True when `query`, run with default database `default_db`, is DDL that
// changes or replaces table `schema`.`table`.
bool IsDdlOnTable(std::string_view query, std::string_view default_db, std::string_view schema,
                  std::string_view table);

// True when `query` is a row-changing statement (INSERT, REPLACE, UPDATE,
// DELETE, LOAD DATA) that names the table: a change logged as a statement
// (binlog_format STATEMENT/MIXED in the writing session), which carries no
// row images the applier could apply.
bool IsStatementDmlOnTable(std::string_view query, std::string_view default_db, std::string_view schema,
                           std::string_view table);

// True when `query` starts with RENAME (RENAME TABLE ...).
bool IsRenameStatement(std::string_view query);

}  // namespace osc::apply
