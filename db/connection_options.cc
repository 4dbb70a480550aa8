#include "db/connection_options.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "db/quoting.h"

namespace osc::db {
namespace {

// Connection character sets that keep every ASCII byte an ASCII character:
// in these, a quote or backslash byte can never be the tail of a multi-byte
// character (the GBK/Big5/SJIS escaping hole), so quoting.h stays safe.
constexpr std::array<std::string_view, 6> kSafeCharsets = {"utf8mb4", "utf8mb3", "utf8",
                                                           "latin1",  "ascii",   "binary"};

constexpr std::chrono::seconds kMaxTimeout{24 * 3600};

Status CheckTimeout(std::string_view name, std::chrono::seconds value) {
  if (value < std::chrono::seconds(1)) {
    return Status::InvalidArgument(std::string(name) +
                                   " must be at least 1 s (0 would mean no timeout)");
  }
  if (value > kMaxTimeout) {
    return Status::InvalidArgument(std::string(name) + " must be at most 24 h");
  }
  return Status::Ok();
}

Status CheckTls(const ConnectionOptions& o) {
  if (o.ssl_cert.empty() != o.ssl_key.empty()) {
    return Status::InvalidArgument("ssl_cert and ssl_key must be given together");
  }
  const bool any_file = !o.ssl_ca.empty() || !o.ssl_cert.empty();
  if (o.ssl_mode == SslMode::kDisabled && any_file) {
    return Status::InvalidArgument("TLS files are set but ssl_mode is disabled");
  }
  if ((o.ssl_mode == SslMode::kVerifyCa || o.ssl_mode == SslMode::kVerifyIdentity) &&
      o.ssl_ca.empty()) {
    return Status::InvalidArgument("ssl_mode " + std::string(ToString(o.ssl_mode)) +
                                   " needs ssl_ca");
  }
  return Status::Ok();
}

}  // namespace

std::string_view ToString(SslMode mode) {
  switch (mode) {
    case SslMode::kDisabled: return "disabled";
    case SslMode::kPreferred: return "preferred";
    case SslMode::kRequired: return "required";
    case SslMode::kVerifyCa: return "verify_ca";
    case SslMode::kVerifyIdentity: return "verify_identity";
  }
  return "unknown";
}

Result<SslMode> ParseSslMode(std::string_view text) {
  std::string norm;
  for (char c : text) {
    norm.push_back(c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  for (SslMode m : {SslMode::kDisabled, SslMode::kPreferred, SslMode::kRequired,
                    SslMode::kVerifyCa, SslMode::kVerifyIdentity}) {
    if (norm == ToString(m)) return m;
  }
  return Status::InvalidArgument(
      "ssl mode must be one of disabled, preferred, required, verify_ca, verify_identity");
}

Status ConnectionOptions::Validate() const {
  if (socket.empty()) {
    if (host.empty()) return Status::InvalidArgument("host (or socket) is required");
    if (port == 0) return Status::InvalidArgument("port must be 1..65535");
  }
  if (user.empty()) return Status::InvalidArgument("user is required");
  if (!database.empty()) {
    OSC_RETURN_IF_ERROR(ValidateIdentifier(database).WithContext("database"));
  }
  OSC_RETURN_IF_ERROR(CheckTimeout("connect_timeout", connect_timeout));
  OSC_RETURN_IF_ERROR(CheckTimeout("read_timeout", read_timeout));
  OSC_RETURN_IF_ERROR(CheckTimeout("write_timeout", write_timeout));
  OSC_RETURN_IF_ERROR(CheckTls(*this));
  if (std::find(kSafeCharsets.begin(), kSafeCharsets.end(), charset) == kSafeCharsets.end()) {
    return Status::InvalidArgument(
        "charset must be one of utf8mb4, utf8mb3, utf8, latin1, ascii, binary");
  }
  for (size_t i = 0; i < init_statements.size(); ++i) {
    if (init_statements[i].find_first_not_of(" \t\r\n") == std::string::npos) {
      return Status::InvalidArgument("init statement " + std::to_string(i + 1) + " is empty");
    }
  }
  return Status::Ok();
}

std::string ConnectionOptions::Describe() const {
  std::string out = user + "@";
  if (!socket.empty()) {
    out += "unix:" + socket;
  } else {
    // Bracket IPv6 literals so the port stays readable: [::1]:3306.
    const bool ipv6 = host.find(':') != std::string::npos;
    out += ipv6 ? "[" + host + "]" : host;
    out += ":" + std::to_string(port);
  }
  if (!database.empty()) out += "/" + database;
  return out;
}

}  // namespace osc::db
