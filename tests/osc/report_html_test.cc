// The HTML report: escaping of hostile names, one <svg> per plot, no
// script or network, atomic writes; and a realistic sample report written
// to $OSC_REPORT_SAMPLE_PATH for tests/browser/report_chromium_test.sh.
#include "osc/report/html_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "osc/report/atomic_write.h"
#include "osc/report/recorder.h"
#include "osc/report/svg_plot_internal.h"

namespace osc::report {
namespace {

using namespace std::chrono_literals;
using migration::ProgressSnapshot;
using migration::State;

const Clock::WallTime kT0 = Clock::WallTime{} + 1'763'700'000s;  // 2025-11-21 04:40:00 UTC

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) ++n;
  return n;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A 30-minute run: copy with a dip while throttled, a backlog bump, a
// replica that answers late, a failed and a successful cut-over.
void FeedSampleRun(Recorder& r) {
  r.OnState(State::kInit, State::kPreflight, kT0);
  r.OnState(State::kPreflight, State::kCreatingTables, kT0 + 2s);
  r.OnState(State::kCreatingTables, State::kStreaming, kT0 + 3s);
  r.OnState(State::kStreaming, State::kCopying, kT0 + 4s);
  constexpr int kSeconds = 1700;
  uint64_t rows = 0;
  for (int s = 4; s <= kSeconds; ++s) {
    const bool throttled = (s > 400 && s < 520) || (s > 1100 && s < 1160);
    const double rate = throttled ? 0 : 6000 + 1500 * std::sin(s / 60.0);
    rows = std::min<uint64_t>(rows + static_cast<uint64_t>(rate), 9'000'000);
    ProgressSnapshot p;
    p.state = "copying";
    p.rows_copied = rows;
    p.rows_estimated = 9'000'000;
    p.copy_rows_per_second = rate;
    p.apply_backlog = static_cast<uint64_t>(200 + 150 * std::cos(s / 37.0) + (s > 800 && s < 900 ? 4000 : 0));
    p.binlog_lag = std::chrono::milliseconds(300 + (s % 50) * 10);
    if (s > 30) p.replica_lag = std::chrono::milliseconds(throttled ? 3200 : 400 + (s % 70) * 12);
    p.throttled = throttled;
    p.throttle_reason = throttled ? (s < 600 ? "replica r1:3306 lag 3.2s > 1.5s" : "load: Threads_running 95 > 80") : "";
    r.OnProgress(p, kT0 + std::chrono::seconds(s));
  }
  r.OnState(State::kCopying, State::kCatchingUp, kT0 + std::chrono::seconds(kSeconds + 1));
  r.OnState(State::kCatchingUp, State::kChecksumming, kT0 + std::chrono::seconds(kSeconds + 10));
  r.OnState(State::kChecksumming, State::kAwaitingCutOver, kT0 + std::chrono::seconds(kSeconds + 40));
  r.OnState(State::kAwaitingCutOver, State::kCuttingOver, kT0 + std::chrono::seconds(kSeconds + 41));
  r.OnCutOverAttempt(CutOverAttempt{1, kT0 + std::chrono::seconds(kSeconds + 41), kT0 + std::chrono::seconds(kSeconds + 44),
                                    false, 3000ms, "Lock wait timeout exceeded (error 1205)"});
  r.OnState(State::kCuttingOver, State::kAwaitingCutOver, kT0 + std::chrono::seconds(kSeconds + 44));
  r.OnState(State::kAwaitingCutOver, State::kCuttingOver, kT0 + std::chrono::seconds(kSeconds + 50));
  r.OnCutOverAttempt(CutOverAttempt{2, kT0 + std::chrono::seconds(kSeconds + 50), kT0 + std::chrono::seconds(kSeconds + 51),
                                    true, 180ms, ""});
  r.OnState(State::kCuttingOver, State::kDone, kT0 + std::chrono::seconds(kSeconds + 51));
}

ReportHeader SampleHeader() {
  ReportHeader h;
  h.database = "shop";
  h.table = "orders";
  h.alter = "ADD COLUMN note VARCHAR(255) NULL, ADD INDEX idx_created (created_at)";
  h.server = "127.0.0.1:13456 (MariaDB 10.11)";
  h.osc_version = "0.1.0";
  h.started = kT0;
  h.ended = kT0 + 1751s;
  h.outcome = "success";
  h.message = "swapped; the original table is kept as _orders_osc_old";
  return h;
}

TEST(HtmlReportTest, HostileNamesAndReasonsAreEscapedEverywhere) {
  Recorder r;
  ProgressSnapshot p;
  p.throttled = true;
  p.throttle_reason = "<img src=x onerror=alert(1)>";
  r.OnProgress(p, kT0);
  r.OnProgress(p, kT0 + 1s);
  r.OnCutOverAttempt(CutOverAttempt{1, kT0, kT0 + 1s, false, 10ms, "</td><script>alert(3)</script>"});
  ReportHeader h;
  h.database = "d\"b";
  h.table = "<script>alert(1)</script>";
  h.alter = "ADD COLUMN `</pre><script>alert(2)</script>` INT COMMENT 'it''s & more'";
  h.outcome = "failed";
  h.message = "<b>bold</b>";
  const std::string html = RenderHtmlReport(r.Snapshot(), h);
  EXPECT_EQ(Count(Lower(html), "<script"), 0u);
  EXPECT_EQ(Count(html, "<img"), 0u);
  EXPECT_EQ(Count(html, "<b>bold"), 0u);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/pre&gt;&lt;script&gt;alert(2)"), std::string::npos);
  EXPECT_NE(html.find("it&#39;&#39;s &amp; more"), std::string::npos);
  EXPECT_NE(html.find("d&quot;b"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/td&gt;&lt;script&gt;alert(3)"), std::string::npos);
}

TEST(HtmlReportTest, EscapeHtmlReplacesMarkupAndControlCharacters) {
  EXPECT_EQ(EscapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(EscapeHtml(std::string("x\0y\x1bz\tw\n", 8)), "x\xEF\xBF\xBDy\xEF\xBF\xBDz\tw\n");
  EXPECT_EQ(EscapeHtml("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(HtmlReportTest, EveryPlotIsAnInlineSvgAndNothingIsFetched) {
  Recorder r;
  FeedSampleRun(r);
  const std::string html = RenderHtmlReport(r.Snapshot(), SampleHeader());
  EXPECT_EQ(Count(html, "<svg "), 4u);
  EXPECT_EQ(Count(html, "</svg>"), 4u);
  for (const char* id : {"id=\"plot-rows\"", "id=\"plot-rate\"", "id=\"plot-backlog\"", "id=\"plot-lag\""}) {
    EXPECT_EQ(Count(html, id), 1u) << id;
  }
  const std::string lower = Lower(html);
  EXPECT_EQ(Count(lower, "<script"), 0u);
  EXPECT_EQ(Count(lower, "<link"), 0u);
  EXPECT_EQ(Count(lower, "src="), 0u);
  EXPECT_EQ(Count(lower, "url("), 0u);
  EXPECT_EQ(Count(lower, "https://"), 0u);
  // The only URL is the SVG namespace name, which is never fetched.
  EXPECT_EQ(Count(lower, "http://"), Count(lower, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlReportTest, ThrottlePeriodsAndCutOversAreShadedWithTheirReasons) {
  Recorder r;
  FeedSampleRun(r);
  const std::string html = RenderHtmlReport(r.Snapshot(), SampleHeader());
  // Two throttle periods plus two cut-over attempts, on each of 4 plots.
  EXPECT_EQ(Count(html, "class=\"band\""), 4u * 4u);
  EXPECT_EQ(Count(html, "<title>throttled: replica r1:3306 lag 3.2s &gt; 1.5s</title>"), 4u);
  EXPECT_EQ(Count(html, "<title>cut-over attempt 1 failed</title>"), 4u);
  // 11 state changes + 2 cut-over attempts marked on each plot.
  EXPECT_EQ(Count(html, "class=\"marker\""), 13u * 4u);
  EXPECT_NE(html.find("Lock wait timeout exceeded (error 1205)"), std::string::npos);
  EXPECT_NE(html.find("2025-11-21 04:40:00.000 UTC"), std::string::npos);
  EXPECT_NE(html.find("<dd>29m11s</dd>"), std::string::npos) << "duration 1751 s";
}

TEST(HtmlReportTest, AnEmptyRecordingStillRendersEveryPlotSayingNoData) {
  ReportHeader h;
  h.table = "t";
  h.started = kT0;
  h.ended = kT0;
  h.outcome = "refused";
  const std::string html = RenderHtmlReport(Recording{}, h);
  EXPECT_EQ(Count(html, "<svg "), 4u);
  EXPECT_EQ(Count(html, ">no data</text>"), 4u);
  EXPECT_EQ(Count(html, "class=\"outcome outcome-other\""), 1u);
}

TEST(SvgPlotTest, AxisHelpersPickRoundNumbers) {
  EXPECT_DOUBLE_EQ(internal::NiceStep(9'000'000, 4), 5'000'000);
  EXPECT_DOUBLE_EQ(internal::NiceStep(3.2, 4), 1);
  EXPECT_DOUBLE_EQ(internal::NiceStep(700, 4), 200);
  EXPECT_EQ(internal::CompactCount(950), "950");
  EXPECT_EQ(internal::CompactCount(12'345), "12.3k");
  EXPECT_EQ(internal::CompactCount(4'560'000), "4.56M");
  EXPECT_EQ(internal::CompactDuration(0), "0s");
  EXPECT_EQ(internal::CompactDuration(300), "5m");
  EXPECT_EQ(internal::CompactDuration(5400), "1h30m");
  EXPECT_EQ(internal::CompactDuration(3725), "1h2m5s");
}

TEST(SvgPlotTest, MissingValuesBreakTheLineAndLonePointsGetADot) {
  internal::PlotSpec spec;
  spec.id = "p";
  spec.x_max = 4;
  spec.xs = {0, 1, 2, 3, 4};
  spec.series.push_back({"s", "#000", {1.0, 2.0, std::nullopt, 3.0, std::nullopt}, false});
  const std::string svg = internal::RenderSvgPlot(spec);
  EXPECT_EQ(Count(svg, "<path d=\""), 1u);
  const size_t d = svg.find("<path d=\"");
  const std::string path = svg.substr(d, svg.find('"', d + 9) - d);
  EXPECT_EQ(Count(path, "M"), 2u) << path;
  EXPECT_EQ(Count(path, "L"), 1u) << path;
  EXPECT_EQ(Count(svg, "<circle"), 1u);
}

TEST(SvgPlotTest, MarkersTooCloseTogetherShareOneLabel) {
  internal::PlotSpec spec;
  spec.id = "p";
  spec.x_max = 1000;
  spec.markers = {{0, "1", "a", "#777"}, {1, "2", "b", "#777"}, {500, "3", "c", "#777"}};
  const std::string svg = internal::RenderSvgPlot(spec);
  EXPECT_EQ(Count(svg, "class=\"marker\""), 3u);
  EXPECT_EQ(Count(svg, "#777\">1</text>"), 1u);
  EXPECT_EQ(Count(svg, "#777\">2</text>"), 0u) << "1 s apart on a 1000 s axis: under a pixel";
  EXPECT_EQ(Count(svg, "#777\">3</text>"), 1u);
  EXPECT_EQ(Count(svg, "<title>b</title>"), 1u) << "the tooltip stays";
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicWriteTest, ReplacesTheFileAndLeavesNoTemporaryBehind) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("osc-report-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "r.html";
  ASSERT_TRUE(WriteFileAtomically(file.string(), "old").ok());
  ASSERT_TRUE(WriteFileAtomically(file.string(), "new contents").ok());
  EXPECT_EQ(ReadFile(file), "new contents");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);
  std::filesystem::remove_all(dir);
}

TEST(AtomicWriteTest, AnUnwritableDirectoryIsAnIoErrorNamingThePath) {
  const Status s = WriteFileAtomically("/nonexistent-osc-dir/r.html", "x");
  EXPECT_TRUE(s.code() == Status::Code::kIoError) << s.message();
  EXPECT_NE(std::string(s.message()).find("/nonexistent-osc-dir/r.html"), std::string::npos);
}

// Writes the sample report for the browser test (and for people to look
// at): to $OSC_REPORT_SAMPLE_PATH when set, else to a temporary file.
TEST(HtmlReportSample, WritesARealisticReport) {
  Recorder r;
  FeedSampleRun(r);
  const char* env = std::getenv("OSC_REPORT_SAMPLE_PATH");
  const std::filesystem::path path = env && *env ? std::filesystem::path(env)
                                                 : std::filesystem::temp_directory_path() /
                                                       ("osc-sample-" + std::to_string(::getpid()) + ".html");
  ASSERT_TRUE(r.WriteHtml(path.string(), SampleHeader()).ok());
  const std::string html = ReadFile(path);
  EXPECT_GT(html.size(), 10'000u);
  EXPECT_EQ(Count(html, "<svg "), 4u);
  if (!env || !*env) std::filesystem::remove(path);
}

}  // namespace
}  // namespace osc::report
