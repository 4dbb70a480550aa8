#include "common/status.h"

namespace osc {

Status::Status(Code code, std::string_view msg, uint32_t server_errno)
    : rep_(std::make_unique<Rep>(Rep{code, server_errno, std::string(msg)})) {}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

std::string_view ToString(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "Invalid argument";
    case Status::Code::kNotFound: return "Not found";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kNotSupported: return "Not supported";
    case Status::Code::kIoError: return "I/O error";
    case Status::Code::kServerError: return "Server error";
    case Status::Code::kTimeout: return "Timeout";
    case Status::Code::kAborted: return "Aborted";
    case Status::Code::kFailedPrecondition: return "Failed precondition";
    case Status::Code::kInternal: return "Internal error";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(osc::ToString(rep_->code));
  if (rep_->server_errno != 0) {
    out += " ";
    out += std::to_string(rep_->server_errno);
  }
  out += ": ";
  out += rep_->message;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return Status();
  std::string msg(context);
  msg += ": ";
  msg += rep_->message;
  return Status(rep_->code, msg, rep_->server_errno);
}

}  // namespace osc
