// ResumeState: what osc writes to its changelog table's checkpoint row so a
// later run can continue a migration instead of starting over (engine
// rule 11, issue "Survive faults").
//
// A checkpoint is a promise about the shadow table at the moment it was
// written:
//   - every binlog change before `applied` has been applied to it, and
//   - every key range `copy` calls done has been copied into it (committed).
// Resuming replays the binlog from `applied` (re-applying a change is
// idempotent: full row images, REPLACE/DELETE by key) and copies only what
// `copy` does not call done, within the same copy range. The order in
// which the two halves were read does not matter: both only ever move
// forward, and the shadow holds at least what each half says.
//
// A checkpoint is valid only for the same migration: `fingerprint` covers
// the ALTER text, the original table's definition (minus the moving
// AUTO_INCREMENT counter) and the format version, so a different ALTER or
// a changed original table means "no resume".
//
// Text format (one field per line, values that may hold any byte are hex):
//   osc-checkpoint 1
//   fingerprint <16 hex digits>
//   phase <state name when written>
//   binlog <hex file name> <offset>
//   rows <rows copied so far>
//   range <value> <value>          (absent: the table was empty)
//   watermark <0|1 inclusive> <value>
//   done <0|1> <value> <0|1> <value>   (lower, upper; repeated)
//   complete <0|1>
// where <value> is the key's literals, hex, joined by ','. Decoding checks
// structure only; the caller validates every literal against the key
// (copy::ValidateKeyValue) before it reaches SQL.
//
// Thread safety: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/event_source.h"
#include "common/result.h"
#include "osc/copy/checkpoint.h"
#include "osc/copy/key_range.h"

namespace osc::migration {

struct ResumeState {
  std::string fingerprint;
  // The migration's state when the checkpoint was written ("copying", ...).
  std::string phase;
  // Replaying the binlog from here re-applies nothing that matters twice
  // and misses nothing (a transaction boundary).
  binlog::BinlogPosition applied;
  uint64_t rows_copied = 0;
  copy::Checkpoint copy;
};

// Hard cap on the encoded size: the changelog's value column is TEXT. A
// checkpoint that would be longer drops its done-above ranges (they are
// copied again on resume: safe, only slower).
inline constexpr size_t kMaxEncodedResumeState = 60000;

std::string EncodeResumeState(const ResumeState& state);
// Corruption with the offending line for anything but the format above.
Result<ResumeState> DecodeResumeState(std::string_view text);

// 16 hex digits over the inputs that must not change between the run that
// wrote a checkpoint and the one resuming from it. `create_table` is SHOW
// CREATE TABLE of the original; its AUTO_INCREMENT=N table option is
// ignored (it moves with every insert).
std::string MigrationFingerprint(std::string_view alter, std::string_view create_table);

// Validates every key value in `state.copy` against `key` (so a tampered
// checkpoint cannot smuggle SQL into the copier's predicates).
Status ValidateResumeKeys(const copy::KeySpec& key, const ResumeState& state);

}  // namespace osc::migration
