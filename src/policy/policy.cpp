#include "policy/policy.h"

#include <algorithm>

#include "model/registry.h"

namespace preflight {

namespace {

// "BR 7.2 (br)", the rules a failure broke, for the message of a failure the
// policy leaves unjudged.
std::string rules_text(const std::vector<const RuleDef*>& rules) {
  std::string out;
  for (const RuleDef* rule : rules) {
    out += (out.empty() ? "" : ", ") + std::string(rule->citation) + " (" +
           std::string(to_string(rule->source)) + ")";
  }
  return out;
}

}  // namespace

bool Policy::judges(Source source) const {
  return std::ranges::find(sources, source) != sources.end();
}

bool Policy::judges(const CheckDef& check) const {
  // A check without sub-rules (merge.*) follows no PKI source: every policy judges it.
  const auto rules = rules_of(check);
  return rules.empty() ||
         std::ranges::any_of(rules, [&](const RuleDef* r) { return judges(r->source); });
}

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
  // A check none of whose rules the policy's sources hold is not run at all,
  // as one switched off; a failure that breaks only rules outside them leaves
  // the rules the policy holds standing: a pass that says what was not judged.
  if (!policy.judges(*raw.def)) return std::nullopt;
  if ((raw.status == Status::kFail || raw.status == Status::kWarn) && !raw.rules.empty() &&
      std::ranges::none_of(raw.rules, [&](const RuleDef* r) { return policy.judges(r->source); })) {
    raw.message =
        "holds for the policy's sources; not judged: " + rules_text(raw.rules) + ": " + raw.message;
    raw.status = Status::kPass;
    raw.hint.clear();
    raw.impact = raw.def->impact;
  }
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
