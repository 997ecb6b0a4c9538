#pragma once

#include <string>

#include "profile/profile.h"

namespace preflight {

// SHA-256 (lowercase hex) over a canonical form of what a profile asserts:
// its name, policy, issuer, SubCA identity and URLs, issued URLs and probes,
// controls and disclosure. Reports from several vantage points carry it so
// that `merge` can tell they judged the same profile (docs/vantage.md).
//
// The canonical form is built from the loaded profile, not from its text:
// YAML key order, comments, quoting, block or flow style and where the named
// files lie do not change the digest. Named files count by content: a
// certificate, tbs, CSR or key by its DER (so PEM or DER of the same
// certificate give one digest), a policy given as a file by its bytes.
// `paths` is left out: each vantage point reaches the URLs its own way.
std::string profile_digest(const Profile& profile);

}  // namespace preflight
