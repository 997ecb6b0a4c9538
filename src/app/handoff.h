#pragma once

#include <string>
#include <vector>

#include "profile/profile.h"

namespace preflight {

// `handoff PROFILE --path NAME --out DIR` (docs/vantage.md): what a CA gives
// the customer who runs the proxy of one path, so that the customer can run
// the same check from behind it and send the evidence back for `merge`.
struct HandoffOptions {
  std::string path;     // the path the customer runs
  std::string vantage;  // the vantage name the customer's run records
  std::string out;      // a new or empty folder
};

struct HandoffResult {
  std::vector<std::string> files;  // written, relative to `out`
  std::vector<std::string> notes;  // what was left out and why
};

// Writes into `out`: profile.yaml with only that path (and the reference
// path when a plain fetch reaches it from anywhere), the public certificates,
// CSR or public key it names (re-encoded from what was parsed: never a copy
// of a file, so no private key travels), ALLOWLIST.txt (model/allowlist.h)
// and README.md with the one command to run. Nothing of the other paths is
// written: their headers, proxy credentials and connect_to addresses stay
// with the CA. Throws InputError for an unknown path or a folder that is not
// empty.
// `profiles` holds the one profile (as the plan takes it).
HandoffResult write_handoff(const std::vector<Profile>& profiles, const HandoffOptions& options);

}  // namespace preflight
