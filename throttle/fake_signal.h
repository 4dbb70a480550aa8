// FakeSignal: a Signal whose decision a test sets by hand, for tests of the
// Throttler and of anything that obeys it (the copier in osc/).
//
//   auto owned = std::make_unique<FakeSignal>("replica-lag");
//   FakeSignal* lag = owned.get();          // the Throttler owns it now
//   throttler.AddSignal(std::move(owned));
//   lag->Set(Decision::Throttle("lag 3s > 1.5s"));
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "throttle/signal.h"

namespace osc::throttle {

class FakeSignal final : public Signal {
 public:
  explicit FakeSignal(std::string name, Decision initial = Decision::Go())
      : name_(std::move(name)), decision_(std::move(initial)) {}

  std::string_view name() const override { return name_; }

  Decision Check(const CheckContext& ctx) override {
    std::lock_guard lock(mu_);
    ++checks_;
    last_ctx_ = ctx;
    return decision_;
  }

  // The decision every following Check() returns.
  void Set(Decision d) {
    std::lock_guard lock(mu_);
    decision_ = std::move(d);
  }
  // Number of Check() calls so far.
  int checks() const {
    std::lock_guard lock(mu_);
    return checks_;
  }
  // The context of the latest Check() (default-constructed before the first).
  CheckContext last_context() const {
    std::lock_guard lock(mu_);
    return last_ctx_;
  }

 private:
  const std::string name_;
  mutable std::mutex mu_;
  Decision decision_;      // guarded by mu_
  int checks_ = 0;         // guarded by mu_
  CheckContext last_ctx_;  // guarded by mu_
};

}  // namespace osc::throttle
