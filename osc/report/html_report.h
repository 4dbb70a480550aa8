// The post-mortem page for one migration (--report FILE.html): a single
// self-contained HTML file (inline CSS and SVG, no script, no network) with
// a header (table, ALTER, start/end, outcome, duration), key numbers, time
// plots of rows copied, copy rate, binlog apply backlog and lag (throttle
// periods shaded with their reasons, state changes and cut-over attempts
// marked), and tables of events, cut-over attempts and throttle periods.
//
// Every string that comes from users or servers (names, the ALTER, reasons,
// errors) is HTML-escaped. Times are shown in UTC.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "osc/report/recorder.h"

namespace osc::report {

struct ReportHeader {
  std::string database;
  std::string table;
  std::string alter;        // the --alter text as given
  std::string server;       // e.g. "db1:3306 (MariaDB 10.11.6)"; empty: not shown
  std::string osc_version;  // empty: not shown
  Clock::WallTime started{};
  Clock::WallTime ended{};
  // success, planned, refused, failed or aborted (as in ProgressSummary).
  std::string outcome;
  std::string message;  // MigrationOutcome::summary or the error
};

// The whole page.
std::string RenderHtmlReport(const Recording& recording, const ReportHeader& header);

// `s` with & < > " ' replaced by entities and control characters other
// than tab and newline replaced by U+FFFD, safe in element content and in
// quoted attribute values.
std::string EscapeHtml(std::string_view s);

// "2026-11-21 04:30:22.123 UTC".
std::string FormatUtc(Clock::WallTime t);

}  // namespace osc::report
