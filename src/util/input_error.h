#pragma once

#include <stdexcept>
#include <string>

#include "util/source_pos.h"

namespace preflight {

// An error the user can fix in their input (profile, policy, file, option).
// The CLI prints what() and exits 2. what() is "file:line:col: message".
class InputError : public std::runtime_error {
 public:
  InputError(const SourcePos& pos, const std::string& message)
      : std::runtime_error(pos.file.empty() ? message : pos.to_string() + ": " + message),
        pos_(pos) {}
  const SourcePos& pos() const { return pos_; }

 private:
  SourcePos pos_;
};

}  // namespace preflight
