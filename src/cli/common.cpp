#include "cli/common.h"

#include "policy/loader.h"
#include "util/input_error.h"

namespace preflight::cli {

UnixTime evaluation_time(const std::string& at_option) {
  if (at_option.empty()) return now_utc();
  const auto at = parse_rfc3339(at_option);
  if (!at) {
    throw InputError({},
                     "--at " + at_option + ": not an RFC 3339 time (e.g. 2026-11-27T10:00:00Z)");
  }
  return *at;
}

Policy select_policy(const std::string& policy_option, std::span<const Profile> profiles) {
  if (!policy_option.empty()) return load_policy(policy_option, ".");
  const Profile* chosen = nullptr;
  for (const auto& profile : profiles) {
    if (!profile.policy) continue;
    if (chosen != nullptr && *chosen->policy != *profile.policy) {
      throw InputError(profile.policy_pos, "policy " + *profile.policy + " differs from " +
                                               *chosen->policy + " in " + chosen->file +
                                               ": one run judges with one policy; pass --policy");
    }
    chosen = &profile;
  }
  if (chosen == nullptr) return load_policy("cabf-tls-br", ".");
  try {
    return load_policy(*chosen->policy, chosen->dir);
  } catch (const InputError& e) {
    // A lookup error has no position of its own: point at the profile's key.
    if (!e.pos().file.empty()) throw;
    throw InputError(chosen->policy_pos, std::string("policy: ") + e.what());
  }
}

}  // namespace preflight::cli
