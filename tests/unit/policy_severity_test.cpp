#include <catch2/catch.hpp>

#include "model/catalog.h"
#include "policy/policy.h"

using namespace preflight;

TEST_CASE("policy severities: overrides, strict escalation, advisory never escalated") {
  Policy policy;
  CheckResult r = warn("http.redirect", "followed", "");
  CHECK(apply_policy(r, policy)->status == Status::kWarn);
  CHECK(apply_policy(fail("http.content-type", "x", ""), policy)->status == Status::kWarn);
  CHECK(apply_policy(fail("crl.signature", "x", ""), policy)->status == Status::kFail);

  policy.escalate_warnings = true;
  CHECK(apply_policy(r, policy)->status == Status::kFail);
  CHECK(apply_policy(fail("http.content-type", "x", ""), policy)->status == Status::kFail);
  CHECK(apply_policy(warn("advisory.responder-id-by-name", "x", ""), policy)->status ==
        Status::kWarn);

  Policy overrides;
  overrides.severity_overrides["crl.signature"] = Severity::kWarning;
  overrides.severity_overrides["http.caching"] = Severity::kError;
  overrides.severity_overrides["http.latency"] = Severity::kOff;
  CHECK(apply_policy(fail("crl.signature", "x", ""), overrides)->status == Status::kWarn);
  CHECK(apply_policy(fail("http.caching", "x", ""), overrides)->status == Status::kFail);
  CHECK_FALSE(apply_policy(fail("http.latency", "x", ""), overrides).has_value());
  const auto passed = apply_policy(pass("crl.signature", "ok"), overrides);
  CHECK(passed->status == Status::kPass);
  CHECK(passed->severity == Severity::kWarning);
}
