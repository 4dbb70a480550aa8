// Connection::QueryStream and RowStream: unbuffered reads
// (mysql_use_result), for results too large to hold in memory.

#include <utility>

#include "db/connection.h"
#include "db/connection_internal.h"
#include "db/errors.h"

namespace osc::db {

struct RowStream::Impl {
  std::shared_ptr<internal::ConnectionState> state;
  MYSQL_RES* result = nullptr;
  std::vector<Column> columns;
  std::string sql_excerpt;  // for error messages after the call returned
  bool done = false;
};

Result<RowStream> Connection::QueryStream(std::string_view sql) {
  OSC_RETURN_IF_ERROR(CheckUsable());
  internal::ConnectionState* s = state_.get();
  if (mysql_real_query(s->mysql, sql.data(), sql.size()) != 0) {
    return internal::ErrorFromHandle(s, sql);
  }
  auto impl = std::make_unique<RowStream::Impl>();
  impl->state = state_;
  impl->sql_excerpt = StatementExcerpt(sql);
  impl->result = mysql_use_result(s->mysql);
  if (impl->result == nullptr) {
    if (mysql_field_count(s->mysql) != 0) return internal::ErrorFromHandle(s, sql);
    // Not a SELECT: an empty stream.
    s->affected_rows = mysql_affected_rows(s->mysql);
    impl->done = true;
    OSC_RETURN_IF_ERROR(internal::DrainMoreResults(s, sql));
    return RowStream(std::move(impl));
  }
  s->affected_rows = 0;
  impl->columns = internal::ReadColumns(impl->result);
  s->streaming = true;
  return RowStream(std::move(impl));
}

RowStream::RowStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RowStream::RowStream(RowStream&& other) noexcept = default;

RowStream& RowStream::operator=(RowStream&& other) noexcept {
  if (this != &other) {
    Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

RowStream::~RowStream() { Close(); }

const std::vector<Column>& RowStream::columns() const {
  static const std::vector<Column> kNone;
  return impl_ ? impl_->columns : kNone;
}

Result<bool> RowStream::Next(Row* row) {
  if (!impl_ || impl_->done) return false;
  internal::ConnectionState* s = impl_->state.get();
  MYSQL_ROW r = mysql_fetch_row(impl_->result);
  if (r != nullptr) {
    internal::CopyRow(impl_->result, r, row);
    return true;
  }
  impl_->done = true;
  Status status;
  if (mysql_errno(s->mysql) != 0) status = internal::ErrorFromHandle(s, impl_->sql_excerpt);
  Close();
  if (!status.ok()) return status;
  return false;
}

void RowStream::Close() {
  if (!impl_ || impl_->result == nullptr) return;
  internal::ConnectionState* s = impl_->state.get();
  // mysql_free_result on an unbuffered result reads the remaining rows off
  // the wire (bounded by the read timeout), leaving the session in sync.
  mysql_free_result(impl_->result);
  impl_->result = nullptr;
  impl_->done = true;
  if (!s->broken) {
    // A later result of the same statement (CALL's status) must be read
    // too. Its error cannot be returned from here; a lost connection still
    // shows, as broken() and on the next call.
    (void)internal::DrainMoreResults(s, impl_->sql_excerpt);
  }
  s->streaming = false;
}

}  // namespace osc::db
