#pragma once

#include <optional>

#include "model/result.h"
#include "policy/policy.h"
#include "profile/profile.h"
#include "util/time.h"

namespace preflight {

struct ProfileCheckContext {
  UnixTime at = 0;
  // Known after fetching: issued.ocsp answers were signed by the SubCA key
  // itself (then its keyUsage needs digitalSignature, BR 7.1.2.10.7).
  // nullopt (lint): not known.
  std::optional<bool> subca_signs_ocsp_directly;
};

// profile.urls, profile.identity, profile.probes, profile.urls-match,
// profile.disclosure (docs/checks.md). Raw results (apply_policy not yet applied);
// `profile` field filled with profile.name.
Results check_profile(const Profile& profile, const Policy& policy,
                      const ProfileCheckContext& context);

}  // namespace preflight
