#include "db/connection.h"

#include <charconv>
#include <utility>

#include "db/connection_internal.h"
#include "db/errors.h"

namespace osc::db {

// query_result.h restates the protocol's type codes; keep them honest.
static_assert(static_cast<int>(ColumnType::kDecimal) == MYSQL_TYPE_DECIMAL);
static_assert(static_cast<int>(ColumnType::kLongLong) == MYSQL_TYPE_LONGLONG);
static_assert(static_cast<int>(ColumnType::kBit) == MYSQL_TYPE_BIT);
static_assert(static_cast<int>(ColumnType::kTime2) == MYSQL_TYPE_TIME2);
static_assert(static_cast<int>(ColumnType::kJson) == MYSQL_TYPE_JSON);
static_assert(static_cast<int>(ColumnType::kNewDecimal) == MYSQL_TYPE_NEWDECIMAL);
static_assert(static_cast<int>(ColumnType::kBlob) == MYSQL_TYPE_BLOB);
static_assert(static_cast<int>(ColumnType::kVarString) == MYSQL_TYPE_VAR_STRING);
static_assert(static_cast<int>(ColumnType::kGeometry) == MYSQL_TYPE_GEOMETRY);

namespace internal {

Status ErrorFromHandle(ConnectionState* state, std::string_view sql) {
  uint32_t code = mysql_errno(state->mysql);
  std::string text = mysql_sqlstate(state->mysql);
  text += " ";
  std::string_view message = mysql_error(state->mysql);
  if (code == 0) {
    // A failure path with no error recorded: report it rather than OK.
    code = errc::kClientUnknownError;
    message = "client library reported failure without an error";
  }
  // Syntax errors quote the statement ("... near 'IDENTIFIED BY x'"): drop
  // that echo when the statement may hold a secret.
  const size_t near = message.find(" near '");
  if (near != std::string_view::npos && MayContainSecret(sql)) message = message.substr(0, near);
  if (code == errc::kClientSslConnectionError && state->established) {
    // Over TLS, Connector/C 3.3 reports a dead session (server closed it,
    // KILL, read timeout) as 2026 "TLS/SSL error: unexpected eof" or
    // "...: Connection timed out" instead of 2013. At connect time 2026 is a
    // TLS set-up failure (not retryable); on an established session it can
    // only mean the stream is gone, so report what it means: 2013.
    code = errc::kClientServerLost;
    text += "Lost connection to server (client error 2026, ";
    text += message;
    text += ")";
  } else {
    text += message;
  }
  if (!sql.empty()) {
    text += "; statement: ";
    text += StatementExcerpt(sql);
  }
  if (Classify(code) == ErrorClass::kConnectionLost) {
    state->broken = true;
    state->broken_errno = code;
  }
  return Status::ServerError(code, text);
}

std::vector<Column> ReadColumns(MYSQL_RES* result) {
  const unsigned int n = mysql_num_fields(result);
  const MYSQL_FIELD* fields = mysql_fetch_fields(result);
  std::vector<Column> columns(n);
  for (unsigned int i = 0; i < n; ++i) {
    const MYSQL_FIELD& f = fields[i];
    Column& c = columns[i];
    c.name.assign(f.name, f.name_length);
    c.type = static_cast<ColumnType>(f.type);
    c.charset_number = f.charsetnr;
    c.is_unsigned = (f.flags & UNSIGNED_FLAG) != 0;
    c.is_nullable = (f.flags & NOT_NULL_FLAG) == 0;
  }
  return columns;
}

void CopyRow(MYSQL_RES* result, MYSQL_ROW row, Row* out) {
  const unsigned int n = mysql_num_fields(result);
  // Lengths, not strlen: values may contain NUL bytes.
  const unsigned long* lengths = mysql_fetch_lengths(result);
  out->clear();
  out->reserve(n);
  for (unsigned int i = 0; i < n; ++i) {
    if (row[i] == nullptr) {
      out->emplace_back(std::nullopt);
    } else {
      out->emplace_back(std::in_place, row[i], lengths[i]);
    }
  }
}

Status DrainMoreResults(ConnectionState* state, std::string_view sql) {
  for (;;) {
    const int rc = mysql_next_result(state->mysql);
    if (rc < 0) return Status::Ok();  // no more results
    if (rc > 0) return ErrorFromHandle(state, sql);
    MYSQL_RES* result = mysql_use_result(state->mysql);
    if (result == nullptr) {
      if (mysql_field_count(state->mysql) != 0) return ErrorFromHandle(state, sql);
      continue;
    }
    while (mysql_fetch_row(result) != nullptr) {
    }
    const bool failed = mysql_errno(state->mysql) != 0;
    Status status = failed ? ErrorFromHandle(state, sql) : Status::Ok();
    mysql_free_result(result);
    OSC_RETURN_IF_ERROR(status);
  }
}

}  // namespace internal

namespace {

using internal::ConnectionState;
using internal::ErrorFromHandle;

struct ResultDeleter {
  void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};
using ResultPtr = std::unique_ptr<MYSQL_RES, ResultDeleter>;

Status SetOption(MYSQL* mysql, mysql_option option, const void* value, std::string_view name) {
  if (mysql_optionsv(mysql, option, value) != 0) {
    return Status::Internal("client library rejected option " + std::string(name));
  }
  return Status::Ok();
}

Status ApplyTls(MYSQL* mysql, const ConnectionOptions& o) {
  // Observed with Connector/C 3.3.20 against MariaDB 10.11: SSL_ENFORCE asks
  // for TLS but quietly falls back to plain text when the server has none,
  // so it implements "preferred"; "required" is enforced after connecting,
  // in Open(). VERIFY_SERVER_CERT makes TLS mandatory and checks the chain
  // and the host name (a name missing from the certificate fails), so
  // verify_ca behaves as verify_identity with this library. A given CA
  // file is always used to verify the chain, whatever the mode.
  const my_bool enforce = o.ssl_mode != SslMode::kDisabled;
  const my_bool verify = o.ssl_mode == SslMode::kVerifyCa || o.ssl_mode == SslMode::kVerifyIdentity;
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_SSL_ENFORCE, &enforce, "ssl_enforce"));
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify, "ssl_verify"));
  if (!o.ssl_ca.empty()) OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_SSL_CA, o.ssl_ca.c_str(), "ssl_ca"));
  if (!o.ssl_cert.empty()) {
    OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_SSL_CERT, o.ssl_cert.c_str(), "ssl_cert"));
    OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_SSL_KEY, o.ssl_key.c_str(), "ssl_key"));
  }
  return Status::Ok();
}

Status ApplyOptions(MYSQL* mysql, const ConnectionOptions& o) {
  // Validate() bounded the timeouts to [1 s, 24 h], so they fit.
  const auto connect_s = static_cast<unsigned int>(o.connect_timeout.count());
  const auto read_s = static_cast<unsigned int>(o.read_timeout.count());
  const auto write_s = static_cast<unsigned int>(o.write_timeout.count());
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_s, "connect_timeout"));
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_READ_TIMEOUT, &read_s, "read_timeout"));
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_WRITE_TIMEOUT, &write_s, "write_timeout"));
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_SET_CHARSET_NAME, o.charset.c_str(), "charset"));
  const unsigned int local_infile = 0;
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_LOCAL_INFILE, &local_infile, "local_infile"));
  const my_bool reconnect = 0;
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_RECONNECT, &reconnect, "reconnect"));
  // Force the transport: with host "localhost" the library would otherwise
  // pick its compiled-in socket path, i.e. possibly another server.
  const unsigned int protocol = o.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  OSC_RETURN_IF_ERROR(SetOption(mysql, MYSQL_OPT_PROTOCOL, &protocol, "protocol"));
  // Shows up in performance_schema.session_connect_attrs for DBAs.
  if (mysql_optionsv(mysql, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "osc") != 0) {
    return Status::Internal("client library rejected connection attribute program_name");
  }
  return ApplyTls(mysql, o);
}

// Reads CONNECTION_ID() and VERSION() into the state.
Status ReadSessionIdentity(Connection& conn, ConnectionState* state) {
  OSC_ASSIGN_OR_RETURN(QueryResult r, conn.Query("SELECT CONNECTION_ID(), VERSION()"));
  if (r.rows.size() != 1 || r.rows[0].size() != 2 || !r.rows[0][0] || !r.rows[0][1]) {
    return Status::Internal("unexpected result for SELECT CONNECTION_ID(), VERSION()");
  }
  const std::string& id = *r.rows[0][0];
  auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), state->thread_id);
  if (ec != std::errc() || ptr != id.data() + id.size()) {
    return Status::Internal("CONNECTION_ID() is not a number");
  }
  OSC_ASSIGN_OR_RETURN(state->server_info, ParseServerVersion(*r.rows[0][1]));
  return Status::Ok();
}

}  // namespace

Result<Connection> Connection::Open(const ConnectionOptions& options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  OSC_RETURN_IF_ERROR(internal::EnsureThreadReady());
  auto state = std::make_shared<ConnectionState>();
  state->description = options.Describe();
  state->mysql = mysql_init(nullptr);
  if (state->mysql == nullptr) return Status::Internal("mysql_init failed (out of memory)");
  OSC_RETURN_IF_ERROR(ApplyOptions(state->mysql, options));

  const char* host = options.socket.empty() ? options.host.c_str() : "localhost";
  const char* socket = options.socket.empty() ? nullptr : options.socket.c_str();
  const char* database = options.database.empty() ? nullptr : options.database.c_str();
  if (mysql_real_connect(state->mysql, host, options.user.c_str(), options.password.c_str(),
                         database, options.port, socket, 0) == nullptr) {
    return ErrorFromHandle(state.get(), "").WithContext("connect to " + state->description);
  }
  state->established = true;
  const bool need_tls = options.ssl_mode != SslMode::kDisabled && options.ssl_mode != SslMode::kPreferred;
  if (need_tls && mysql_get_ssl_cipher(state->mysql) == nullptr) {
    return Status::ServerError(errc::kClientSslConnectionError,
                               "connect to " + state->description + ": ssl_mode " +
                                   std::string(ToString(options.ssl_mode)) +
                                   " but the server did not agree to TLS");
  }
  Connection conn(std::move(state));
  ConnectionState* s = conn.state_.get();
  OSC_RETURN_IF_ERROR(ReadSessionIdentity(conn, s).WithContext("connect to " + s->description));
  for (const std::string& sql : options.init_statements) {
    OSC_RETURN_IF_ERROR(conn.Execute(sql).WithContext("init statement on " + s->description));
  }
  return conn;
}

Connection::Connection(std::shared_ptr<internal::ConnectionState> state) : state_(std::move(state)) {}
Connection::Connection(Connection&& other) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept = default;
Connection::~Connection() = default;

Status Connection::CheckUsable() const {
  if (!state_) return Status::FailedPrecondition("Connection used after it was moved from");
  OSC_RETURN_IF_ERROR(internal::EnsureThreadReady());
  if (state_->streaming) {
    return Status::FailedPrecondition("a RowStream is still open on " + state_->description);
  }
  if (state_->broken) {
    return Status::ServerError(errc::kClientServerGone,
                               "HY000 connection " + state_->description + " was lost (error " +
                                   std::to_string(state_->broken_errno) + "); open a new one");
  }
  return Status::Ok();
}

Status Connection::Execute(std::string_view sql) {
  OSC_RETURN_IF_ERROR(CheckUsable());
  ConnectionState* s = state_.get();
  if (mysql_real_query(s->mysql, sql.data(), sql.size()) != 0) return ErrorFromHandle(s, sql);
  // Unbuffered: rows of an unexpected SELECT are skipped, not stored.
  ResultPtr result(mysql_use_result(s->mysql));
  if (result) {
    while (mysql_fetch_row(result.get()) != nullptr) {
    }
    if (mysql_errno(s->mysql) != 0) return ErrorFromHandle(s, sql);
    s->affected_rows = 0;
  } else if (mysql_field_count(s->mysql) != 0) {
    return ErrorFromHandle(s, sql);
  } else {
    s->affected_rows = mysql_affected_rows(s->mysql);
  }
  result.reset();
  return internal::DrainMoreResults(s, sql);
}

Result<QueryResult> Connection::Query(std::string_view sql) {
  OSC_RETURN_IF_ERROR(CheckUsable());
  ConnectionState* s = state_.get();
  if (mysql_real_query(s->mysql, sql.data(), sql.size()) != 0) return ErrorFromHandle(s, sql);
  QueryResult out;
  ResultPtr result(mysql_store_result(s->mysql));
  if (!result) {
    if (mysql_field_count(s->mysql) != 0) return ErrorFromHandle(s, sql);
    s->affected_rows = mysql_affected_rows(s->mysql);
  } else {
    s->affected_rows = 0;
    out.columns = internal::ReadColumns(result.get());
    out.rows.reserve(static_cast<size_t>(mysql_num_rows(result.get())));
    while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
      internal::CopyRow(result.get(), row, &out.rows.emplace_back());
    }
    result.reset();
  }
  OSC_RETURN_IF_ERROR(internal::DrainMoreResults(s, sql));
  return out;
}

Result<std::optional<std::string>> Connection::QueryScalar(std::string_view sql) {
  OSC_ASSIGN_OR_RETURN(QueryResult r, Query(sql));
  if (r.rows.empty() || r.rows[0].empty()) {
    return Status::NotFound("no rows from: " + StatementExcerpt(sql));
  }
  return std::move(r.rows[0][0]);
}

Status Connection::Ping() {
  OSC_RETURN_IF_ERROR(CheckUsable());
  if (mysql_ping(state_->mysql) != 0) return ErrorFromHandle(state_.get(), "");
  return Status::Ok();
}

uint64_t Connection::affected_rows() const { return state_ ? state_->affected_rows : 0; }
uint64_t Connection::thread_id() const { return state_ ? state_->thread_id : 0; }
bool Connection::broken() const { return !state_ || state_->broken; }

const ServerInfo& Connection::server_info() const {
  static const ServerInfo kNone;
  return state_ ? state_->server_info : kNone;
}

const std::string& Connection::description() const {
  static const std::string kMoved = "<moved-from connection>";
  return state_ ? state_->description : kMoved;
}

std::string Connection::tls_cipher() const {
  if (!state_) return "";
  const char* cipher = mysql_get_ssl_cipher(state_->mysql);
  return cipher ? cipher : "";
}

}  // namespace osc::db
