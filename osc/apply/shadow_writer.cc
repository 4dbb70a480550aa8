#include "osc/apply/shadow_writer.h"

namespace osc::apply {

SessionShadowWriter::SessionShadowWriter(const db::ConnectionOptions& base, std::chrono::seconds lock_wait,
                                         copy::internal::RetryPolicy policy, Clock* clock)
    : session_(copy::internal::WithInitStatements(base, copy::internal::WriterSessionStatements(lock_wait)),
               policy, clock) {}

Status SessionShadowWriter::ApplyTransaction(std::span<const std::string> statements, std::stop_token stop) {
  // The whole batch is one transaction: a retry after a deadlock or a lost
  // connection re-runs all of it (DELETE by key and REPLACE are idempotent),
  // and RetryingSession rolls back a half-done attempt first.
  return session_.Run("apply binlog batch", stop, [&](db::Connection& conn) -> Status {
    OSC_RETURN_IF_ERROR(conn.Execute("START TRANSACTION"));
    for (const std::string& sql : statements) OSC_RETURN_IF_ERROR(conn.Execute(sql));
    return conn.Execute("COMMIT");
  });
}

}  // namespace osc::apply
