// Small text helpers shared by the throttle parsers. Internal to throttle/.
#pragma once

#include <cctype>
#include <string_view>

namespace osc::throttle::internal {

// `s` without leading and trailing ASCII white space.
inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace osc::throttle::internal
