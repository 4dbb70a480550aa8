// --progress renderers: the bar's redraw sequence and width, the plain
// lines, the JSON lines (parsed by an independent checker), and that
// concurrent callers never interleave lines.
#include "cli/progress_output.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "tests/osc/progress_json_check.h"

namespace osc::cli {
namespace {

using namespace std::chrono_literals;
using migration::ProgressSnapshot;
using migration::ProgressSummary;
using osc::testing::JsonObjectChecker;

constexpr const char* kRedraw = "\r\x1b[2K";

// Counts flushes, so "one flushed line per interval" is checked, not assumed.
class CountingBuf : public std::stringbuf {
 public:
  int syncs = 0;

 protected:
  int sync() override {
    ++syncs;
    return std::stringbuf::sync();
  }
};

struct Capture {
  CountingBuf human_buf, data_buf;
  std::ostream human{&human_buf}, data{&data_buf};
  std::string human_text() const { return human_buf.str(); }
  std::string data_text() const { return data_buf.str(); }
};

ProgressSnapshot Copying(uint64_t copied) {
  ProgressSnapshot p;
  p.state = "copying";
  p.rows_copied = copied;
  p.rows_estimated = 1'000'000;
  p.copy_rows_per_second = 12'040;
  p.binlog_lag = 400ms;
  p.replica_lag = 2100ms;
  p.eta = 45s;
  return p;
}

int Columns(const std::string& s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::unique_ptr<ProgressOutput> Make(ProgressMode mode, Capture& c, bool tty, int width = 100, bool unicode = false) {
  ProgressStreams s;
  s.human = &c.human;
  s.data = &c.data;
  s.human_is_terminal = tty;
  s.terminal_width = [width] { return width; };
  s.unicode = unicode;
  return MakeProgressOutput(mode, std::move(s));
}

TEST(ProgressModeTest, ParsesTheFourModesAndRejectsOthers) {
  EXPECT_EQ(*ParseProgressMode("auto"), ProgressMode::kAuto);
  EXPECT_EQ(*ParseProgressMode("bar"), ProgressMode::kBar);
  EXPECT_EQ(*ParseProgressMode("plain"), ProgressMode::kPlain);
  EXPECT_EQ(*ParseProgressMode("json"), ProgressMode::kJson);
  const Result<ProgressMode> bad = ParseProgressMode("fancy");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("auto, bar, plain or json"), std::string::npos);
}

TEST(ProgressOutputTest, AutoDrawsABarOnATerminalAndPlainLinesElsewhere) {
  Capture tty, pipe;
  Make(ProgressMode::kAuto, tty, true)->Progress(Copying(1));
  Make(ProgressMode::kAuto, pipe, false)->Progress(Copying(1));
  EXPECT_EQ(tty.human_text().rfind(kRedraw, 0), 0u);
  EXPECT_EQ(tty.human_text().find('\n'), std::string::npos);
  EXPECT_EQ(pipe.human_text().rfind("osc: copying", 0), 0u);
  EXPECT_EQ(pipe.human_text().back(), '\n');
}

TEST(BarOutputTest, RedrawsInPlaceWithCarriageReturnAndClearLine) {
  Capture c;
  auto out = Make(ProgressMode::kBar, c, true);
  out->Progress(Copying(100'000));
  out->Progress(Copying(500'000));
  const std::string text = c.human_text();
  EXPECT_EQ(text.find('\n'), std::string::npos) << "a redraw must not scroll";
  const size_t second = text.find(kRedraw, 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(text.rfind(kRedraw, 0), 0u);
  EXPECT_NE(text.substr(0, second).find(" 10.0%"), std::string::npos) << text;
  EXPECT_NE(text.substr(second).find(" 50.0%"), std::string::npos) << text;
  EXPECT_GE(c.human_buf.syncs, 2) << "each redraw is flushed";
  EXPECT_EQ(c.data_text(), "");
}

TEST(BarOutputTest, EndsTheBarLineBeforeAnyOtherMessage) {
  Capture c;
  auto out = Make(ProgressMode::kBar, c, true);
  out->Progress(Copying(1));
  out->Message("2026-11-21 04:30:22.000 warning something");
  out->Message("second");
  out->StateChange("copying", "catching-up", 65s);
  out->Progress(Copying(2));
  ProgressSummary s;
  s.outcome = "success";
  s.final_state = "done";
  out->Summary(s);
  const std::vector<std::string> lines = Lines(c.human_text());
  ASSERT_EQ(lines.size(), 6u) << c.human_text();
  EXPECT_EQ(lines[0].rfind(kRedraw, 0), 0u);
  EXPECT_EQ(lines[1], "2026-11-21 04:30:22.000 warning something");
  EXPECT_EQ(lines[2], "second") << "no empty line between two messages";
  EXPECT_EQ(lines[3], "osc: state copying -> catching-up after 1m05s");
  EXPECT_EQ(lines[4].rfind(kRedraw, 0), 0u) << "the bar is drawn again below";
  EXPECT_EQ(lines[5].rfind("osc: success after 0s in state done", 0), 0u) << lines[5];
}

TEST(BarLineTest, NeverWiderThanTheTerminalAndNeverHoldsControlCharacters) {
  ProgressSnapshot p = Copying(123'456);
  p.throttled = true;
  p.throttle_reason = "replica r1.example.com:3306 lag 12.5s > 1.5s\n\x1b[31mred\r and a caf\xC3\xA9 very long tail " +
                      std::string(200, 'x');
  p.cut_over_attempts = 3;
  for (bool unicode : {false, true}) {
    for (int width = 1; width <= 260; ++width) {
      const std::string line = RenderBarLine(p, width, unicode);
      SCOPED_TRACE("width " + std::to_string(width) + ": " + line);
      EXPECT_LE(Columns(line), std::max(width, 20) - 1);
      for (char ch : line) EXPECT_GE(static_cast<unsigned char>(ch), 0x20);
      EXPECT_EQ(line.rfind("copying", 0), 0u) << "the state always stays";
    }
  }
}

TEST(BarLineTest, DropsTheLeastUsefulFieldsFirst) {
  const ProgressSnapshot p = Copying(250'000);
  const std::string wide = RenderBarLine(p, 200, false);
  for (const char* part : {"copying", " 25.0%", "[", "250k/1.00M rows", "12.0k rows/s", "ETA 45s", "replica lag 2.1s",
                           "binlog lag 0.4s"}) {
    EXPECT_NE(wide.find(part), std::string::npos) << part << " in " << wide;
  }
  const std::string narrow = RenderBarLine(p, 60, false);
  EXPECT_EQ(narrow.find("rows "), std::string::npos) << narrow;  // the row counts went first
  EXPECT_NE(narrow.find("25.0%"), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("ETA 45s"), std::string::npos) << narrow;
  const std::string tiny = RenderBarLine(p, 24, false);
  EXPECT_EQ(tiny, "copying   25.0%") << "bar dropped before the percentage";
}

TEST(BarLineTest, TheBarFillsInProportionWithEitherCharacterSet) {
  ProgressSnapshot p = Copying(500'000);
  p.replica_lag.reset();
  p.binlog_lag.reset();
  // At this width the bar gets its maximum of 30 cells: 15 filled.
  const std::string ascii = RenderBarLine(p, 200, false);
  EXPECT_NE(ascii.find("[" + std::string(15, '#') + std::string(15, '-') + "]"), std::string::npos) << ascii;
  std::string filled, empty;
  for (int i = 0; i < 15; ++i) filled += "\u2588", empty += "\u2591";
  const std::string unicode = RenderBarLine(p, 200, true);
  EXPECT_NE(unicode.find("[" + filled + empty + "]"), std::string::npos) << unicode;
}

TEST(BarLineTest, NoPercentageOrBarWhileTheEstimateIsUnknown) {
  ProgressSnapshot p;
  p.state = "streaming";
  const std::string line = RenderBarLine(p, 100, false);
  EXPECT_EQ(line.find('%'), std::string::npos) << line;
  EXPECT_EQ(line.find('['), std::string::npos) << line;
  EXPECT_NE(line.find("ETA ?"), std::string::npos) << line;
}

TEST(PlainOutputTest, OneFlushedLinePerEvent) {
  Capture c;
  auto out = Make(ProgressMode::kPlain, c, false);
  ProgressSnapshot p = Copying(452'000);
  p.throttle_reason = "replica lag 2.1s";
  out->Progress(p);
  EXPECT_EQ(c.human_buf.syncs, 1);
  out->StateChange("copying", "catching-up", 1s);
  EXPECT_EQ(c.human_buf.syncs, 2);
  const std::vector<std::string> lines = Lines(c.human_text());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("osc: copying 45.2% 452000/1000000 rows, 12040 rows/s", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("[throttled: replica lag 2.1s]"), std::string::npos);
  EXPECT_EQ(lines[1], "osc: state copying -> catching-up after 1s");
  EXPECT_EQ(c.human_text().find('\r'), std::string::npos);
  EXPECT_EQ(c.human_text().find('\x1b'), std::string::npos);
}

TEST(JsonOutputTest, ObjectsGoToStdoutOnePerLineAndMessagesToStderr) {
  Capture c;
  auto out = Make(ProgressMode::kJson, c, true);  // json even on a terminal
  out->StateChange("streaming", "copying", 3s);
  out->Progress(Copying(1));
  out->Message("a warning");
  ProgressSummary s;
  s.outcome = "success";
  s.final_state = "done";
  s.last = Copying(1'000'000);
  out->Summary(s);
  EXPECT_EQ(c.human_text(), "a warning\n");
  const std::vector<std::string> lines = Lines(c.data_text());
  ASSERT_EQ(lines.size(), 3u);
  const char* types[] = {"state", "progress", "summary"};
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string first;
    const auto f = JsonObjectChecker::Parse(lines[i], &first);
    ASSERT_TRUE(f.has_value()) << lines[i];
    EXPECT_EQ(first, "type");
    EXPECT_EQ(f->at("type").text, types[i]);
  }
  EXPECT_EQ(c.data_buf.syncs, 3);
}

TEST(ProgressOutputTest, ConcurrentCallersNeverInterleaveLines) {
  for (ProgressMode mode : {ProgressMode::kPlain, ProgressMode::kBar, ProgressMode::kJson}) {
    Capture c;
    auto out = Make(mode, c, true);
    std::thread progress([&] {
      for (int i = 0; i < 500; ++i) out->Progress(Copying(static_cast<uint64_t>(i)));
    });
    std::thread messages([&] {
      for (int i = 0; i < 500; ++i) out->Message("message " + std::to_string(i));
    });
    progress.join();
    messages.join();
    size_t messages_seen = 0;
    for (const std::string& line : Lines(c.human_text() + c.data_text())) {
      SCOPED_TRACE(line);
      if (line.rfind("message ", 0) == 0) {
        ++messages_seen;
        EXPECT_EQ(line.find("copying"), std::string::npos);
      } else if (mode == ProgressMode::kJson) {
        EXPECT_TRUE(JsonObjectChecker::Parse(line).has_value());
      } else {
        EXPECT_NE(line.find("copying"), std::string::npos);
        EXPECT_EQ(line.find("message"), std::string::npos);
      }
    }
    EXPECT_EQ(messages_seen, 500u);
  }
}

TEST(ProgressLogSinkTest, LogLinesEndTheBarInsteadOfOverwritingIt) {
  Capture c;
  std::shared_ptr<ProgressOutput> out = Make(ProgressMode::kBar, c, true);
  auto sink = std::make_shared<ProgressLogSink>(out);
  spdlog::logger logger("progress-test", sink);
  logger.set_pattern("%l %v");
  out->Progress(Copying(1));
  logger.warn("replica {} is lagging", "r1");
  const std::vector<std::string> lines = Lines(c.human_text());
  ASSERT_EQ(lines.size(), 2u) << c.human_text();
  EXPECT_EQ(lines[0].rfind(kRedraw, 0), 0u);
  EXPECT_EQ(lines[1], "warning replica r1 is lagging");
}

TEST(TerminalTest, WidthDefaultsTo80AndLocaleIsReadInPosixOrder) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_EQ(TerminalWidth(fds[1]), 80);
  EXPECT_FALSE(CanRedrawInPlace(fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);

  ::setenv("LC_ALL", "C", 1);
  ::setenv("LANG", "en_US.UTF-8", 1);
  EXPECT_FALSE(LocaleIsUtf8()) << "LC_ALL wins over LANG";
  ::unsetenv("LC_ALL");
  ::unsetenv("LC_CTYPE");
  EXPECT_TRUE(LocaleIsUtf8());
  ::unsetenv("LANG");
  EXPECT_FALSE(LocaleIsUtf8());
}

}  // namespace
}  // namespace osc::cli
