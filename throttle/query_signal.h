// QuerySignal: --throttle-query. Runs the operator's query on the primary at
// every check; the copy pauses while the first column of the first row is a
// number greater than zero (gh-ost's rule). For example
//   SELECT COUNT(*) > 0 FROM information_schema.PROCESSLIST
//     WHERE COMMAND = 'Query' AND TIME > 30
//
// Outcomes:
//   value > 0                  kThrottle, reason quotes the value
//   value <= 0                 kGo
//   no row                     kGo: "nothing to report" (documented choice;
//                              a query written as a filter returns no row
//                              when all is well)
//   NULL or not a number       Unavailable: the query does not answer the
//                              question, so the copy pauses rather than run
//                              unprotected
//   query error or timeout     Unavailable with the server's message
// The query runs with the check's deadline as its read timeout; a slower
// query fails (and keeps running on the server until it finishes: keep it
// cheap). One statement only (multi-statements are off in db::Connection).
//
// Thread safety: Check() from the throttler's thread; UpdateOptions() and
// options() from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "db/connection_options.h"
#include "throttle/live_settings.h"
#include "throttle/signal.h"
#include "throttle/sql_session_internal.h"

namespace osc::throttle {

struct QueryOptions {
  // The operator's query. Empty: the signal always says go.
  std::string query;

  // InvalidArgument when the query holds a NUL byte or is over 64 KiB.
  Status Validate() const;
};

// The decision for the query's answer: the first cell (nullopt for SQL
// NULL), NotFound for "no row", or the error the query failed with. Pure.
Decision DecideQueryResult(const Result<std::optional<std::string>>& first_cell);

class QuerySignal final : public Signal {
 public:
  // `clock` must outlive the signal. InvalidArgument when options or
  // `primary` do not validate.
  static Result<std::unique_ptr<QuerySignal>> Create(Clock* clock, db::ConnectionOptions primary,
                                                     QueryOptions options);

  std::string_view name() const override { return "throttle-query"; }
  Decision Check(const CheckContext& ctx) override;

  Status UpdateOptions(QueryOptions options);
  std::shared_ptr<const QueryOptions> options() const { return options_.Get(); }

 private:
  QuerySignal(Clock* clock, db::ConnectionOptions primary, QueryOptions options)
      : session_(clock, std::move(primary)), options_(std::move(options)) {}

  internal::SqlSession session_;  // Check() thread only
  LiveSettings<QueryOptions> options_;
};

}  // namespace osc::throttle
