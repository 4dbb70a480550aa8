#include "tests/support/test_env.h"

#include <cstdlib>
#include <filesystem>

namespace osc::testing {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::optional<ServerEndpoint> Endpoint(const char* prefix) {
  const std::string p(prefix);
  auto port = Env((p + "_PORT").c_str());
  if (!port) return std::nullopt;
  ServerEndpoint e;
  e.host = Env((p + "_HOST").c_str()).value_or("127.0.0.1");
  e.port = static_cast<uint16_t>(std::atoi(port->c_str()));
  e.user = Env((p + "_USER").c_str()).value_or("root");
  e.password = Env((p + "_PASSWORD").c_str()).value_or("");
  e.socket = Env((p + "_SOCKET").c_str()).value_or("");
  return e;
}

}  // namespace

bool UnderCi() {
  auto ci = Env("CI");
  return ci && (*ci == "true" || *ci == "1");
}

std::optional<std::string> BinlogFixturesDir() {
  namespace fs = std::filesystem;
  if (auto dir = Env("OSC_FIXTURES_DIR")) {
    if (fs::is_directory(*dir)) return dir;
    return std::nullopt;
  }
  const fs::path dir = fs::path(OSC_SOURCE_DIR) / ".." / "shared" / "fixtures" / "binlog";
  if (fs::is_directory(dir)) return fs::canonical(dir).string();
  return std::nullopt;
}

std::optional<ServerEndpoint> SandboxPrimary() { return Endpoint("OSC_TEST_PRIMARY"); }
std::optional<ServerEndpoint> SandboxReplica() { return Endpoint("OSC_TEST_REPLICA"); }

}  // namespace osc::testing
