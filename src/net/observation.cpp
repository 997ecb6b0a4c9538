#include "net/observation.h"

#include <strings.h>

namespace preflight {

const std::string* Observation::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return &v;
  }
  return nullptr;
}

std::string Observation::connected_to() const {
  if (primary_ip.empty()) return {};
  const bool v6 = primary_ip.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + primary_ip + "]" : primary_ip;
  return primary_port > 0 ? host + ":" + std::to_string(primary_port) : host;
}

}  // namespace preflight
