#include "common/fake_clock.h"

namespace osc {

FakeClock::FakeClock(WallTime wall_start)
    : steady_(SteadyTime(std::chrono::hours(1000))), wall_(wall_start) {}

Clock::SteadyTime FakeClock::Now() const {
  std::lock_guard lock(mu_);
  return steady_;
}

Clock::WallTime FakeClock::WallNow() const {
  std::lock_guard lock(mu_);
  return wall_;
}

bool FakeClock::SleepFor(Duration d, std::stop_token stop) {
  std::unique_lock lock(mu_);
  const SteadyTime deadline = steady_ + d;
  ++sleepers_;
  cv_.notify_all();  // let tests waiting on sleepers() re-check
  cv_.wait(lock, stop, [&] { return steady_ >= deadline; });
  --sleepers_;
  return !stop.stop_requested();
}

void FakeClock::Advance(Duration d) {
  {
    std::lock_guard lock(mu_);
    steady_ += d;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }
  cv_.notify_all();
}

void FakeClock::SetWall(WallTime t) {
  std::lock_guard lock(mu_);
  wall_ = t;
}

int FakeClock::sleepers() const {
  std::lock_guard lock(mu_);
  return sleepers_;
}

}  // namespace osc
