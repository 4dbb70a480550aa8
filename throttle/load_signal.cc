#include "throttle/load_signal.h"

#include <spdlog/fmt/fmt.h>

#include <cctype>
#include <optional>
#include <set>
#include <vector>

#include "common/numbers.h"
#include "db/quoting.h"

namespace osc::throttle {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of `name`, or a message saying why there is none.
struct Lookup {
  std::optional<uint64_t> value;
  std::string problem;
};

Lookup Find(const StatusValues& values, const std::string& name) {
  const auto it = values.find(Lower(name));
  if (it == values.end()) return {std::nullopt, fmt::format("no status variable {}", name)};
  const std::string& text = it->second;
  const std::optional<uint64_t> v = ParseNumber<uint64_t>(text);
  if (!v) {
    return {std::nullopt, fmt::format("status variable {} is not a whole number: \"{}\"", name,
                                      text.substr(0, 40))};
  }
  return {v, {}};
}

struct Met {
  std::vector<std::string> reasons;
  std::optional<std::pair<uint64_t, uint64_t>> first;  // value, threshold
  std::vector<std::string> problems;
};

// Every threshold of `list` that `values` meets (value >= threshold).
Met Evaluate(const LoadThresholds& list, const StatusValues& values, std::string_view label) {
  Met met;
  for (const auto& [name, threshold] : list) {
    const Lookup found = Find(values, name);
    if (!found.value) {
      met.problems.push_back(found.problem);
      continue;
    }
    if (*found.value < threshold) continue;
    met.reasons.push_back(fmt::format("{} {}={} >= {}", label, name, *found.value, threshold));
    if (!met.first) met.first = std::make_pair(*found.value, threshold);
  }
  return met;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

Decision WithNumbers(Decision d, const Met& met) {
  d.measured = static_cast<double>(met.first->first);
  d.limit = static_cast<double>(met.first->second);
  return d;
}

}  // namespace

Status LoadOptions::Validate() const {
  if (critical_load_interval < Clock::Duration::zero()) {
    return Status::InvalidArgument("--critical-load-interval must not be negative");
  }
  // Round-trip through the parser: names must be safe to put in the IN list.
  for (const LoadThresholds* list : {&max_load, &critical_load}) {
    OSC_RETURN_IF_ERROR(ParseLoadThresholds(ToString(*list)).status());
  }
  return Status::Ok();
}

StatusValues StatusValuesFromResult(const db::QueryResult& rows) {
  StatusValues out;
  for (const db::Row& row : rows.rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    out[Lower(*row[0])] = *row[1];
  }
  return out;
}

std::string LoadStatusQuery(const LoadOptions& options) {
  std::set<std::string> names;  // lower-cased: one entry per variable
  for (const LoadThresholds* list : {&options.max_load, &options.critical_load}) {
    for (const auto& entry : *list) names.insert(Lower(entry.first));
  }
  if (names.empty()) return {};
  std::string sql = "SHOW GLOBAL STATUS WHERE Variable_name IN (";
  bool first = true;
  for (const std::string& n : names) {
    if (!first) sql += ", ";
    first = false;
    sql += db::QuoteStringLiteral(n);
  }
  return sql + ")";
}

Decision DecideLoad(const LoadOptions& options, const StatusValues& values) {
  const Met critical = Evaluate(options.critical_load, values, "critical-load");
  if (!critical.reasons.empty()) {
    Decision d = WithNumbers(Decision::Abort(Join(critical.reasons)), critical);
    d.confirm_for = options.critical_load_interval;
    return d;
  }
  const Met max = Evaluate(options.max_load, values, "max-load");
  std::vector<std::string> problems = critical.problems;
  problems.insert(problems.end(), max.problems.begin(), max.problems.end());
  if (!max.reasons.empty()) {
    std::string reason = Join(max.reasons);
    if (!problems.empty()) reason += "; " + Join(problems);
    return WithNumbers(Decision::Throttle(std::move(reason)), max);
  }
  if (!problems.empty()) return Decision::Unavailable(Join(problems));
  return Decision::Go();
}

Result<std::unique_ptr<LoadSignal>> LoadSignal::Create(Clock* clock, db::ConnectionOptions primary,
                                                       LoadOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  OSC_RETURN_IF_ERROR(primary.Validate());
  return std::unique_ptr<LoadSignal>(new LoadSignal(clock, std::move(primary), std::move(options)));
}

Status LoadSignal::UpdateOptions(LoadOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  options_.Set(std::move(options));
  return Status::Ok();
}

Status LoadSignal::VerifyVariables(db::Connection& conn, const LoadOptions& options) {
  const std::string sql = LoadStatusQuery(options);
  if (sql.empty()) return Status::Ok();
  OSC_ASSIGN_OR_RETURN(const db::QueryResult rows, conn.Query(sql));
  const StatusValues values = StatusValuesFromResult(rows);
  std::vector<std::string> problems;
  for (const LoadThresholds* list : {&options.max_load, &options.critical_load}) {
    for (const auto& entry : *list) {
      const Lookup found = Find(values, entry.first);
      if (!found.value) problems.push_back(found.problem);
    }
  }
  if (problems.empty()) return Status::Ok();
  return Status::InvalidArgument("load thresholds: " + Join(problems));
}

Decision LoadSignal::Check(const CheckContext& ctx) {
  const std::shared_ptr<const LoadOptions> options = options_.Get();
  const std::string sql = LoadStatusQuery(*options);
  if (sql.empty()) return Decision::Go();
  Result<db::Connection*> conn = session_.Get(ctx.deadline);
  if (!conn.ok()) {
    return Decision::Unavailable(
        fmt::format("cannot connect to {}: {}", session_.Describe(), conn.status().ToString()));
  }
  Result<db::QueryResult> rows = (*conn)->Query(sql);
  if (!rows.ok()) {
    session_.AfterError();
    return Decision::Unavailable(fmt::format("cannot read status variables on {}: {}",
                                             session_.Describe(), rows.status().ToString()));
  }
  return DecideLoad(*options, StatusValuesFromResult(*rows));
}

}  // namespace osc::throttle
