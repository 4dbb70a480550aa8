// RenderBarLine (declared in cli/progress_output.h): the bar's text.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/progress_output.h"

namespace osc::cli {
namespace {

constexpr int kMinBarInner = 10;
constexpr int kMaxBarInner = 30;
constexpr int kMinWidth = 20;
constexpr const char* kSeparator = "  ";
constexpr int kSeparatorColumns = 2;

// One field of the line. Fields are dropped in increasing `drop_rank`
// when the line is too wide; rank 0 is never dropped.
struct Part {
  std::string text;
  int drop_rank = 0;
  bool is_bar = false;
};

int Columns(std::string_view s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The first `columns` code points of `s`.
std::string Head(std::string_view s, int columns) {
  size_t i = 0;
  for (int seen = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == columns) break;
  }
  return std::string(s.substr(0, i));
}

// A newline or escape sequence inside a reason would break the in-place
// redraw, so control characters become spaces.
std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

std::string Compact(double v) {
  static constexpr const char* kSuffix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (v >= 1000 && i < 4) {
    v /= 1000;
    ++i;
  }
  char buf[32];
  if (i == 0) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else {
    std::snprintf(buf, sizeof(buf), v >= 100 ? "%.0f%s" : (v >= 10 ? "%.1f%s" : "%.2f%s"), v, kSuffix[i]);
  }
  return buf;
}

std::string Seconds1(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1fs", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

std::vector<Part> PartsOf(const migration::ProgressSnapshot& p) {
  std::vector<Part> parts;
  parts.push_back({Printable(p.state), 0, false});
  if (const std::optional<double> pct = p.Percent()) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%5.1f%%", *pct);
    parts.push_back({buf, 8, false});
    parts.push_back({"", 7, true});
  }
  std::string rows = Compact(static_cast<double>(p.rows_copied));
  if (p.rows_estimated > 0) rows += "/" + Compact(static_cast<double>(p.rows_estimated));
  parts.push_back({rows + " rows", 1, false});
  parts.push_back({Compact(p.copy_rows_per_second) + " rows/s", 5, false});
  parts.push_back({"ETA " + (p.eta ? migration::FormatSeconds(*p.eta) : std::string("?")), 6, false});
  if (p.replica_lag) parts.push_back({"replica lag " + Seconds1(*p.replica_lag), 4, false});
  if (p.binlog_lag) parts.push_back({"binlog lag " + Seconds1(*p.binlog_lag), 3, false});
  if (p.cut_over_attempts > 0) parts.push_back({"cut-over #" + std::to_string(p.cut_over_attempts), 2, false});
  if (p.IsThrottled()) {
    parts.push_back({p.throttle_reason.empty() ? "throttled" : "throttled: " + Printable(p.throttle_reason), 0, false});
  }
  return parts;
}

int WidthOf(const std::vector<Part>& parts) {
  int w = 0;
  for (const Part& part : parts) w += part.is_bar ? kMinBarInner + 2 : Columns(part.text);
  return w + kSeparatorColumns * static_cast<int>(parts.size() - 1);
}

void DropUntilFits(std::vector<Part>& parts, int available) {
  while (WidthOf(parts) > available) {
    auto victim = parts.end();
    for (auto it = parts.begin(); it != parts.end(); ++it) {
      if (it->drop_rank > 0 && (victim == parts.end() || it->drop_rank < victim->drop_rank)) victim = it;
    }
    if (victim == parts.end()) return;
    parts.erase(victim);
  }
}

std::string Bar(double percent, int inner, bool unicode) {
  const int filled = std::clamp(static_cast<int>(std::lround(percent / 100.0 * inner)), 0, inner);
  std::string out = "[";
  for (int i = 0; i < inner; ++i) out += i < filled ? (unicode ? "\u2588" : "#") : (unicode ? "\u2591" : "-");
  return out + "]";
}

}  // namespace

std::string RenderBarLine(const migration::ProgressSnapshot& p, int width, bool unicode) {
  const int available = std::max(width, kMinWidth) - 1;
  std::vector<Part> parts = PartsOf(p);
  DropUntilFits(parts, available);
  const int spare = available - WidthOf(parts);
  std::string line;
  for (const Part& part : parts) {
    if (!line.empty()) line += kSeparator;
    line += part.is_bar ? Bar(p.Percent().value_or(0), std::min(kMaxBarInner, kMinBarInner + std::max(spare, 0)), unicode)
                        : part.text;
  }
  if (Columns(line) <= available) return line;
  // Only the state and the throttle reason are left and still too long.
  return unicode ? Head(line, available - 1) + "\u2026" : Head(line, available - 3) + "...";
}

}  // namespace osc::cli
