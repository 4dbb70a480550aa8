// osc-loadgen: creates a workload table and/or runs the random writer
// against it. Used by scripts/demo.sh and bench/*.sh; not part of osc.
//
//   osc-loadgen --host H --port P --user U --database D --table T
//               [--create-rows N] [--threads N] [--rate OPS] [--seconds S]
// The password comes from OSC_PASSWORD. With --seconds 0 it runs until
// SIGINT/SIGTERM. Prints one summary line at the end; exit 1 if the writer
// saw unexpected errors (e.g. 1146 during a cut-over).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "common/clock.h"
#include "db/connection.h"
#include "db/library.h"
#include "tools/random_writer.h"

namespace {

std::stop_source g_stop;
extern "C" void OnSignal(int) { g_stop.request_stop(); }

int Usage(const std::string& why) {
  std::fprintf(stderr, "osc-loadgen: %s\n", why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || i + 1 >= argc) return Usage("bad argument " + a);
    args[a.substr(2)] = argv[++i];
  }
  auto get = [&](const char* k, const char* def) { return args.count(k) ? args[k] : std::string(def); };
  osc::tools::WriterOptions o;
  try {
    o.connection.host = get("host", "127.0.0.1");
    o.connection.port = static_cast<uint16_t>(std::stoi(get("port", "3306")));
    o.connection.user = get("user", "root");
    o.threads = std::stoi(get("threads", "2"));
    o.ops_per_second = std::stod(get("rate", "200"));
    o.seed = std::stoull(get("seed", "1"));
  } catch (const std::exception&) {
    return Usage("numeric argument expected");
  }
  if (const char* pw = std::getenv("OSC_PASSWORD")) o.connection.password = pw;
  o.database = get("database", "");
  o.table = get("table", "");
  if (o.database.empty() || o.table.empty()) return Usage("--database and --table are required");
  const uint64_t create_rows = std::stoull(get("create-rows", "0"));
  const int seconds = std::stoi(get("seconds", "0"));
  (void)osc::db::InitLibrary();

  if (create_rows > 0 || args.count("create-rows")) {
    auto conn = osc::db::Connection::Open(o.connection);
    if (!conn.ok()) return std::fprintf(stderr, "osc-loadgen: %s\n", conn.status().ToString().c_str()), 1;
    osc::Status s = conn->Execute("CREATE DATABASE IF NOT EXISTS " + o.database);
    if (s.ok()) s = osc::tools::CreateWorkloadTable(*conn, o.database, o.table, create_rows);
    if (!s.ok()) return std::fprintf(stderr, "osc-loadgen: %s\n", s.ToString().c_str()), 1;
    std::fprintf(stderr, "osc-loadgen: created %s.%s with %llu rows\n", o.database.c_str(), o.table.c_str(),
                 static_cast<unsigned long long>(create_rows));
    if (!args.count("seconds")) return 0;
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  osc::tools::RandomWriter writer(o);
  if (osc::Status s = writer.Start(); !s.ok()) {
    return std::fprintf(stderr, "osc-loadgen: %s\n", s.ToString().c_str()), 1;
  }
  const auto start = std::chrono::steady_clock::now();
  while (!g_stop.stop_requested() &&
         (seconds == 0 || std::chrono::steady_clock::now() - start < std::chrono::seconds(seconds))) {
    osc::SystemClock()->SleepFor(std::chrono::milliseconds(100), g_stop.get_token());
  }
  writer.Stop();
  const auto st = writer.stats();
  std::fprintf(stderr, "osc-loadgen: %llu ops, %llu rolled back, %llu expected errors, %llu unexpected%s%s\n",
               static_cast<unsigned long long>(st.ops), static_cast<unsigned long long>(st.rolled_back),
               static_cast<unsigned long long>(st.expected_errors),
               static_cast<unsigned long long>(st.unexpected_errors), st.unexpected_errors ? ": " : "",
               st.first_unexpected.c_str());
  return st.unexpected_errors == 0 ? 0 : 1;
}
