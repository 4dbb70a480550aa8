// SessionShadowWriter: the production ShadowWriter (applier.h) over one
// MariaDB/MySQL connection with the writer session settings of engine.md
// rule 4 (global sql_mode + NO_AUTO_VALUE_ON_ZERO, time_zone '+00:00',
// foreign_key_checks 0, short lock waits), reconnecting after a lost
// connection and re-running the whole batch on 1205/1213/lost connection.
//
// It reuses the copier's session helpers (osc/copy/session_internal.h) so
// copier and applier sessions cannot drift apart in their settings.
//
// Thread safety: one thread at a time (the applier's).
#pragma once

#include <chrono>
#include <span>
#include <string>

#include "common/clock.h"
#include "db/connection_options.h"
#include "osc/apply/applier.h"
#include "osc/copy/session_internal.h"

namespace osc::apply {

class SessionShadowWriter final : public ShadowWriter {
 public:
  // `base`: how to reach the server (database may be empty: statements use
  // qualified names). `lock_wait`: lock_wait_timeout and
  // innodb_lock_wait_timeout of the session. `clock` is borrowed.
  SessionShadowWriter(const db::ConnectionOptions& base, std::chrono::seconds lock_wait,
                      copy::internal::RetryPolicy policy, Clock* clock);

  Status ApplyTransaction(std::span<const std::string> statements, std::stop_token stop) override;

  uint64_t retries() const { return session_.retries(); }

 private:
  copy::internal::RetryingSession session_;
};

}  // namespace osc::apply
