#pragma once

#include <string>
#include <vector>

#include "policy/policy.h"

namespace preflight {

// Folder holding the shipped policies (policies/*.yaml in the source tree):
// $SUBCA_PREFLIGHT_POLICY_DIR if set, else share/subca-preflight/policies
// next to the binary's bin/ folder (empty when the binary's own path is unknown).
std::string policy_dir();

// Names of shipped policies, sorted (file stems of policy_dir()/*.yaml).
std::vector<std::string> shipped_policies();

// `name_or_path` is a shipped policy name ("cabf-tls-br") or a path to a
// policy file (relative paths resolve against base_dir). Throws InputError
// with file:line:col on any error in the policy file.
Policy load_policy(const std::string& name_or_path, const std::string& base_dir = ".");

}  // namespace preflight
