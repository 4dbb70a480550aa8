// Status: the outcome of an operation at a module boundary.
//
// A Status is either OK or carries a code, a human message and, where the
// error came from a MySQL/MariaDB server or client library, the server errno
// (e.g. 1205 lock wait timeout, 2013 lost connection) so callers can decide
// whether to retry. The OK path is one null pointer: copying or returning an
// OK Status allocates nothing.
//
// Thread safety: a Status is an immutable value; distinct objects may be used
// from different threads freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace osc {

class Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kInvalidArgument,  // bad input from the user or caller
    kNotFound,
    kCorruption,       // bytes that cannot be what they claim to be
    kNotSupported,     // valid, but osc does not handle it
    kIoError,          // local I/O (files, sockets)
    kServerError,      // an error reported by the server or client library
    kTimeout,
    kAborted,          // stopped on request (signal, panic flag, stop token)
    kFailedPrecondition,  // the world is not in a state where this can run
    kInternal,         // a bug in osc
  };

  Status() noexcept = default;
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string_view msg) { return Status(Code::kInvalidArgument, msg); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status IoError(std::string_view msg) { return Status(Code::kIoError, msg); }
  static Status Timeout(std::string_view msg) { return Status(Code::kTimeout, msg); }
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }
  static Status FailedPrecondition(std::string_view msg) { return Status(Code::kFailedPrecondition, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }
  // An error from the server or the client library. `server_errno` is the
  // value of mysql_errno() (server errors 1000-1999, 3000+, client 2000-2999).
  static Status ServerError(uint32_t server_errno, std::string_view msg) {
    return Status(Code::kServerError, msg, server_errno);
  }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  // 0 when the error did not come from a server or client library.
  uint32_t server_errno() const { return rep_ ? rep_->server_errno : 0; }
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : std::string_view(); }

  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsNotSupported() const { return code() == Code::kNotSupported; }
  bool IsServerError() const { return code() == Code::kServerError; }
  bool IsTimeout() const { return code() == Code::kTimeout; }
  bool IsAborted() const { return code() == Code::kAborted; }

  // "Server error 1205: Lock wait timeout exceeded" style text for logs.
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; code and errno
  // are kept. OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct Rep {
    Code code;
    uint32_t server_errno;
    std::string message;
  };
  Status(Code code, std::string_view msg, uint32_t server_errno = 0);

  std::unique_ptr<Rep> rep_;  // null means OK
};

std::string_view ToString(Status::Code code);

}  // namespace osc

// Returns early from the enclosing function if `expr` is not OK.
#define OSC_RETURN_IF_ERROR(expr)                  \
  do {                                             \
    ::osc::Status osc_status_tmp_ = (expr);        \
    if (!osc_status_tmp_.ok()) return osc_status_tmp_; \
  } while (0)
