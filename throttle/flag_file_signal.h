// FlagFileSignal: lets an operator pause or stop a migration by creating a
// file, without access to the control socket.
//   --throttle-flag-file F : throttle while F exists ("throttle-flag-file")
//   --panic-flag-file F    : abort as soon as F exists ("panic-flag-file");
//                            the Throttler keeps an abort even if F goes away.
//
// The check is one stat(2). Put flag files on a local file system: a stat on
// a hung network mount can block past the check deadline, and nothing here
// can interrupt it.
//
// Thread safety: Check() from the throttler's thread; the path and action are
// fixed at construction.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "throttle/signal.h"

namespace osc::throttle {

class FlagFileSignal final : public Signal {
 public:
  enum class Action : uint8_t { kThrottle, kAbort };

  // InvalidArgument when `path` is empty.
  static Result<std::unique_ptr<FlagFileSignal>> Create(std::string path, Action action);

  std::string_view name() const override;
  // Go when the file is absent; kThrottle or kAbort (by action) when it exists;
  // Unavailable when stat fails for another reason (e.g. permission denied on
  // a directory), so a broken path is reported rather than ignored.
  Decision Check(const CheckContext& ctx) override;

  const std::string& path() const { return path_; }
  Action action() const { return action_; }

 private:
  FlagFileSignal(std::string path, Action action) : path_(std::move(path)), action_(action) {}

  const std::string path_;
  const Action action_;
};

}  // namespace osc::throttle
