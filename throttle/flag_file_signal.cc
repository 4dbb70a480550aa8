#include "throttle/flag_file_signal.h"

#include <spdlog/fmt/fmt.h>
#include <sys/stat.h>

#include <cerrno>
#include <system_error>

namespace osc::throttle {

Result<std::unique_ptr<FlagFileSignal>> FlagFileSignal::Create(std::string path, Action action) {
  if (path.empty()) return Status::InvalidArgument("flag file path is empty");
  return std::unique_ptr<FlagFileSignal>(new FlagFileSignal(std::move(path), action));
}

std::string_view FlagFileSignal::name() const {
  return action_ == Action::kAbort ? "panic-flag-file" : "throttle-flag-file";
}

Decision FlagFileSignal::Check(const CheckContext& /*ctx*/) {
  const std::string_view what = action_ == Action::kAbort ? "panic" : "throttle";
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) return Decision::Go();
    return Decision::Unavailable(
        fmt::format("cannot check {} flag file {}: {}", what, path_,
                    std::error_code(err, std::generic_category()).message()));
  }
  // Any kind of file counts (a directory or a FIFO too): the operator's
  // intent is "this path exists", and ignoring an odd file type would be a
  // surprise at the worst moment.
  std::string reason = fmt::format("{} flag file {} exists", what, path_);
  return action_ == Action::kAbort ? Decision::Abort(std::move(reason))
                                   : Decision::Throttle(std::move(reason));
}

}  // namespace osc::throttle
