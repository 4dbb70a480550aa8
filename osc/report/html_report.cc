#include "osc/report/html_report.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "osc/progress.h"
#include "osc/report/svg_plot_internal.h"

namespace osc::report {
namespace {

using internal::AxisFormat;
using internal::PlotBand;
using internal::PlotMarker;
using internal::PlotSeries;
using internal::PlotSpec;

constexpr const char* kThrottleColor = "#f5a623";
constexpr const char* kCutOverOkColor = "#2e9e44";
constexpr const char* kCutOverFailedColor = "#d0312d";
constexpr const char* kStateColor = "#777777";

constexpr const char* kStyle = R"css(
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
dl.header{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dt{font-weight:600;color:#555}dd{margin:0}
pre{margin:0;white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:6px 8px;border-radius:4px}
.outcome{font-weight:700}.outcome-success,.outcome-planned{color:#2e9e44}.outcome-other{color:#d0312d}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:8px}
.stat{background:#f6f6f6;border-radius:4px;padding:6px 10px}.stat b{display:block;font-size:18px}
figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:2px}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:4px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f0f0f0}.note{color:#777;font-size:12px}footer{margin-top:28px;color:#777;font-size:12px}
)css";

double SecondsBetween(Clock::WallTime a, Clock::WallTime b) { return std::chrono::duration<double>(b - a).count(); }

struct TimeRange {
  Clock::WallTime t0;
  Clock::WallTime t1;
  double X(Clock::WallTime t) const { return SecondsBetween(t0, t); }
  double span() const { return std::max(SecondsBetween(t0, t1), 1.0); }
};

// The union of the header's times and everything recorded, so that no
// point or band falls off a plot even if the header is incomplete.
TimeRange RangeOf(const Recording& r, const ReportHeader& h) {
  std::vector<Clock::WallTime> times;
  if (h.started != Clock::WallTime{}) times.push_back(h.started);
  if (h.ended != Clock::WallTime{}) times.push_back(h.ended);
  for (const Sample* s : {r.samples.empty() ? nullptr : &r.samples.front(), r.samples.empty() ? nullptr : &r.samples.back()}) {
    if (s) times.push_back(s->wall);
  }
  for (const Event& e : r.events) times.push_back(e.wall);
  for (const CutOverAttempt& a : r.cut_over_attempts) times.push_back(a.end);
  for (const ThrottlePeriod& p : r.throttle_periods) times.push_back(p.end.value_or(p.start));
  if (times.empty()) return TimeRange{h.started, h.started};
  const auto [lo, hi] = std::minmax_element(times.begin(), times.end());
  return TimeRange{*lo, *hi};
}

std::string Seconds1(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1fs", s);
  return buf;
}

std::string DurationText(double seconds) {
  if (seconds < 60) return Seconds1(seconds);
  return migration::FormatSeconds(std::chrono::seconds(static_cast<int64_t>(seconds)));
}

std::string Ms(std::chrono::milliseconds ms) { return Seconds1(static_cast<double>(ms.count()) / 1000.0); }

// Bands and markers shared by every plot: throttle periods, cut-over
// attempts, state changes (labelled with their number in the events table).
void AddOverlays(PlotSpec& spec, const Recording& r, const TimeRange& range) {
  for (const ThrottlePeriod& p : r.throttle_periods) {
    std::string title = "throttled: " + (p.reason.empty() ? std::string("(no reason given)") : p.reason);
    if (p.merged > 1) title += " (" + std::to_string(p.merged) + " periods merged)";
    spec.bands.push_back(PlotBand{range.X(p.start), range.X(p.end.value_or(range.t1)), kThrottleColor, title});
  }
  for (const CutOverAttempt& a : r.cut_over_attempts) {
    spec.bands.push_back(PlotBand{range.X(a.start), range.X(a.end), a.ok ? kCutOverOkColor : kCutOverFailedColor,
                                  "cut-over attempt " + std::to_string(a.number) + (a.ok ? " swapped" : " failed")});
  }
  for (size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    const char* color = e.kind == Event::Kind::kState ? kStateColor : (e.ok ? kCutOverOkColor : kCutOverFailedColor);
    spec.markers.push_back(PlotMarker{range.X(e.wall), std::to_string(i + 1), std::to_string(i + 1) + ". " + e.text, color});
  }
}

template <typename F>
PlotSeries SeriesOf(const Recording& r, std::string name, std::string color, F value) {
  PlotSeries s{std::move(name), std::move(color), {}, false};
  s.values.reserve(r.samples.size());
  for (const Sample& sample : r.samples) s.values.push_back(value(sample));
  return s;
}

std::optional<double> LagSeconds(const std::optional<std::chrono::milliseconds>& ms) {
  if (!ms) return std::nullopt;
  return static_cast<double>(ms->count()) / 1000.0;
}

std::vector<PlotSpec> BuildPlots(const Recording& r, const TimeRange& range) {
  PlotSpec base;
  base.x_max = range.span();
  for (const Sample& s : r.samples) base.xs.push_back(range.X(s.wall));
  AddOverlays(base, r, range);

  std::vector<PlotSpec> plots(4, base);
  plots[0].id = "plot-rows";
  plots[0].title = "Rows copied";
  plots[0].series.push_back(SeriesOf(r, "rows copied", "#1f77b4", [](const Sample& s) {
    return std::optional<double>(static_cast<double>(s.rows_copied));
  }));
  PlotSeries estimate = SeriesOf(r, "rows estimated", "#9ab", [](const Sample& s) {
    return s.rows_estimated > 0 ? std::optional<double>(static_cast<double>(s.rows_estimated)) : std::nullopt;
  });
  estimate.dashed = true;
  plots[0].series.push_back(std::move(estimate));
  plots[1].id = "plot-rate";
  plots[1].title = "Copy rate (rows/s)";
  plots[1].series.push_back(SeriesOf(r, "rows/s", "#2ca02c", [](const Sample& s) {
    return std::optional<double>(s.copy_rows_per_second);
  }));
  plots[2].id = "plot-backlog";
  plots[2].title = "Binlog apply backlog (row changes)";
  plots[2].series.push_back(SeriesOf(r, "backlog", "#9467bd", [](const Sample& s) {
    return std::optional<double>(static_cast<double>(s.apply_backlog));
  }));
  plots[3].id = "plot-lag";
  plots[3].title = "Lag (s)";
  plots[3].y_format = AxisFormat::kSeconds;
  plots[3].series.push_back(SeriesOf(r, "replica lag", "#d62728", [](const Sample& s) { return LagSeconds(s.replica_lag); }));
  plots[3].series.push_back(SeriesOf(r, "binlog lag", "#8c564b", [](const Sample& s) { return LagSeconds(s.binlog_lag); }));
  return plots;
}

std::string Swatch(const std::string& color, const std::string& label) {
  return "<span><i class=\"swatch\" style=\"background:" + color + "\"></i>" + EscapeHtml(label) + "</span>";
}

std::string RenderFigure(const PlotSpec& p) {
  std::string out = "<figure><figcaption>" + EscapeHtml(p.title) + "</figcaption>";
  out += internal::RenderSvgPlot(p);
  out += "<div class=\"legend\">";
  for (const PlotSeries& s : p.series) out += Swatch(s.color, s.name + (s.dashed ? " (dashed)" : ""));
  return out + "</div></figure>";
}

std::string Row(std::initializer_list<std::string> cells, const char* tag = "td") {
  std::string out = "<tr>";
  for (const std::string& c : cells) out += std::string("<") + tag + ">" + c + "</" + tag + ">";
  return out + "</tr>";
}

std::string RenderHeader(const ReportHeader& h, const TimeRange& range) {
  const std::string name = h.database.empty() ? h.table : h.database + "." + h.table;
  const bool good = h.outcome == "success" || h.outcome == "planned";
  std::string out = "<header><h1>osc report: " + EscapeHtml(name) + "</h1><dl class=\"header\">";
  out += "<dt>Table</dt><dd><code>" + EscapeHtml(name) + "</code></dd>";
  out += "<dt>ALTER</dt><dd><pre>" + EscapeHtml(h.alter) + "</pre></dd>";
  if (!h.server.empty()) out += "<dt>Server</dt><dd>" + EscapeHtml(h.server) + "</dd>";
  out += "<dt>Started</dt><dd>" + FormatUtc(h.started != Clock::WallTime{} ? h.started : range.t0) + "</dd>";
  out += "<dt>Ended</dt><dd>" + FormatUtc(h.ended != Clock::WallTime{} ? h.ended : range.t1) + "</dd>";
  out += "<dt>Duration</dt><dd>" + DurationText(SecondsBetween(range.t0, range.t1)) + "</dd>";
  out += "<dt>Outcome</dt><dd class=\"outcome " + std::string(good ? "outcome-" + h.outcome : "outcome-other") +
         "\">" + EscapeHtml(h.outcome.empty() ? "unknown" : h.outcome) + "</dd>";
  if (!h.message.empty()) out += "<dt>Summary</dt><dd>" + EscapeHtml(h.message) + "</dd>";
  return out + "</dl></header>";
}

std::string Stat(const std::string& label, const std::string& value) {
  return "<div class=\"stat\">" + EscapeHtml(label) + "<b>" + value + "</b></div>";
}

std::string RenderStats(const Recording& r, const TimeRange& range) {
  double peak_rate = 0;
  uint64_t peak_backlog = 0;
  std::optional<std::chrono::milliseconds> max_binlog, max_replica;
  for (const Sample& s : r.samples) {
    peak_rate = std::max(peak_rate, s.copy_rows_per_second);
    peak_backlog = std::max(peak_backlog, s.apply_backlog);
    if (s.binlog_lag) max_binlog = std::max(max_binlog.value_or(s.binlog_lag.value()), *s.binlog_lag);
    if (s.replica_lag) max_replica = std::max(max_replica.value_or(s.replica_lag.value()), *s.replica_lag);
  }
  double throttled = 0;
  uint64_t periods = 0;
  for (const ThrottlePeriod& p : r.throttle_periods) {
    throttled += SecondsBetween(p.start, p.end.value_or(range.t1));
    periods += p.merged;
  }
  const Sample* last = r.samples.empty() ? nullptr : &r.samples.back();
  std::string out = "<section class=\"stats\">";
  out += Stat("rows copied", last ? std::to_string(last->rows_copied) : "0");
  out += Stat("rows estimated", last && last->rows_estimated ? std::to_string(last->rows_estimated) : "unknown");
  out += Stat("peak copy rate", internal::CompactCount(peak_rate) + " rows/s");
  out += Stat("peak apply backlog", std::to_string(peak_backlog));
  out += Stat("max binlog lag", max_binlog ? Ms(*max_binlog) : "n/a");
  out += Stat("max replica lag", max_replica ? Ms(*max_replica) : "n/a");
  out += Stat("time throttled", DurationText(throttled) + " in " + std::to_string(periods) + " period(s)");
  out += Stat("cut-over attempts", std::to_string(r.cut_over_attempts.size() + r.cut_over_attempts_dropped));
  return out + "</section>";
}

std::string RenderEvents(const Recording& r, const TimeRange& range) {
  std::string out = "<h2>Events</h2>";
  if (r.events.empty()) return out + "<p class=\"note\">none recorded</p>";
  out += "<table id=\"events\">" + Row({"#", "time (UTC)", "elapsed", "event"}, "th");
  for (size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    out += Row({std::to_string(i + 1), FormatUtc(e.wall), DurationText(range.X(e.wall)), EscapeHtml(e.text)});
  }
  out += "</table>";
  if (r.events_dropped > 0) {
    out += "<p class=\"note\">" + std::to_string(r.events_dropped) + " events in the middle of the run were not kept.</p>";
  }
  return out;
}

std::string RenderCutOvers(const Recording& r) {
  std::string out = "<h2>Cut-over attempts</h2>";
  if (r.cut_over_attempts.empty()) return out + "<p class=\"note\">none</p>";
  out += "<table id=\"cut-overs\">" + Row({"attempt", "start (UTC)", "duration", "table locked", "result"}, "th");
  for (const CutOverAttempt& a : r.cut_over_attempts) {
    const std::string result = a.ok ? "swapped" : "failed" + (a.error.empty() ? "" : ": " + EscapeHtml(a.error));
    out += Row({std::to_string(a.number), FormatUtc(a.start), DurationText(SecondsBetween(a.start, a.end)),
                Ms(a.lock_time), result});
  }
  return out + "</table>";
}

std::string RenderThrottle(const Recording& r, const TimeRange& range) {
  std::string out = "<h2>Throttle periods</h2>";
  if (r.throttle_periods.empty()) return out + "<p class=\"note\">none</p>";
  out += "<table id=\"throttle\">" + Row({"start (UTC)", "duration", "reason", "periods"}, "th");
  for (const ThrottlePeriod& p : r.throttle_periods) {
    const std::string duration = DurationText(SecondsBetween(p.start, p.end.value_or(range.t1))) + (p.end ? "" : " (open)");
    out += Row({FormatUtc(p.start), duration, EscapeHtml(p.reason), std::to_string(p.merged)});
  }
  return out + "</table>";
}

std::string RenderPlots(const Recording& r, const TimeRange& range) {
  std::string out = "<h2>Over time</h2><div class=\"legend\">";
  out += Swatch(kThrottleColor, "throttled") + Swatch(kCutOverOkColor, "cut-over (swapped)") +
         Swatch(kCutOverFailedColor, "cut-over (failed)") + Swatch(kStateColor, "state change (numbers: events table)");
  out += "</div>";
  for (const PlotSpec& p : BuildPlots(r, range)) out += RenderFigure(p);
  return out;
}

}  // namespace

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out += c; break;
      default:
        // NUL and other controls are not allowed in HTML text.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string FormatUtc(Clock::WallTime t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof(out), "%s.%03d UTC", buf, static_cast<int>(ms - static_cast<long long>(secs) * 1000));
  return out;
}

std::string RenderHtmlReport(const Recording& recording, const ReportHeader& header) {
  const TimeRange range = RangeOf(recording, header);
  const std::string name = header.database.empty() ? header.table : header.database + "." + header.table;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out += "<title>osc report: " + EscapeHtml(name) + " (" + EscapeHtml(header.outcome) + ")</title>";
  out += "<style>" + std::string(kStyle) + "</style></head><body>\n";
  out += RenderHeader(header, range) + "\n";
  out += RenderStats(recording, range) + "\n";
  out += RenderPlots(recording, range) + "\n";
  out += RenderEvents(recording, range) + "\n";
  out += RenderCutOvers(recording) + "\n";
  out += RenderThrottle(recording, range) + "\n";
  out += "<footer>Written by osc" + (header.osc_version.empty() ? "" : " " + EscapeHtml(header.osc_version)) + ". " +
         std::to_string(recording.samples.size()) + " plotted points from " + std::to_string(recording.raw_samples) +
         " progress samples.</footer>\n</body></html>\n";
  return out;
}

}  // namespace osc::report
