#include "osc/progress.h"

#include <cmath>
#include <cstdio>

namespace osc::migration {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Seconds1(std::chrono::milliseconds ms) { return Fixed(static_cast<double>(ms.count()) / 1000.0, 1) + "s"; }

std::string OptionalMs(const std::optional<std::chrono::milliseconds>& v) {
  return v ? std::to_string(v->count()) : std::string("null");
}

std::chrono::seconds ToSeconds(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::seconds>(ms);
}

// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF); 0 if there is none.
size_t Utf8SequenceLength(std::string_view s) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  // Reasons and names come from the server and from flag files, so they
  // may hold any bytes; a JSON reader rejects invalid UTF-8, so each byte
  // that does not start a valid sequence becomes U+FFFD.
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u == '"' || u == '\\') {
      out += '\\';
      out += s[i++];
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
      ++i;
    } else if (u < 0x80) {
      out += s[i++];
    } else if (const size_t n = Utf8SequenceLength(s.substr(i)); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  return out + "\"";
}

std::optional<double> ProgressSnapshot::Percent() const {
  if (rows_estimated == 0) return std::nullopt;
  const double pct = 100.0 * static_cast<double>(rows_copied) / static_cast<double>(rows_estimated);
  return pct > 100 ? 100.0 : pct;
}

RateEstimator::RateEstimator(std::chrono::milliseconds half_life) : half_life_(half_life) {}

double RateEstimator::Update(uint64_t value, Clock::SteadyTime now) {
  if (!has_sample_) {
    has_sample_ = true;
    last_value_ = value;
    last_time_ = now;
    return rate_;
  }
  const double dt = std::chrono::duration<double>(now - last_time_).count();
  if (dt <= 0) return rate_;
  const double delta = value >= last_value_ ? static_cast<double>(value - last_value_) : 0.0;
  const double instant = delta / dt;
  // Weight of the old rate after dt: 0.5^(dt / half_life). The first real
  // interval replaces the initial zero outright so the rate does not crawl
  // up from zero for a whole half-life.
  const double keep = std::pow(0.5, dt / std::chrono::duration<double>(half_life_).count());
  rate_ = (rate_ == 0) ? instant : keep * rate_ + (1 - keep) * instant;
  last_value_ = value;
  last_time_ = now;
  return rate_;
}

std::optional<std::chrono::seconds> EstimateEta(uint64_t copied, uint64_t estimated, double rows_per_second) {
  if (rows_per_second <= 0) return std::nullopt;
  const uint64_t left = estimated > copied ? estimated - copied : 0;
  return std::chrono::seconds(static_cast<int64_t>(std::ceil(static_cast<double>(left) / rows_per_second)));
}

std::string FormatSeconds(std::chrono::seconds s) {
  int64_t v = s.count() < 0 ? 0 : s.count();
  const int64_t h = v / 3600, m = (v / 60) % 60, sec = v % 60;
  char buf[48];
  if (h > 0) {
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm%02llds", static_cast<long long>(h), static_cast<long long>(m),
                  static_cast<long long>(sec));
  } else if (m > 0) {
    std::snprintf(buf, sizeof(buf), "%lldm%02llds", static_cast<long long>(m), static_cast<long long>(sec));
  } else {
    std::snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(sec));
  }
  return buf;
}

std::string FormatProgressLine(const ProgressSnapshot& p) {
  std::string out = p.state;
  if (const std::optional<double> pct = p.Percent()) out += " " + Fixed(*pct, 1) + "%";
  out += " " + std::to_string(p.rows_copied) + "/" + std::to_string(p.rows_estimated) + " rows";
  out += ", " + Fixed(p.copy_rows_per_second, 0) + " rows/s";
  out += ", applied " + std::to_string(p.changes_applied) + " (backlog " + std::to_string(p.apply_backlog) + ")";
  if (p.binlog_lag) out += ", binlog lag " + Seconds1(*p.binlog_lag);
  if (p.replica_lag) out += ", replica lag " + Seconds1(*p.replica_lag);
  out += ", ETA " + (p.eta ? FormatSeconds(*p.eta) : std::string("?"));
  if (p.chunk_size > 0) out += ", chunk " + std::to_string(p.chunk_size);
  if (p.cut_over_attempts > 0) out += ", cut-over attempts " + std::to_string(p.cut_over_attempts);
  if (p.IsThrottled()) out += p.throttle_reason.empty() ? " [throttled]" : " [throttled: " + p.throttle_reason + "]";
  return out;
}

std::string FormatStateLine(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed) {
  return "state " + std::string(from) + " -> " + std::string(to) + " after " + FormatSeconds(ToSeconds(elapsed));
}

std::string FormatSummaryLine(const ProgressSummary& s) {
  const ProgressSnapshot& p = s.last;
  std::string out = s.outcome + " after " + FormatSeconds(ToSeconds(p.elapsed)) + " in state " + s.final_state;
  out += ": " + std::to_string(p.rows_copied) + " rows copied, " + std::to_string(p.changes_applied) +
         " changes applied, " + std::to_string(p.cut_over_attempts) + " cut-over attempt(s)";
  if (!s.message.empty()) out += "; " + s.message;
  if (!s.report_path.empty()) out += "; report: " + s.report_path;
  return out;
}

std::string FormatProgressJson(const ProgressSnapshot& p) {
  const std::optional<double> pct = p.Percent();
  std::string out = "{\"type\":\"progress\",\"state\":" + JsonQuote(p.state);
  out += ",\"elapsed_ms\":" + std::to_string(p.elapsed.count());
  out += ",\"rows_copied\":" + std::to_string(p.rows_copied);
  out += ",\"rows_estimated\":" + std::to_string(p.rows_estimated);
  out += ",\"percent\":" + (pct ? Fixed(*pct, 2) : std::string("null"));
  out += ",\"copy_rows_per_second\":" + Fixed(p.copy_rows_per_second, 1);
  out += ",\"changes_applied\":" + std::to_string(p.changes_applied);
  out += ",\"apply_backlog\":" + std::to_string(p.apply_backlog);
  out += ",\"binlog_lag_ms\":" + OptionalMs(p.binlog_lag);
  out += ",\"replica_lag_ms\":" + OptionalMs(p.replica_lag);
  out += ",\"eta_seconds\":" + (p.eta ? std::to_string(p.eta->count()) : std::string("null"));
  out += ",\"chunk_size\":" + std::to_string(p.chunk_size);
  out += ",\"throttled\":" + std::string(p.IsThrottled() ? "true" : "false");
  out += ",\"throttle_reason\":" + JsonQuote(p.throttle_reason);
  out += ",\"cut_over_attempts\":" + std::to_string(p.cut_over_attempts);
  return out + "}";
}

std::string FormatStateJson(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed) {
  return "{\"type\":\"state\",\"from\":" + JsonQuote(from) + ",\"to\":" + JsonQuote(to) +
         ",\"elapsed_ms\":" + std::to_string(elapsed.count()) + "}";
}

std::string FormatSummaryJson(const ProgressSummary& s) {
  const ProgressSnapshot& p = s.last;
  std::string out = "{\"type\":\"summary\",\"outcome\":" + JsonQuote(s.outcome);
  out += ",\"final_state\":" + JsonQuote(s.final_state);
  out += ",\"message\":" + JsonQuote(s.message);
  out += ",\"elapsed_ms\":" + std::to_string(p.elapsed.count());
  out += ",\"rows_copied\":" + std::to_string(p.rows_copied);
  out += ",\"rows_estimated\":" + std::to_string(p.rows_estimated);
  out += ",\"changes_applied\":" + std::to_string(p.changes_applied);
  out += ",\"cut_over_attempts\":" + std::to_string(p.cut_over_attempts);
  out += ",\"report\":" + (s.report_path.empty() ? std::string("null") : JsonQuote(s.report_path));
  return out + "}";
}

}  // namespace osc::migration
