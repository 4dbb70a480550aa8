// Splitting a key range into chunks of about N rows, in key order.
//
// The upper end of each chunk is the key N rows into what remains, read
// with an index-only query (statements.h BoundaryQuery); when fewer than N
// rows remain, the chunk runs to the end of the range. Chunk i+1 starts
// just after chunk i's upper end (Flip), so the chunks tile the range
// exactly, whatever rows appear or vanish meanwhile: a row inserted into
// a chunk already planned is still inside some chunk's predicate.
//
// Thread safety: not thread-safe. The copier's single producer calls it
// under its mutex; the connection passed in is used only during the call.
#pragma once

#include <cstdint>
#include <optional>

#include "common/result.h"
#include "db/connection.h"
#include "osc/copy/key_range.h"
#include "osc/copy/statements.h"

namespace osc::copy {

struct PlannedChunk {
  KeyRange range;
  // Rows the chunk held when it was planned (N); 0 when it runs to the end
  // of the range with fewer rows (its count is unknown, and its duration
  // says nothing about the rate).
  uint64_t planned_rows = 0;
};

class RangeChunker {
 public:
  // `key` and `table` are copied. `range` is the range to split (either
  // end may be open).
  RangeChunker(KeySpec key, TableRef table, KeyRange range);

  // The next chunk of at most `rows` rows (at planning time), read through
  // `conn`; nullopt once the range is covered. On error the chunker is
  // unchanged, so the call may be retried (on another connection too).
  Result<std::optional<PlannedChunk>> Next(db::Connection& conn, uint64_t rows);

  bool exhausted() const { return exhausted_; }

 private:
  const KeySpec key_;
  const TableRef table_;
  // What is left: from next_lower_ (nullopt: open) to upper_.
  std::optional<Bound> next_lower_;
  const std::optional<Bound> upper_;
  bool exhausted_ = false;
};

}  // namespace osc::copy
