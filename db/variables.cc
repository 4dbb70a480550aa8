#include "db/variables.h"

namespace osc::db {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

Status CheckChars(std::string_view text, bool allow_percent, std::string_view what) {
  if (text.empty() || text.size() > 64) {
    return Status::InvalidArgument(std::string(what) + " must be 1 to 64 characters");
  }
  for (char c : text) {
    if (!IsNameChar(c) && !(allow_percent && c == '%')) {
      return Status::InvalidArgument(std::string(what) + " may contain only letters, digits, '_'" +
                                     (allow_percent ? ", '.' and '%'" : " and '.'"));
    }
  }
  return Status::Ok();
}

// SHOW ... VARIABLES WHERE Variable_name = '<name>'. The name's characters
// are checked, so a plain quoted literal is exact in every sql_mode; WHERE
// (not LIKE) keeps '_' from being a wildcard.
Result<std::optional<std::string>> GetVariable(Connection& conn, std::string_view scope,
                                               std::string_view name) {
  OSC_RETURN_IF_ERROR(ValidateVariableName(name));
  std::string sql = "SHOW ";
  sql.append(scope).append(" VARIABLES WHERE Variable_name = '").append(name).append("'");
  OSC_ASSIGN_OR_RETURN(QueryResult r, conn.Query(sql));
  if (r.rows.empty()) return std::optional<std::string>();
  if (r.columns.size() < 2) return Status::Internal("SHOW VARIABLES returned fewer than 2 columns");
  // SHOW VARIABLES prints an unset value as an empty string, never NULL,
  // but be tolerant.
  return std::optional<std::string>(r.rows[0][1].value_or(""));
}

}  // namespace

Status ValidateVariableName(std::string_view name) {
  return CheckChars(name, /*allow_percent=*/false, "variable name");
}

Result<std::optional<std::string>> GetGlobalVariable(Connection& conn, std::string_view name) {
  return GetVariable(conn, "GLOBAL", name);
}

Result<std::optional<std::string>> GetSessionVariable(Connection& conn, std::string_view name) {
  return GetVariable(conn, "SESSION", name);
}

Result<std::map<std::string, std::string>> GetGlobalVariables(Connection& conn,
                                                              std::string_view like_pattern) {
  OSC_RETURN_IF_ERROR(CheckChars(like_pattern, /*allow_percent=*/true, "variable pattern"));
  std::string sql = "SHOW GLOBAL VARIABLES LIKE '";
  sql.append(like_pattern).append("'");
  OSC_ASSIGN_OR_RETURN(QueryResult r, conn.Query(sql));
  if (!r.rows.empty() && r.columns.size() < 2) {
    return Status::Internal("SHOW VARIABLES returned fewer than 2 columns");
  }
  std::map<std::string, std::string> out;
  for (Row& row : r.rows) {
    if (row[0]) out.emplace(std::move(*row[0]), row[1].value_or(""));
  }
  return out;
}

}  // namespace osc::db
