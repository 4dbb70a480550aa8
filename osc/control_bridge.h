// ControlBridge: the running migration as the control socket sees it
// (osc/control/target.h). It turns socket commands into calls on the
// migration's parts: the throttle (operator throttle, limits), the copier
// (chunk size, threads, attached once the copy starts), the postpone flag
// file, and a panic that stops the migration resumably.
//
// Thread safety: the ControlTarget methods run on the control server's
// thread; Attach/DetachCopier on the orchestrator's. The copier pointer is
// guarded by a mutex; everything else it calls is thread-safe itself.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "osc/control/target.h"
#include "osc/copy/copier.h"
#include "osc/progress.h"
#include "osc/throttle_setup.h"

namespace osc::migration {

struct ControlBridgeSetup {
  ThrottleControl* throttle = nullptr;  // not owned; outlives the bridge
  // The migration's progress right now.
  std::function<ProgressSnapshot()> snapshot;
  // Stops the migration as an abort (helper tables kept for a resume).
  std::function<void(std::string reason)> panic;
  // Called for every command (the interactive-command hook).
  std::function<void(std::string command)> on_command;
  std::string postpone_flag_file;  // empty: none
  std::string table;               // `db`.`table`, for status text
};

class ControlBridge final : public control::ControlTarget {
 public:
  explicit ControlBridge(ControlBridgeSetup setup);

  // The copier the chunk-size and threads commands act on; null detaches.
  void AttachCopier(copy::Copier* copier);

  std::string StatusText() override;
  std::string StatusJson() override;
  std::string ShortStatus() override;
  Result<std::string> Throttle() override;
  Result<std::string> NoThrottle() override;
  Result<std::string> Unpostpone() override;
  Result<std::string> Panic() override;
  uint64_t chunk_size() override;
  int threads() override;
  uint64_t max_lag_millis() override;
  throttle::LoadThresholds max_load() override;
  throttle::LoadThresholds critical_load() override;
  Result<std::string> SetChunkSize(uint64_t rows) override;
  Result<std::string> SetThreads(int threads) override;
  Result<std::string> SetMaxLagMillis(uint64_t millis) override;
  Result<std::string> SetMaxLoad(const throttle::LoadThresholds& thresholds) override;
  Result<std::string> SetCriticalLoad(const throttle::LoadThresholds& thresholds) override;

 private:
  void Note(const std::string& command) const;

  const ControlBridgeSetup setup_;
  std::mutex mu_;
  copy::Copier* copier_ = nullptr;  // guarded by mu_
};

}  // namespace osc::migration
