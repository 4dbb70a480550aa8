#include <algorithm>
#include <cmath>
#include <cstdio>

#include "osc/report/html_report.h"
#include "osc/report/svg_plot_internal.h"

namespace osc::report::internal {
namespace {

constexpr double kLeft = 64, kRight = 16, kTop = 18, kBottom = 26;
constexpr double kInnerWidth = kPlotWidth - kLeft - kRight;
constexpr double kInnerHeight = kPlotHeight - kTop - kBottom;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

// Seconds with as many decimals as the tick step needs.
std::string SecondsLabel(double v, double step) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*fs", step >= 1 ? 0 : (step >= 0.1 ? 1 : 2), v);
  return buf;
}

struct Frame {
  double x_max;
  double y_max;
  double X(double x) const { return kLeft + std::clamp(x / x_max, 0.0, 1.0) * kInnerWidth; }
  double Y(double y) const { return kTop + kInnerHeight - std::clamp(y / y_max, 0.0, 1.0) * kInnerHeight; }
};

std::optional<double> MaxValue(const PlotSpec& spec) {
  std::optional<double> max;
  for (const PlotSeries& s : spec.series) {
    for (const std::optional<double>& v : s.values) {
      if (v && std::isfinite(*v)) max = max ? std::max(*max, *v) : *v;
    }
  }
  return max;
}

// Time steps people read easily, from a second to a day.
double XStep(double x_max) {
  static constexpr double kSteps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  for (double s : kSteps) {
    if (x_max / s <= 8) return s;
  }
  return NiceStep(x_max, 8);
}

void AppendAxes(std::string& out, const Frame& f, double y_step, AxisFormat format) {
  out += "<g class=\"axes\" font-size=\"11\" fill=\"#555\">";
  for (double y = 0; y <= f.y_max * 1.0001; y += y_step) {
    const std::string py = Num(f.Y(y));
    out += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft + kInnerWidth) + "\" y1=\"" + py + "\" y2=\"" + py +
           "\" stroke=\"#e3e3e3\"/>";
    const std::string label = format == AxisFormat::kSeconds ? SecondsLabel(y, y_step) : CompactCount(y);
    out += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(f.Y(y) + 4) + "\" text-anchor=\"end\">" + label + "</text>";
  }
  const double x_step = XStep(f.x_max);
  for (double x = 0; x <= f.x_max * 1.0001; x += x_step) {
    out += "<text x=\"" + Num(f.X(x)) + "\" y=\"" + Num(kTop + kInnerHeight + 17) + "\" text-anchor=\"middle\">" +
           CompactDuration(x) + "</text>";
  }
  out += "<rect x=\"" + Num(kLeft) + "\" y=\"" + Num(kTop) + "\" width=\"" + Num(kInnerWidth) + "\" height=\"" +
         Num(kInnerHeight) + "\" fill=\"none\" stroke=\"#999\"/></g>";
}

void AppendBands(std::string& out, const Frame& f, const std::vector<PlotBand>& bands) {
  for (const PlotBand& b : bands) {
    const double x0 = f.X(b.x0), x1 = f.X(b.x1);
    // A period shorter than a pixel still gets one, or it would vanish.
    out += "<rect class=\"band\" x=\"" + Num(x0) + "\" y=\"" + Num(kTop) + "\" width=\"" + Num(std::max(x1 - x0, 1.0)) +
           "\" height=\"" + Num(kInnerHeight) + "\" fill=\"" + b.color + "\" fill-opacity=\"0.28\"><title>" +
           EscapeHtml(b.title) + "</title></rect>";
  }
}

void AppendMarkers(std::string& out, const Frame& f, const std::vector<PlotMarker>& markers) {
  // Phases that follow each other within seconds (preflight, creating
  // tables, streaming) would print their labels on top of each other:
  // a label too close to the previous one is left out (the line and its
  // tooltip stay; the events table lists every event).
  constexpr double kMinLabelGap = 16;
  double last_label_x = -kMinLabelGap;
  for (const PlotMarker& m : markers) {
    const double px = f.X(m.x);
    const bool labelled = px - last_label_x >= kMinLabelGap;
    if (labelled) last_label_x = px;
    const std::string x = Num(px);
    out += "<g class=\"marker\"><title>" + EscapeHtml(m.title) + "</title><line x1=\"" + x + "\" x2=\"" + x +
           "\" y1=\"" + Num(kTop) + "\" y2=\"" + Num(kTop + kInnerHeight) + "\" stroke=\"" + m.color +
           "\" stroke-dasharray=\"3,3\"/><text x=\"" + x + "\" y=\"" + Num(kTop - 5) +
           "\" font-size=\"10\" text-anchor=\"middle\" fill=\"" + m.color + "\">" +
           (labelled ? EscapeHtml(m.label) : std::string()) + "</text></g>";
  }
}

// One <path> per series; a missing value breaks the line, and a point
// with no neighbour on either side gets a dot so it stays visible.
void AppendSeries(std::string& out, const Frame& f, const std::vector<double>& xs, const PlotSeries& s) {
  std::string d, dots;
  const size_t n = std::min(xs.size(), s.values.size());
  for (size_t i = 0; i < n; ++i) {
    if (!s.values[i]) continue;
    const bool joined = i > 0 && s.values[i - 1];
    const std::string px = Num(f.X(xs[i])), py = Num(f.Y(*s.values[i]));
    d += (joined ? "L" : "M") + px + "," + py + " ";
    if (!joined && (i + 1 >= n || !s.values[i + 1])) {
      dots += "<circle cx=\"" + px + "\" cy=\"" + py + "\" r=\"2\" fill=\"" + s.color + "\"/>";
    }
  }
  out += "<g class=\"series\"><title>" + EscapeHtml(s.name) + "</title>";
  if (!d.empty()) {
    out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.6\"" +
           (s.dashed ? " stroke-dasharray=\"6,4\"" : "") + "/>";
  }
  out += dots + "</g>";
}

}  // namespace

std::string CompactDuration(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
  const long long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  std::string out;
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (s > 0 || out.empty()) out += std::to_string(s) + "s";
  return out;
}

std::string CompactCount(double v) {
  static constexpr const char* kSuffix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (std::fabs(v) >= 1000 && i < 4) {
    v /= 1000;
    ++i;
  }
  char buf[32];
  if (i == 0) {
    std::snprintf(buf, sizeof(buf), v == std::floor(v) ? "%.0f" : "%.2g", v);
  } else {
    std::snprintf(buf, sizeof(buf), std::fabs(v) >= 100 ? "%.0f%s" : (std::fabs(v) >= 10 ? "%.1f%s" : "%.2f%s"), v,
                  kSuffix[i]);
  }
  return buf;
}

double NiceStep(double max, int ticks) {
  if (!(max > 0) || ticks <= 0) return 1;
  const double raw = max / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
}

std::string RenderSvgPlot(const PlotSpec& spec) {
  const std::optional<double> max = MaxValue(spec);
  const double y_step = NiceStep(max && *max > 0 ? *max : 1, 4);
  const Frame f{spec.x_max > 0 ? spec.x_max : 1, std::max(std::ceil((max ? *max : 1) / y_step), 1.0) * y_step};
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" id=\"" + EscapeHtml(spec.id) +
                    "\" role=\"img\" aria-label=\"" + EscapeHtml(spec.title) + "\" viewBox=\"0 0 " +
                    std::to_string(kPlotWidth) + " " + std::to_string(kPlotHeight) + "\" width=\"" +
                    std::to_string(kPlotWidth) + "\" height=\"" + std::to_string(kPlotHeight) +
                    "\" font-family=\"sans-serif\">";
  AppendBands(out, f, spec.bands);
  AppendAxes(out, f, y_step, spec.y_format);
  if (!max) {
    out += "<text x=\"" + Num(kLeft + kInnerWidth / 2) + "\" y=\"" + Num(kTop + kInnerHeight / 2) +
           "\" text-anchor=\"middle\" fill=\"#999\" font-size=\"14\">no data</text>";
  }
  for (const PlotSeries& s : spec.series) AppendSeries(out, f, spec.xs, s);
  AppendMarkers(out, f, spec.markers);
  return out + "</svg>";
}

}  // namespace osc::report::internal
