// ScrubPasswordArguments: --password values are overwritten in place; other
// arguments are left alone.
#include "cli/argv_scrub.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osc::cli {
namespace {

// A mutable argv built from strings, as the kernel hands it to main().
class Argv {
 public:
  explicit Argv(std::vector<std::string> args) : storage_(std::move(args)) {
    for (std::string& s : storage_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(storage_.size()); }
  char** argv() { return pointers_.data(); }
  // The argument as it now reads (up to its first NUL).
  std::string at(size_t i) const { return std::string(storage_[i].c_str()); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

TEST(ArgvScrubTest, ValueAfterEqualsIsOverwrittenKeepingItsLength) {
  Argv a({"osc", "--user", "root", "--password=hunter2", "--port", "3306"});
  EXPECT_EQ(ScrubPasswordArguments(a.argc(), a.argv()), 1);
  EXPECT_EQ(a.at(3), "--password=xxxxxxx");
  EXPECT_EQ(a.at(2), "root");
  EXPECT_EQ(a.at(5), "3306");
}

TEST(ArgvScrubTest, SeparateValueIsOverwrittenEvenIfItLooksLikeAFlag) {
  Argv a({"osc", "--password", "-secret", "--host", "h"});
  EXPECT_EQ(ScrubPasswordArguments(a.argc(), a.argv()), 1);
  EXPECT_EQ(a.at(1), "--password");
  EXPECT_EQ(a.at(2), "xxxxxxx");
  EXPECT_EQ(a.at(3), "--host");
  EXPECT_EQ(a.at(4), "h");
}

TEST(ArgvScrubTest, EveryOccurrenceIsOverwritten) {
  Argv a({"osc", "--password=a", "--password", "bb"});
  EXPECT_EQ(ScrubPasswordArguments(a.argc(), a.argv()), 2);
  EXPECT_EQ(a.at(1), "--password=x");
  EXPECT_EQ(a.at(3), "xx");
}

TEST(ArgvScrubTest, SimilarFlagsAndProgramNameAreUntouched) {
  Argv a({"--password=prog", "--password-file=/p", "--passwords", "x", "--ask-pass"});
  EXPECT_EQ(ScrubPasswordArguments(a.argc(), a.argv()), 0);
  EXPECT_EQ(a.at(0), "--password=prog");
  EXPECT_EQ(a.at(1), "--password-file=/p");
  EXPECT_EQ(a.at(3), "x");
}

TEST(ArgvScrubTest, StopsAtDoubleDash) {
  Argv a({"osc", "--", "--password=literal"});
  EXPECT_EQ(ScrubPasswordArguments(a.argc(), a.argv()), 0);
  EXPECT_EQ(a.at(2), "--password=literal");
}

TEST(ArgvScrubTest, TrailingFlagWithoutValueIsHarmless) {
  Argv a({"osc", "--password"});
  EXPECT_EQ(ScrubPasswordArguments(a.argc(), a.argv()), 0);
  EXPECT_EQ(a.at(1), "--password");
}

}  // namespace
}  // namespace osc::cli
