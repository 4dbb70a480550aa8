#include "throttle/load_thresholds.h"

#include <gtest/gtest.h>

namespace osc::throttle {
namespace {

TEST(ParseLoadThresholdsTest, ParsesNameValuePairs) {
  Result<LoadThresholds> r = ParseLoadThresholds("Threads_running=25,Threads_connected=500");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (LoadThresholds{{"Threads_running", 25}, {"Threads_connected", 500}}));
}

TEST(ParseLoadThresholdsTest, IgnoresSpacesAroundItems) {
  Result<LoadThresholds> r =
      ParseLoadThresholds(" Threads_running = 25 , Innodb_row_lock_waits=0 ");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (LoadThresholds{{"Threads_running", 25}, {"Innodb_row_lock_waits", 0}}));
}

TEST(ParseLoadThresholdsTest, EmptyTextMeansNoThresholds) {
  for (const char* empty : {"", "   "}) {
    Result<LoadThresholds> r = ParseLoadThresholds(empty);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->empty());
  }
}

TEST(ParseLoadThresholdsTest, RejectsBadItemsNamingThem) {
  struct Case {
    const char* text;
    const char* quoted;  // expected in the message
  };
  for (const Case& c : std::initializer_list<Case>{
           {"Threads_running", "Threads_running"},                            // no '='
           {"Threads_running=", "Threads_running="},                          // no value
           {"=25", "=25"},                                                    // no name
           {"Threads-running=25", "Threads-running=25"},                      // '-' in name
           {"Threads_running=-1", "Threads_running=-1"},                      // negative
           {"Threads_running=2.5", "Threads_running=2.5"},                    // fraction
           {"Threads_running=25x", "Threads_running=25x"},                    // junk
           {"Threads_running=99999999999999999999", "99999999999999999999"},  // > 2^64
           {"a=1,,b=2", "a=1,,b=2"},                                          // empty item
           {"a=1,", "a=1,"},                                                  // trailing comma
           {"Threads_running=1;x=2", "Threads_running=1;x=2"},
       }) {
    Result<LoadThresholds> r = ParseLoadThresholds(c.text);
    EXPECT_FALSE(r.ok()) << "accepted \"" << c.text << "\"";
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument());
      EXPECT_NE(r.status().message().find(c.quoted), std::string_view::npos)
          << r.status().message();
    }
  }
}

TEST(ParseLoadThresholdsTest, RejectsTheSameNameTwiceInAnyCase) {
  Result<LoadThresholds> r = ParseLoadThresholds("Threads_running=25,THREADS_RUNNING=30");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Threads_running is already given"), std::string_view::npos)
      << r.status().message();
}

TEST(LoadThresholdsToStringTest, ParsesBackToTheSameMap) {
  const LoadThresholds original{{"Threads_running", 25}, {"Threads_connected", 500}};
  EXPECT_EQ(ToString(original), "Threads_connected=500,Threads_running=25");
  Result<LoadThresholds> again = ParseLoadThresholds(ToString(original));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, original);
}

}  // namespace
}  // namespace osc::throttle
