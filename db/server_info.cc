#include "db/server_info.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

namespace osc::db {
namespace {

// Reads a decimal number of at most 5 digits at `*s`, advancing it.
bool ReadNumber(std::string_view* s, int* out) {
  size_t n = 0;
  while (n < s->size() && n < 6 && std::isdigit(static_cast<unsigned char>((*s)[n]))) ++n;
  if (n == 0 || n > 5) return false;
  std::from_chars(s->data(), s->data() + n, *out);
  s->remove_prefix(n);
  return true;
}

bool ReadChar(std::string_view* s, char c) {
  if (s->empty() || s->front() != c) return false;
  s->remove_prefix(1);
  return true;
}

// Parses "X.Y.Z" at the start of `s`, advancing past it.
bool ReadTriple(std::string_view* s, int* major, int* minor, int* patch) {
  return ReadNumber(s, major) && ReadChar(s, '.') && ReadNumber(s, minor) && ReadChar(s, '.') &&
         ReadNumber(s, patch);
}

bool ContainsMariaDB(std::string_view s) {
  constexpr std::string_view kWord = "mariadb";
  auto it = std::search(s.begin(), s.end(), kWord.begin(), kWord.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return it != s.end();
}

}  // namespace

std::string_view ToString(Flavor flavor) {
  switch (flavor) {
    case Flavor::kMySQL: return "MySQL";
    case Flavor::kMariaDB: return "MariaDB";
    case Flavor::kUnknown: break;
  }
  return "unknown";
}

bool ServerInfo::AtLeast(int want_major, int want_minor, int want_patch) const {
  return std::tie(major, minor, patch) >= std::tie(want_major, want_minor, want_patch);
}

std::string ServerInfo::ToString() const {
  return std::string(db::ToString(flavor)) + " " + std::to_string(major) + "." +
         std::to_string(minor) + "." + std::to_string(patch);
}

Result<ServerInfo> ParseServerVersion(std::string_view version) {
  ServerInfo info;
  info.version_string = std::string(version);
  info.flavor = ContainsMariaDB(version) ? Flavor::kMariaDB : Flavor::kMySQL;

  std::string_view rest = version;
  if (!ReadTriple(&rest, &info.major, &info.minor, &info.patch)) {
    return Status::InvalidArgument("cannot parse server version '" +
                                   std::string(version.substr(0, 80)) + "'");
  }
  // "5.5.5-10.11.6-MariaDB": the real version follows the fake one.
  if (info.flavor == Flavor::kMariaDB && info.major == 5 && info.minor == 5 && info.patch == 5 &&
      ReadChar(&rest, '-')) {
    if (!ReadTriple(&rest, &info.major, &info.minor, &info.patch)) {
      return Status::InvalidArgument("cannot parse server version after the 5.5.5- prefix: '" +
                                     std::string(version.substr(0, 80)) + "'");
    }
  }
  // Whatever follows must be a suffix ("-log", "-MariaDB...", "-28"), not
  // more digits ("8.0.36.1" or "10.11.6x" are not versions we know).
  if (!rest.empty() && rest.front() != '-' && rest.front() != '+' && rest.front() != ' ') {
    return Status::InvalidArgument("unexpected text after the version number in '" +
                                   std::string(version.substr(0, 80)) + "'");
  }
  return info;
}

}  // namespace osc::db
