#pragma once

#include <stdexcept>
#include <string>

namespace preflight {

// The run could not finish for a reason that is not in the user's input:
// resources exhausted (memory, disk space, open files) or a write that
// failed after the work was done. The CLI prints what() and exits 3
// (README, exit codes).
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace preflight
