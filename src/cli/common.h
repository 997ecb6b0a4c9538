#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "profile/profile.h"
#include "util/redact.h"
#include "util/time.h"

namespace preflight::cli {

// --at: RFC 3339; empty → the moment the run starts, once (docs/judgement.md).
UnixTime evaluation_time(const std::string& at_option);

// --policy wins; otherwise the profiles' `policy` (they must agree), else
// the default cabf-tls-br. Throws InputError.
Policy select_policy(const std::string& policy_option, std::span<const Profile> profiles);

// Every secret the profiles and the environment hold: the userinfo of proxy
// URLs (profile and *_proxy variables) and of every endpoint URL, typed or
// read from a certificate, and the values of path headers not listed in
// public_headers.
Redactor redactor_for(std::span<const Profile> profiles);

}  // namespace preflight::cli
