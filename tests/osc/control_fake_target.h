// A ControlTarget that records what it was asked, for the control socket
// tests. Thread-safe (one mutex), because the server tests call it from
// the server thread while the test thread inspects it.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "osc/control/target.h"

namespace osc::control::testing {

class FakeTarget : public ControlTarget {
 public:
  std::string StatusText() override {
    Record("status");
    return "state: copying\nrows: 42";
  }
  std::string StatusJson() override {
    Record("status json");
    return R"({"state":"copying","rows":42})";
  }
  std::string ShortStatus() override {
    Record("sup");
    return "copying 42 rows";
  }

  Result<std::string> Throttle() override { return Action("throttle", throttled_, true); }
  Result<std::string> NoThrottle() override { return Action("no-throttle", throttled_, false); }
  Result<std::string> Unpostpone() override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back("unpostpone");
    if (refuse_unpostpone_) return Status::FailedPrecondition("already cutting over");
    unpostponed_ = true;
    return std::string("cut-over unpostponed");
  }
  Result<std::string> Panic() override { return Action("panic", panicked_, true); }

  uint64_t chunk_size() override { return Get(chunk_size_); }
  int threads() override { return Get(threads_); }
  uint64_t max_lag_millis() override { return Get(max_lag_millis_); }
  throttle::LoadThresholds max_load() override { return Get(max_load_); }
  throttle::LoadThresholds critical_load() override { return Get(critical_load_); }

  // Clamps to [100, 100000] like a copier with default bounds would.
  Result<std::string> SetChunkSize(uint64_t rows) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back("set chunk-size " + std::to_string(rows));
    chunk_size_ = rows < 100 ? 100 : (rows > 100000 ? 100000 : rows);
    return "chunk-size is " + std::to_string(chunk_size_);
  }
  Result<std::string> SetThreads(int n) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back("set threads " + std::to_string(n));
    if (refuse_threads_) return Status::FailedPrecondition("the copy is over");
    threads_ = n;
    return "threads is " + std::to_string(n);
  }
  Result<std::string> SetMaxLagMillis(uint64_t millis) override { return Set("max-lag-millis", max_lag_millis_, millis); }
  Result<std::string> SetMaxLoad(const throttle::LoadThresholds& t) override { return Set("max-load", max_load_, t); }
  Result<std::string> SetCriticalLoad(const throttle::LoadThresholds& t) override {
    return Set("critical-load", critical_load_, t);
  }

  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  bool throttled() { return Get(throttled_); }
  bool panicked() { return Get(panicked_); }
  bool unpostponed() { return Get(unpostponed_); }
  void RefuseThreads() { std::lock_guard<std::mutex> lock(mu_); refuse_threads_ = true; }
  void RefuseUnpostpone() { std::lock_guard<std::mutex> lock(mu_); refuse_unpostpone_ = true; }

 private:
  void Record(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(call);
  }
  Result<std::string> Action(const std::string& name, bool& flag, bool value) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(name);
    flag = value;
    return name + " done";
  }
  template <typename T>
  T Get(const T& field) {
    std::lock_guard<std::mutex> lock(mu_);
    return field;
  }
  template <typename T>
  Result<std::string> Set(const std::string& name, T& field, const T& value) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back("set " + name);
    field = value;
    return name + " set";
  }

  std::mutex mu_;
  std::vector<std::string> calls_;
  uint64_t chunk_size_ = 1000;
  int threads_ = 2;
  uint64_t max_lag_millis_ = 1500;
  throttle::LoadThresholds max_load_;
  throttle::LoadThresholds critical_load_;
  bool throttled_ = false;
  bool panicked_ = false;
  bool unpostponed_ = false;
  bool refuse_threads_ = false;
  bool refuse_unpostpone_ = false;
};

}  // namespace osc::control::testing
