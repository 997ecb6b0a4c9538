#include "net/observation.h"

#include <strings.h>

namespace preflight {

const std::string* Observation::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return &v;
  }
  return nullptr;
}

}  // namespace preflight
