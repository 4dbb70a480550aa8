// Writing a file so that readers see either the old file or the whole new
// one, never a half-written page (a report may be written while someone
// has the previous one open, or osc may be killed mid-write).
//
// Thread safety: safe to call concurrently for different paths.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace osc::report {

// Writes `contents` to a temporary file next to `path`, syncs it, and
// renames it over `path`. IoError (with the path and the system's reason)
// when any step fails; the temporary file is then removed and `path` is
// left as it was. The new file's mode is 0644 (less the umask).
Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace osc::report
