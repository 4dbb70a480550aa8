#include "osc/report/atomic_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace osc::report {
namespace {

Status Failure(const std::string& what, const std::string& path, int err) {
  return Status::IoError(what + " " + path + ": " + std::strerror(err));
}

// write(2) may write less than asked (signals, quotas); loop until done.
int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  // Same directory as the target: rename(2) is only atomic within one file
  // system. The pid keeps two osc processes from sharing a temp file.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Failure("cannot create", tmp, errno);
  int err = WriteAll(fd, contents);
  // Without the fsync a crash right after the rename can leave an empty
  // file under the final name on some file systems (ext4 delalloc).
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return Failure("cannot write", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return Failure("cannot rename into place", path, err);
  }
  return Status::Ok();
}

}  // namespace osc::report
