#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "util/time.h"

namespace preflight {

// Thresholds and severities (docs/cli.md, policies). Loaded from policies/*.yaml; the
// defaults below are the cabf-tls-br values so that unit tests of the pure
// checks do not depend on files.
struct Policy {
  std::string name = "cabf-tls-br";
  std::string source;  // file the policy was read from, if any

  Duration http_timeout{0, 10};
  std::vector<std::string> http_schemes{"http"};
  Duration crl_issued_max_validity{0, 10 * 86400};
  Duration crl_ca_max_validity{12, 0};
  Duration crl_issued_max_age{0, 7 * 86400};
  Duration crl_ca_max_age{12, 0};
  Duration crl_min_remaining{0, 4 * 3600};
  Duration ocsp_min_validity{0, 8 * 3600};
  Duration ocsp_max_validity{0, 10 * 86400};
  Duration ocsp_ca_max_age{12, 0};
  Duration ocsp_max_age{0, 4 * 86400};
  Duration clock_skew{0, 5 * 60};
  bool ocsp_require_post = false;
  std::uint64_t max_body = 256ull << 20;
  std::uint64_t max_in_flight = 512ull << 20;

  // The rule families judged (`sources:`, docs/judgement.md); all by default.
  std::vector<Source> sources{std::begin(kAllSources), std::end(kAllSources)};

  // strict: every warning-severity check becomes an error (advisory.* excepted).
  bool escalate_warnings = false;
  std::map<std::string, Severity, std::less<>> severity_overrides;

  // Severity of a check id after overrides (its declared default otherwise).
  Severity severity_of(std::string_view check) const;
  bool judges(Source source) const;
  // Whether any sub-rule of the check is from an enabled source (a check that
  // declares none always is).
  bool judges(const CheckDef& check) const;
};

// Final status and severity of a raw check result under the policy; nullopt
// when the check is switched off (docs/judgement.md: left out of results).
std::optional<CheckResult> apply_policy(CheckResult raw, const Policy& policy);
// The same for every result, dropping those switched off.
Results apply_policy(Results raw, const Policy& policy);

}  // namespace preflight
