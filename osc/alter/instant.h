// Would the server run this ALTER instantly, in place, or by copying?
//
// osc uses this to tell the user (and to decide) when a native ALTER would
// be instant and a shadow-table migration is unnecessary. A wrong
// "instant" is the dangerous mistake: a native ALTER that turns out to copy
// blocks writes for its whole duration. So every rule below that osc cannot
// prove from the server's documentation and source answers kCopy (or
// kInplace where the docs say so), with the reason in the verdict.
//
// Sources:
//   MariaDB: KB "InnoDB Online DDL Operations with the INSTANT Alter
//     Algorithm" (mariadb.com/kb/en/innodb-online-ddl-operations-with-the-
//     instant-alter-algorithm/) and storage/innobase/handler/handler0alter.cc
//     (INNOBASE_ALTER_INSTANT, instant_alter_column_possible(),
//     ha_innobase::check_if_supported_inplace_alter()).
//   MySQL: Reference Manual 8.0, 17.12.1 "Online DDL Operations"
//     (dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html)
//     and storage/innobase/handler/handler0alter.cc
//     (INNOBASE_INSTANT_ALLOWED, innobase_support_instant()).
// Only InnoDB tables are modelled.
//
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/server_info.h"
#include "osc/alter/alter_parser.h"
#include "osc/alter/table_info.h"

namespace osc::alter {

enum class Flavor : uint8_t { kMariaDb, kMySql };

struct ServerVersion {
  Flavor flavor = Flavor::kMariaDb;
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t patch = 0;

  bool AtLeast(uint32_t ma, uint32_t mi, uint32_t pa) const {
    if (major != ma) return major > ma;
    if (minor != mi) return minor > mi;
    return patch >= pa;
  }
};

// Ordered from cheapest to most expensive, so the whole ALTER costs the
// maximum of its clauses.
enum class Algorithm : uint8_t {
  kInstant,  // metadata only; no table data is read or written
  kInplace,  // no full copy through the SQL layer, but data or indexes are
             // rebuilt or read (time grows with the table)
  kCopy,     // the server copies the table row by row (ALGORITHM=COPY)
};
std::string_view ToString(Algorithm algorithm);

struct ClauseAlgorithm {
  Algorithm algorithm = Algorithm::kCopy;
  // Why, for logs and --dry-run output.
  std::string reason;
};

struct AlgorithmReport {
  // The most expensive clause (the server runs one ALTER with one
  // algorithm), kCopy if the column mapping could not be computed.
  Algorithm overall = Algorithm::kCopy;
  // One verdict per plan clause, in order.
  std::vector<ClauseAlgorithm> clauses;
  // Set when something about the whole ALTER, not one clause, forced the
  // overall verdict (e.g. the column mapping failed).
  std::string note;

  bool IsInstant() const { return overall == Algorithm::kInstant; }
};

// The classifier's view of the connected server (db::ParseServerVersion).
ServerVersion ToServerVersion(const db::ServerInfo& info);

// Classifies every clause of `plan` for `table` on `server`.
//
// Not modelled (the caller should check them if it acts on the answer):
// MariaDB's innodb_instant_alter_column_allowed (never/add_last disable
// instant ADD/DROP/reorder), partitioned tables, and the maximum row size
// check the server makes for an instant ADD COLUMN in strict mode.
AlgorithmReport ClassifyAlter(const AlterPlan& plan, const TableInfo& table,
                              const ServerVersion& server);

}  // namespace osc::alter
