#include "cli/command_line.h"

#include <boost/program_options.hpp>

#include <cstdint>
#include <limits>
#include <sstream>

#include "cli/flag_values_internal.h"
#include "cli/option_file.h"
#include "cli/version.h"

namespace osc::cli {
namespace {

namespace po = boost::program_options;
using internal::ParseBool;
using internal::ParseDuration;
using internal::ParseSigned;
using internal::ParseUnsigned;

// Every value is taken as text and converted by flag_values_internal.h, so
// messages name the flag and unsigned flags refuse "-1". Boolean flags take
// an optional value: --execute, --execute=false.
po::typed_value<std::string>* Text(const char* value_name) {
  return po::value<std::string>()->value_name(value_name);
}
po::typed_value<std::string>* Switch() {
  return po::value<std::string>()->implicit_value("true")->value_name("BOOL");
}

constexpr unsigned kHelpWidth = 100;

// gh-ost flags osc does not implement, each refused with why.
constexpr const char* kGhostOnlyFlags[] = {
    "migrate-on-replica", "test-on-replica", "switch-to-rbr", "exact-rowcount", "concurrent-rowcount",
    "timestamp-old-table", "nice-ratio", "aliyun-rds", "gcp", "azure", "assume-master-host",
    "throttle-additional-flag-file", "skip-foreign-key-checks", "discard-foreign-keys",
};

Status RefuseGhostOnlyFlags(const po::variables_map& vm) {
  for (const char* name : kGhostOnlyFlags) {
    if (vm.count(name) == 0) continue;
    const std::string flag = std::string("--") + name;
    if (flag == "--migrate-on-replica" || flag == "--test-on-replica" || flag == "--assume-master-host") {
      return Status::InvalidArgument(flag + " is a gh-ost flag osc does not support: osc migrates on the "
                                     "primary it connects to and watches replicas with --throttle-control-replicas");
    }
    if (flag == "--switch-to-rbr") {
      return Status::InvalidArgument("--switch-to-rbr is a gh-ost flag osc does not support: osc never changes "
                                     "binlog_format; set binlog_format=ROW on the server");
    }
    if (flag == "--skip-foreign-key-checks" || flag == "--discard-foreign-keys") {
      return Status::InvalidArgument(flag + " is a gh-ost flag osc does not support: osc refuses tables with "
                                     "foreign keys");
    }
    return Status::InvalidArgument(flag + " is a gh-ost flag osc does not support; leave it out");
  }
  return Status::Ok();
}

const po::options_description& Flags() {
  static const po::options_description kFlags = [] {
    po::options_description connection("Connection", kHelpWidth, kHelpWidth / 2);
    connection.add_options()
        ("host", Text("HOST"), "server host name or address (default 127.0.0.1)")
        ("port", Text("PORT"), "server TCP port (default 3306)")
        ("socket", Text("PATH"), "Unix socket; replaces --host/--port")
        ("user", Text("USER"), "user name (required, here or in --conf)")
        ("password", Text("PASSWORD"),
         "password; visible in the process list: prefer --ask-pass, $OSC_PASSWORD or --conf")
        ("ask-pass", Switch(), "prompt for the password on the terminal, without echo")
        ("conf", Text("FILE"), "MySQL option file: [client] and [osc] groups, keys host, port, "
                               "socket, user, password, ssl-mode, ssl-ca, ssl-cert, ssl-key")
        ("ssl-mode", Text("MODE"), "disabled, preferred (default), required, verify_ca, verify_identity")
        ("ssl-ca", Text("FILE"), "PEM file of trusted CAs (needed by verify_*)")
        ("ssl-cert", Text("FILE"), "client certificate (PEM), with --ssl-key")
        ("ssl-key", Text("FILE"), "client private key (PEM), with --ssl-cert")
        ("connect-timeout", Text("SECONDS"), "bound on connecting to the server (default 10)");
    po::options_description migration("Migration", kHelpWidth, kHelpWidth / 2);
    migration.add_options()
        ("database", Text("NAME"), "database of the table to change")
        ("table", Text("NAME"), "table to change")
        ("alter", Text("CLAUSES"), "what follows ALTER TABLE <table>, e.g. \"ADD COLUMN c INT\"")
        ("execute", Switch(), "really migrate; without it osc only runs its checks (default false)")
        ("threads", Text("N"), "parallel row-copy connections, 1-64 (default 2)")
        ("chunk-size", Text("ROWS"), "rows per copy chunk at the start; adapts afterwards (default 1000)")
        ("chunk-target-time", Text("DURATION"),
         "how long one copy chunk should take, 10ms-60s; chunk sizes adapt toward it (default 500ms, or 250ms "
         "where chunks take turns on the AUTO-INC lock)")
        ("cut-over-lock-timeout-seconds", Text("SECONDS"),
         "longest time a cut-over attempt may block other sessions, 1-3600 (default 3)")
        ("postpone-cut-over-flag-file", Text("FILE"), "while this file exists, do not cut over")
        ("ok-to-drop-table", Switch(), "drop the old table after the cut-over (default false)")
        ("cleanup", Switch(), "drop the helper tables a failed run left for --table, now (no --execute "
                              "needed); _<table>_osc_old only with --ok-to-drop-table")
        ("checksum", Switch(), "compare original and new table before the cut-over (default true)")
        ("skip-checksum", Switch(), "do not compare the tables before the cut-over")
        ("checksum-after-copy", Switch(), "compare the tables only after the copy (default: the copied part "
                                          "is compared during the copy, the rest and the rows changed since "
                                          "after it)")
        ("attempt-instant-ddl", Switch(), "try ALGORITHM=INSTANT first when possible (default false)")
        ("replica-server-id", Text("ID"), "server id for reading the binlog; unique among replicas "
                                          "(default 0: derived from the process id)")
        ("progress-interval", Text("DURATION"), "how often to report progress: 500ms, 5s, 1m (default 5s)")
        ("resume", Switch(), "continue the earlier, stopped run of this ALTER from its checkpoint; refuse "
                             "if there is none (osc also resumes by itself when it finds one)")
        ("reconnect-timeout", Text("DURATION"), "keep retrying lost or refused connections this long "
                                                "before stopping resumably (default 5m)")
        ("checkpoint-interval", Text("DURATION"), "how often the resume checkpoint is saved (default 2s)")
        ("force-cut-over-after", Text("DURATION"), "after this long of cut-over attempts failing on "
                                                   "blockers, KILL the sessions blocking it on this table")
        ("cut-over-max-attempts", Text("N"), "cut-over attempts before giving up (default 60)")
        ("heartbeat-interval-millis", Text("MS"), "how often osc writes its heartbeat (default 500)")
        ("initially-drop-ghost-table", Switch(), "drop leftover _<table>_osc_new/_osc_log first (gh-ost)")
        ("initially-drop-old-table", Switch(), "drop a leftover _<table>_osc_old first (gh-ost)")
        ("serve-socket-file", Text("PATH"), "serve the control socket here (status, throttle, ...)")
        ("hooks-path", Text("DIR"), "run gh-ost style hooks (gh-ost-on-*) from this directory");
    po::options_description throttling("Throttling (pause the row copy; the binlog is still applied)",
                                       kHelpWidth, kHelpWidth / 2);
    throttling.add_options()
        ("max-lag-millis", Text("MS"), "pause while a replica lags more (default 1500; a stopped or "
                                       "unreachable replica counts as lagging)")
        ("throttle-control-replicas", Text("HOST:PORT,..."), "replicas to watch besides discovered ones")
        ("skip-replica-discovery", Switch(), "watch only --throttle-control-replicas")
        ("max-mdl-waiters", Text("N"), "pause while more sessions wait for a metadata lock on the table "
                                       "(default 0)")
        ("max-transaction-age", Text("DURATION"), "pause while a transaction holding locks on the table "
                                                  "is older (default 10m)")
        ("max-load", Text("VAR=N,..."), "pause while a status variable exceeds its limit, e.g. "
                                        "Threads_running=25")
        ("critical-load", Text("VAR=N,..."), "abort (resumably) when a status variable exceeds its limit")
        ("critical-load-interval-millis", Text("MS"), "the critical load must last this long (default 0)")
        ("throttle-flag-file", Text("FILE"), "pause while this file exists")
        ("panic-flag-file", Text("FILE"), "abort (resumably) when this file appears")
        ("throttle-query", Text("SQL"), "pause while this query returns a value > 0")
        ("min-available-memory", Text("SIZE|PCT"), "pause while the host has less memory available, "
                                                    "e.g. 512M or 10%")
        ("memory-cgroup", Text("DIR"), "cgroup v2 directory of the database server (its memory.max)")
        ("window", po::value<std::vector<std::string>>()->value_name("HH:MM-HH:MM"),
         "copy and cut over only inside this local-time window (repeatable)");
    // gh-ost flags that wrappers pass: accepted with gh-ost's meaning, or
    // refused with the reason (RefuseGhostOnlyFlags) rather than "unknown".
    po::options_description ghost("gh-ost compatibility", kHelpWidth, kHelpWidth / 2);
    ghost.add_options()
        ("allow-on-master", Switch(), "accepted: osc always migrates on the server it connects to")
        ("assume-rbr", Switch(), "accepted: osc checks binlog_format=ROW and never changes it")
        ("cut-over", Text("TYPE"), "accepted: atomic (the only kind osc does)")
        ("default-retries", Text("N"), "same as --cut-over-max-attempts")
        ("dml-batch-size", Text("N"), "most binlog row changes applied in one transaction (default 1000)")
        ("verbose", Switch(), "accepted: info-level logging is the default")
        ("debug", Switch(), "same as --log-level debug");
    for (const char* name : kGhostOnlyFlags) {
      ghost.add_options()(name, po::value<std::string>()->implicit_value("true")->value_name("X"),
                          "not supported by osc (refused with the reason)");
    }
    po::options_description output("Output", kHelpWidth, kHelpWidth / 2);
    output.add_options()
        ("log-level", Text("LEVEL"), "trace, debug, info (default), warn, error, critical, off")
        ("progress", Text("MODE"), "auto (bar on a terminal, else plain lines), bar, plain, or json "
                                   "(one object per line on stdout)")
        ("report", Text("FILE.html"), "write a self-contained HTML report with plots at the end")
        ("help", "print this help and exit")
        ("version", "print the version and exit");
    po::options_description all(kHelpWidth, kHelpWidth / 2);
    all.add(connection).add(migration).add(throttling).add(ghost).add(output);
    return all;
  }();
  return kFlags;
}

std::optional<std::string> Get(const po::variables_map& vm, const char* name) {
  if (vm.count(name) == 0) return std::nullopt;
  return vm[name].as<std::string>();
}

// An unknown flag as the user typed it, minus any "=value" (which may be a
// mistyped --password's secret).
std::string FlagName(std::string token) {
  const size_t eq = token.find('=');
  if (eq != std::string::npos) token.resize(eq);
  return "'" + token + "'";
}

Result<po::variables_map> ParseGrammar(const std::vector<std::string>& args) {
  namespace style = po::command_line_style;
  // No abbreviations (allow_guessing), no short-option bundling (there are
  // no short options).
  const int kStyle = style::unix_style & ~style::allow_guessing & ~style::allow_sticky;
  po::variables_map vm;
  try {
    const po::parsed_options parsed = po::command_line_parser(args).options(Flags()).style(kStyle).run();
    for (const po::option& option : parsed.options) {
      // Positional tokens: the value is not echoed (it could be a password
      // that lost its flag).
      if (option.position_key >= 0) {
        return Status::InvalidArgument("unexpected argument that is not a flag (flags are written --name "
                                       "or --name=value)");
      }
    }
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    return Status::InvalidArgument("unknown flag " + FlagName(e.get_option_name()));
  } catch (const po::error& e) {
    // Boost's messages name the flag, never a value: "the required
    // argument for option '--port' is missing".
    return Status::InvalidArgument(e.what());
  }
  return vm;
}

Result<bool> GetBool(const po::variables_map& vm, const char* name, bool fallback) {
  const auto v = Get(vm, name);
  if (!v) return fallback;
  return ParseBool(std::string("--") + name, *v);
}

Result<OptionFileSettings> LoadConf(const std::string& path, const FileReader& read_file) {
  Result<std::string> text = read_file(path);
  if (!text.ok()) {
    return Status::InvalidArgument("cannot read --conf file '" + path + "': " + std::string(text.status().message()));
  }
  Result<OptionFileSettings> settings = ReadOptionFileSettings(*text);
  if (!settings.ok()) return settings.status().WithContext("--conf " + path);
  return settings;
}

Status MapTransport(const po::variables_map& vm, const OptionFileSettings& conf, db::ConnectionOptions* c) {
  const bool cli_tcp = vm.count("host") > 0 || vm.count("port") > 0;
  if (cli_tcp && vm.count("socket") > 0) {
    return Status::InvalidArgument("give either --socket or --host/--port, not both");
  }
  if (conf.host) c->host = *conf.host;
  if (conf.port) c->port = *conf.port;
  // As the mysql client: a file's socket serves its host only when that
  // host is localhost (or unset).
  if (conf.socket && !cli_tcp && (!conf.host || *conf.host == "localhost")) c->socket = *conf.socket;
  if (auto host = Get(vm, "host")) c->host = *host;
  if (auto port = Get(vm, "port")) {
    OSC_ASSIGN_OR_RETURN(uint64_t p, ParseUnsigned("--port", *port, 1, 65535));
    c->port = static_cast<uint16_t>(p);
  }
  if (auto socket = Get(vm, "socket")) c->socket = *socket;
  return Status::Ok();
}

Status MapConnection(const po::variables_map& vm, const OptionFileSettings& conf, db::ConnectionOptions* c) {
  OSC_RETURN_IF_ERROR(MapTransport(vm, conf, c));
  c->user = Get(vm, "user").value_or(conf.user.value_or(""));
  if (c->user.empty()) return Status::InvalidArgument("--user is required (or user = ... in the --conf file)");
  const auto flag_mode = Get(vm, "ssl-mode");
  if (const auto mode = flag_mode ? flag_mode : conf.ssl_mode) {
    Result<db::SslMode> parsed = db::ParseSslMode(*mode);
    if (!parsed.ok()) return parsed.status().WithContext(flag_mode ? "--ssl-mode" : "--conf ssl-mode");
    c->ssl_mode = *parsed;
  }
  c->ssl_ca = Get(vm, "ssl-ca").value_or(conf.ssl_ca.value_or(""));
  c->ssl_cert = Get(vm, "ssl-cert").value_or(conf.ssl_cert.value_or(""));
  c->ssl_key = Get(vm, "ssl-key").value_or(conf.ssl_key.value_or(""));
  if (auto t = Get(vm, "connect-timeout")) {
    OSC_ASSIGN_OR_RETURN(uint64_t s, ParseUnsigned("--connect-timeout", *t, 1, 86400));
    c->connect_timeout = std::chrono::seconds(static_cast<int64_t>(s));
  }
  return Status::Ok();
}

Status MapPassword(const po::variables_map& vm, const EnvLookup& env, const OptionFileSettings& conf,
                   CliCommand* cmd) {
  OSC_ASSIGN_OR_RETURN(const bool ask, GetBool(vm, "ask-pass", false));
  std::string& password = cmd->options.connection.password;
  if (auto p = Get(vm, "password")) {
    password = *p;
    cmd->password_source = PasswordSource::kCommandLine;
    cmd->warnings.push_back(
        "warning: a password given with --password is visible to other users of this machine "
        "(process list, shell history); prefer --ask-pass, $OSC_PASSWORD or --conf");
    if (ask) cmd->warnings.push_back("warning: --ask-pass ignored because --password is given");
  } else if (ask) {
    cmd->password_source = PasswordSource::kPrompt;
  } else if (auto e = env(kPasswordEnvVar); e && !e->empty()) {
    password = *e;
    cmd->password_source = PasswordSource::kEnvironment;
  } else if (conf.password) {
    password = *conf.password;
    cmd->password_source = PasswordSource::kOptionFile;
  }
  return Status::Ok();
}

Status MapCopyAndCutOver(const po::variables_map& vm, migration::MigrationOptions* o) {
  if (auto v = Get(vm, "threads")) {
    constexpr int64_t kIntMax = std::numeric_limits<int>::max();
    OSC_ASSIGN_OR_RETURN(int64_t n, ParseSigned("--threads", *v, -kIntMax, kIntMax));
    o->copy.threads = static_cast<int>(n);
  }
  if (auto v = Get(vm, "chunk-size")) {
    OSC_ASSIGN_OR_RETURN(o->copy.chunk_size,
                         ParseUnsigned("--chunk-size", *v, 0, std::numeric_limits<uint64_t>::max()));
  }
  if (auto v = Get(vm, "chunk-target-time")) {
    OSC_ASSIGN_OR_RETURN(const std::chrono::milliseconds d, ParseDuration("--chunk-target-time", *v));
    if (d < std::chrono::milliseconds(10) || d > std::chrono::seconds(60)) {
      return Status::InvalidArgument("--chunk-target-time must be between 10ms and 60s, not " + *v);
    }
    o->copy.chunk_target_time = d;
    o->copy.chunk_target_time_given = true;
  }
  if (auto v = Get(vm, "cut-over-lock-timeout-seconds")) {
    OSC_ASSIGN_OR_RETURN(uint64_t s, ParseUnsigned("--cut-over-lock-timeout-seconds", *v, 0, 1u << 30));
    o->cut_over.lock_timeout = std::chrono::seconds(static_cast<int64_t>(s));
  }
  if (auto v = Get(vm, "postpone-cut-over-flag-file")) o->cut_over.postpone_flag_file = *v;
  OSC_ASSIGN_OR_RETURN(o->cut_over.ok_to_drop_table, GetBool(vm, "ok-to-drop-table", false));
  OSC_ASSIGN_OR_RETURN(const bool checksum, GetBool(vm, "checksum", true));
  OSC_ASSIGN_OR_RETURN(const bool skip_checksum, GetBool(vm, "skip-checksum", false));
  if (vm.count("checksum") > 0 && checksum && skip_checksum) {
    return Status::InvalidArgument("--checksum and --skip-checksum contradict each other");
  }
  o->checksum.enabled = checksum && !skip_checksum;
  OSC_ASSIGN_OR_RETURN(const bool after_copy, GetBool(vm, "checksum-after-copy", false));
  o->checksum.during_copy = !after_copy;
  return Status::Ok();
}

Result<std::chrono::milliseconds> Millis(const char* flag, const std::string& v) {
  OSC_ASSIGN_OR_RETURN(uint64_t ms, ParseUnsigned(flag, v, 1, 24ull * 3600 * 1000));
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Status MapThrottle(const po::variables_map& vm, migration::ThrottleOptions* t) {
  if (auto v = Get(vm, "max-lag-millis")) {
    OSC_ASSIGN_OR_RETURN(t->max_lag, Millis("--max-lag-millis", *v));
  }
  if (auto v = Get(vm, "throttle-control-replicas")) t->control_replicas = SplitCommas(*v);
  OSC_ASSIGN_OR_RETURN(const bool skip, GetBool(vm, "skip-replica-discovery", false));
  t->discover_replicas = !skip;
  if (auto v = Get(vm, "max-mdl-waiters")) {
    OSC_ASSIGN_OR_RETURN(uint64_t n, ParseUnsigned("--max-mdl-waiters", *v, 0, 100000));
    t->max_mdl_waiters = static_cast<uint32_t>(n);
  }
  if (auto v = Get(vm, "max-transaction-age")) {
    OSC_ASSIGN_OR_RETURN(auto d, ParseDuration("--max-transaction-age", *v));
    t->max_transaction_age = std::chrono::duration_cast<std::chrono::seconds>(d);
  }
  if (auto v = Get(vm, "max-load")) t->max_load = *v;
  if (auto v = Get(vm, "critical-load")) t->critical_load = *v;
  if (auto v = Get(vm, "critical-load-interval-millis")) {
    OSC_ASSIGN_OR_RETURN(uint64_t ms, ParseUnsigned("--critical-load-interval-millis", *v, 0, 3600000));
    t->critical_load_interval = std::chrono::milliseconds(static_cast<int64_t>(ms));
  }
  if (auto v = Get(vm, "throttle-flag-file")) t->throttle_flag_file = *v;
  if (auto v = Get(vm, "panic-flag-file")) t->panic_flag_file = *v;
  if (auto v = Get(vm, "throttle-query")) t->throttle_query = *v;
  if (auto v = Get(vm, "min-available-memory")) t->min_available_memory = *v;
  if (auto v = Get(vm, "memory-cgroup")) t->memory_cgroup = *v;
  if (vm.count("window") > 0) t->windows = vm["window"].as<std::vector<std::string>>();
  return Status::Ok();
}

// Resume, retries and the integration points (socket, hooks).
Status MapRunControl(const po::variables_map& vm, migration::MigrationOptions* o) {
  OSC_ASSIGN_OR_RETURN(o->resume, GetBool(vm, "resume", false));
  if (auto v = Get(vm, "reconnect-timeout")) {
    OSC_ASSIGN_OR_RETURN(auto d, ParseDuration("--reconnect-timeout", *v));
    o->reconnect_timeout = std::chrono::duration_cast<std::chrono::seconds>(d);
  }
  if (auto v = Get(vm, "checkpoint-interval")) {
    OSC_ASSIGN_OR_RETURN(o->checkpoint_interval, ParseDuration("--checkpoint-interval", *v));
  }
  if (auto v = Get(vm, "force-cut-over-after")) {
    OSC_ASSIGN_OR_RETURN(auto d, ParseDuration("--force-cut-over-after", *v));
    o->cut_over.force_cut_over_after = std::chrono::duration_cast<std::chrono::seconds>(d);
  }
  if (auto v = Get(vm, "cut-over-max-attempts")) {
    OSC_ASSIGN_OR_RETURN(uint64_t n, ParseUnsigned("--cut-over-max-attempts", *v, 1, 100000));
    o->cut_over.max_attempts = static_cast<int>(n);
  }
  if (auto v = Get(vm, "heartbeat-interval-millis")) {
    OSC_ASSIGN_OR_RETURN(o->heartbeat_interval, Millis("--heartbeat-interval-millis", *v));
  }
  OSC_ASSIGN_OR_RETURN(o->initially_drop_helpers, GetBool(vm, "initially-drop-ghost-table", false));
  OSC_ASSIGN_OR_RETURN(o->initially_drop_old_table, GetBool(vm, "initially-drop-old-table", false));
  if (auto v = Get(vm, "serve-socket-file")) o->serve_socket_file = *v;
  if (auto v = Get(vm, "hooks-path")) o->hooks_path = *v;
  return MapThrottle(vm, &o->throttle);
}

Status MapGhostCompat(const po::variables_map& vm, migration::MigrationOptions* o) {
  OSC_RETURN_IF_ERROR(RefuseGhostOnlyFlags(vm));
  if (auto v = Get(vm, "cut-over"); v && *v != "atomic" && *v != "default") {
    return Status::InvalidArgument("--cut-over " + internal::ShowValue(*v) +
                                   ": osc only does the atomic cut-over (--cut-over atomic)");
  }
  if (auto v = Get(vm, "default-retries")) {
    OSC_ASSIGN_OR_RETURN(uint64_t n, ParseUnsigned("--default-retries", *v, 1, 100000));
    o->cut_over.max_attempts = static_cast<int>(n);
  }
  if (auto v = Get(vm, "dml-batch-size")) {
    OSC_ASSIGN_OR_RETURN(uint64_t n, ParseUnsigned("--dml-batch-size", *v, 1, 100000));
    o->apply.max_batch_rows = static_cast<uint32_t>(n);
  }
  for (const char* name : {"allow-on-master", "assume-rbr", "verbose"}) {
    OSC_RETURN_IF_ERROR(GetBool(vm, name, false).status());
  }
  return Status::Ok();
}

Status MapMigration(const po::variables_map& vm, migration::MigrationOptions* o) {
  o->database = Get(vm, "database").value_or("");
  o->table = Get(vm, "table").value_or("");
  o->alter = Get(vm, "alter").value_or("");
  OSC_ASSIGN_OR_RETURN(o->execute, GetBool(vm, "execute", false));
  OSC_ASSIGN_OR_RETURN(o->attempt_instant, GetBool(vm, "attempt-instant-ddl", false));
  if (auto v = Get(vm, "replica-server-id")) {
    OSC_ASSIGN_OR_RETURN(uint64_t id, ParseUnsigned("--replica-server-id", *v, 0, UINT32_MAX));
    o->binlog_server_id = static_cast<uint32_t>(id);
  }
  if (auto v = Get(vm, "progress-interval")) {
    OSC_ASSIGN_OR_RETURN(o->progress_interval, ParseDuration("--progress-interval", *v));
  }
  OSC_RETURN_IF_ERROR(MapGhostCompat(vm, o));
  OSC_RETURN_IF_ERROR(MapRunControl(vm, o));
  return MapCopyAndCutOver(vm, o);
}

Status MapLogging(const po::variables_map& vm, LogOptions* log) {
  OSC_ASSIGN_OR_RETURN(const bool debug, GetBool(vm, "debug", false));
  if (debug) log->level = "debug";
  if (auto level = Get(vm, "log-level")) {
    // The same test InitLogging applies, so main() cannot fail there.
    if (spdlog::level::from_str(*level) == spdlog::level::off && *level != "off") {
      return Status::InvalidArgument("--log-level must be one of trace, debug, info, warn, error, critical, off, not " +
                                     internal::ShowValue(*level));
    }
    log->level = *level;
  }
  return Status::Ok();
}

// --cleanup acts without --execute (as gh-ost's cleanup does): it drops
// only tables it can prove osc made, so --execute would guard nothing.
Status ChooseCleanup(const po::variables_map& vm, CliCommand* cmd) {
  if (vm.count("alter") > 0) return Status::InvalidArgument("--cleanup and --alter cannot be combined");
  if (cmd->options.database.empty() || cmd->options.table.empty()) {
    return Status::InvalidArgument("--cleanup needs --database and --table");
  }
  cmd->mode = Mode::kCleanup;
  return cmd->options.ValidateSettings();
}

Status ChooseMode(const po::variables_map& vm, CliCommand* cmd) {
  OSC_ASSIGN_OR_RETURN(const bool cleanup, GetBool(vm, "cleanup", false));
  if (cleanup) return ChooseCleanup(vm, cmd);
  if (vm.count("alter") > 0) {
    cmd->mode = Mode::kMigrate;
    return cmd->options.Validate();
  }
  if (vm.count("table") > 0) {
    return Status::InvalidArgument("--table needs --alter (give neither to only check the server)");
  }
  if (cmd->options.execute) {
    return Status::InvalidArgument("--execute needs --alter, --database and --table");
  }
  cmd->mode = Mode::kCheckServer;
  return cmd->options.ValidateSettings();
}

}  // namespace

std::string_view ToString(Mode mode) {
  switch (mode) {
    case Mode::kHelp: return "help";
    case Mode::kVersion: return "version";
    case Mode::kCheckServer: return "check-server";
    case Mode::kMigrate: return "migrate";
    case Mode::kCleanup: return "cleanup";
  }
  return "unknown";
}

std::string_view ToString(PasswordSource source) {
  switch (source) {
    case PasswordSource::kNone: return "none";
    case PasswordSource::kCommandLine: return "--password";
    case PasswordSource::kPrompt: return "--ask-pass";
    case PasswordSource::kEnvironment: return "$OSC_PASSWORD";
    case PasswordSource::kOptionFile: return "--conf";
  }
  return "unknown";
}

Result<CliCommand> ParseCommandLine(const std::vector<std::string>& args, const EnvLookup& env,
                                    const FileReader& read_file) {
  OSC_ASSIGN_OR_RETURN(po::variables_map vm, ParseGrammar(args));
  CliCommand cmd;
  if (vm.count("help") > 0) {
    cmd.mode = Mode::kHelp;
    return cmd;
  }
  if (vm.count("version") > 0) {
    cmd.mode = Mode::kVersion;
    return cmd;
  }
  OptionFileSettings conf;
  if (auto path = Get(vm, "conf")) {
    OSC_ASSIGN_OR_RETURN(conf, LoadConf(*path, read_file));
  }
  OSC_RETURN_IF_ERROR(MapConnection(vm, conf, &cmd.options.connection));
  OSC_RETURN_IF_ERROR(MapPassword(vm, env, conf, &cmd));
  OSC_RETURN_IF_ERROR(MapMigration(vm, &cmd.options));
  OSC_RETURN_IF_ERROR(MapLogging(vm, &cmd.log));
  if (auto v = Get(vm, "progress")) {
    if (*v != "auto" && *v != "bar" && *v != "plain" && *v != "json") {
      return Status::InvalidArgument("--progress must be auto, bar, plain or json, not " + internal::ShowValue(*v));
    }
    cmd.progress = *v;
  }
  if (auto v = Get(vm, "report")) cmd.report_path = *v;
  OSC_RETURN_IF_ERROR(ChooseMode(vm, &cmd));
  return cmd;
}

std::string HelpText() {
  std::ostringstream out;
  out << "Usage:\n"
         "  osc [connection flags]                      check that the server suits osc\n"
         "  osc [connection flags] --database D --table T --alter \"CLAUSES\" [--execute]\n"
         "                                              change table D.T online\n"
         "  osc [connection flags] --database D --table T --cleanup [--ok-to-drop-table]\n"
         "                                              drop the helper tables a failed run left\n"
      << Flags()
      << "\nPassword: the first of --password, --ask-pass, $OSC_PASSWORD, --conf ([osc] over\n"
         "[client]) is used. Other settings: flags over --conf over the defaults.\n\n"
         "Exit codes: 0 success; 1 failed (original table intact); 2 usage error;\n"
         "3 refused by a check (nothing changed); 4 cannot connect or authenticate;\n"
         "5 aborted by a signal (resumable); 6 not implemented yet.\n";
  return out.str();
}

std::string VersionText() { return "osc " + std::string(kOscVersion) + "\n"; }

std::string UsageErrorLine(const Status& status) {
  std::string message(status.message());
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return "osc: " + message + "; see osc --help";
}

}  // namespace osc::cli
