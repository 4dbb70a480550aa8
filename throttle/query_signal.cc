#include "throttle/query_signal.h"

#include <spdlog/fmt/fmt.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "db/errors.h"
#include "throttle/strings_internal.h"

namespace osc::throttle {
namespace {

constexpr size_t kMaxQueryBytes = 64 * 1024;

// The cell as a number: integers and decimals ("1", "0.25", "-3"), as a
// server prints COUNT(*), comparisons and SUM(). nullopt otherwise.
std::optional<double> AsNumber(const std::string& text) {
  const std::string_view t = internal::Trim(text);
  if (t.empty()) return std::nullopt;
  const std::string copy(t);  // strtod needs a terminated string
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

Status QueryOptions::Validate() const {
  if (query.find('\0') != std::string::npos) {
    return Status::InvalidArgument("--throttle-query must not contain a NUL byte");
  }
  if (query.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("--throttle-query is longer than 64 KiB");
  }
  return Status::Ok();
}

Decision DecideQueryResult(const Result<std::optional<std::string>>& first_cell) {
  if (!first_cell.ok()) {
    if (first_cell.status().IsNotFound()) return Decision::Go();
    return Decision::Unavailable("throttle query failed: " + first_cell.status().ToString());
  }
  if (!first_cell->has_value()) return Decision::Unavailable("throttle query returned NULL");
  const std::optional<double> v = AsNumber(**first_cell);
  if (!v) {
    return Decision::Unavailable(fmt::format("throttle query returned \"{}\", not a number",
                                             db::StatementExcerpt(**first_cell, 40)));
  }
  if (*v <= 0) return Decision::Go();
  Decision d = Decision::Throttle(fmt::format("throttle query returned {}", **first_cell));
  d.measured = *v;
  d.limit = 0;
  return d;
}

Result<std::unique_ptr<QuerySignal>> QuerySignal::Create(Clock* clock,
                                                         db::ConnectionOptions primary,
                                                         QueryOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  OSC_RETURN_IF_ERROR(primary.Validate());
  return std::unique_ptr<QuerySignal>(
      new QuerySignal(clock, std::move(primary), std::move(options)));
}

Status QuerySignal::UpdateOptions(QueryOptions options) {
  OSC_RETURN_IF_ERROR(options.Validate());
  options_.Set(std::move(options));
  return Status::Ok();
}

Decision QuerySignal::Check(const CheckContext& ctx) {
  const std::shared_ptr<const QueryOptions> options = options_.Get();
  if (options->query.empty()) return Decision::Go();
  Result<db::Connection*> conn = session_.Get(ctx.deadline);
  if (!conn.ok()) {
    return Decision::Unavailable(fmt::format("throttle query: cannot connect to {}: {}",
                                             session_.Describe(), conn.status().ToString()));
  }
  Result<std::optional<std::string>> cell = (*conn)->QueryScalar(options->query);
  if (!cell.ok() && !cell.status().IsNotFound()) session_.AfterError();
  return DecideQueryResult(cell);
}

}  // namespace osc::throttle
