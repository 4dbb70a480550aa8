#include "throttle/memory_signal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace osc::throttle {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kGiB = 1073741824;
constexpr uint64_t kMiB = 1048576;

// Fake /proc/meminfo and cgroup files in a fresh temporary directory.
class MemorySignalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "osc-memory-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    cgroup_ = dir_ / "cgroup";
    fs::create_directory(cgroup_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << path;
  }
  // Values in kB, as the kernel writes them.
  std::string Meminfo(uint64_t total_kb, uint64_t available_kb) {
    const fs::path path = dir_ / "meminfo";
    Write(path, "MemTotal:       " + std::to_string(total_kb) +
                    " kB\n"
                    "MemFree:          123456 kB\n"
                    "MemAvailable:   " +
                    std::to_string(available_kb) +
                    " kB\n"
                    "Buffers:           10000 kB\n");
    return path.string();
  }
  void Cgroup(const std::string& max, uint64_t current) {
    Write(cgroup_ / "memory.max", max + "\n");
    Write(cgroup_ / "memory.current", std::to_string(current) + "\n");
  }
  void CgroupStat(uint64_t inactive_file) {
    Write(cgroup_ / "memory.stat", "anon 1000\nfile 5000\nactive_file 7\ninactive_file " +
                                       std::to_string(inactive_file) + "\nshmem 0\n");
  }

  MemoryOptions HostOnly(const std::string& meminfo, std::string_view threshold) {
    MemoryOptions o;
    o.meminfo_path = meminfo;
    o.min_available = ParseSize(threshold).value();
    return o;
  }
  MemoryOptions CgroupOnly(std::string_view threshold) {
    MemoryOptions o;
    o.meminfo_path.clear();
    o.cgroup_dir = cgroup_.string();
    o.min_available = ParseSize(threshold).value();
    return o;
  }

  static Decision CheckWith(MemoryOptions options) {
    Result<std::unique_ptr<MemorySignal>> signal = MemorySignal::Create(std::move(options));
    EXPECT_TRUE(signal.ok()) << signal.status().ToString();
    if (!signal.ok()) return Decision::Abort("create failed");
    return (*signal)->Check(CheckContext{});
  }

  fs::path dir_;
  fs::path cgroup_;
};

TEST_F(MemorySignalTest, HostAboveThresholdGoes) {
  const std::string meminfo = Meminfo(8 * kGiB / 1024, kGiB / 1024);
  EXPECT_TRUE(CheckWith(HostOnly(meminfo, "512M")).is_go());
}

TEST_F(MemorySignalTest, HostBelowAbsoluteThresholdThrottlesWithNumbers) {
  const std::string meminfo = Meminfo(8 * kGiB / 1024, kGiB / 1024);
  const Decision d = CheckWith(HostOnly(meminfo, "2G"));
  ASSERT_TRUE(d.is_throttle());
  EXPECT_FALSE(d.unavailable);
  EXPECT_EQ(d.reason, "host memory available 1G < 2G (total 8G)");
  EXPECT_DOUBLE_EQ(d.measured.value_or(-1), static_cast<double>(kGiB));
  EXPECT_DOUBLE_EQ(d.limit.value_or(-1), static_cast<double>(2 * kGiB));
}

TEST_F(MemorySignalTest, PercentageIsOfMemTotal) {
  const std::string meminfo = Meminfo(8 * kGiB / 1024, 512 * kMiB / 1024);
  const Decision low = CheckWith(HostOnly(meminfo, "10%"));  // 858993459 bytes
  ASSERT_TRUE(low.is_throttle());
  EXPECT_EQ(low.reason, "host memory available 512M < 10% of 8G = 819.1M (total 8G)");
  EXPECT_TRUE(CheckWith(HostOnly(meminfo, "5%")).is_go());  // 409.6M
}

TEST_F(MemorySignalTest, UnlimitedCgroupIsNotCompared) {
  Cgroup("max", 50 * kGiB);
  EXPECT_TRUE(CheckWith(CgroupOnly("1G")).is_go());
}

TEST_F(MemorySignalTest, CgroupAvailableCountsInactiveFileAsReclaimable) {
  // limit 4G, usage 3.5G of which 1G inactive page cache -> 1.5G available.
  Cgroup(std::to_string(4 * kGiB), 3 * kGiB + 512 * kMiB);
  CgroupStat(kGiB);
  EXPECT_TRUE(CheckWith(CgroupOnly("1G")).is_go());
  const Decision d = CheckWith(CgroupOnly("2G"));
  ASSERT_TRUE(d.is_throttle());
  EXPECT_EQ(d.reason, "cgroup " + cgroup_.string() +
                          " memory available 1.5G < 2G (limit 4G, usage 3.5G, reclaimable 1G)");
  EXPECT_DOUBLE_EQ(d.measured.value_or(-1), static_cast<double>(kGiB + 512 * kMiB));
}

TEST_F(MemorySignalTest, CgroupWithoutMemoryStatCountsAllUsage) {
  Cgroup(std::to_string(4 * kGiB), 3 * kGiB + 512 * kMiB);  // 512M available
  EXPECT_TRUE(CheckWith(CgroupOnly("1G")).is_throttle());
  EXPECT_TRUE(CheckWith(CgroupOnly("10%")).is_go());  // 409.6M
}

TEST_F(MemorySignalTest, CgroupMemoryHighLowersTheLimit) {
  Cgroup(std::to_string(4 * kGiB), 2 * kGiB + 512 * kMiB);
  Write(cgroup_ / "memory.high", std::to_string(3 * kGiB) + "\n");
  const Decision d = CheckWith(CgroupOnly("1G"));  // 3G - 2.5G = 512M
  ASSERT_TRUE(d.is_throttle());
  EXPECT_DOUBLE_EQ(d.measured.value_or(-1), static_cast<double>(512 * kMiB));
  Write(cgroup_ / "memory.high", "max\n");
  EXPECT_TRUE(CheckWith(CgroupOnly("1G")).is_go());  // 4G - 2.5G
}

TEST_F(MemorySignalTest, UsageAboveLimitMeansNothingAvailable) {
  Cgroup(std::to_string(kGiB), 2 * kGiB);
  const Decision d = CheckWith(CgroupOnly("1M"));
  ASSERT_TRUE(d.is_throttle());
  EXPECT_DOUBLE_EQ(d.measured.value_or(-1), 0.0);
}

TEST_F(MemorySignalTest, BothSourcesLowAreBothReported) {
  MemoryOptions o = CgroupOnly("2G");
  o.meminfo_path = Meminfo(8 * kGiB / 1024, kGiB / 1024);   // host: 1G
  Cgroup(std::to_string(4 * kGiB), 3 * kGiB + 512 * kMiB);  // cgroup: 512M
  const Decision d = CheckWith(o);
  ASSERT_TRUE(d.is_throttle());
  EXPECT_NE(d.reason.find("host memory available 1G"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("memory available 512M"), std::string::npos) << d.reason;
  EXPECT_DOUBLE_EQ(d.measured.value_or(-1), static_cast<double>(512 * kMiB));  // the worse one
}

TEST_F(MemorySignalTest, CreateFailsOnMissingOrMalformedFiles) {
  Result<std::unique_ptr<MemorySignal>> missing =
      MemorySignal::Create(HostOnly((dir_ / "nope").string(), "1G"));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find((dir_ / "nope").string()), std::string_view::npos);
  EXPECT_NE(missing.status().message().find("--min-available-memory"), std::string_view::npos);

  Write(dir_ / "old_meminfo", "MemTotal: 1000 kB\nMemFree: 10 kB\n");
  EXPECT_TRUE(MemorySignal::Create(HostOnly((dir_ / "old_meminfo").string(), "1G"))
                  .status()
                  .IsCorruption());

  // A directory that is not a cgroup v2 memory controller (no memory.max).
  EXPECT_TRUE(MemorySignal::Create(CgroupOnly("1G")).status().IsNotFound());
  Cgroup("lots", 1);
  EXPECT_TRUE(MemorySignal::Create(CgroupOnly("1G")).status().IsCorruption());

  MemoryOptions none;
  none.meminfo_path.clear();
  EXPECT_TRUE(MemorySignal::Create(none).status().IsInvalidArgument());
}

TEST_F(MemorySignalTest, FileVanishingLaterMakesTheSignalUnavailable) {
  Cgroup(std::to_string(4 * kGiB), kGiB);
  Result<std::unique_ptr<MemorySignal>> signal = MemorySignal::Create(CgroupOnly("1G"));
  ASSERT_TRUE(signal.ok()) << signal.status().ToString();
  EXPECT_TRUE((*signal)->Check(CheckContext{}).is_go());

  fs::remove(cgroup_ / "memory.current");
  const Decision d = (*signal)->Check(CheckContext{});
  EXPECT_TRUE(d.is_throttle());
  EXPECT_TRUE(d.unavailable);
  EXPECT_NE(d.reason.find("memory.current"), std::string::npos) << d.reason;
}

TEST_F(MemorySignalTest, UpdateOptionsChangesTheThresholdAndRejectsBadPaths) {
  const std::string meminfo = Meminfo(8 * kGiB / 1024, kGiB / 1024);
  Result<std::unique_ptr<MemorySignal>> signal = MemorySignal::Create(HostOnly(meminfo, "512M"));
  ASSERT_TRUE(signal.ok());
  EXPECT_TRUE((*signal)->Check(CheckContext{}).is_go());

  ASSERT_TRUE((*signal)->UpdateOptions(HostOnly(meminfo, "2G")).ok());
  EXPECT_TRUE((*signal)->Check(CheckContext{}).is_throttle());

  EXPECT_FALSE((*signal)->UpdateOptions(HostOnly((dir_ / "nope").string(), "1M")).ok());
  EXPECT_EQ((*signal)->options()->meminfo_path, meminfo);  // old options kept
  EXPECT_TRUE((*signal)->Check(CheckContext{}).is_throttle());
}

TEST_F(MemorySignalTest, ReadsTheRealProcMeminfo) {
  if (!fs::exists("/proc/meminfo")) GTEST_SKIP() << "no /proc/meminfo on this host";
  MemoryOptions o;
  o.min_available = SizeSpec::Bytes(0);
  EXPECT_TRUE(CheckWith(o).is_go());  // a zero threshold never throttles
  o.min_available = SizeSpec::Percent(100);
  EXPECT_TRUE(CheckWith(o).is_throttle());  // MemAvailable < MemTotal on any live host
}

}  // namespace
}  // namespace osc::throttle
