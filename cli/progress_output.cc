#include "cli/progress_output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace osc::cli {
namespace {

constexpr int kDefaultWidth = 80;
// Carriage return, then "erase the whole line" (ECMA-48 EL, parameter 2):
// a shorter bar must not leave the tail of a longer one behind.
constexpr const char* kRedraw = "\r\x1b[2K";

// plain: today's format, one flushed line per event.
class PlainOutput final : public ProgressOutput {
 public:
  explicit PlainOutput(std::ostream* out) : out_(out) {}

  void Progress(const migration::ProgressSnapshot& p) override { Line("osc: " + migration::FormatProgressLine(p)); }
  void StateChange(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed) override {
    Line("osc: " + migration::FormatStateLine(from, to, elapsed));
  }
  void Message(std::string_view line) override { Line(std::string(line)); }
  void Summary(const migration::ProgressSummary& s) override { Line("osc: " + migration::FormatSummaryLine(s)); }

 private:
  void Line(const std::string& line) {
    std::lock_guard lock(mu_);
    *out_ << line << '\n';
    out_->flush();  // a CI log shows the line now, not when a buffer fills
  }

  std::mutex mu_;
  std::ostream* const out_;
};

// bar: one line redrawn in place; any other line ends it first.
class BarOutput final : public ProgressOutput {
 public:
  BarOutput(std::ostream* out, std::function<int()> width, bool unicode)
      : out_(out), width_(std::move(width)), unicode_(unicode) {}

  void Progress(const migration::ProgressSnapshot& p) override {
    const int width = width_ ? width_() : kDefaultWidth;
    const std::string line = RenderBarLine(p, width > 0 ? width : kDefaultWidth, unicode_);
    std::lock_guard lock(mu_);
    *out_ << kRedraw << line;
    out_->flush();
    bar_open_ = true;
  }
  void StateChange(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed) override {
    Line("osc: " + migration::FormatStateLine(from, to, elapsed));
  }
  void Message(std::string_view line) override { Line(std::string(line)); }
  void Summary(const migration::ProgressSummary& s) override { Line("osc: " + migration::FormatSummaryLine(s)); }

 private:
  void Line(const std::string& line) {
    std::lock_guard lock(mu_);
    // The bar's last state stays on screen as a record; the next tick
    // starts a fresh bar below the message.
    if (bar_open_) *out_ << '\n';
    bar_open_ = false;
    *out_ << line << '\n';
    out_->flush();
  }

  std::mutex mu_;
  std::ostream* const out_;
  const std::function<int()> width_;
  const bool unicode_;
  bool bar_open_ = false;  // guarded by mu_: the cursor is at the end of a bar
};

// json: objects on the data stream, people's messages on the human one.
class JsonOutput final : public ProgressOutput {
 public:
  JsonOutput(std::ostream* data, std::ostream* human) : data_(data), human_(human) {}

  void Progress(const migration::ProgressSnapshot& p) override { Write(data_, migration::FormatProgressJson(p)); }
  void StateChange(std::string_view from, std::string_view to, std::chrono::milliseconds elapsed) override {
    Write(data_, migration::FormatStateJson(from, to, elapsed));
  }
  void Message(std::string_view line) override { Write(human_, std::string(line)); }
  void Summary(const migration::ProgressSummary& s) override { Write(data_, migration::FormatSummaryJson(s)); }

 private:
  void Write(std::ostream* out, const std::string& line) {
    std::lock_guard lock(mu_);
    *out << line << '\n';
    out->flush();  // a reader acts on each object as it comes
  }

  std::mutex mu_;
  std::ostream* const data_;
  std::ostream* const human_;
};

}  // namespace

Result<ProgressMode> ParseProgressMode(std::string_view text) {
  for (ProgressMode m : {ProgressMode::kAuto, ProgressMode::kBar, ProgressMode::kPlain, ProgressMode::kJson}) {
    if (text == ToString(m)) return m;
  }
  return Status::InvalidArgument("--progress must be auto, bar, plain or json, not '" + std::string(text) + "'");
}

std::string_view ToString(ProgressMode mode) {
  switch (mode) {
    case ProgressMode::kAuto: return "auto";
    case ProgressMode::kBar: return "bar";
    case ProgressMode::kPlain: return "plain";
    case ProgressMode::kJson: return "json";
  }
  return "auto";
}

std::unique_ptr<ProgressOutput> MakeProgressOutput(ProgressMode mode, ProgressStreams streams) {
  if (mode == ProgressMode::kAuto) mode = streams.human_is_terminal ? ProgressMode::kBar : ProgressMode::kPlain;
  switch (mode) {
    case ProgressMode::kBar:
      return std::make_unique<BarOutput>(streams.human, std::move(streams.terminal_width), streams.unicode);
    case ProgressMode::kJson:
      return std::make_unique<JsonOutput>(streams.data ? streams.data : streams.human, streams.human);
    case ProgressMode::kAuto:
    case ProgressMode::kPlain:
      break;
  }
  return std::make_unique<PlainOutput>(streams.human);
}

int TerminalWidth(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return kDefaultWidth;
  return ws.ws_col;
}

bool CanRedrawInPlace(int fd) {
  if (::isatty(fd) == 0) return false;
  const char* term = std::getenv("TERM");
  return term != nullptr && *term != '\0' && std::string_view(term) != "dumb";
}

bool LocaleIsUtf8() {
  // POSIX precedence: the first of these that is set and non-empty wins.
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') continue;
    const std::string s(v);
    return s.find("UTF-8") != std::string::npos || s.find("utf8") != std::string::npos ||
           s.find("UTF8") != std::string::npos || s.find("utf-8") != std::string::npos;
  }
  return false;
}

ProgressLogSink::ProgressLogSink(std::shared_ptr<ProgressOutput> output) : output_(std::move(output)) {}

void ProgressLogSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  std::string_view line(formatted.data(), formatted.size());
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  output_->Message(line);
}

}  // namespace osc::cli
