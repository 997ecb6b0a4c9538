#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "checks/http_checks.h"
#include "model/evidence_table.h"
#include "profile/profile.h"

namespace preflight {

BodyKind body_kind(Artifact artifact);

// More requests than this in one run is a profile mistake (URLs x paths
// multiplied), not a check: refused before any is made (docs/security.md).
constexpr std::size_t kMaxPlannedRequests = 100000;

// The evidence table of a run before anything is fetched: endpoints ×
// selected paths × (OCSP questions × forms), one row each. Throws InputError
// when a --path name matches no path of some profile, or when the plan holds
// more than kMaxPlannedRequests requests.
EvidenceTable make_plan(const std::vector<Profile>& profiles,
                        const std::vector<std::string>& only_paths);

}  // namespace preflight
