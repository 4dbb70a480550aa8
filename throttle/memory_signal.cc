#include "throttle/memory_signal.h"

#include <fcntl.h>
#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>
#include <system_error>
#include <vector>

#include "common/numbers.h"
#include "throttle/strings_internal.h"

namespace osc::throttle {
namespace {

using internal::Trim;

// meminfo is ~1.5 KiB and memory.stat ~1-2 KiB; anything much larger is not
// the file we were pointed at.
constexpr size_t kMaxFileBytes = 64 * 1024;

// One measured source: available and total (MemTotal or the cgroup limit).
struct Reading {
  std::string label;  // "host" or "cgroup <dir>"
  uint64_t available = 0;
  uint64_t total = 0;
  std::string context;  // extra numbers for the reason
};

struct Readings {
  std::vector<Reading> readings;
  std::vector<Status> errors;
};

// procfs and cgroupfs report st_size 0, so read until EOF instead of sizing
// a buffer from stat.
Result<std::string> ReadSmallFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string msg = fmt::format("cannot open {}: {}", path,
                                        std::error_code(err, std::generic_category()).message());
    return err == ENOENT ? Status::NotFound(msg) : Status::IoError(msg);
  }
  std::string out;
  char buf[4096];
  while (out.size() <= kMaxFileBytes) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::IoError(fmt::format("cannot read {}: {}", path,
                                         std::error_code(err, std::generic_category()).message()));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (out.size() > kMaxFileBytes)
    return Status::Corruption(fmt::format("{} is unexpectedly large", path));
  return out;
}

Result<uint64_t> ParseCount(std::string_view text, const std::string& path) {
  const std::string_view t = Trim(text);
  const std::optional<uint64_t> value = ParseNumber<uint64_t>(t);
  if (!value) return Status::Corruption(fmt::format("{}: expected a number, got \"{}\"", path, t));
  return *value;
}

// Value of "<key> <number>" (memory.stat) or "<key>: <number> kB" (meminfo),
// in bytes; nullopt when the key is absent.
Result<std::optional<uint64_t>> FindField(std::string_view content, std::string_view key,
                                          const std::string& path) {
  size_t pos = 0;
  while (pos < content.size()) {
    const size_t eol = std::min(content.find('\n', pos), content.size());
    std::string_view line = content.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.substr(0, key.size()) != key) continue;
    line.remove_prefix(key.size());
    if (!line.empty() && line.front() == ':') line.remove_prefix(1);
    if (line.empty() || !std::isspace(static_cast<unsigned char>(line.front())))
      continue;  // longer key
    line = Trim(line);
    uint64_t mult = 1;
    if (line.size() > 2 && line.substr(line.size() - 2) == "kB") {
      mult = 1024;  // meminfo's "kB" is KiB
      line.remove_suffix(2);
    }
    OSC_ASSIGN_OR_RETURN(const uint64_t value, ParseCount(line, path));
    return std::optional<uint64_t>(value * mult);
  }
  return std::optional<uint64_t>();
}

Result<Reading> ReadHost(const std::string& meminfo_path) {
  OSC_ASSIGN_OR_RETURN(const std::string content, ReadSmallFile(meminfo_path));
  OSC_ASSIGN_OR_RETURN(const auto total, FindField(content, "MemTotal", meminfo_path));
  OSC_ASSIGN_OR_RETURN(const auto available, FindField(content, "MemAvailable", meminfo_path));
  if (!total || !available) {
    return Status::Corruption(
        fmt::format("{}: no MemTotal or MemAvailable line (Linux 3.14+ needed)", meminfo_path));
  }
  return Reading{"host", *available, *total, fmt::format("total {}", FormatBytes(*total))};
}

// memory.max / memory.high: a byte count or "max"; nullopt means no limit.
Result<std::optional<uint64_t>> ReadLimit(const std::string& path) {
  OSC_ASSIGN_OR_RETURN(const std::string content, ReadSmallFile(path));
  if (Trim(content) == "max") return std::optional<uint64_t>();
  OSC_ASSIGN_OR_RETURN(const uint64_t limit, ParseCount(content, path));
  return std::optional<uint64_t>(limit);
}

// nullopt: the cgroup has no limit, so there is nothing to compare with.
Result<std::optional<Reading>> ReadCgroup(const std::string& dir) {
  OSC_ASSIGN_OR_RETURN(std::optional<uint64_t> limit, ReadLimit(dir + "/memory.max"));
  // memory.high is optional in the sense that some setups hide it; treat a
  // missing file as "no soft limit".
  Result<std::optional<uint64_t>> high = ReadLimit(dir + "/memory.high");
  if (!high.ok() && !high.status().IsNotFound()) return high.status();
  if (high.ok() && high->has_value()) limit = limit ? std::min(*limit, **high) : **high;
  OSC_ASSIGN_OR_RETURN(const std::string current_text, ReadSmallFile(dir + "/memory.current"));
  OSC_ASSIGN_OR_RETURN(const uint64_t current, ParseCount(current_text, dir + "/memory.current"));
  if (!limit) return std::optional<Reading>();

  uint64_t reclaimable = 0;
  Result<std::string> stat = ReadSmallFile(dir + "/memory.stat");
  if (stat.ok()) {
    OSC_ASSIGN_OR_RETURN(const auto inactive,
                         FindField(*stat, "inactive_file", dir + "/memory.stat"));
    reclaimable = inactive.value_or(0);
  }
  const uint64_t working_set = current > reclaimable ? current - reclaimable : 0;
  const uint64_t available = *limit > working_set ? *limit - working_set : 0;
  return std::optional<Reading>(
      Reading{fmt::format("cgroup {}", dir), available, *limit,
              fmt::format("limit {}, usage {}, reclaimable {}", FormatBytes(*limit),
                          FormatBytes(current), FormatBytes(reclaimable))});
}

Readings ReadAll(const MemoryOptions& options) {
  Readings out;
  if (!options.meminfo_path.empty()) {
    Result<Reading> host = ReadHost(options.meminfo_path);
    if (host.ok()) {
      out.readings.push_back(std::move(*host));
    } else {
      out.errors.push_back(host.status());
    }
  }
  if (!options.cgroup_dir.empty()) {
    Result<std::optional<Reading>> cgroup = ReadCgroup(options.cgroup_dir);
    if (!cgroup.ok()) {
      out.errors.push_back(cgroup.status());
    } else if (cgroup->has_value()) {
      out.readings.push_back(std::move(**cgroup));
    }
  }
  return out;
}

// "host memory available 300M < 512M (total 7.7G)" with a percentage
// threshold shown as "< 10% of 7.7G = 788.5M".
std::string LowReason(const Reading& r, const SizeSpec& min_available, uint64_t threshold) {
  const std::string limit_text = min_available.kind == SizeSpec::Kind::kPercent
                                     ? fmt::format("{} of {} = {}", min_available.ToString(),
                                                   FormatBytes(r.total), FormatBytes(threshold))
                                     : FormatBytes(threshold);
  return fmt::format("{} memory available {} < {} ({})", r.label, FormatBytes(r.available),
                     limit_text, r.context);
}

std::string JoinMessages(const std::vector<Status>& errors) {
  std::string out;
  for (const Status& s : errors) {
    if (!out.empty()) out += "; ";
    out += s.message();
  }
  return out;
}

}  // namespace

Status MemoryOptions::Validate() const {
  if (meminfo_path.empty() && cgroup_dir.empty()) {
    return Status::InvalidArgument(
        "memory signal: neither a meminfo file nor a cgroup directory is set");
  }
  return Status::Ok();
}

Result<std::unique_ptr<MemorySignal>> MemorySignal::Create(MemoryOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  const Readings probe = ReadAll(options);
  if (!probe.errors.empty()) return probe.errors.front().WithContext("--min-available-memory");
  return std::unique_ptr<MemorySignal>(new MemorySignal(std::move(options)));
}

Status MemorySignal::UpdateOptions(MemoryOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  const Readings probe = ReadAll(options);
  if (!probe.errors.empty()) return probe.errors.front().WithContext("--min-available-memory");
  options_.Set(std::move(options));
  return Status::Ok();
}

Decision MemorySignal::Check(const CheckContext& /*ctx*/) {
  const std::shared_ptr<const MemoryOptions> options = options_.Get();
  const Readings now = ReadAll(*options);
  std::vector<std::string> low;
  std::optional<Reading> worst;
  uint64_t worst_threshold = 0;
  for (const Reading& r : now.readings) {
    const uint64_t threshold = options->min_available.Resolve(r.total);
    if (r.available >= threshold) continue;
    low.push_back(LowReason(r, options->min_available, threshold));
    if (!worst || r.available < worst->available) {
      worst = r;
      worst_threshold = threshold;
    }
  }
  if (low.empty() && now.errors.empty()) return Decision::Go();
  Decision d;
  if (low.empty()) {
    d = Decision::Unavailable(JoinMessages(now.errors));
  } else {
    std::string reason = low.front();
    for (size_t i = 1; i < low.size(); ++i) reason += "; " + low[i];
    if (!now.errors.empty()) reason += "; " + JoinMessages(now.errors);
    d = Decision::Throttle(std::move(reason));
    d.measured = static_cast<double>(worst->available);
    d.limit = static_cast<double>(worst_threshold);
  }
  return d;
}

}  // namespace osc::throttle
