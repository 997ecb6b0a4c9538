#pragma once

#include <span>
#include <string_view>

#include "model/result.h"

namespace preflight {

// One entry per check id of SPEC §4. Ids are stable: reports, policies and
// tests refer to them. `citation` names the rule in REQUIREMENTS.md terms.
struct CheckInfo {
  std::string_view id;
  std::string_view summary;
  std::string_view citation;
  // Severity a failure has unless the policy overrides it. Checks that SPEC
  // §4 marks "(warning)" default to kWarning.
  Severity default_severity;
};

std::span<const CheckInfo> check_catalog();
const CheckInfo* find_check(std::string_view id);
bool is_advisory(std::string_view id);  // "advisory.*": at most warnings, never escalated

}  // namespace preflight
