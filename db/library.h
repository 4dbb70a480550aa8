// Process- and thread-level set-up of the MySQL client library.
//
// Call InitLibrary() once from main() before starting threads. It is safe
// (and cheap) to call again: Connection::Open() calls it too, as a fallback
// for tests and tools that forget. The first call's outcome is remembered.
//
// Per-thread set-up needs no call: every db function that touches the
// library first runs mysql_thread_init() for the calling thread, once, and a
// thread_local guard runs mysql_thread_end() when that thread exits. Why
// not an RAII guard the caller places? Because a guard that every worker
// must remember is a guard some worker forgets, and Oracle's libmysqlclient
// then leaks per-thread state (Connector/C 3.x keeps none, but the binlog
// module may run on libmysqlclient). The cost is one thread_local check per
// call. Threads must exit normally (std::thread/jthread returning) for the
// guard to run; osc never cancels threads.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace osc::db {

// Runs mysql_library_init() once per process. Thread-safe, but the library
// documents it as not safe to run while other threads use the library, hence
// "call it before starting threads". Internal error if the library fails to
// initialise (out of memory).
Status InitLibrary();

// Connector/C 3.3 builds a new OpenSSL context for every TLS connection
// and, unless ssl_ca is given, loads OpenSSL's default CA file into it
// (about 140 certificates on Debian) only to set SSL_VERIFY_NONE: it checks
// the server against an explicit ssl_ca or not at all (osc's verify_* modes
// require ssl_ca). Measured on the 1M-row benchmark: about 35 ms of CPU per
// connection, most of osc's own CPU time. SkipUnusedSystemCaStore points
// SSL_CERT_FILE at /dev/null, so that file is not read; a CA file given
// with ssl_ca is loaded as before. Call from main() before any thread
// starts (it changes the environment).
void SkipUnusedSystemCaStore();

// Child processes (hooks) must get the environment as it was: the value
// SSL_CERT_FILE had before SkipUnusedSystemCaStore (nullopt if unset), and
// whether it was changed at all.
struct CaStoreEnvironment {
  bool changed = false;
  std::optional<std::string> original;
};
const CaStoreEnvironment& SystemCaStoreEnvironment();

}  // namespace osc::db
