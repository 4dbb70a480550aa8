// The migration's explicit state machine.
//
// Legal sequence (every other transition is a bug and is refused):
//
//   kInit -> kPreflight -> kPlanned                               (no --execute)
//                       -> kInstantDdl -> kDone                   (INSTANT worked)
//                       -> kInstantDdl -> kCreatingTables          (fell back to a copy)
//                       -> kCreatingTables
//   kCreatingTables -> kStreaming -> kCopying -> kCatchingUp -> kChecksumming
//                   -> kAwaitingCutOver -> kCuttingOver -> kDone
//   kCuttingOver -> kAwaitingCutOver   (an attempt failed; the original is intact)
//   kChecksumming -> kCopying          (a chunk differed and is being repaired)
//   any state before kDone -> kFailed | kAborted
//
// kDone, kPlanned, kFailed and kAborted are terminal. Background loops ask
// PastCutOver() to know whether the swap has happened (after it, the
// original table's name refers to the new table).
//
// Thread safety: StateMachine may be read from any thread; transitions are
// made by the orchestrator thread only (enforced by a mutex, not assumed).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace osc::migration {

enum class State : uint8_t {
  kInit = 0,
  kPreflight,
  kPlanned,
  kInstantDdl,
  kCreatingTables,
  kStreaming,
  kCopying,
  kCatchingUp,
  kChecksumming,
  kAwaitingCutOver,
  kCuttingOver,
  kDone,
  kFailed,
  kAborted,
};

std::string_view ToString(State state);
bool IsTerminal(State state);
bool IsLegalTransition(State from, State to);

class StateMachine {
 public:
  // `on_change` (optional) is called after every transition, on the
  // transitioning thread, with the lock released.
  explicit StateMachine(Clock* clock, std::function<void(State from, State to)> on_change = {});

  State current() const { return state_.load(std::memory_order_acquire); }
  // True once the RENAME has succeeded (state kDone after kCuttingOver).
  bool PastCutOver() const { return past_cut_over_.load(std::memory_order_acquire); }
  // When the current state was entered.
  Clock::SteadyTime entered_at() const;

  // Moves to `to`; Internal error (and no change) if the transition is not
  // legal from the current state.
  Status TransitionTo(State to);
  // Marks the swap as done; only legal in kCuttingOver.
  Status MarkCutOverDone();

 private:
  Clock* const clock_;
  const std::function<void(State, State)> on_change_;
  mutable std::mutex mu_;
  // Atomic so progress/status readers never take the lock; written only
  // under mu_.
  std::atomic<State> state_{State::kInit};
  std::atomic<bool> past_cut_over_{false};
  Clock::SteadyTime entered_at_;  // guarded by mu_
};

}  // namespace osc::migration
