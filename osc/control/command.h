// Commands of the control socket (--serve-socket-file), gh-ost style: a
// client sends one line, gets one reply, and the connection is closed.
//
//   status | info          full status, several lines
//   status json            the same as one JSON object
//   sup                    one-line status
//   help                   the list below
//   throttle | pause       throttle the copy until no-throttle
//   no-throttle | resume   lift a throttle set by `throttle`
//   chunk-size=N           rows per chunk (the copier adapts from there)
//   threads=N              copy workers
//   max-lag-millis=N       replica lag at which the copy throttles
//   max-load=Name=V,...    status-variable thresholds that throttle
//   critical-load=Name=V,  status-variable thresholds that abort
//   unpostpone             cut over now even if the postpone flag file exists
//   panic                  abort the migration now (the original is untouched)
// Every setting also reads back with `name?` or `name=?` (gh-ost's form).
//
// This file only parses; it changes nothing. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "throttle/load_thresholds.h"

namespace osc::control {

enum class Verb {
  kStatus,
  kStatusJson,
  kShortStatus,  // "sup"
  kHelp,
  kThrottle,
  kNoThrottle,
  kUnpostpone,
  kPanic,
  kGet,  // read a setting ("chunk-size?")
  kSet,  // change a setting ("chunk-size=5000")
};

enum class Setting { kNone, kChunkSize, kThreads, kMaxLagMillis, kMaxLoad, kCriticalLoad };

// Inclusive bounds of the numeric settings. A value outside is refused (and
// nothing changes); the copier may clamp a valid chunk size further to its
// [min_chunk_size, max_chunk_size].
inline constexpr uint64_t kMinChunkSize = 1;
inline constexpr uint64_t kMaxChunkSize = 1'000'000;
inline constexpr uint64_t kMinThreads = 1;
inline constexpr uint64_t kMaxThreads = 64;
// Below 100 ms the lag measurement (heartbeat rows) is mostly noise.
inline constexpr uint64_t kMinMaxLagMillis = 100;
inline constexpr uint64_t kMaxMaxLagMillis = 3'600'000;

struct Command {
  Verb verb = Verb::kHelp;
  Setting setting = Setting::kNone;  // for kGet and kSet only
  // kSet of chunk-size, threads, max-lag-millis: the value, within bounds.
  uint64_t number = 0;
  // kSet of max-load, critical-load: the thresholds (may be empty: none).
  throttle::LoadThresholds load;
};

// Parses one line. Leading/trailing spaces, tabs, CR and LF are ignored;
// command words are case-sensitive (as gh-ost). Errors are InvalidArgument
// with the reply text for the client, e.g. "unknown command 'x'; try help"
// or "threads must be between 1 and 64, got 0".
Result<Command> ParseCommand(std::string_view line);

// The command word of `setting` ("chunk-size", ...); "" for kNone.
std::string_view SettingName(Setting setting);

// The text `help` replies with (ends with a newline).
std::string HelpText();

}  // namespace osc::control
