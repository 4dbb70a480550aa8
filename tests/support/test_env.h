// Where tests find their inputs: the shared binlog fixtures and the MariaDB
// sandbox started by scripts/sandbox.sh.
//
// Rule for tests that need an outside input: if it is missing, the test is
// skipped with a message saying what is missing, except under CI (CI=true),
// where a missing input is a failure, so CI can never pass by skipping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace osc::testing {

// True when the CI environment variable is "true" (or "1").
bool UnderCi();

// Directory of the shared binlog fixtures (../shared/fixtures/binlog next to
// the repository, or $OSC_FIXTURES_DIR), or nullopt if it does not exist.
std::optional<std::string> BinlogFixturesDir();

// Connection settings of one sandbox server, from the environment that
// scripts/sandbox.sh env prints (OSC_TEST_PRIMARY_PORT etc.).
struct ServerEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string user;
  std::string password;
  std::string socket;
};
std::optional<ServerEndpoint> SandboxPrimary();
std::optional<ServerEndpoint> SandboxReplica();

}  // namespace osc::testing

// Skips the current test (or fails it under CI) with `why`.
#define OSC_SKIP_OR_FAIL(why)                                            \
  do {                                                                   \
    if (::osc::testing::UnderCi()) {                                     \
      FAIL() << "required under CI=true but unavailable: " << (why);     \
    } else {                                                             \
      GTEST_SKIP() << (why);                                             \
    }                                                                    \
  } while (0)
