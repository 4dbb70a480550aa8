// Why each command does what it does: gh-ost's interactive commands are
// the model (operators already know them); where osc differs it says so
// in the reply rather than silently doing something else.

#include "osc/control_bridge.h"

#include <filesystem>
#include <sstream>

#include "common/logging.h"
#include "throttle/load_thresholds.h"

namespace osc::migration {
namespace {

throttle::LoadThresholds ParseOrEmpty(const std::string& spec) {
  if (spec.empty()) return {};
  auto parsed = throttle::ParseLoadThresholds(spec);
  return parsed.ok() ? *parsed : throttle::LoadThresholds{};
}

}  // namespace

ControlBridge::ControlBridge(ControlBridgeSetup setup) : setup_(std::move(setup)) {}

void ControlBridge::AttachCopier(copy::Copier* copier) {
  std::lock_guard lock(mu_);
  copier_ = copier;
}

void ControlBridge::Note(const std::string& command) const {
  if (setup_.on_command) setup_.on_command(command);
}

std::string ControlBridge::StatusText() {
  Note("status");
  const ProgressSnapshot p = setup_.snapshot();
  std::ostringstream out;
  out << "osc migrating " << setup_.table << "\n";
  out << FormatProgressLine(p) << "\n";
  out << "settings: " << setup_.throttle->Describe() << ", chunk-size=" << chunk_size()
      << ", threads=" << threads();
  const throttle::Decision d = setup_.throttle->throttler().Current();
  out << "\nthrottle: " << (d.is_go() ? std::string("none") : d.ToString());
  if (!setup_.postpone_flag_file.empty()) {
    std::error_code ec;
    out << "\npostpone flag file " << setup_.postpone_flag_file
        << (std::filesystem::exists(setup_.postpone_flag_file, ec) ? " exists (cut-over postponed)" : " absent");
  }
  return out.str();
}

std::string ControlBridge::StatusJson() {
  Note("status json");
  return FormatProgressJson(setup_.snapshot());
}

std::string ControlBridge::ShortStatus() {
  Note("sup");
  return FormatProgressLine(setup_.snapshot());
}

Result<std::string> ControlBridge::Throttle() {
  Note("throttle");
  setup_.throttle->throttler().ForceThrottle("operator: throttle command");
  return std::string("throttled by the operator; 'no-throttle' lifts it");
}

Result<std::string> ControlBridge::NoThrottle() {
  Note("no-throttle");
  setup_.throttle->throttler().ClearForcedThrottle();
  return std::string("operator throttle lifted (other throttle reasons still apply)");
}

// gh-ost's unpostpone removes the postpone flag file; so does osc, so the
// state on disk and the behaviour agree.
Result<std::string> ControlBridge::Unpostpone() {
  Note("unpostpone");
  if (setup_.postpone_flag_file.empty()) return Status::FailedPrecondition("no --postpone-cut-over-flag-file is set");
  std::error_code ec;
  const bool removed = std::filesystem::remove(setup_.postpone_flag_file, ec);
  if (ec) return Status::IoError("cannot remove " + setup_.postpone_flag_file + ": " + ec.message());
  spdlog::info("control: unpostpone: removed {}", setup_.postpone_flag_file);
  return std::string(removed ? "postpone flag file removed: cutting over when ready"
                             : "the postpone flag file was already absent");
}

Result<std::string> ControlBridge::Panic() {
  Note("panic");
  spdlog::warn("control: panic: stopping the migration (helper tables kept for a resume)");
  setup_.panic("panic command on the control socket");
  return std::string("stopping: the original table stays as it is");
}

uint64_t ControlBridge::chunk_size() {
  std::lock_guard lock(mu_);
  return copier_ ? copier_->progress().chunk_size : 0;
}

int ControlBridge::threads() {
  std::lock_guard lock(mu_);
  return copier_ ? copier_->progress().threads : 0;
}

uint64_t ControlBridge::max_lag_millis() {
  return static_cast<uint64_t>(setup_.throttle->current().max_lag.count());
}

throttle::LoadThresholds ControlBridge::max_load() { return ParseOrEmpty(setup_.throttle->current().max_load); }
throttle::LoadThresholds ControlBridge::critical_load() {
  return ParseOrEmpty(setup_.throttle->current().critical_load);
}

Result<std::string> ControlBridge::SetChunkSize(uint64_t rows) {
  Note("chunk-size=" + std::to_string(rows));
  std::lock_guard lock(mu_);
  if (!copier_) return Status::FailedPrecondition("the copy has not started (or is over)");
  const uint64_t old = copier_->progress().chunk_size;
  const uint64_t now = copier_->SetChunkSize(rows);
  spdlog::info("control: chunk-size {} -> {}", old, now);
  return "chunk-size " + std::to_string(now) + (now != rows ? " (clamped to the allowed range)" : "");
}

Result<std::string> ControlBridge::SetThreads(int n) {
  Note("threads=" + std::to_string(n));
  std::lock_guard lock(mu_);
  if (!copier_) return Status::FailedPrecondition("the copy has not started (or is over)");
  const int old = copier_->progress().threads;
  const int now = copier_->SetThreads(n);
  spdlog::info("control: threads {} -> {}", old, now);
  return "threads " + std::to_string(now);
}

Result<std::string> ControlBridge::SetMaxLagMillis(uint64_t millis) {
  Note("max-lag-millis=" + std::to_string(millis));
  OSC_ASSIGN_OR_RETURN(std::string old,
                       setup_.throttle->SetMaxLag(std::chrono::milliseconds(static_cast<int64_t>(millis))));
  spdlog::info("control: max-lag-millis {} -> {}", old, millis);
  return "max-lag-millis " + std::to_string(millis);
}

Result<std::string> ControlBridge::SetMaxLoad(const throttle::LoadThresholds& thresholds) {
  const std::string spec = throttle::ToString(thresholds);
  Note("max-load=" + spec);
  OSC_ASSIGN_OR_RETURN(std::string old, setup_.throttle->SetMaxLoad(spec));
  spdlog::info("control: max-load '{}' -> '{}'", old, spec);
  return "max-load " + (spec.empty() ? std::string("none") : spec);
}

Result<std::string> ControlBridge::SetCriticalLoad(const throttle::LoadThresholds& thresholds) {
  const std::string spec = throttle::ToString(thresholds);
  Note("critical-load=" + spec);
  OSC_ASSIGN_OR_RETURN(std::string old, setup_.throttle->SetCriticalLoad(spec));
  spdlog::info("control: critical-load '{}' -> '{}'", old, spec);
  return "critical-load " + (spec.empty() ? std::string("none") : spec);
}

}  // namespace osc::migration
