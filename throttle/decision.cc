#include "throttle/decision.h"

#include <utility>

namespace osc::throttle {

std::string_view ToString(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kGo:
      return "go";
    case DecisionKind::kThrottle:
      return "throttle";
    case DecisionKind::kAbort:
      return "abort";
  }
  return "unknown";
}

Decision Decision::Throttle(std::string why) {
  Decision d;
  d.kind = DecisionKind::kThrottle;
  d.reason = std::move(why);
  return d;
}

Decision Decision::Abort(std::string why) {
  Decision d;
  d.kind = DecisionKind::kAbort;
  d.reason = std::move(why);
  return d;
}

Decision Decision::Unavailable(std::string why) {
  Decision d = Throttle(std::move(why));
  d.unavailable = true;
  return d;
}

std::string Decision::ToString() const {
  std::string out(throttle::ToString(kind));
  if (!source.empty()) {
    out += " [";
    out += source;
    out += "]";
  }
  if (!reason.empty()) {
    out += ": ";
    out += reason;
  }
  return out;
}

}  // namespace osc::throttle
