// Which server we talk to: flavour and version, parsed from VERSION().
//
// Thread safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace osc::db {

enum class Flavor : uint8_t {
  kUnknown = 0,  // default-constructed; never returned by ParseServerVersion
  kMySQL,        // Oracle MySQL and compatible builds (Percona Server, ...)
  kMariaDB,
};

std::string_view ToString(Flavor flavor);

struct ServerInfo {
  Flavor flavor = Flavor::kUnknown;
  int major = 0;
  int minor = 0;
  int patch = 0;
  // VERSION() as the server reported it, e.g. "10.11.6-MariaDB-0+deb12u1-log".
  std::string version_string;

  bool IsMariaDB() const { return flavor == Flavor::kMariaDB; }
  bool IsMySQL() const { return flavor == Flavor::kMySQL; }
  // Version comparison, ignoring flavour: AtLeast(10, 11, 0).
  bool AtLeast(int want_major, int want_minor, int want_patch) const;
  // "MariaDB 10.11.6".
  std::string ToString() const;
};

// Parses a server version string:
//   "10.11.6-MariaDB-0+deb12u1-log" -> MariaDB 10.11.6
//   "8.0.36", "8.0.36-28" (Percona), "5.7.44-log" -> MySQL
//   "5.5.5-10.11.6-MariaDB" -> MariaDB 10.11.6: MariaDB before 11.0 sends
//     this "5.5.5-" prefix in the handshake so that old MySQL replicas
//     accept a 10.x source; it is not the version.
// Flavour is MariaDB when the string contains "MariaDB" (any case), else
// MySQL. InvalidArgument when it does not start with major.minor.patch.
Result<ServerInfo> ParseServerVersion(std::string_view version);

}  // namespace osc::db
