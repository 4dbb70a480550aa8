#include "throttle/flag_file_signal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace osc::throttle {
namespace {

namespace fs = std::filesystem;

class FlagFileSignalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "osc-flag-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Touch(const fs::path& p) { std::ofstream(p).put('x'); }

  fs::path dir_;
};

TEST_F(FlagFileSignalTest, ThrottlesOnlyWhileTheFileExists) {
  const fs::path flag = dir_ / "throttle";
  auto signal = FlagFileSignal::Create(flag.string(), FlagFileSignal::Action::kThrottle);
  ASSERT_TRUE(signal.ok());
  EXPECT_EQ((*signal)->name(), "throttle-flag-file");
  EXPECT_TRUE((*signal)->Check(CheckContext{}).is_go());

  Touch(flag);
  const Decision d = (*signal)->Check(CheckContext{});
  EXPECT_TRUE(d.is_throttle());
  EXPECT_EQ(d.reason, "throttle flag file " + flag.string() + " exists");

  fs::remove(flag);
  EXPECT_TRUE((*signal)->Check(CheckContext{}).is_go());
}

TEST_F(FlagFileSignalTest, PanicFileAbortsAtOnce) {
  const fs::path flag = dir_ / "panic";
  auto signal = FlagFileSignal::Create(flag.string(), FlagFileSignal::Action::kAbort);
  ASSERT_TRUE(signal.ok());
  EXPECT_EQ((*signal)->name(), "panic-flag-file");
  EXPECT_TRUE((*signal)->Check(CheckContext{}).is_go());
  Touch(flag);
  const Decision d = (*signal)->Check(CheckContext{});
  EXPECT_TRUE(d.is_abort());
  EXPECT_EQ(d.confirm_for, Clock::Duration::zero());
  EXPECT_EQ(d.reason, "panic flag file " + flag.string() + " exists");
}

TEST_F(FlagFileSignalTest, UncheckablePathIsReportedUnavailable) {
  // A path through a regular file fails with ENOTDIR (not ENOENT), even for
  // root, which a permission-based setup would not.
  const fs::path file = dir_ / "plain";
  Touch(file);
  auto signal = FlagFileSignal::Create((file / "flag").string(), FlagFileSignal::Action::kAbort);
  ASSERT_TRUE(signal.ok());
  const Decision d = (*signal)->Check(CheckContext{});
  EXPECT_TRUE(d.is_throttle());
  EXPECT_TRUE(d.unavailable);
  EXPECT_EQ(d.reason,
            "cannot check panic flag file " + (file / "flag").string() + ": Not a directory");
}

TEST_F(FlagFileSignalTest, EmptyPathIsRejected) {
  EXPECT_TRUE(
      FlagFileSignal::Create("", FlagFileSignal::Action::kThrottle).status().IsInvalidArgument());
}

}  // namespace
}  // namespace osc::throttle
