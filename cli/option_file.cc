#include "cli/option_file.h"

#include <array>
#include <cctype>

#include "cli/flag_values_internal.h"

namespace osc::cli {
namespace {

// The client library trims with my_isspace over latin1: blank, tab, CR, LF,
// VT, FF. '\r' matters in practice: files edited on Windows end in CRLF.
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string NormalizeName(std::string_view name) {
  std::string out = Lower(name);
  for (char& c : out) {
    if (c == '_') c = '-';
  }
  return out;
}

Status LineError(int line, std::string_view problem) {
  return Status::InvalidArgument("line " + std::to_string(line) + ": " + std::string(problem));
}

// Cuts the line at the first '#' outside quotes. Inside quotes a backslash
// protects the next character (so "a\"#b" keeps its '#'), as in the client
// library.
std::string_view StripEndComment(std::string_view s) {
  char quote = 0;
  bool escaped = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if ((c == '\'' || c == '"') && !escaped) {
      if (quote == 0) {
        quote = c;
      } else if (quote == c) {
        quote = 0;
      }
    }
    if (quote == 0 && c == '#') return s.substr(0, i);
    escaped = quote != 0 && c == '\\' && !escaped;
  }
  return s;
}

std::string Unescape(std::string_view v) {
  // Matching outer quotes go first (a value of one quote character stays).
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.front() == v.back()) {
    v = v.substr(1, v.size() - 2);
  }
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out.push_back(v[i]);
      continue;
    }
    const char next = v[++i];
    switch (next) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 's': out.push_back(' '); break;
      case '"':
      case '\'':
      case '\\': out.push_back(next); break;
      default:  // unknown escape: keep the backslash, as the client does
        out.push_back('\\');
        out.push_back(next);
    }
  }
  return out;
}

// Parses one non-comment, non-group line into `entry`.
Status ParseSetting(std::string_view line, int number, OptionFileEntry* entry) {
  line = StripEndComment(line);
  const size_t eq = line.find('=');
  const std::string_view name = Trim(line.substr(0, eq));
  if (name.empty()) return LineError(number, "a setting needs a name before '='");
  entry->name = NormalizeName(name);
  entry->line = number;
  if (eq == std::string_view::npos) {
    entry->value.reset();
  } else {
    entry->value = Unescape(Trim(line.substr(eq + 1)));
  }
  return Status::Ok();
}

constexpr std::array<std::string_view, 9> kKnownKeys = {
    "host", "port", "socket", "user", "password", "ssl-mode", "ssl-ca", "ssl-cert", "ssl-key"};

bool IsKnownKey(std::string_view name) {
  for (std::string_view k : kKnownKeys) {
    if (k == name) return true;
  }
  return false;
}

// Stores one known setting into `out`.
Status Apply(const OptionFileEntry& e, std::string_view key, OptionFileSettings* out) {
  if (!e.value) {
    return LineError(e.line, std::string(key) + " needs a value (" + std::string(key) + " = ...)");
  }
  const std::string& v = *e.value;
  if (key == "port") {
    auto port = internal::ParseUnsigned("port", v, 1, 65535);
    if (!port.ok()) return LineError(e.line, port.status().message());
    out->port = static_cast<uint16_t>(*port);
  } else if (key == "host") {
    out->host = v;
  } else if (key == "socket") {
    out->socket = v;
  } else if (key == "user") {
    out->user = v;
  } else if (key == "password") {
    out->password = v;
  } else if (key == "ssl-mode") {
    out->ssl_mode = v;
  } else if (key == "ssl-ca") {
    out->ssl_ca = v;
  } else if (key == "ssl-cert") {
    out->ssl_cert = v;
  } else {
    out->ssl_key = v;
  }
  return Status::Ok();
}

// Fills each optional of `low` that `high` leaves unset.
void MergeUnder(const OptionFileSettings& low, OptionFileSettings* high) {
  auto fill = [](auto& dst, const auto& src) {
    if (!dst && src) dst = src;
  };
  fill(high->host, low.host);
  fill(high->port, low.port);
  fill(high->socket, low.socket);
  fill(high->user, low.user);
  fill(high->password, low.password);
  fill(high->ssl_mode, low.ssl_mode);
  fill(high->ssl_ca, low.ssl_ca);
  fill(high->ssl_cert, low.ssl_cert);
  fill(high->ssl_key, low.ssl_key);
}

}  // namespace

Result<std::vector<OptionFileEntry>> ParseOptionFile(std::string_view text) {
  std::vector<OptionFileEntry> entries;
  std::optional<std::string> group;
  int number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '!') {
      return LineError(number, "include directives are not supported: put the settings in this file");
    }
    if (line.front() == '[') {
      const size_t close = line.find(']');
      if (close == std::string_view::npos) return LineError(number, "group name without ']'");
      group = Lower(Trim(line.substr(1, close - 1)));
      continue;
    }
    if (!group) return LineError(number, "setting before the first [group]");
    OptionFileEntry entry;
    entry.group = *group;
    OSC_RETURN_IF_ERROR(ParseSetting(line, number, &entry));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<OptionFileSettings> ReadOptionFileSettings(std::string_view text) {
  OSC_ASSIGN_OR_RETURN(std::vector<OptionFileEntry> entries, ParseOptionFile(text));
  OptionFileSettings client;
  OptionFileSettings osc;
  for (const OptionFileEntry& e : entries) {
    if (e.group != "client" && e.group != "osc") continue;
    const bool loose = e.name.starts_with("loose-");
    const std::string_view key = loose ? std::string_view(e.name).substr(6) : std::string_view(e.name);
    if (!IsKnownKey(key)) {
      if (e.group == "osc" && !loose) {
        return LineError(e.line, "unknown setting '" + e.name + "' in [osc] (known: host, port, socket, " +
                                     "user, password, ssl-mode, ssl-ca, ssl-cert, ssl-key)");
      }
      continue;
    }
    OSC_RETURN_IF_ERROR(Apply(e, key, e.group == "osc" ? &osc : &client));
  }
  MergeUnder(client, &osc);
  return osc;
}

}  // namespace osc::cli
