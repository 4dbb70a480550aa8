#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace osc {
namespace {

TEST(StatusTest, DefaultIsOkAndCarriesNothing) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kOk);
  EXPECT_EQ(s.server_errno(), 0u);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ServerErrorKeepsErrnoThroughCopyAndContext) {
  Status s = Status::ServerError(1205, "Lock wait timeout exceeded");
  Status copy = s;
  EXPECT_FALSE(copy.ok());
  EXPECT_TRUE(copy.IsServerError());
  EXPECT_EQ(copy.server_errno(), 1205u);
  Status ctx = copy.WithContext("cut-over");
  EXPECT_EQ(ctx.server_errno(), 1205u);
  EXPECT_EQ(ctx.message(), "cut-over: Lock wait timeout exceeded");
  EXPECT_EQ(ctx.ToString(), "Server error 1205: cut-over: Lock wait timeout exceeded");
}

TEST(StatusTest, AssignmentIsDeepCopy) {
  Status a = Status::Corruption("bad crc");
  Status b;
  b = a;
  a = Status::Ok();
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.IsCorruption());
  EXPECT_EQ(b.message(), "bad crc");
}

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Status UseHalf(int v, int* out) {
  OSC_ASSIGN_OR_RETURN(*out, Half(v));
  return Status::Ok();
}

TEST(ResultTest, ValueOrStatus) {
  auto good = Half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  auto bad = Half(3);
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ResultTest, AssignOrReturnPropagates) {
  int out = 0;
  EXPECT_TRUE(UseHalf(10, &out).ok());
  EXPECT_EQ(out, 5);
  Status s = UseHalf(7, &out);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(out, 5);
}

}  // namespace
}  // namespace osc
