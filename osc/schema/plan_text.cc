// RenderPlan and the small text helpers the preflight's messages share.
#include <cstdio>
#include <string>

#include "db/quoting.h"
#include "osc/schema/preflight_internal.h"

namespace osc::schema {
namespace internal {

Finding Ok(std::string name, std::string message) {
  return Finding{std::move(name), Severity::kOk, std::move(message), ""};
}

Finding Warning(std::string name, std::string message, std::string fix) {
  return Finding{std::move(name), Severity::kWarning, std::move(message), std::move(fix)};
}

Finding Refusal(std::string name, std::string message, std::string fix) {
  return Finding{std::move(name), Severity::kFatal, std::move(message), std::move(fix)};
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += db::QuoteIdentifier(names[i]);
  }
  return out;
}

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), value < 10 ? "%.1f %s" : "%.0f %s", value, kUnits[unit]);
  return buf;
}

std::string FormatDuration(std::chrono::seconds duration) {
  const int64_t s = duration.count();
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  if (s < 86400) return std::to_string(s / 3600) + " h " + std::to_string(s % 3600 / 60) + " min";
  return std::to_string(s / 86400) + " d " + std::to_string(s % 86400 / 3600) + " h";
}

}  // namespace internal

namespace {

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string_view Label(Severity severity) {
  switch (severity) {
    case Severity::kOk: return "OK";
    case Severity::kWarning: return "WARNING";
    case Severity::kFatal: return "REFUSED";
  }
  return "?";
}

void RenderSteps(const PreflightReport& r, std::string* out) {
  const HelperTableNames& h = *r.helpers;
  const std::string t = db::QuoteQualified(r.database, r.table);
  const std::string shadow = db::QuoteQualified(r.database, h.shadow);
  *out += "What osc would do:\n";
  *out += "  1. CREATE TABLE " + shadow + " LIKE " + t + "\n";
  *out += "  2. ALTER TABLE " + shadow + " " + r.plan->ShadowAlterText() + "\n";
  *out += "  3. CREATE TABLE " + db::QuoteQualified(r.database, h.changelog) +
          " (changelog: heartbeat, state, checkpoints)\n";
  *out += "  4. follow the binlog for changes to " + t + "; copy its rows in chunks of the chunk key while "
          "applying those changes to the shadow\n";
  *out += "  5. compare both tables chunk by chunk (checksum, unless --skip-checksum)\n";
  *out += "  6. swap under a short lock: RENAME TABLE " + t + " TO " + db::QuoteQualified(r.database, h.old) + ", " +
          shadow + " TO " + t + "\n";
  *out += "  7. keep the old table as " + db::QuoteIdentifier(h.old) + " (dropped only with --ok-to-drop-table)\n";
}

void RenderClauses(const PreflightReport& r, std::string* out) {
  *out += "ALTER clauses (a native ALTER would run as " + std::string(alter::ToString(r.algorithms->overall)) + "):\n";
  for (size_t i = 0; i < r.plan->clauses.size(); ++i) {
    *out += "  " + Pad(r.plan->clauses[i].text, 40);
    if (i < r.algorithms->clauses.size()) {
      const alter::ClauseAlgorithm& a = r.algorithms->clauses[i];
      *out += " " + Pad(std::string(alter::ToString(a.algorithm)), 8) + " " + a.reason;
    }
    *out += "\n";
  }
  if (!r.algorithms->note.empty()) *out += "  note: " + r.algorithms->note + "\n";
}

void RenderMapping(const PreflightReport& r, std::string* out) {
  const TableSchema& t = *r.table_schema;
  *out += "Column mapping (new <- original):\n";
  for (const alter::MappedColumn& c : r.mapping->columns) {
    std::string line = "  " + Pad(db::QuoteIdentifier(c.name), 24);
    if (c.generated) {
      line += "generated: computed by the server";
    } else if (!c.source) {
      line += "added: takes its default";
    } else {
      line += "<- " + db::QuoteIdentifier(t.columns[*c.source].name);
      if (c.renamed) line += " (renamed)";
      if (c.type_changed) line += " (type changed: the server converts each value)";
    }
    *out += line + "\n";
  }
  for (size_t i : r.mapping->dropped) *out += "  dropped: " + db::QuoteIdentifier(t.columns[i].name) + "\n";
}

}  // namespace

std::string RenderPlan(const PreflightReport& r) {
  using internal::FormatBytes;
  std::string out = "osc plan for " + db::QuoteQualified(r.database, r.table) + " on " + r.server + " (" +
                    r.endpoint + ")\n\n";
  if (r.table_schema) {
    const TableSchema& t = *r.table_schema;
    out += "Table: " + (t.engine.empty() ? std::string(ToString(t.kind)) : t.engine) +
           (t.row_format.empty() ? "" : ", row format " + t.row_format) + ", ~" + std::to_string(t.estimated_rows) +
           " rows, " + FormatBytes(t.data_bytes) + " data + " + FormatBytes(t.index_bytes) + " indexes" +
           (t.default_collation.empty() ? "" : ", " + t.default_collation) + "\n";
  }
  if (r.chunk_key) out += "Chunk key: " + r.Find("chunk_key")->message + "\n";
  if (r.estimate) {
    out += "Estimate: ~" + std::to_string(r.estimate->rows) + " rows, " + FormatBytes(r.estimate->bytes) +
           ", copy about " + internal::FormatDuration(r.estimate->duration) + "\n";
  }
  out += "\n";
  // The steps only make sense for a migration that can start; a refused
  // one still shows the verdicts and the mapping, which explain a lot.
  if (r.CanRun() && r.plan && r.helpers && r.table_schema && r.chunk_key) {
    RenderSteps(r, &out);
    out += "\n";
  }
  if (r.plan && r.algorithms) {
    RenderClauses(r, &out);
    out += "\n";
  }
  if (r.mapping && r.table_schema) {
    RenderMapping(r, &out);
    out += "\n";
  }
  out += "Checks:\n";
  for (const Finding& f : r.findings) {
    out += "  " + Pad(std::string(Label(f.severity)), 8) + " " + f.name + ": " + f.message + "\n";
    if (!f.fix.empty() && f.severity != Severity::kOk) out += "           fix: " + f.fix + "\n";
  }
  size_t refusals = 0;
  for (const Finding& f : r.findings) refusals += f.severity == Severity::kFatal ? 1 : 0;
  out += refusals == 0 ? "\nResult: osc can run this migration; add --execute to run it.\n"
                       : "\nResult: osc refuses to run: " + std::to_string(refusals) +
                             " problem(s) marked REFUSED above.\n";
  return out;
}

}  // namespace osc::schema
