// One control command, from its line to its reply, without any socket:
// parse (command.h), call the target (target.h), format the reply. The
// server (server.h) only moves bytes around this.
//
// Thread safety: as the target's; the server calls it from its one thread.
#pragma once

#include <string>
#include <string_view>

#include "osc/control/target.h"

namespace osc::control {

// Runs `line` against `target` and returns the reply, always ending with
// one newline. Errors (bad command, a value out of range, a setter that
// refused) reply "error: <message>" and change nothing. Commands that
// change something are logged at info ("control: chunk-size 1000 -> 5000").
std::string Execute(std::string_view line, ControlTarget& target);

}  // namespace osc::control
