#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/check.h"
#include "util/json.h"
#include "util/time.h"

namespace preflight {

// A vantage point's name (check --vantage, docs/vantage.md): 1 to 64 of
// letters, digits, '.', '-', '_', ':' and '@', so that it is safe as a label
// in every report format and as a file name. Returns why `name` is not one,
// or nullopt.
std::optional<std::string> vantage_name_problem(std::string_view name);

// The default vantage name: this machine's host name, with characters a name
// may not hold replaced by '_'; "unknown" when there is none.
std::string default_vantage();

// merge: one input report, as the merged report lists it.
struct VantageInput {
  std::string vantage;
  std::string source;  // the file or evidence folder it was read from
  std::optional<UnixTime> started_at;
  UnixTime at = 0;
  std::string verdict;  // the input's own verdict
};

// merge: the same URL and path behave differently by vantage point. Shaped
// as the diagnoses of a check report: cause, impact, scope, evidence, fix.
struct VantageDiagnosis {
  std::string id;
  std::string cause;
  Impact impact = Impact::kRelyingParty;
  std::string scope;  // profile, URL and path
  Json evidence;      // per vantage point: status, message, address, proxy
  std::string fix;
};

}  // namespace preflight
