#include "db/library.h"

#include <mysql.h>

#include <cstdlib>
#include <mutex>

#include "db/connection_internal.h"

namespace osc::db {
namespace {

// Runs mysql_thread_end() when its thread exits.
class ThreadGuard {
 public:
  ThreadGuard() : ok_(mysql_thread_init() == 0) {}
  ~ThreadGuard() {
    if (ok_) mysql_thread_end();
  }
  ThreadGuard(const ThreadGuard&) = delete;
  ThreadGuard& operator=(const ThreadGuard&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

}  // namespace

namespace {
CaStoreEnvironment ca_store_environment;
}  // namespace

void SkipUnusedSystemCaStore() {
  if (ca_store_environment.changed) return;
  const char* before = std::getenv("SSL_CERT_FILE");
  std::optional<std::string> original;
  if (before != nullptr) original = before;
  if (::setenv("SSL_CERT_FILE", "/dev/null", 1) == 0) {
    ca_store_environment.changed = true;
    ca_store_environment.original = std::move(original);
  }
}

const CaStoreEnvironment& SystemCaStoreEnvironment() { return ca_store_environment; }

Status InitLibrary() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = mysql_library_init(0, nullptr, nullptr) == 0; });
  if (!ok) return Status::Internal("mysql_library_init failed");
  return Status::Ok();
}

namespace internal {

Status EnsureThreadReady() {
  OSC_RETURN_IF_ERROR(InitLibrary());
  // Constructed on this thread's first call, destroyed at its exit.
  thread_local ThreadGuard guard;
  if (!guard.ok()) return Status::Internal("mysql_thread_init failed");
  return Status::Ok();
}

}  // namespace internal
}  // namespace osc::db
