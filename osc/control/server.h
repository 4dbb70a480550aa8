// The control socket (--serve-socket-file PATH): a Unix stream socket on
// which an operator sends one command line and reads the reply, e.g.
//   echo 'chunk-size=5000' | nc -U /tmp/osc.sock
// Commands and replies: command.h, dispatch.h.
//
// Clients are served one at a time, in the order they connect; each gets
// at most `client_timeout` to send its line (a client that connects and
// says nothing delays the others by that much, no more) and at most
// `max_line` bytes. The reply is written, then the connection is closed.
//
// Lifetime: Open creates the socket file (mode 0600: only the owner may
// steer the migration); the destructor closes it and removes the file if
// it is still the one Open created. Run serves until its stop token is
// requested. The target is not owned and must outlive the server.
//
// Thread safety: Run is called from one thread (the orchestrator's
// control thread); path() may be called from any thread. Destroy the
// server only after Run returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <stop_token>
#include <string>

#include "common/result.h"
#include "osc/control/target.h"

namespace osc::control {

struct ControlServerOptions {
  // How long a client may take to send its line. Short, because the next
  // client waits meanwhile; a person typing into `nc -U` needs longer, but
  // scripts (echo | nc) send at once.
  std::chrono::milliseconds client_timeout{2000};
  // Longest command line accepted (the longest real one, a max-load list,
  // is well under 1 KiB).
  size_t max_line = 4096;
  // How often Run looks at its stop token while idle: the longest a stop
  // request waits.
  std::chrono::milliseconds poll_interval{100};
};

class ControlServer {
 public:
  // Creates and listens on a socket at `path`:
  //   - nothing there: created;
  //   - a socket nobody listens on (left by a crashed run): replaced;
  //   - a socket somebody listens on: FailedPrecondition (another osc is
  //     probably running with the same --serve-socket-file);
  //   - anything else (file, directory, ...): FailedPrecondition, nothing
  //     is touched;
  //   - a path too long for a Unix socket (107 bytes): InvalidArgument.
  // IoError for system call failures (with errno text).
  static Result<std::unique_ptr<ControlServer>> Open(const std::string& path, ControlTarget* target,
                                                     ControlServerOptions options = {});

  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Serves clients until `stop` is requested (returns OK within about
  // poll_interval, or client_timeout if a client is being served). Errors
  // of one client (it hangs up, sends too much, never reads) end that
  // client only. IoError if the listening socket itself fails.
  Status Run(std::stop_token stop);

  const std::string& path() const { return path_; }

 private:
  ControlServer(std::string path, int fd, ControlTarget* target, ControlServerOptions options, unsigned long inode,
                unsigned long device);
  void Serve(int client, std::stop_token stop);

  const std::string path_;
  const int fd_;
  ControlTarget* const target_;
  const ControlServerOptions options_;
  // Identity of the socket file Open created, so the destructor never
  // removes a file somebody else put at the path since.
  const unsigned long inode_;
  const unsigned long device_;
};

}  // namespace osc::control
