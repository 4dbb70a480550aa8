// The exit status of the `osc` program. These numbers are part of the user
// contract (scripts and orchestration branch on them): never renumber one;
// add new codes at the end. The README's table repeats this list.
//
//   0  success: the migration completed, or the server check found no fatal
//      problem (warnings allowed).
//   1  failed: a runtime error stopped osc. The original table is intact
//      and still in use; helper tables may remain.
//   2  usage: a bad or unknown flag, a bad value, an unreadable --conf
//      file, --ask-pass without a terminal. One line on stderr:
//      "osc: <problem>; see osc --help".
//   3  refused: a preflight or server check found a fatal problem (e.g. no
//      binary logging, binlog_format not ROW, the table does not exist).
//      Nothing was changed.
//   4  cannot connect or authenticate: wrong user or password (1045),
//      server unreachable (2002/2003), connect timeout, TLS failure (2026).
//   5  aborted: stopped by SIGINT/SIGTERM (or a panic flag). Nothing was
//      lost; a later run can resume.
//   6  not implemented yet: the requested mode exists as a flag but its
//      engine has not landed (temporary; removed when it does).
//   7  cut-over incomplete: the tables were swapped, but the binlog showed
//      a change to the original that may be missing from the new table.
//      The original data is kept as _<table>_osc_old: compare the two.
#pragma once

namespace osc::cli {

enum class ExitCode : int {
  kSuccess = 0,
  kFailed = 1,
  kUsage = 2,
  kRefused = 3,
  kCannotConnect = 4,
  kAborted = 5,
  kNotImplemented = 6,
  kSwapIncomplete = 7,
};

constexpr int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace osc::cli
