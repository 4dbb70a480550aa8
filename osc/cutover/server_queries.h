// The SQL behind the cut-over's looks at the server, over any Session:
// processlist rows, blocker lists, table definitions. Shared by the
// production executor and the cut-over itself.
//
// Portable between MariaDB 10.x and MySQL 8.0: information_schema.
// PROCESSLIST and INNODB_TRX, performance_schema.metadata_locks and
// threads exist on both with these column names.
//
// Thread safety: as the Session passed in; the pure functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "osc/cutover/blocker.h"
#include "osc/cutover/executor.h"

namespace osc::cutover {

// The PROCESSLIST row of `id`, or nullopt when there is none.
Result<std::optional<ProcessInfo>> QueryProcess(Session& session, uint64_t id);

// Long transactions, running statements naming the table, and (when
// usable) metadata-lock holders and waiters on it; the session running the
// queries and query.exclude_ids are left out. A failure to read
// performance_schema is not an error: the report says metadata locks are
// not usable, and why.
Result<BlockerReport> QueryBlockers(Session& session, const BlockerQuery& query);

// SHOW CREATE TABLE `database`.`table`: the statement text, or nullopt
// when the table does not exist (error 1146).
Result<std::optional<std::string>> ShowCreateTable(Session& session, std::string_view database,
                                                   std::string_view table);

// A SHOW CREATE TABLE text reduced to what identifies the table's shape:
// the table's own name is replaced by a placeholder (the shadow is compared
// with the table it becomes under another name) and the AUTO_INCREMENT=n
// table option is removed (it moves with every insert). Everything else
// (columns, keys, options, comment) is kept byte for byte.
std::string NormalizeCreateTable(std::string_view create_table);

}  // namespace osc::cutover
