// Helpers shared by the tests of osc/alter/.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

#include "osc/alter/alter_parser.h"
#include "osc/alter/table_info.h"

namespace osc::alter::testing {

inline ColumnInfo Column(std::string name, std::string type, std::string charset = "",
                         std::string collation = "") {
  ColumnInfo c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.charset = std::move(charset);
  c.collation = std::move(collation);
  return c;
}

// orders(id INT NOT NULL PRIMARY KEY, name VARCHAR(50), qty INT, note TEXT)
// in a utf8mb4 table, the shape most tests start from.
inline TableInfo OrdersTable() {
  TableInfo t;
  t.default_charset = "utf8mb4";
  t.default_collation = "utf8mb4_general_ci";
  ColumnInfo id = Column("id", "int(11)");
  id.nullable = false;
  id.indexed = true;
  t.columns = {id, Column("name", "varchar(50)", "utf8mb4", "utf8mb4_general_ci"),
               Column("qty", "int(11)"), Column("note", "text", "utf8mb4", "utf8mb4_general_ci")};
  return t;
}

inline AlterPlan MustParse(std::string_view text) {
  Result<AlterPlan> plan = ParseAlter(text);
  EXPECT_TRUE(plan.ok()) << text << " -> " << plan.status().ToString();
  return plan.ok() ? *plan : AlterPlan{};
}

}  // namespace osc::alter::testing
