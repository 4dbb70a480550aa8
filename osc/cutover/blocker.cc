#include "osc/cutover/blocker.h"

#include <set>

namespace osc::cutover {
namespace {

// Characters that may continue an unquoted identifier. Bytes >= 0x80 are
// parts of UTF-8 letters, which identifiers may contain.
bool IsIdentifierByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}

constexpr std::string_view kWaitingForMdl = "Waiting for table metadata lock";

}  // namespace

std::string_view ToString(BlockerKind kind) {
  switch (kind) {
    case BlockerKind::kLongTransaction:
      return "long transaction";
    case BlockerKind::kQueryOnTable:
      return "query on table";
    case BlockerKind::kMetadataLock:
      return "metadata lock";
  }
  return "unknown";
}

std::string Blocker::Describe() const {
  std::string out(ToString(kind));
  out += ": id=" + std::to_string(process.id) + " " + process.user + "@" + process.host;
  if (!process.db.empty()) out += " db=" + process.db;
  out += " command=" + (process.command.empty() ? std::string("?") : process.command);
  out += " time=" + std::to_string(process.time_seconds) + "s";
  if (kind == BlockerKind::kLongTransaction) {
    out += " trx_age=" + std::to_string(transaction_seconds) + "s";
  }
  if (kind == BlockerKind::kMetadataLock) out += " lock=" + lock_type + "/" + lock_status;
  if (!process.state.empty()) out += " state=\"" + process.state + "\"";
  out += process.query.empty() ? std::string(" (no running query)")
                               : " query=\"" + process.query + "\"";
  return out;
}

bool MentionsTable(std::string_view sql, std::string_view table) {
  if (table.empty()) return false;
  for (size_t pos = sql.find(table); pos != std::string_view::npos;
       pos = sql.find(table, pos + 1)) {
    const bool start_ok = pos == 0 || !IsIdentifierByte(sql[pos - 1]);
    const size_t end = pos + table.size();
    const bool end_ok = end == sql.size() || !IsIdentifierByte(sql[end]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

std::vector<uint64_t> SessionsToForceKill(const BlockerReport& report) {
  std::set<uint64_t> ids;
  for (const Blocker& b : report.blockers) {
    if (b.process.id == 0) continue;
    if (b.kind == BlockerKind::kMetadataLock && b.lock_status == "GRANTED")
      ids.insert(b.process.id);
    // Without lock data, a running statement on the table is the best
    // evidence there is; one waiting for a metadata lock queues behind the
    // real blocker and killing it would not help. With lock data, every
    // session touching the table shows up there, exactly.
    if (!report.metadata_locks_usable && b.kind == BlockerKind::kQueryOnTable &&
        b.process.state != kWaitingForMdl) {
      ids.insert(b.process.id);
    }
  }
  return {ids.begin(), ids.end()};
}

}  // namespace osc::cutover
