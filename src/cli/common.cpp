#include "cli/common.h"

#include <algorithm>
#include <cctype>

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

Redactor redactor_for(std::span<const Profile> profiles) {
  Redactor redactor;
  for (const std::string& proxy : environment_proxies()) redactor.add_url(proxy);
  for (const Profile& p : profiles) {
    for (const auto& [role, set] : p.role_urls) {
      for (const auto* urls : {&set.urls, &set.listed}) {
        for (const LocatedUrl& u : *urls) redactor.add_url(u.url);
      }
    }
    for (const auto* urls : {&p.controls, &p.full_crls, &p.partitioned_crls}) {
      for (const LocatedUrl& u : *urls) redactor.add_url(u.url);
    }
    for (const Probe& probe : p.probes) {
      if (!probe.certificate) continue;
      for (const auto* urls : {&probe.certificate->crl_urls(), &probe.certificate->ocsp_urls(),
                               &probe.certificate->ca_issuers_urls()}) {
        for (const std::string& url : *urls) redactor.add_url(url);
      }
    }
    for (const PathSpec& path : p.paths) {
      if (path.proxy) redactor.add_url(*path.proxy);
      for (const auto& [name, value] : path.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto& open = path.public_headers;
        if (std::find(open.begin(), open.end(), lower) == open.end()) {
          redactor.add_header(name, value);
        }
      }
    }
  }
  return redactor;
}

}  // namespace preflight::cli
