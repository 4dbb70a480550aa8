// How a running migration shows its progress (--progress=auto|bar|plain|json).
//
//   bar    A single line on stderr, redrawn in place ("\r" + ANSI clear
//          line): state, percent, a bar, rows/s, ETA, lag, throttle reason,
//          cut to the terminal's width. Any other line (a state change, a
//          warning, a log line, the summary) first ends the bar's line with
//          a newline, so nothing is ever printed over half a bar; the bar
//          is drawn again at the next progress tick.
//   plain  One flushed line on stderr per progress tick (FormatProgressLine),
//          one per state change, one summary line. For pipes and CI logs.
//   json   One JSON object per line on STDOUT (the objects documented in
//          osc/progress.h: "type" progress / state / summary), flushed per
//          line, so programs can parse stdout while people's messages
//          (warnings, logs) stay on stderr.
//   auto   bar when stderr is a terminal (and TERM is not "dumb"), else
//          plain.
//
// Thread safety: every ProgressOutput method may be called from any thread
// (the progress thread and the orchestrator thread both report); each
// implementation serialises its writes with one mutex, so lines never
// interleave. The streams must outlive the ProgressOutput and must not be
// written to by anyone else while it is in use (route log lines through
// Message(), e.g. with ProgressLogSink).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include <spdlog/sinks/base_sink.h>

#include "common/result.h"
#include "osc/progress.h"

namespace osc::cli {

enum class ProgressMode { kAuto, kBar, kPlain, kJson };

// "auto", "bar", "plain", "json"; InvalidArgument naming the choices
// otherwise.
Result<ProgressMode> ParseProgressMode(std::string_view text);
std::string_view ToString(ProgressMode mode);

struct ProgressStreams {
  std::ostream* human = nullptr;  // stderr in the program; required
  std::ostream* data = nullptr;   // stdout in the program; json only (null: human)
  bool human_is_terminal = false;  // decides kAuto
  // Current terminal width in columns, asked at every redraw so a resize
  // is followed. Null: 80.
  std::function<int()> terminal_width;
  // Draw the bar with U+2588/U+2591 (true) or '#'/'-' (false).
  bool unicode = false;
};

class ProgressOutput {
 public:
  virtual ~ProgressOutput() = default;
  // A progress tick.
  virtual void Progress(const migration::ProgressSnapshot& p) = 0;
  // The state machine moved; `elapsed` since the migration started.
  virtual void StateChange(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed) = 0;
  // Any other line for people (a warning, a log line); without a trailing
  // newline. Always written to the human stream.
  virtual void Message(std::string_view line) = 0;
  // The end of the run; call once, last.
  virtual void Summary(const migration::ProgressSummary& s) = 0;
};

// The implementation for `mode` (kAuto resolved with
// streams.human_is_terminal). Never null.
std::unique_ptr<ProgressOutput> MakeProgressOutput(ProgressMode mode, ProgressStreams streams);

// One bar line for a terminal `width` columns wide, without "\r" or a
// newline; at most width - 1 columns (writing the last column makes some
// terminals wrap; widths under 20 are treated as 20). When everything does not fit, the least useful parts go
// first (row counts, cut-over count, binlog lag, replica lag, rate, ETA,
// the bar itself, the percentage); the state and the throttle reason stay,
// and what is still too long is cut with an ellipsis. Columns are counted
// as code points (wide CJK characters in a reason may overrun by a few).
std::string RenderBarLine(const migration::ProgressSnapshot& p, int width, bool unicode);

// The terminal's width from TIOCGWINSZ on `fd`; 80 when `fd` is not a
// terminal or reports no width.
int TerminalWidth(int fd);
// isatty(fd) and TERM is set and not "dumb".
bool CanRedrawInPlace(int fd);
// The locale asks for UTF-8 (LC_ALL, else LC_CTYPE, else LANG).
bool LocaleIsUtf8();

// A spdlog sink that hands each formatted log line to output->Message(),
// so log lines end a progress bar's line instead of overwriting it. The
// sink keeps `output` alive.
class ProgressLogSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ProgressLogSink(std::shared_ptr<ProgressOutput> output);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  std::shared_ptr<ProgressOutput> output_;
};

}  // namespace osc::cli
