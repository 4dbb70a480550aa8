// Reading a table's definition from the server.
//
// InspectTable fills a TableSchema from information_schema (TABLES,
// COLUMNS, STATISTICS, KEY_COLUMN_USAGE + REFERENTIAL_CONSTRAINTS in both
// directions, TRIGGERS) and SHOW CREATE TABLE. Names are user input: they
// are validated (db/quoting.h ValidateIdentifier) and only ever reach the
// server as quoted literals or quoted identifiers.
//
// Works on MariaDB 10.x and MySQL 8.0; where the two differ (functional key
// parts exist only on MySQL) the query branches on the connection's
// ServerInfo.
//
// What it does not judge: a view, a sequence or a table in the mysql schema
// is inspected and reported as such (TableSchema::kind, in_system_schema);
// refusing them is the preflight's job (preflight.h), which can then say
// why in the user's terms.
//
// Visibility caveat: information_schema only shows what the account may
// see. In particular TRIGGERS lists a table's triggers only to accounts
// with the TRIGGER privilege on it, so an empty trigger list is only
// trustworthy with that privilege (the preflight warns).
//
// Thread safety: as the Connection passed in (one thread at a time).
#pragma once

#include <string_view>

#include "common/result.h"
#include "db/connection.h"
#include "osc/schema/table_schema.h"

namespace osc::schema {

// Inspects `schema`.`table` (names compared byte for byte: on a server with
// lower_case_table_names=0, `T` and `t` are different tables).
// Errors: InvalidArgument for a name the server could not hold; NotFound
// ("table `d`.`t` does not exist") when there is no such table or view;
// Corruption when the server's answer is inconsistent (e.g. an unparsable
// ENUM type); connection errors as Connection::Query.
Result<TableSchema> InspectTable(db::Connection& conn, std::string_view schema, std::string_view table);

// True for the schemas that belong to the server itself and whose tables
// osc must never touch: mysql, information_schema, performance_schema, sys
// (ASCII case-insensitive).
bool IsSystemSchema(std::string_view schema);

}  // namespace osc::schema
