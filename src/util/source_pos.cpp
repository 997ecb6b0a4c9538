#include "util/source_pos.h"

namespace preflight {

std::string SourcePos::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace preflight
