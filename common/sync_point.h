// Named sync points: hooks in library code where a test can run a callback
// to force an interleaving (e.g. "kill the connection just before RENAME").
//
//   OSC_SYNC_POINT("cutover:before_rename");
//
// They compile to nothing unless OSC_SYNC_POINTS is defined (the default
// CMake build defines it; release packaging can turn it off). With no
// callback installed a sync point costs one relaxed atomic load.
#pragma once

#include <functional>
#include <string_view>

namespace osc::sync {

// Installs `cb` for `name`, replacing any earlier one. Thread-safe.
void Set(std::string_view name, std::function<void()> cb);
// Removes every callback.
void ClearAll();
// Runs the callback for `name`, if any. Called through OSC_SYNC_POINT.
void Process(std::string_view name);

}  // namespace osc::sync

#ifdef OSC_SYNC_POINTS
#define OSC_SYNC_POINT(name) ::osc::sync::Process(name)
#else
#define OSC_SYNC_POINT(name) \
  do {                       \
  } while (0)
#endif
