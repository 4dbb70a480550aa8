#include "db/replica_status.h"

#include <charconv>
#include <initializer_list>
#include <utility>
#include <string_view>

namespace osc::db {
namespace {

// One row of the result, looked up by any of several column spellings
// (MariaDB/old MySQL first, MySQL 8.0.22+ second).
class RowView {
 public:
  RowView(const QueryResult& result, size_t row) : result_(result), row_(result.rows[row]) {}

  std::optional<size_t> Find(std::initializer_list<std::string_view> names) const {
    for (std::string_view n : names) {
      if (auto i = result_.ColumnIndex(n); i && *i < row_.size()) return i;
    }
    return std::nullopt;
  }
  // The cell's text; "" when the column is absent or NULL.
  std::string Text(std::initializer_list<std::string_view> names) const {
    auto i = Find(names);
    return i && row_[*i] ? *row_[*i] : std::string();
  }
  const Cell* Get(std::initializer_list<std::string_view> names) const {
    auto i = Find(names);
    return i ? &row_[*i] : nullptr;
  }

 private:
  const QueryResult& result_;
  const Row& row_;
};

template <typename T>
Status ParseNumber(const std::string& text, std::string_view column, T* out) {
  if (text.empty()) return Status::Ok();  // absent or NULL: keep the default
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::Corruption("replica status column " + std::string(column) +
                              " is not a number: '" + text.substr(0, 40) + "'");
  }
  return Status::Ok();
}

}  // namespace

Result<ReplicaStatus> ParseReplicaStatus(const QueryResult& result, size_t row) {
  if (row >= result.rows.size()) return Status::InvalidArgument("replica status row out of range");
  const RowView v(result, row);
  const Cell* io = v.Get({"Slave_IO_Running", "Replica_IO_Running"});
  const Cell* sql = v.Get({"Slave_SQL_Running", "Replica_SQL_Running"});
  const Cell* behind = v.Get({"Seconds_Behind_Master", "Seconds_Behind_Source"});
  if (io == nullptr || sql == nullptr || behind == nullptr) {
    return Status::Corruption(
        "replica status lacks the IO/SQL running or seconds-behind columns");
  }
  ReplicaStatus s;
  s.io_running_text = io->value_or("");
  s.io_running = s.io_running_text == "Yes";
  s.sql_running = sql->value_or("") == "Yes";
  if (behind->has_value()) {
    uint64_t seconds = 0;
    OSC_RETURN_IF_ERROR(ParseNumber(**behind, "Seconds_Behind_Master", &seconds));
    s.seconds_behind = seconds;
  }
  OSC_RETURN_IF_ERROR(ParseNumber(v.Text({"Last_IO_Errno"}), "Last_IO_Errno", &s.last_io_errno));
  OSC_RETURN_IF_ERROR(ParseNumber(v.Text({"Last_SQL_Errno"}), "Last_SQL_Errno", &s.last_sql_errno));
  s.last_io_error = v.Text({"Last_IO_Error"});
  s.last_sql_error = v.Text({"Last_SQL_Error"});
  s.source_host = v.Text({"Master_Host", "Source_Host"});
  OSC_RETURN_IF_ERROR(ParseNumber(v.Text({"Master_Port", "Source_Port"}), "Master_Port", &s.source_port));
  s.gtid_io_pos = v.Text({"Gtid_IO_Pos", "Retrieved_Gtid_Set"});
  s.gtid_applied_pos = v.Text({"Gtid_Slave_Pos", "Executed_Gtid_Set"});
  OSC_RETURN_IF_ERROR(ParseNumber(v.Text({"SQL_Delay"}), "SQL_Delay", &s.sql_delay));
  return s;
}

Result<std::optional<ReplicaStatus>> ReadReplicaStatus(Connection& conn) {
  // MySQL 8.0.22 renamed the statement (and 8.4 removed the old name);
  // MariaDB 10.11 accepts both but names its columns Slave_* either way.
  const ServerInfo& info = conn.server_info();
  const bool replica_syntax = info.IsMySQL() && info.AtLeast(8, 0, 22);
  OSC_ASSIGN_OR_RETURN(QueryResult r,
                       conn.Query(replica_syntax ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS"));
  if (r.rows.empty()) return std::optional<ReplicaStatus>();
  OSC_ASSIGN_OR_RETURN(ReplicaStatus s, ParseReplicaStatus(r, 0));
  return std::optional<ReplicaStatus>(std::move(s));
}

}  // namespace osc::db
