#include "osc/state.h"

#include <string>

namespace osc::migration {

std::string_view ToString(State state) {
  switch (state) {
    case State::kInit: return "init";
    case State::kPreflight: return "preflight";
    case State::kPlanned: return "planned";
    case State::kInstantDdl: return "instant-ddl";
    case State::kCreatingTables: return "creating-tables";
    case State::kStreaming: return "streaming";
    case State::kCopying: return "copying";
    case State::kCatchingUp: return "catching-up";
    case State::kChecksumming: return "checksumming";
    case State::kAwaitingCutOver: return "awaiting-cut-over";
    case State::kCuttingOver: return "cutting-over";
    case State::kDone: return "done";
    case State::kFailed: return "failed";
    case State::kAborted: return "aborted";
  }
  return "unknown";
}

bool IsTerminal(State state) {
  return state == State::kDone || state == State::kPlanned || state == State::kFailed ||
         state == State::kAborted;
}

bool IsLegalTransition(State from, State to) {
  if (IsTerminal(from)) return false;
  if (to == State::kFailed || to == State::kAborted) return true;
  switch (from) {
    case State::kInit: return to == State::kPreflight;
    case State::kPreflight:
      return to == State::kPlanned || to == State::kInstantDdl || to == State::kCreatingTables;
    case State::kInstantDdl: return to == State::kDone || to == State::kCreatingTables;
    case State::kCreatingTables: return to == State::kStreaming;
    case State::kStreaming: return to == State::kCopying;
    case State::kCopying: return to == State::kCatchingUp;
    case State::kCatchingUp: return to == State::kChecksumming || to == State::kAwaitingCutOver;
    case State::kChecksumming: return to == State::kAwaitingCutOver || to == State::kCopying;
    case State::kAwaitingCutOver: return to == State::kCuttingOver;
    case State::kCuttingOver: return to == State::kDone || to == State::kAwaitingCutOver;
    default: return false;
  }
}

StateMachine::StateMachine(Clock* clock, std::function<void(State, State)> on_change)
    : clock_(clock), on_change_(std::move(on_change)), entered_at_(clock->Now()) {}

Clock::SteadyTime StateMachine::entered_at() const {
  std::lock_guard lock(mu_);
  return entered_at_;
}

Status StateMachine::TransitionTo(State to) {
  State from;
  {
    std::lock_guard lock(mu_);
    from = state_.load(std::memory_order_relaxed);
    if (!IsLegalTransition(from, to)) {
      return Status::Internal("illegal state transition " + std::string(ToString(from)) + " -> " +
                              std::string(ToString(to)));
    }
    if (to == State::kDone && from == State::kCuttingOver && !past_cut_over_.load()) {
      return Status::Internal("cutting-over -> done without a completed swap");
    }
    state_.store(to, std::memory_order_release);
    entered_at_ = clock_->Now();
  }
  if (on_change_) on_change_(from, to);
  return Status::Ok();
}

Status StateMachine::MarkCutOverDone() {
  std::lock_guard lock(mu_);
  if (state_.load(std::memory_order_relaxed) != State::kCuttingOver) {
    return Status::Internal("swap marked done outside the cutting-over state");
  }
  past_cut_over_.store(true, std::memory_order_release);
  return Status::Ok();
}

}  // namespace osc::migration
