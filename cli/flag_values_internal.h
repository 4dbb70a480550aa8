// Turning flag and option-file text into typed values. Internal to cli/.
//
// Boost.Program_options hands every value to osc as a string; these do the
// conversion, because lexical_cast accepts "-1" for an unsigned type (it
// wraps around to 65535 for a port) and its messages do not name the flag.
// Every error is InvalidArgument("<what> must be ..., not '<text>'") where
// <what> is the caller's name for the setting (e.g. "--port"). Never pass a
// secret: the offending text is quoted in the message.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace osc::cli::internal {

// `text` for an error message: at most 40 bytes, control bytes as '?'.
std::string ShowValue(std::string_view text);

// A base-10 integer in [min, max]: digits only (a leading '-' for signed),
// no spaces, no '+', no suffix.
Result<uint64_t> ParseUnsigned(std::string_view what, std::string_view text, uint64_t min, uint64_t max);
Result<int64_t> ParseSigned(std::string_view what, std::string_view text, int64_t min, int64_t max);

// true/false, 1/0, yes/no, on/off (any case), as MySQL option files and
// gh-ost's Go flags both accept some of these.
Result<bool> ParseBool(std::string_view what, std::string_view text);

// A positive duration: an integer with an optional unit, "ms", "s", "m" or
// "h"; a bare number is seconds ("5" = "5s"). At most 24 h.
Result<std::chrono::milliseconds> ParseDuration(std::string_view what, std::string_view text);

}  // namespace osc::cli::internal
