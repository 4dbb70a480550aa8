// The JSON lines of --progress=json: each one object, the documented keys
// with the documented types (checked with an independent parser), and the
// plain lines for state changes and the summary.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osc/progress.h"
#include "tests/osc/progress_json_check.h"

namespace osc::migration {
namespace {

using namespace std::chrono_literals;
using osc::testing::JsonObjectChecker;
using osc::testing::JsonType;

struct KeyType {
  const char* key;
  JsonType type;
};

ProgressSnapshot Busy() {
  ProgressSnapshot p;
  p.state = "copying";
  p.elapsed = 65000ms;
  p.rows_copied = 250;
  p.rows_estimated = 1000;
  p.copy_rows_per_second = 12.5;
  p.changes_applied = 7;
  p.apply_backlog = 3;
  p.binlog_lag = 400ms;
  p.replica_lag = 2100ms;
  p.eta = 60s;
  p.chunk_size = 100;
  p.throttled = true;
  p.throttle_reason = "replica lag 2.1s";
  p.cut_over_attempts = 2;
  return p;
}

void ExpectShape(const std::string& line, const std::vector<KeyType>& keys, const char* type) {
  SCOPED_TRACE(line);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  std::string first;
  const auto fields = JsonObjectChecker::Parse(line, &first);
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(first, "type");
  EXPECT_EQ(fields->at("type").text, type);
  EXPECT_EQ(fields->size(), keys.size() + 1) << "an undocumented key, or one missing";
  for (const KeyType& k : keys) {
    ASSERT_TRUE(fields->count(k.key)) << k.key;
    EXPECT_EQ(fields->at(k.key).type, k.type) << k.key;
  }
}

TEST(ProgressJsonTest, ProgressObjectHasEveryDocumentedKeyWithItsType) {
  const std::string line = FormatProgressJson(Busy());
  ExpectShape(line,
              {{"state", JsonType::kString}, {"elapsed_ms", JsonType::kNumber}, {"rows_copied", JsonType::kNumber},
               {"rows_estimated", JsonType::kNumber}, {"percent", JsonType::kNumber},
               {"copy_rows_per_second", JsonType::kNumber}, {"changes_applied", JsonType::kNumber},
               {"apply_backlog", JsonType::kNumber}, {"binlog_lag_ms", JsonType::kNumber},
               {"replica_lag_ms", JsonType::kNumber}, {"eta_seconds", JsonType::kNumber},
               {"chunk_size", JsonType::kNumber}, {"throttled", JsonType::kBool},
               {"throttle_reason", JsonType::kString}, {"cut_over_attempts", JsonType::kNumber}},
              "progress");
  const auto f = JsonObjectChecker::Parse(line);
  EXPECT_EQ(f->at("replica_lag_ms").text, "2100");
  EXPECT_EQ(f->at("percent").text, "25.00");
  EXPECT_EQ(f->at("throttled").text, "true");
  EXPECT_EQ(f->at("cut_over_attempts").text, "2");
}

TEST(ProgressJsonTest, UnknownValuesAreNullNotMissing) {
  ProgressSnapshot p;  // nothing known yet
  p.state = "streaming";
  const auto f = JsonObjectChecker::Parse(FormatProgressJson(p));
  ASSERT_TRUE(f.has_value());
  for (const char* key : {"percent", "binlog_lag_ms", "replica_lag_ms", "eta_seconds"}) {
    ASSERT_TRUE(f->count(key)) << key;
    EXPECT_EQ(f->at(key).type, JsonType::kNull) << key;
  }
  EXPECT_EQ(f->at("throttled").text, "false");
}

TEST(ProgressJsonTest, ThrottledWithoutAReasonIsStillThrottled) {
  ProgressSnapshot p;
  p.throttled = true;
  const auto f = JsonObjectChecker::Parse(FormatProgressJson(p));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->at("throttled").text, "true");
  EXPECT_EQ(f->at("throttle_reason").text, "");
  EXPECT_NE(FormatProgressLine(p).find("[throttled]"), std::string::npos);
}

TEST(ProgressJsonTest, StateAndSummaryObjectsHaveTheirDocumentedKeys) {
  ExpectShape(FormatStateJson("copying", "catching-up", 1500ms),
              {{"from", JsonType::kString}, {"to", JsonType::kString}, {"elapsed_ms", JsonType::kNumber}}, "state");
  ProgressSummary s;
  s.outcome = "success";
  s.final_state = "done";
  s.message = "swapped; old table kept as _t_osc_old";
  s.last = Busy();
  const std::vector<KeyType> keys = {
      {"outcome", JsonType::kString},         {"final_state", JsonType::kString},   {"message", JsonType::kString},
      {"elapsed_ms", JsonType::kNumber},      {"rows_copied", JsonType::kNumber},   {"rows_estimated", JsonType::kNumber},
      {"changes_applied", JsonType::kNumber}, {"cut_over_attempts", JsonType::kNumber}, {"report", JsonType::kNull}};
  ExpectShape(FormatSummaryJson(s), keys, "summary");
  s.report_path = "/tmp/r.html";
  const auto f = JsonObjectChecker::Parse(FormatSummaryJson(s));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->at("report").text, "/tmp/r.html");
}

TEST(ProgressJsonTest, HostileStringsStayOneValidLine) {
  ProgressSnapshot p = Busy();
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an
  // encoded surrogate), control characters, quotes and valid multibyte text.
  p.throttle_reason = std::string("bad \x80 \xE2\x82 \xED\xA0\x80 \x1b[2K\r\n \"q\" \\ caf\xC3\xA9 \xF0\x9F\x98\x80");
  p.state = "x\ty";
  const std::string line = FormatProgressJson(p);
  const auto f = JsonObjectChecker::Parse(line);
  ASSERT_TRUE(f.has_value()) << line;
  const std::string reason = f->at("throttle_reason").text;
  EXPECT_NE(reason.find("bad \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd"), std::string::npos) << reason;
  EXPECT_NE(reason.find("\\u001b[2K\\u000d\\u000a"), std::string::npos) << reason;
  EXPECT_NE(reason.find("caf\xC3\xA9 \xF0\x9F\x98\x80"), std::string::npos) << reason;
  EXPECT_EQ(f->at("state").text, "x\\u0009y");
}

TEST(ProgressLineTest, ReplicaLagAndStateAndSummaryLinesReadForPeople) {
  ProgressSnapshot p = Busy();
  const std::string line = FormatProgressLine(p);
  EXPECT_NE(line.find(", binlog lag 0.4s, replica lag 2.1s,"), std::string::npos) << line;
  EXPECT_NE(line.find("[throttled: replica lag 2.1s]"), std::string::npos) << line;
  EXPECT_EQ(FormatStateLine("copying", "catching-up", 65400ms), "state copying -> catching-up after 1m05s");
  ProgressSummary s;
  s.outcome = "failed";
  s.final_state = "failed";
  s.message = "lost connection";
  s.last = p;
  s.report_path = "r.html";
  EXPECT_EQ(FormatSummaryLine(s),
            "failed after 1m05s in state failed: 250 rows copied, 7 changes applied, 2 cut-over attempt(s); "
            "lost connection; report: r.html");
}

TEST(ProgressSnapshotTest, PercentIsCappedAndUnknownWithoutAnEstimate) {
  ProgressSnapshot p;
  p.rows_copied = 10;
  EXPECT_FALSE(p.Percent().has_value());
  p.rows_estimated = 40;
  EXPECT_DOUBLE_EQ(*p.Percent(), 25.0);
  p.rows_copied = 80;
  EXPECT_DOUBLE_EQ(*p.Percent(), 100.0);
}

TEST(JsonCheckerTest, RejectsWhatIsNotOneObject) {
  // The checker itself must be able to fail, or the tests above prove
  // nothing.
  EXPECT_FALSE(JsonObjectChecker::Parse("{\"a\":1}{\"b\":2}").has_value());
  EXPECT_FALSE(JsonObjectChecker::Parse("{\"a\":01}").has_value());
  EXPECT_FALSE(JsonObjectChecker::Parse("{\"a\":\"x\ny\"}").has_value());
  EXPECT_FALSE(JsonObjectChecker::Parse("{\"a\":\"\x80\"}").has_value());
  EXPECT_FALSE(JsonObjectChecker::Parse("{\"a\":1,\"a\":2}").has_value());
  EXPECT_FALSE(JsonObjectChecker::Parse("{\"a\":nul}").has_value());
  EXPECT_FALSE(JsonObjectChecker::Parse("[1]").has_value());
  EXPECT_TRUE(JsonObjectChecker::Parse(" {\"a\":[1,{\"b\":null}],\"c\":-0.5e3} ").has_value());
}

}  // namespace
}  // namespace osc::migration
