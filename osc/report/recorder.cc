#include "osc/report/recorder.h"

#include <algorithm>
#include <utility>

#include "osc/report/atomic_write.h"
#include "osc/report/html_report.h"

namespace osc::report {
namespace {

// Reasons can be long (a list of replicas); a merged period would grow
// without bound if every distinct reason were appended.
constexpr size_t kMaxReasonBytes = 300;

std::optional<std::chrono::milliseconds> MaxOf(const std::optional<std::chrono::milliseconds>& a,
                                                const std::optional<std::chrono::milliseconds>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

// `a` is older than `b`. See Sample for what each field keeps.
Sample Merge(const Sample& a, const Sample& b) {
  Sample m = b;
  const double wa = static_cast<double>(a.merged), wb = static_cast<double>(b.merged);
  m.copy_rows_per_second = (a.copy_rows_per_second * wa + b.copy_rows_per_second * wb) / (wa + wb);
  m.apply_backlog = std::max(a.apply_backlog, b.apply_backlog);
  m.binlog_lag = MaxOf(a.binlog_lag, b.binlog_lag);
  m.replica_lag = MaxOf(a.replica_lag, b.replica_lag);
  m.throttled = a.throttled || b.throttled;
  m.merged = a.merged + b.merged;
  return m;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
void TruncateUtf8(std::string& s, size_t max) {
  if (s.size() <= max) return;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  s += "...";
}

void AppendReason(std::string& into, const std::string& reason) {
  if (reason.empty() || into.find(reason) != std::string::npos) return;
  into += into.empty() ? reason : "; " + reason;
  TruncateUtf8(into, kMaxReasonBytes);
}

Sample FromSnapshot(const migration::ProgressSnapshot& p, Clock::WallTime wall) {
  Sample s;
  s.wall = wall;
  s.rows_copied = p.rows_copied;
  s.rows_estimated = p.rows_estimated;
  s.copy_rows_per_second = p.copy_rows_per_second;
  s.apply_backlog = p.apply_backlog;
  s.binlog_lag = p.binlog_lag;
  s.replica_lag = p.replica_lag;
  s.throttled = p.IsThrottled();
  return s;
}

}  // namespace

Recorder::Recorder(RecorderOptions options)
    : options_(std::move(options)), events_(options_.max_events), attempts_(options_.max_events) {}

void Recorder::OnProgress(const migration::ProgressSnapshot& p, Clock::WallTime wall) {
  std::lock_guard lock(mu_);
  AddSampleLocked(FromSnapshot(p, wall));
  if (!explicit_throttle_) ThrottleLocked(p.IsThrottled(), p.throttle_reason, wall);
}

void Recorder::AddSampleLocked(const Sample& s) {
  ++raw_samples_;
  // The very first snapshot is kept exactly: it anchors the plots' start.
  if (samples_.empty()) {
    samples_.push_back(s);
    return;
  }
  pending_ = pending_ ? Merge(*pending_, s) : s;
  if (pending_->merged < stride_) return;
  samples_.push_back(*pending_);
  pending_.reset();
  // Three is the least that can be halved while keeping the first point.
  if (samples_.size() >= std::max<size_t>(options_.max_samples, 3)) HalveSamplesLocked();
}

void Recorder::HalveSamplesLocked() {
  // Pairs (1,2), (3,4), ...: every point then stands for twice as many
  // snapshots, and so do the points still to come (stride doubles), which
  // keeps the resolution even over the whole run.
  std::vector<Sample> halved;
  halved.reserve(samples_.size() / 2 + 2);
  halved.push_back(samples_[0]);
  size_t i = 1;
  for (; i + 1 < samples_.size(); i += 2) halved.push_back(Merge(samples_[i], samples_[i + 1]));
  // An odd one out holds only half a new point's worth: it becomes the
  // pending point (empty right after a push) and fills up from there.
  if (i < samples_.size()) pending_ = samples_[i];
  samples_ = std::move(halved);
  stride_ *= 2;
}

void Recorder::OnThrottle(bool on, std::string reason, Clock::WallTime wall) {
  std::lock_guard lock(mu_);
  if (!explicit_throttle_) {
    // Periods derived from snapshots are coarser; from now on the explicit
    // feed is the truth. A derived period still open is closed here so the
    // two never overlap.
    explicit_throttle_ = true;
    if (!throttle_periods_.empty() && !throttle_periods_.back().end) throttle_periods_.back().end = wall;
  }
  ThrottleLocked(on, std::move(reason), wall);
}

void Recorder::ThrottleLocked(bool on, std::string reason, Clock::WallTime wall) {
  const bool open = !throttle_periods_.empty() && !throttle_periods_.back().end;
  if (open) {
    ThrottlePeriod& last = throttle_periods_.back();
    if (on && last.reason == reason) return;
    last.end = std::max(wall, last.start);
  }
  if (!on) return;
  TruncateUtf8(reason, kMaxReasonBytes);
  throttle_periods_.push_back(ThrottlePeriod{wall, std::nullopt, std::move(reason), 1});
  if (throttle_periods_.size() > std::max<size_t>(options_.max_throttle_periods, 2)) MergeThrottlePeriodsLocked();
}

void Recorder::MergeThrottlePeriodsLocked() {
  // Merges (0,1), (2,3), ... among the closed periods; the open one (the
  // newest) stays as it is so that a later stop can still close it.
  const bool last_open = !throttle_periods_.back().end;
  const size_t closed = throttle_periods_.size() - (last_open ? 1 : 0);
  std::vector<ThrottlePeriod> merged;
  merged.reserve(throttle_periods_.size() / 2 + 2);
  size_t i = 0;
  for (; i + 1 < closed; i += 2) {
    ThrottlePeriod m = throttle_periods_[i];
    const ThrottlePeriod& next = throttle_periods_[i + 1];
    m.end = next.end;
    AppendReason(m.reason, next.reason);
    m.merged += next.merged;
    merged.push_back(std::move(m));
  }
  for (; i < throttle_periods_.size(); ++i) merged.push_back(std::move(throttle_periods_[i]));
  throttle_periods_ = std::move(merged);
}

void Recorder::OnState(migration::State from, migration::State to, Clock::WallTime wall) {
  Event e;
  e.wall = wall;
  e.kind = Event::Kind::kState;
  e.text = std::string(migration::ToString(from)) + " -> " + std::string(migration::ToString(to));
  e.to_state = std::string(migration::ToString(to));
  std::lock_guard lock(mu_);
  events_.Add(std::move(e));
}

void Recorder::OnCutOverAttempt(const CutOverAttempt& attempt) {
  Event e;
  e.wall = attempt.start;
  e.kind = Event::Kind::kCutOver;
  e.ok = attempt.ok;
  e.text = "cut-over attempt " + std::to_string(attempt.number) + (attempt.ok ? " swapped the tables" : " failed");
  if (!attempt.ok && !attempt.error.empty()) e.text += ": " + attempt.error;
  std::lock_guard lock(mu_);
  events_.Add(std::move(e));
  attempts_.Add(attempt);
}

Recording Recorder::Snapshot() const {
  std::lock_guard lock(mu_);
  Recording r;
  r.samples = samples_;
  if (pending_) r.samples.push_back(*pending_);
  r.raw_samples = raw_samples_;
  r.throttle_periods = throttle_periods_;
  r.events = events_.Items();
  // Attempts are reported when they end but dated by their start.
  std::stable_sort(r.events.begin(), r.events.end(), [](const Event& a, const Event& b) { return a.wall < b.wall; });
  r.events_dropped = events_.dropped();
  r.cut_over_attempts = attempts_.Items();
  r.cut_over_attempts_dropped = attempts_.dropped();
  return r;
}

Status Recorder::WriteHtml(const std::string& path, const ReportHeader& header) const {
  return WriteFileAtomically(path, RenderHtmlReport(Snapshot(), header));
}

}  // namespace osc::report
