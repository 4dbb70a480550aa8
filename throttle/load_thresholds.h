// Load thresholds as given to --max-load / --critical-load:
//   "Threads_running=25,Threads_connected=500"
// Each name is a server status variable (SHOW GLOBAL STATUS); the value is
// the level at or above which the signal fires. The SQL-backed load signal
// consumes the parsed map; this file only parses and formats.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace osc::throttle {

// Status variable name -> threshold. Ordered so reasons and ToString are
// stable. Names keep the spelling the operator used; the server matches
// status variable names case-insensitively, and so must the consumer.
using LoadThresholds = std::map<std::string, uint64_t>;

// Parses "Name=value[,Name=value...]". Spaces around names, values and
// commas are ignored; an empty (or all-space) string means "no thresholds".
// Names must be letters, digits and underscores; values non-negative decimal
// integers. A name given twice (in any letter case) is an error, since
// silently keeping one of them would hide a typo. Errors are InvalidArgument
// and quote the offending item.
Result<LoadThresholds> ParseLoadThresholds(std::string_view text);

// "Threads_connected=500,Threads_running=25" (sorted by name); parses back
// to the same map.
std::string ToString(const LoadThresholds& thresholds);

}  // namespace osc::throttle
