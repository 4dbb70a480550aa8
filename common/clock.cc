#include "common/clock.h"

#include <condition_variable>
#include <mutex>

namespace osc {
namespace {

class RealClock final : public Clock {
 public:
  SteadyTime Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }

  bool SleepFor(Duration d, std::stop_token stop) override {
    // condition_variable_any wakes on request_stop(), so a stop takes effect
    // at once instead of after the sleep (a throttled copier may sleep for
    // seconds, and SIGTERM must not wait for it).
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    const bool stopped = cv.wait_for(lock, stop, d, [] { return false; });
    (void)stopped;
    return !stop.stop_requested();
  }
};

}  // namespace

Clock* SystemClock() {
  static RealClock* clock = new RealClock();  // never destroyed: used by detached log flushers
  return clock;
}

}  // namespace osc
