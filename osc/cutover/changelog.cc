#include "osc/cutover/changelog.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <random>

#include "db/errors.h"
#include "db/quoting.h"
#include "osc/schema/names.h"

namespace osc::cutover {
namespace {

bool IsMarkerName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Random per Changelog, so markers of two osc processes (or of a restarted
// one reading an old stream) can never be confused.
uint64_t NewNonce() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ static_cast<uint64_t>(rd());
}

}  // namespace

std::string FormatUtcMicros(Clock::WallTime t) {
  using std::chrono::duration_cast;
  using std::chrono::floor;
  const auto micros = floor<std::chrono::microseconds>(t.time_since_epoch());
  const auto secs = floor<std::chrono::seconds>(micros);
  const std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  // 0..999999: floor() made `secs` <= `micros` < secs + 1 s.
  const int fraction =
      static_cast<int>((micros - duration_cast<std::chrono::microseconds>(secs)).count());
  // Sized for any int fields, so the compiler can prove no truncation.
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d.%06d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction);
  return buf;
}

Result<Changelog> Changelog::For(std::string_view database, std::string_view table) {
  OSC_RETURN_IF_ERROR(db::ValidateIdentifier(database).WithContext("database name"));
  OSC_ASSIGN_OR_RETURN(schema::HelperTableNames names, schema::HelperNamesFor(table));
  return Changelog(std::string(database), std::move(names.changelog), NewNonce());
}

Changelog::Changelog(std::string database, std::string table, uint64_t nonce)
    : database_(std::move(database)),
      table_(std::move(table)),
      qualified_(db::QuoteQualified(database_, table_)),
      nonce_(nonce) {}

Changelog::Changelog(Changelog&& other) noexcept
    : database_(std::move(other.database_)),
      table_(std::move(other.table_)),
      qualified_(std::move(other.qualified_)),
      nonce_(other.nonce_),
      marker_sequence_(other.marker_sequence_.load()) {}

Status Changelog::CreateTable(Session& session) const {
  // updated_at has an explicit default so the statement means the same
  // under MySQL 8.0's explicit_defaults_for_timestamp and MariaDB's rules.
  Status s = session.Execute(
      "CREATE TABLE " + qualified_ +
      " (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, kind VARCHAR(32) NOT NULL, value TEXT,"
      " updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))"
      " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='osc changelog: heartbeat, state, "
      "checkpoint, markers'");
  if (s.server_errno() == db::errc::kTableExists) {
    return Status::FailedPrecondition(
        "changelog table " + qualified_ +
        " already exists (left by an earlier run?); drop it or resume");
  }
  return s;
}

Status Changelog::DropTable(Session& session) const {
  return session.Execute("DROP TABLE IF EXISTS " + qualified_);
}

Status Changelog::WriteRow(Session& session, RowId id, std::string_view kind,
                           std::string_view value) const {
  return session.Execute("REPLACE INTO " + qualified_ + " (id, kind, value, updated_at) VALUES (" +
                         std::to_string(static_cast<uint64_t>(id)) + ", " +
                         db::QuoteStringLiteral(kind) + ", " + db::QuoteStringLiteral(value) +
                         ", NOW(6))");
}

Status Changelog::WriteHeartbeat(Session& session, Clock::WallTime now) const {
  return WriteRow(session, RowId::kHeartbeat, "heartbeat", FormatUtcMicros(now));
}

Status Changelog::WriteState(Session& session, std::string_view state) const {
  return WriteRow(session, RowId::kState, "state", state);
}

Status Changelog::WriteCheckpoint(Session& session, std::string_view checkpoint) const {
  return WriteRow(session, RowId::kCheckpoint, "checkpoint", checkpoint);
}

Result<std::optional<std::string>> Changelog::ReadCheckpoint(Session& session) const {
  OSC_ASSIGN_OR_RETURN(db::QueryResult rows,
                       session.Query("SELECT value FROM " + qualified_ + " WHERE id = " +
                                     std::to_string(static_cast<uint64_t>(RowId::kCheckpoint))));
  if (rows.rows.empty() || rows.rows[0].empty()) return std::optional<std::string>();
  return rows.rows[0][0];
}

Result<std::string> Changelog::WriteMarker(Session& session, std::string_view name) {
  if (!IsMarkerName(name)) {
    return Status::InvalidArgument("marker name must be 1-32 characters of [A-Za-z0-9_-]");
  }
  char nonce[17];
  std::snprintf(nonce, sizeof(nonce), "%016" PRIx64, nonce_);
  const uint64_t seq = marker_sequence_.fetch_add(1, std::memory_order_relaxed) + 1;
  std::string value = std::string(name) + ":" + nonce + ":" + std::to_string(seq);
  OSC_RETURN_IF_ERROR(WriteRow(session, RowId::kMarker, "marker", value));
  return value;
}

}  // namespace osc::cutover
