// One time plot as inline SVG, for the HTML report. Internal to
// osc/report/: the page layout lives in html_report.cc.
//
// x values are seconds since the start of the report's time range; every
// label and title is escaped here, callers pass plain text.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace osc::report::internal {

struct PlotSeries {
  std::string name;   // shown in the legend
  std::string color;  // a CSS colour, chosen by the caller (not user text)
  std::vector<std::optional<double>> values;  // one per PlotSpec::xs; nullopt: a gap
  bool dashed = false;
};

// A shaded x range (a throttle period, a cut-over attempt).
struct PlotBand {
  double x0 = 0, x1 = 0;
  std::string color;
  std::string title;  // tooltip
};

// A vertical line (a state change) with a short label at its top.
struct PlotMarker {
  double x = 0;
  std::string label;  // a few characters, e.g. the event number
  std::string title;  // tooltip
  std::string color;
};

enum class AxisFormat { kCount, kSeconds };

struct PlotSpec {
  std::string id;     // the svg element's id (plain identifier)
  std::string title;  // aria label
  AxisFormat y_format = AxisFormat::kCount;
  double x_max = 1;   // the x axis spans [0, x_max] seconds
  std::vector<double> xs;
  std::vector<PlotSeries> series;
  std::vector<PlotBand> bands;
  std::vector<PlotMarker> markers;
};

inline constexpr int kPlotWidth = 960;
inline constexpr int kPlotHeight = 200;

// A complete <svg>...</svg> element. A plot whose series hold no value
// says "no data" instead of drawing lines.
std::string RenderSvgPlot(const PlotSpec& spec);

// "0s", "45s", "5m", "1h30m": axis labels for elapsed time.
std::string CompactDuration(double seconds);
// "950", "12.3k", "4.56M": counts at a glance.
std::string CompactCount(double v);
// A round step (1, 2 or 5 times a power of ten) giving about `ticks`
// intervals up to `max`.
double NiceStep(double max, int ticks);

}  // namespace osc::report::internal
