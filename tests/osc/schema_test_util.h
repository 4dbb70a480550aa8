// Hand-built TableSchema values for the osc/schema unit tests.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "osc/alter/alter_parser.h"
#include "osc/alter/column_mapping.h"
#include "osc/schema/table_schema.h"

namespace osc::schema::testutil {

// A column; `type` is a COLUMN_TYPE ("int(11)", "varchar(64)"). Character
// types get utf8mb4 unless told otherwise.
inline Column Col(std::string name, std::string type, bool nullable = false) {
  Column c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  if (c.data_type == "varchar" || c.data_type == "char" || c.data_type == "text") {
    c.charset = "utf8mb4";
    c.collation = "utf8mb4_general_ci";
  }
  return c;
}

struct Part {
  std::string column;
  std::optional<uint32_t> prefix = std::nullopt;
};

inline Index Idx(std::string name, bool unique, std::initializer_list<Part> parts,
                 IndexKind kind = IndexKind::kBtree) {
  Index index;
  index.name = std::move(name);
  index.primary = index.name == "PRIMARY";
  index.unique = unique || index.primary;
  index.kind = kind;
  for (const Part& p : parts) index.columns.push_back(IndexColumn{p.column, "", p.prefix, false});
  return index;
}

inline TableSchema Table(std::initializer_list<Column> columns, std::initializer_list<Index> indexes) {
  TableSchema t;
  t.schema = "app";
  t.name = "t";
  t.engine = "InnoDB";
  t.row_format = "Dynamic";
  t.default_charset = "utf8mb4";
  t.default_collation = "utf8mb4_general_ci";
  t.columns = columns;
  t.indexes = indexes;
  // Index parts are nullable exactly when their column is.
  for (Index& index : t.indexes) {
    for (IndexColumn& part : index.columns) {
      if (const Column* c = t.FindColumn(part.name)) part.nullable = c->nullable;
    }
  }
  return t;
}

// Parses `alter` and maps it onto `table`; fails the test on error.
struct Planned {
  alter::AlterPlan plan;
  alter::ColumnMapping mapping;
};
inline Planned Plan(const TableSchema& table, std::string_view alter_text) {
  Result<alter::AlterPlan> plan = alter::ParseAlter(alter_text);
  EXPECT_TRUE(plan.ok()) << alter_text << ": " << plan.status().ToString();
  if (!plan.ok()) return {};
  Result<alter::ColumnMapping> mapping = alter::ComputeColumnMapping(*plan, ToAlterTableInfo(table));
  EXPECT_TRUE(mapping.ok()) << alter_text << ": " << mapping.status().ToString();
  if (!mapping.ok()) return {};
  return {std::move(plan).value(), std::move(mapping).value()};
}

}  // namespace osc::schema::testutil
