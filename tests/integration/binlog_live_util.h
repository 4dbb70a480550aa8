// Helpers shared by the live binlog tests (tests/integration/binlog_*_test.cc):
// sandbox connection settings, binlog coordinates, unique replica ids, and
// a source + change stream pair started at a position. Header-only because
// the integration test target only globs *_test.cc.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binlog/change_stream.h"
#include "binlog/event_source.h"
#include "binlog/server_event_source.h"
#include "db/connection.h"
#include "db/connection_options.h"
#include "tests/support/test_env.h"

namespace osc::testing {

inline std::optional<db::ConnectionOptions> SandboxPrimaryOptions() {
  const std::optional<ServerEndpoint> e = SandboxPrimary();
  if (!e) return std::nullopt;
  db::ConnectionOptions o;
  o.host = e->host;
  o.port = e->port;
  o.user = e->user;
  o.password = e->password;
  o.ssl_mode = db::SslMode::kDisabled;
  o.read_timeout = std::chrono::seconds(30);
  return o;
}

// A replica id no other test (in this process or a concurrent one) uses:
// the sandbox's servers use their port numbers (13xxx), so stay above.
inline uint32_t UniqueServerId() {
  static std::atomic<uint32_t> next{0};
  return 1000000u + static_cast<uint32_t>(getpid() % 100000) * 100u + next.fetch_add(1) % 100u;
}

// SHOW MASTER STATUS as a position.
inline Result<binlog::BinlogPosition> CurrentBinlogPosition(db::Connection& conn) {
  OSC_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query("SHOW MASTER STATUS"));
  if (r.rows.empty() || r.rows[0].size() < 2 || !r.rows[0][0] || !r.rows[0][1]) {
    return Status::FailedPrecondition("SHOW MASTER STATUS returned nothing: is log_bin on?");
  }
  return binlog::BinlogPosition{*r.rows[0][0], std::stoull(*r.rows[0][1])};
}

inline binlog::Checkpoint CheckpointAt(const binlog::BinlogPosition& p) {
  binlog::Checkpoint c;
  c.restart = p;
  c.handled = p.offset;
  return c;
}

inline binlog::ServerSourceOptions SourceOptionsAt(const db::ConnectionOptions& conn,
                                                   const binlog::BinlogPosition& start) {
  binlog::ServerSourceOptions o;
  o.connection = conn;
  o.server_id = UniqueServerId();
  o.start = CheckpointAt(start);
  o.heartbeat_period = std::chrono::milliseconds(500);
  o.read_timeout = std::chrono::seconds(5);
  return o;
}

// Opens a source at `start` and a change stream following `tables` on it.
inline Result<std::unique_ptr<binlog::ChangeStream>> StartStreamAt(const db::ConnectionOptions& conn,
                                                                   const binlog::BinlogPosition& start,
                                                                   std::vector<binlog::TableName> tables) {
  OSC_ASSIGN_OR_RETURN(std::unique_ptr<binlog::ServerEventSource> source,
                       binlog::ServerEventSource::Open(SourceOptionsAt(conn, start)));
  binlog::ChangeStreamOptions options;
  options.tables = std::move(tables);
  return binlog::ChangeStream::Start(std::move(source), std::move(options));
}

// Reads events until `done(event)` returns true or `timeout` passes.
template <typename Pred>
Result<std::vector<binlog::ChangeEvent>> ReadUntil(binlog::ChangeStream& stream, Pred done,
                                                   std::chrono::seconds timeout = std::chrono::seconds(30)) {
  std::vector<binlog::ChangeEvent> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    OSC_ASSIGN_OR_RETURN(std::optional<binlog::ChangeEvent> e,
                         stream.NextFor(std::chrono::milliseconds(200)));
    if (!e) continue;
    out.push_back(std::move(*e));
    if (done(out.back())) return out;
  }
  return Status::Timeout("stream did not reach the expected event in time; got " + std::to_string(out.size()) +
                         " events");
}

}  // namespace osc::testing

// Skips (or fails under CI) when the sandbox primary is not configured.
#define OSC_REQUIRE_SANDBOX(var)                                                          \
  auto var##_opt = ::osc::testing::SandboxPrimaryOptions();                               \
  if (!var##_opt) {                                                                       \
    OSC_SKIP_OR_FAIL("sandbox primary not configured (eval \"$(scripts/sandbox.sh env)\")"); \
  }                                                                                       \
  const ::osc::db::ConnectionOptions var = *var##_opt
