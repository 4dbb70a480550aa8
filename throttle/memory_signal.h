// MemorySignal: throttles the row copy while available memory is below
// --min-available-memory, on the host and/or in one cgroup v2 group (e.g. the
// database's container when osc runs on the same machine).
//
// What "available" means:
//   host:   MemAvailable from /proc/meminfo (the kernel's own estimate of
//           what can be allocated without swapping), against MemTotal.
//   cgroup: limit - (memory.current - inactive_file), against the limit,
//           where limit = min(memory.max, memory.high) and "max" means no
//           limit (the cgroup is then not checked; the host check covers it).
//           inactive_file (from memory.stat) is page cache the kernel
//           reclaims before it would OOM-kill: counting it as used would
//           throttle a container that merely wrote binlogs. This is the
//           kubelet's "working set" definition. Active page cache stays
//           counted as used: it is reclaimed only under real pressure.
//           memory.high counts because above it the kernel throttles and
//           reclaims the group's allocations, which hurts a database as much
//           as reaching memory.max.
// The threshold is absolute ("512M") or a percentage of the total or limit
// ("10%"), applied to each source separately; either source below it
// throttles.
//
// Missing or unreadable files: Create() probes every file once and fails with
// a clear error, so a wrong path stops the migration at start instead of
// leaving it unprotected. If a read fails later (cgroup removed, container
// restarted), Check() returns Decision::Unavailable (the copy pauses, and
// status says why) rather than kGo: a protection that silently switches off
// is worse than a visible pause the operator can resolve. memory.stat alone
// is optional: without it nothing is treated as reclaimable (conservative).
//
// Only local procfs/cgroupfs files are read; they never block.
//
// Thread safety: Check() from the throttler's thread; UpdateOptions() and
// options() from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "throttle/live_settings.h"
#include "throttle/signal.h"
#include "throttle/units.h"

namespace osc::throttle {

struct MemoryOptions {
  // Throttle when available memory is below this. Zero (the default here)
  // never throttles; the command line decides whether to add this signal.
  SizeSpec min_available = SizeSpec::Bytes(0);
  // A /proc/meminfo-format file. Empty: do not check host memory.
  std::string meminfo_path = "/proc/meminfo";
  // A cgroup v2 directory holding memory.max and memory.current
  // (e.g. /sys/fs/cgroup/system.slice/mariadb.service). Empty: no cgroup.
  std::string cgroup_dir;

  // InvalidArgument when neither source is set.
  Status Validate() const;
};

class MemorySignal final : public Signal {
 public:
  // Validates `options` and reads every configured file once.
  static Result<std::unique_ptr<MemorySignal>> Create(MemoryOptions options);

  std::string_view name() const override { return "host-memory"; }
  Decision Check(const CheckContext& ctx) override;

  // Validates and probes like Create(); on error the old options stay.
  Status UpdateOptions(MemoryOptions options);
  std::shared_ptr<const MemoryOptions> options() const { return options_.Get(); }

 private:
  explicit MemorySignal(MemoryOptions options) : options_(std::move(options)) {}

  LiveSettings<MemoryOptions> options_;
};

}  // namespace osc::throttle
