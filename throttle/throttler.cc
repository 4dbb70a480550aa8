#include "throttle/throttler.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "throttle/units.h"

namespace osc::throttle {

struct Throttler::Entry {
  std::unique_ptr<Signal> signal;
  // First check of the current unbroken run of confirmable kAbort answers.
  std::optional<Clock::SteadyTime> abort_since;
};

namespace {

constexpr std::string_view kOperatorSource = "operator";
constexpr std::string_view kNotCheckedSource = "throttler";

Decision NotCheckedYet() {
  Decision d = Decision::Throttle("throttle checks have not run yet");
  d.source = std::string(kNotCheckedSource);
  return d;
}

// One decision naming every cause: "a: why; b: why", source "a,b".
Decision Combine(const std::vector<Decision>& causes) {
  if (causes.empty()) return Decision::Go();
  if (causes.size() == 1) {
    Decision only = causes.front();
    only.reason = fmt::format("{}: {}", only.source, only.reason);
    return only;
  }
  Decision out = Decision::Throttle("");
  out.unavailable = true;
  for (const Decision& c : causes) {
    if (!out.source.empty()) {
      out.source += ',';
      out.reason += "; ";
    }
    out.source += c.source;
    out.reason += fmt::format("{}: {}", c.source, c.reason);
    if (!c.detail.empty()) out.detail += (out.detail.empty() ? "" : "\n") + c.detail;
    out.unavailable = out.unavailable && c.unavailable;
  }
  return out;
}

void LogChange(const Decision& before, const Decision& after) {
  // Leaving the initial not-checked-yet state is the start, not a resume.
  const bool was_unchecked = before.source == kNotCheckedSource;
  if (after.is_abort()) {
    spdlog::error("throttle: abort: {}", after.reason);
  } else if (after.is_go()) {
    if (was_unchecked) {
      spdlog::info("throttle: first check passed, row copy may proceed");
    } else {
      spdlog::info("throttle: row copy may resume (was paused by {})", before.source);
    }
  } else {
    // A pause only because signals cannot measure is worth a warning: it
    // needs an operator, while real pressure resolves itself.
    const auto level = after.unavailable ? spdlog::level::warn : spdlog::level::info;
    if (before.is_go() || was_unchecked) {
      spdlog::log(level, "throttle: pausing row copy: {}", after.reason);
    } else {
      spdlog::log(level, "throttle: still paused, causes now: {}", after.reason);
    }
  }
}

}  // namespace

Status ThrottlerOptions::Validate() const {
  if (check_interval <= Clock::Duration::zero()) {
    return Status::InvalidArgument("throttle check interval must be positive");
  }
  if (check_timeout <= Clock::Duration::zero()) {
    return Status::InvalidArgument("throttle check timeout must be positive");
  }
  return Status::Ok();
}

Throttler::Throttler(Clock* clock, ThrottlerOptions options)
    : clock_(clock), options_(ThrottlerOptions{}), current_(Combine({NotCheckedYet()})) {
  if (Status s = options.Validate(); !s.ok()) {
    spdlog::warn("throttle: {}; using the default options", s.message());
  } else {
    options_.Set(std::move(options));
  }
}

Throttler::~Throttler() = default;

void Throttler::AddSignal(std::unique_ptr<Signal> signal) {
  std::lock_guard round(round_mu_);
  auto entry = std::make_unique<Entry>();
  entry->signal = std::move(signal);
  entries_.push_back(std::move(entry));
}

Decision Throttler::CheckEntry(Entry& entry, const CheckContext& ctx) {
  Decision d;
  try {
    d = entry.signal->Check(ctx);
  } catch (const std::exception& e) {
    // Signals must not throw; if one does, this thread must not die with it
    // (that would terminate the process mid-migration).
    d = Decision::Unavailable(fmt::format("signal failed: {}", e.what()));
  } catch (...) {
    d = Decision::Unavailable("signal failed with an unknown exception");
  }
  d.source = std::string(entry.signal->name());
  if (!d.is_abort() || d.confirm_for <= Clock::Duration::zero()) {
    if (!d.is_abort()) entry.abort_since.reset();
    return d;
  }
  if (!entry.abort_since) entry.abort_since = ctx.now;
  const Clock::SteadyTime deadline = *entry.abort_since + d.confirm_for;
  if (ctx.now >= deadline) {
    d.reason += fmt::format(" (held for {})", FormatDuration(ctx.now - *entry.abort_since));
    return d;
  }
  // Not confirmed yet: pause the copy (which may itself relieve the load)
  // and make sure the next round runs at the deadline.
  confirm_deadline_ = confirm_deadline_ ? std::min(*confirm_deadline_, deadline) : deadline;
  d.kind = DecisionKind::kThrottle;
  d.reason +=
      fmt::format(" (aborting if it still holds in {})", FormatDuration(deadline - ctx.now));
  return d;
}

void Throttler::CheckOnce(std::stop_token stop) {
  std::lock_guard round(round_mu_);
  const std::shared_ptr<const ThrottlerOptions> options = options_.Get();
  const Clock::SteadyTime round_start = clock_->Now();
  const Clock::WallTime wall = clock_->WallNow();
  confirm_deadline_.reset();
  std::vector<Decision> causes;
  std::optional<Decision> abort;
  for (const std::unique_ptr<Entry>& entry : entries_) {
    // A stopping migration does not need the rest of the round, and
    // publishing a partial round could show a go that was never checked.
    if (stop.stop_requested()) return;
    // Every signal gets its own budget, so one slow signal cannot eat the
    // next one's; `now` stays the round's time so confirmation is measured
    // between rounds, not between signals.
    const CheckContext ctx{round_start, wall, clock_->Now() + options->check_timeout, stop};
    Decision d = CheckEntry(*entry, ctx);
    if (d.is_abort() && !abort) {
      abort = std::move(d);
    } else if (!d.is_go()) {
      causes.push_back(std::move(d));
    }
  }
  std::lock_guard lock(mu_);
  checked_ = true;
  signal_causes_ = std::move(causes);
  if (abort && !abort_) abort_ = std::move(abort);
  PublishLocked();
}

Clock::Duration Throttler::NextSleep() const {
  Clock::Duration sleep = options_.Get()->check_interval;
  std::lock_guard round(round_mu_);
  if (confirm_deadline_) {
    sleep = std::min(sleep, std::max(Clock::Duration::zero(), *confirm_deadline_ - clock_->Now()));
  }
  return sleep;
}

void Throttler::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    CheckOnce(stop);
    {
      std::lock_guard lock(mu_);
      if (abort_) return;
    }
    if (!clock_->SleepFor(NextSleep(), stop)) return;
  }
}

void Throttler::PublishLocked() {
  Decision next;
  if (abort_) {
    next = *abort_;
    next.reason = fmt::format("{}: {}", abort_->source, abort_->reason);
  } else {
    next = Combine(ThrottleCausesLocked());
  }
  // A change is a new kind or a new set of causes; a moving measured value
  // under the same causes is not, or a long throttle would log every round.
  if (next.kind != current_.kind || next.source != current_.source) LogChange(current_, next);
  current_ = std::move(next);
  changed_.notify_all();
}

bool Throttler::ShouldPause() const {
  std::lock_guard lock(mu_);
  return !current_.is_go();
}

Decision Throttler::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::vector<Decision> Throttler::ThrottleCausesLocked() const {
  std::vector<Decision> out;
  if (!checked_) out.push_back(NotCheckedYet());
  if (forced_) {
    Decision f = Decision::Throttle(*forced_);
    f.source = std::string(kOperatorSource);
    out.push_back(std::move(f));
  }
  out.insert(out.end(), signal_causes_.begin(), signal_causes_.end());
  return out;
}

std::vector<Decision> Throttler::Causes() const {
  std::lock_guard lock(mu_);
  std::vector<Decision> out = ThrottleCausesLocked();
  if (abort_) out.insert(out.begin(), *abort_);
  return out;
}

Status Throttler::WaitUntilGo(std::stop_token stop) const {
  std::unique_lock lock(mu_);
  changed_.wait(lock, stop, [this] { return !current_.is_throttle(); });
  if (current_.is_abort()) return Status::Aborted(current_.reason);
  if (stop.stop_requested())
    return Status::Aborted("stop requested while waiting for the throttle");
  return Status::Ok();
}

void Throttler::ForceThrottle(std::string reason) {
  std::lock_guard lock(mu_);
  forced_ = reason.empty() ? std::string("throttled by operator") : std::move(reason);
  PublishLocked();
}

void Throttler::ClearForcedThrottle() {
  std::lock_guard lock(mu_);
  forced_.reset();
  PublishLocked();
}

bool Throttler::forced() const {
  std::lock_guard lock(mu_);
  return forced_.has_value();
}

Status Throttler::UpdateOptions(ThrottlerOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  options_.Set(std::move(options));
  return Status::Ok();
}

}  // namespace osc::throttle
