// LiveSettings<T>: a settings struct that other threads (the control socket)
// may replace while a signal keeps reading it.
//
// Readers take a snapshot (a shared_ptr to an immutable T) and use it for a
// whole check, so one check never mixes old and new values, and a writer
// never waits for a check to finish. Replacing is all-or-nothing: callers
// validate the new T before Set().
//
// Thread safety: Get() and Set() may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

namespace osc::throttle {

template <typename T>
class LiveSettings {
 public:
  explicit LiveSettings(T initial) : current_(std::make_shared<const T>(std::move(initial))) {}

  LiveSettings(const LiveSettings&) = delete;
  LiveSettings& operator=(const LiveSettings&) = delete;

  // The current settings. The snapshot stays valid (and unchanged) for as
  // long as the caller holds it, even across a Set().
  std::shared_ptr<const T> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }

  void Set(T value) {
    // Build outside the lock; the lock only covers the pointer swap, and the
    // old snapshot is released (maybe destroyed) after the lock is dropped.
    std::shared_ptr<const T> next = std::make_shared<const T>(std::move(value));
    std::lock_guard lock(mu_);
    current_.swap(next);
  }

 private:
  // A plain mutex rather than std::atomic<std::shared_ptr>: obviously
  // correct, understood by TSan and clang's thread-safety analysis, and
  // settings are read a few times a second, so its cost is irrelevant.
  mutable std::mutex mu_;
  std::shared_ptr<const T> current_;  // guarded by mu_; never null
};

}  // namespace osc::throttle
