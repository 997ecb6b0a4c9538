#include "policy/policy.h"

#include "model/registry.h"

namespace preflight {

Severity Policy::severity_of(std::string_view check) const {
  const bool advisory = is_advisory(check);
  if (auto it = severity_overrides.find(check); it != severity_overrides.end()) {
    if (advisory && it->second == Severity::kError) return Severity::kWarning;
    return it->second;
  }
  if (advisory) return Severity::kWarning;
  const CheckDef* def = find_check(check);
  const Severity base = def != nullptr ? def->severity : Severity::kError;
  if (escalate_warnings && base == Severity::kWarning) return Severity::kError;
  return base;
}

std::optional<CheckResult> apply_policy(CheckResult raw, const Policy& policy) {
  const bool overridden = policy.severity_overrides.contains(raw.check());
  const Severity severity = policy.severity_of(raw.check());
  if (severity == Severity::kOff) return std::nullopt;
  raw.severity = severity;
  const bool advisory = is_advisory(raw.check());
  if (raw.status == Status::kFail && severity == Severity::kWarning) raw.status = Status::kWarn;
  // docs/judgement.md: failures seen only on POST are warnings unless
  // ocsp.require_post (BR 4.9.9 mandates GET only).
  if (raw.status == Status::kFail && raw.post_only && !policy.ocsp_require_post) {
    raw.status = Status::kWarn;
  }
  if (raw.status == Status::kWarn && !advisory &&
      ((overridden && severity == Severity::kError) || policy.escalate_warnings)) {
    raw.status = Status::kFail;
  }
  if (raw.status == Status::kWarn) raw.severity = Severity::kWarning;
  if (raw.status == Status::kFail) raw.severity = Severity::kError;
  return raw;
}

Results apply_policy(Results raw, const Policy& policy) {
  Results out;
  out.reserve(raw.size());
  for (auto& result : raw) {
    if (auto final_result = apply_policy(std::move(result), policy)) {
      out.push_back(std::move(*final_result));
    }
  }
  return out;
}

}  // namespace preflight
