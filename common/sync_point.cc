#include "common/sync_point.h"

#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace osc::sync {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, std::function<void()>, std::less<>> callbacks;  // guarded by mu
  // Read without the lock on every sync point so the common case (no test
  // hooks installed) never touches the mutex.
  std::atomic<bool> any{false};
};

Registry& GetRegistry() {
  static Registry* r = new Registry();
  return *r;
}

}  // namespace

void Set(std::string_view name, std::function<void()> cb) {
  Registry& r = GetRegistry();
  std::lock_guard lock(r.mu);
  r.callbacks[std::string(name)] = std::move(cb);
  r.any.store(true, std::memory_order_release);
}

void ClearAll() {
  Registry& r = GetRegistry();
  std::lock_guard lock(r.mu);
  r.callbacks.clear();
  r.any.store(false, std::memory_order_release);
}

void Process(std::string_view name) {
  Registry& r = GetRegistry();
  if (!r.any.load(std::memory_order_acquire)) return;
  std::function<void()> cb;
  {
    std::lock_guard lock(r.mu);
    auto it = r.callbacks.find(name);
    if (it == r.callbacks.end()) return;
    cb = it->second;
  }
  cb();  // outside the lock: a callback may itself hit sync points
}

}  // namespace osc::sync
