// How to reach one MySQL/MariaDB server.
//
// A plain value; copy it freely. It holds the password in memory (the client
// library needs it at connect time), but nothing in osc prints it: log
// Describe(), never the struct's fields.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace osc::db {

// Transport security, with the meanings MySQL's --ssl-mode gives them.
enum class SslMode : uint8_t {
  kDisabled,        // plain TCP
  kPreferred,       // TLS when the server offers it, else plain; unverified
  kRequired,        // TLS or fail; the certificate is not verified. The
                    // library can only fall back silently, so osc checks
                    // for TLS right after the handshake: authentication has
                    // happened by then (harmless for challenge-response
                    // plugins; use kVerify* with cleartext ones such as PAM)
  kVerifyCa,        // TLS, certificate chain checked against ssl_ca (see below)
  kVerifyIdentity,  // kVerifyCa plus the host name must match the certificate
};

std::string_view ToString(SslMode mode);
// "disabled", "preferred", "required", "verify_ca", "verify_identity" (also
// accepts upper case and '-' for '_'); InvalidArgument otherwise.
Result<SslMode> ParseSslMode(std::string_view text);

struct ConnectionOptions {
  // TCP host name or address. "localhost" also means TCP here (to
  // 127.0.0.1 by name resolution), never the client library's compiled-in
  // default socket, which may belong to a different server.
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  // Unix socket path. When set, the connection uses it and ignores
  // host/port.
  std::string socket;

  std::string user;
  std::string password;  // never logged; see Describe()
  // Default database for the session; empty for none.
  std::string database;

  // All timeouts have one-second resolution (the client library's unit)
  // and must be at least 1 s: zero would mean "wait forever".
  //
  // Bounds the TCP connect and the handshake. Long enough for a busy server
  // to accept, short enough that a dead host does not stall start-up.
  std::chrono::seconds connect_timeout{10};
  // Bounds every wait for a server reply, so a hung server or network
  // cannot block a thread forever and a stop request takes effect. The cost:
  // a statement that legitimately runs longer fails with 2013 (lost
  // connection), and keeps running on the server (a client timeout does not
  // stop it; KILL QUERY from another connection does). Set it above
  // lock_wait_timeout and above the slowest chunk you expect; open a
  // separate connection with a longer value for known-long statements.
  std::chrono::seconds read_timeout{60};
  // Bounds every send to the server (a full socket buffer means the server
  // is not reading).
  std::chrono::seconds write_timeout{60};

  // With Connector/C 3.3, kVerifyCa also checks the host name (the library
  // has no chain-only mode), so it behaves as kVerifyIdentity: stricter,
  // never weaker. Giving ssl_ca with kPreferred/kRequired makes the library
  // verify the chain too (as MySQL's client does for REQUIRED + --ssl-ca).
  SslMode ssl_mode = SslMode::kPreferred;
  std::string ssl_ca;    // PEM file of trusted CAs; required by kVerify*
  std::string ssl_cert;  // client certificate (PEM), with ssl_key
  std::string ssl_key;   // client private key (PEM), with ssl_cert

  // Connection character set. Only ASCII-compatible sets whose multi-byte
  // sequences never contain ASCII bytes are accepted (utf8mb4, utf8mb3,
  // utf8, latin1, ascii, binary): that is what keeps quoting.h's literals
  // safe. Default utf8mb4.
  std::string charset = "utf8mb4";

  // Statements run, in order, right after connecting, e.g.
  // "SET SESSION lock_wait_timeout = 5". Failure of any fails Open().
  std::vector<std::string> init_statements;

  // OK, or InvalidArgument naming the first problem: no host and no socket,
  // port 0, empty user, a timeout under 1 s, a client certificate without
  // its key (or the reverse), TLS files with ssl_mode kDisabled, kVerify*
  // without ssl_ca, an unsupported charset, an invalid database name, an
  // empty init statement.
  Status Validate() const;

  // "user@host:port" or "user@unix:/path/to.sock" (plus "/database" when
  // set) for logs and error messages. Never contains the password.
  std::string Describe() const;
};

}  // namespace osc::db
