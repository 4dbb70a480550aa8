#include "osc/progress.h"

#include <cmath>
#include <cstdio>

namespace osc::migration {
namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

}  // namespace

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
  if (p.rows_estimated > 0) {
    const double pct = 100.0 * static_cast<double>(p.rows_copied) / static_cast<double>(p.rows_estimated);
    out += " " + Fixed(pct > 100 ? 100 : pct, 1) + "%";
  }
  out += " " + std::to_string(p.rows_copied) + "/" + std::to_string(p.rows_estimated) + " rows";
  out += ", " + Fixed(p.copy_rows_per_second, 0) + " rows/s";
  out += ", applied " + std::to_string(p.changes_applied) + " (backlog " + std::to_string(p.apply_backlog) + ")";
  if (p.binlog_lag) out += ", binlog lag " + Fixed(static_cast<double>(p.binlog_lag->count()) / 1000.0, 1) + "s";
  out += ", ETA " + (p.eta ? FormatSeconds(*p.eta) : std::string("?"));
  if (p.chunk_size > 0) out += ", chunk " + std::to_string(p.chunk_size);
  if (p.cut_over_attempts > 0) out += ", cut-over attempts " + std::to_string(p.cut_over_attempts);
  if (!p.throttle_reason.empty()) out += " [throttled: " + p.throttle_reason + "]";
  return out;
}

std::string FormatProgressJson(const ProgressSnapshot& p) {
  std::string out = "{\"state\":" + JsonString(p.state);
  out += ",\"elapsed_ms\":" + std::to_string(p.elapsed.count());
  out += ",\"rows_copied\":" + std::to_string(p.rows_copied);
  out += ",\"rows_estimated\":" + std::to_string(p.rows_estimated);
  out += ",\"copy_rows_per_second\":" + Fixed(p.copy_rows_per_second, 1);
  out += ",\"changes_applied\":" + std::to_string(p.changes_applied);
  out += ",\"apply_backlog\":" + std::to_string(p.apply_backlog);
  out += ",\"binlog_lag_ms\":" + (p.binlog_lag ? std::to_string(p.binlog_lag->count()) : std::string("null"));
  out += ",\"eta_seconds\":" + (p.eta ? std::to_string(p.eta->count()) : std::string("null"));
  out += ",\"chunk_size\":" + std::to_string(p.chunk_size);
  out += ",\"throttled\":" + std::string(p.throttle_reason.empty() ? "false" : "true");
  out += ",\"throttle_reason\":" + JsonString(p.throttle_reason);
  out += ",\"cut_over_attempts\":" + std::to_string(p.cut_over_attempts);
  return out + "}";
}

}  // namespace osc::migration
