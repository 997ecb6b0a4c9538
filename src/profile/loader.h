#pragma once

#include <string>

#include "profile/profile.h"

namespace preflight {

// Reads a version-1 profile (profiles/tls-issuing-ca.yaml) and everything it names (certificates,
// tbs, csr, public key, probe certificates). Relative paths resolve against
// the profile's folder. Throws InputError ("file:line:col: message") for every
// user error: YAML syntax, unknown key (with "did you mean"), wrong type,
// missing required key, bad version, unreadable/unparsable files, URLs that
// do not parse, full_crls with partitioned_crls, two reference paths, bad
// resolve/connect_to syntax, etc.
Profile load_profile(const std::string& path);

}  // namespace preflight
