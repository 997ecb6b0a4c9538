#pragma once

#include <string>

namespace preflight {

// Where something was written; line/column are 1-based, 0 when the value
// did not come from the profile text (e.g. a URL read from a certificate).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  std::string to_string() const;  // "file:line:col" (or just "file")
};

}  // namespace preflight
