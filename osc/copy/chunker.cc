#include "osc/copy/chunker.h"

#include <utility>

namespace osc::copy {

RangeChunker::RangeChunker(KeySpec key, TableRef table, KeyRange range)
    : key_(std::move(key)),
      table_(std::move(table)),
      next_lower_(std::move(range.lower)),
      upper_(std::move(range.upper)) {}

Result<std::optional<PlannedChunk>> RangeChunker::Next(db::Connection& conn, uint64_t rows) {
  if (exhausted_) return std::optional<PlannedChunk>();
  if (rows == 0) rows = 1;
  const KeyRange remaining{next_lower_, upper_};
  OSC_ASSIGN_OR_RETURN(db::QueryResult result, conn.Query(BoundaryQuery(key_, table_, remaining, rows)));
  PlannedChunk chunk;
  chunk.range.lower = next_lower_;
  if (result.rows.empty()) {
    // Fewer than `rows` rows remain: the last chunk takes the rest.
    chunk.range.upper = upper_;
    exhausted_ = true;
    return std::optional<PlannedChunk>(std::move(chunk));
  }
  OSC_ASSIGN_OR_RETURN(KeyValue boundary, KeyValueFromRow(key_, result.rows.front()));
  chunk.range.upper = Bound{boundary, /*inclusive=*/true};
  chunk.planned_rows = rows;
  next_lower_ = Bound{std::move(boundary), /*inclusive=*/false};
  return std::optional<PlannedChunk>(std::move(chunk));
}

}  // namespace osc::copy
