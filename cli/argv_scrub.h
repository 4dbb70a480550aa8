// Hiding a password given on the command line from the process list.
//
// On Linux, `ps` and /proc/<pid>/cmdline read the argument strings straight
// from the process's memory, so overwriting them in place (after copying
// them for parsing) hides the value from then on. The MySQL command-line
// clients do the same. It narrows the exposure, it does not close it: the
// value was visible from exec until main() ran, and may be in the shell's
// history. Hence the warning osc prints for --password.
//
// Thread safety: call from main() before starting threads (another thread
// reading argv would race with the overwrite).
#pragma once

namespace osc::cli {

// Overwrites, with 'x' characters of the same length, every value of
// --password in `argv[1..argc)`: the text after "--password=", or the whole
// next argument after a bare "--password". Stops at "--" (everything after
// it is not a flag). Returns how many values were overwritten. Lengths are
// kept because the kernel reports the original argument area; shortening
// one string would only move the remaining bytes into view as a new
// argument.
int ScrubPasswordArguments(int argc, char** argv);

}  // namespace osc::cli
