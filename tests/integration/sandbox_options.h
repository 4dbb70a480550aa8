// The sandbox primary (tests/support/test_env.h) as db::ConnectionOptions,
// for live tests. Header-only so the unit-test support library does not
// need to link the db module.
#pragma once

#include <chrono>
#include <optional>

#include "db/connection_options.h"
#include "tests/support/test_env.h"

namespace osc::testing {

// nullopt when the sandbox environment is not set (callers then use
// OSC_SKIP_OR_FAIL). Timeouts are short enough that a hung server fails a
// test instead of stalling the suite.
inline std::optional<db::ConnectionOptions> SandboxPrimaryOptions() {
  auto ep = SandboxPrimary();
  if (!ep) return std::nullopt;
  db::ConnectionOptions o;
  o.host = ep->host;
  o.port = ep->port;
  o.user = ep->user;
  o.password = ep->password;
  o.connect_timeout = std::chrono::seconds(5);
  o.read_timeout = std::chrono::seconds(30);
  return o;
}

}  // namespace osc::testing
