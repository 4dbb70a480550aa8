#include "binlog/event_source.h"

namespace osc::binlog {

std::string BinlogPosition::ToString() const { return file + ":" + std::to_string(offset); }

std::string Checkpoint::ToString() const {
  std::string out = restart.ToString();
  if (!at_boundary()) out += "+" + std::to_string(handled - restart.offset);
  return out;
}

}  // namespace osc::binlog
