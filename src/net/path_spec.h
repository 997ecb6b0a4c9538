#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/source_pos.h"

namespace preflight {

enum class IpFamily { kAny, kV4, kV6 };

// One network path a profile names (its `paths` list): how the fetcher
// reaches the URLs, as curl options.
struct PathSpec {
  std::string name;
  SourcePos pos;
  std::vector<std::string> resolve;     // curl --resolve "host:port:addr"
  std::vector<std::string> connect_to;  // curl --connect-to "host:port:host2:port2"
  std::optional<std::string> proxy;
  std::vector<std::pair<std::string, std::string>> headers;
  // Lower-case names of headers whose values are not secret: the values are
  // shown in reports instead of REDACTED (util/redact.h).
  std::vector<std::string> public_headers;
  std::optional<std::string> user_agent;
  IpFamily ip = IpFamily::kAny;
  bool reference = false;
  // docs/judgement.md: the environment's proxy variables apply only here.
  bool uses_environment_proxy() const { return !proxy && resolve.empty() && connect_to.empty(); }
};

}  // namespace preflight
