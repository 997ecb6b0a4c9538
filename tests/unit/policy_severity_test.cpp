#include <catch2/catch.hpp>

#include "model/registry.h"
#include "policy/policy.h"

using namespace preflight;

namespace {
constexpr CheckDef kAdvisory{
    "advisory.responder-id-by-name", "test", {}, Severity::kWarning, Impact::kCompliance};
}  // namespace

TEST_CASE("policy severities: overrides, strict escalation, advisory never escalated") {
  Policy policy;
  CheckResult r = warn(checks::kHttpRedirect, "followed", "");
  CHECK(apply_policy(r, policy)->status == Status::kWarn);
  CHECK(apply_policy(fail(checks::kHttpContentType, "x", ""), policy)->status == Status::kWarn);
  CHECK(apply_policy(fail(checks::kCrlSignature, "x", ""), policy)->status == Status::kFail);

  policy.escalate_warnings = true;
  CHECK(apply_policy(r, policy)->status == Status::kFail);
  CHECK(apply_policy(fail(checks::kHttpContentType, "x", ""), policy)->status == Status::kFail);
  CHECK(apply_policy(warn(kAdvisory, "x", ""), policy)->status == Status::kWarn);

  Policy overrides;
  overrides.severity_overrides["crl.signature"] = Severity::kWarning;
  overrides.severity_overrides["http.caching"] = Severity::kError;
  overrides.severity_overrides["http.latency"] = Severity::kOff;
  CHECK(apply_policy(fail(checks::kCrlSignature, "x", ""), overrides)->status == Status::kWarn);
  CHECK(apply_policy(fail(checks::kHttpCaching, "x", ""), overrides)->status == Status::kFail);
  CHECK_FALSE(apply_policy(fail(checks::kHttpLatency, "x", ""), overrides).has_value());
  const auto passed = apply_policy(pass(checks::kCrlSignature, "ok"), overrides);
  CHECK(passed->status == Status::kPass);
  CHECK(passed->severity == Severity::kWarning);
}

TEST_CASE("policy: a failure seen only on POST is a warning unless ocsp.require_post") {
  CheckResult r = fail(checks::kOcspCurrent, "POST only: expired", "");
  r.post_only = true;
  Policy policy;
  CHECK(apply_policy(r, policy)->status == Status::kWarn);
  policy.ocsp_require_post = true;
  CHECK(apply_policy(r, policy)->status == Status::kFail);
  r.post_only = false;
  policy.ocsp_require_post = false;
  CHECK(apply_policy(r, policy)->status == Status::kFail);
}
